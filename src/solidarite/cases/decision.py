"""The eligibility decision's questions: the inputs the scheme reads, asked of the person."""

import datetime as dt
from typing import Any

from solidarite.cases.models import CaseFile
from solidarite.rules.results import SchemeResult
from solidarite.rules.territory import OTHER
from solidarite.schemes.services import get_catalog
from solidarite.simulator.questions import Question


def decision_questions(file: CaseFile) -> list[Question]:
    catalog = get_catalog()
    scheme = catalog.schemes[file.scheme_id]
    inputs = sorted(set().union(*(f.inputs for f in scheme.formulas)))
    known = {"age", "age_mois", "date_naissance", "role", "commune_residence"}
    return [
        Question(
            catalog.variables.by_name[name],
            0 if catalog.variables.by_name[name].entity == "person" else None,
        )
        for name in inputs
        if name not in known
    ]


def evaluate_situation(scheme_id: str, situation: dict[str, Any], on: dt.date) -> SchemeResult:
    return get_catalog().evaluate(situation, on).get(scheme_id, 0)


def file_situation(
    file: CaseFile, answers: list[tuple[tuple[str, int | None], Any]], on: dt.date
) -> dict[str, Any]:
    """The household the engine reads, stored with the decision so that the payment schedule can
    be evaluated again at each month's date (a parameter revised at a date applies from then)."""
    catalog = get_catalog()
    codes = catalog.communes.codes
    commune = file.person.commune_code if file.person.commune_code in codes else OTHER
    household: dict[str, Any] = {"commune_residence": commune}
    # The birth date, not an age: re-evaluated at each month's date, the person ages.
    person: dict[str, Any] = {"date_naissance": file.person.birth_date.isoformat()}
    if "role" in catalog.variables.by_name:
        person["role"] = "demandeur"
    for (name, member), value in answers:
        if value is not None:
            (person if member is not None else household)[name] = value
    return {"household": household, "persons": [person]}
