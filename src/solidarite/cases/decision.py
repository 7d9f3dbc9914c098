"""The eligibility decision's questions: the inputs the scheme reads, asked of the person."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from solidarite.cases.models import CaseFile
from solidarite.rules.household import needed_schemes, relevant_inputs
from solidarite.rules.model import AmountSpec
from solidarite.rules.outcomes import age_at
from solidarite.rules.results import SchemeResult
from solidarite.rules.territory import OTHER
from solidarite.schemes.services import get_catalog, translated
from solidarite.simulator.questions import Question

KNOWN = frozenset({"age", "age_mois", "date_naissance", "role", "commune_residence"})


def decision_questions(file: CaseFile) -> list[Question]:
    """The scheme's own questions first, then those of the national rights it reads (the RSA
    behind "no RSA"): answered, they let the engine check the condition rather than ask it."""
    catalog = get_catalog()
    scheme = catalog.schemes[file.scheme_id]
    own = sorted(scheme.inputs - KNOWN)
    behind = sorted(relevant_inputs(catalog.schemes, file.scheme_id) - KNOWN - set(own))
    return [
        Question(
            catalog.variables.by_name[name],
            0 if catalog.variables.by_name[name].entity == "person" else None,
        )
        for name in (*own, *behind)
    ]


def rights_questions(file: CaseFile) -> frozenset[str]:
    """The questions asked only for the national rights: optional ("Je ne sais pas")."""
    catalog = get_catalog()
    return frozenset(
        relevant_inputs(catalog.schemes, file.scheme_id)
        - KNOWN
        - catalog.schemes[file.scheme_id].inputs
    )


def evaluate_situation(scheme_id: str, situation: dict[str, Any], on: dt.date) -> SchemeResult:
    return get_catalog().evaluate(situation, on, only=[scheme_id]).get(scheme_id, 0)


def evaluate_months(
    scheme_id: str, situation: dict[str, Any], dates: list[dt.date]
) -> list[SchemeResult]:
    """The scheme's result at each date, evaluated once per distinct period: dates with the
    same parameter values, the same schemes in force and the same ages (in years, or in
    months when a scheme read reads them) share one evaluation. A contract's twelve months
    usually need one or two (a revaluation in April, a birthday)."""
    catalog = get_catalog()
    persons = situation.get("persons", [])
    # The national rights behind an answered "receives RSA" are not read (evaluate(only=)
    # leaves them out too): their revaluations do not start a new period.
    answered = frozenset(
        v.name
        for v in catalog.variables.by_name.values()
        if v.spec.when_unanswered and persons and all(p.get(v.name) is not None for p in persons)
    )
    needed = sorted(needed_schemes(catalog.schemes, {scheme_id}, answered))
    inputs = relevant_inputs(catalog.schemes, scheme_id)
    months = any(
        v.spec.age_of is not None and v.spec.age_of.unit == "months" and v.name in inputs
        for v in catalog.variables.by_name.values()
    )
    births = [
        dt.date.fromisoformat(str(person["date_naissance"]))
        for person in persons
        if person.get("date_naissance")
    ]
    found: dict[str, SchemeResult] = {}
    results = []
    for date in dates:
        values = catalog.values_at(date, {})
        ages = [age_at(min(birth, date), date) for birth in births]
        key = repr(
            (
                [(s, sorted(values[s].items())) for s in needed],
                [catalog.schemes[s].in_force(date) for s in needed],
                [age if months else age[0] for age in ages],
            )
        )
        if key not in found:
            found[key] = evaluate_situation(scheme_id, situation, date)
        results.append(found[key])
    return results


@dataclass(frozen=True)
class NationalRight:
    """One national right as the case worker reads it beside the decision."""

    scheme_id: str
    title: str
    eligible: bool | None
    amount: float | None
    contact: str
    contribution: bool  # the amount is what the household pays (the CSS), 0 when free


def _is_contribution(amount: AmountSpec | None) -> bool:
    return amount is not None and amount.kind == "contribution"


def check_situation(
    scheme_id: str, situation: dict[str, Any], on: dt.date
) -> tuple[SchemeResult, list[NationalRight]]:
    """The scheme's answer and the person's national rights, from one evaluation."""
    catalog = get_catalog()
    result = catalog.evaluate(situation, on, questions=False)
    rights = [
        NationalRight(
            item.scheme_id,
            translated(catalog.schemes[item.scheme_id].spec.title),
            item.eligible,
            item.amount,
            catalog.schemes[item.scheme_id].spec.contact or "",
            _is_contribution(catalog.schemes[item.scheme_id].spec.amount),
        )
        for item in result.results
        if catalog.schemes[item.scheme_id].spec.scope == "national"
        and item.person_index in (None, 0)
    ]
    return result.get(scheme_id, 0), rights


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
