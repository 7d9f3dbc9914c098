"""The eligibility decision's questions: the inputs the scheme reads, asked of the person."""

import datetime as dt
from typing import Any

from solidarite.cases.models import CaseFile
from solidarite.rules.results import SchemeResult
from solidarite.schemes.services import get_catalog
from solidarite.simulator.questions import Question


def decision_questions(file: CaseFile) -> list[Question]:
    catalog = get_catalog()
    scheme = catalog.schemes[file.scheme_id]
    inputs = sorted(set().union(*(f.inputs for f in scheme.formulas)))
    known = {"age", "commune_residence"}
    return [
        Question(
            catalog.variables.by_name[name],
            0 if catalog.variables.by_name[name].entity == "person" else None,
        )
        for name in inputs
        if name not in known
    ]


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def evaluate_situation(scheme_id: str, situation: dict[str, Any], on: dt.date) -> SchemeResult:
    return get_catalog().evaluate(situation, on).get(scheme_id, 0)


def file_situation(
    file: CaseFile, answers: list[tuple[tuple[str, int | None], Any]], on: dt.date
) -> dict[str, Any]:
    """The household the engine reads, stored with the decision so that the payment schedule can
    be evaluated again at each month's date (a parameter revised at a date applies from then)."""
    catalog = get_catalog()
    communes = catalog.variables.by_name["commune_residence"].spec.values or []
    commune = file.person.commune_code if file.person.commune_code in communes else "autre"
    household: dict[str, Any] = {"commune_residence": commune}
    person: dict[str, Any] = {"age": _age(file.person.birth_date, on)}
    for (name, member), value in answers:
        if value is not None:
            (person if member is not None else household)[name] = value
    return {"household": household, "persons": [person]}
