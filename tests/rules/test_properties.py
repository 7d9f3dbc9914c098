"""Properties of the engine on the project's catalog (hypothesis):
one household evaluated alone agrees with the same household inside a population, and answering
an unknown input never flips a decided result (but for the answered-else-computed inputs, whose
answer overrules what the engine computes)."""

import datetime as dt
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.variables import Variable

CATALOG = load_catalog(CATALOG_DIR)
DATES = st.sampled_from([dt.date(2020, 6, 1), dt.date(2021, 6, 1), dt.date(2024, 3, 1)])


def _value(variable: Variable) -> st.SearchStrategy[Any]:
    spec = variable.spec
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        assert spec.values is not None
        return st.sampled_from(spec.values)
    if spec.type == "commune":
        return st.sampled_from(sorted(CATALOG.communes.codes))
    if spec.type == "date":
        return st.dates(dt.date(1920, 1, 1), dt.date(2020, 5, 31))
    if spec.name == "age":
        return st.integers(0, 100)
    if spec.type == "int":
        return st.integers(0, 240)
    return st.sampled_from([0.0, 1.0, 500.0, 964.0, 965.0, 1102.0, 1103.0, 2500.0])


def _answers(entity: str, known_only: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    inputs = CATALOG.variables.inputs(entity)
    return st.fixed_dictionaries(
        {},
        optional={v.name: (_value(v) if known_only else st.none() | _value(v)) for v in inputs},
    )


def _one_age(person: dict[str, Any]) -> dict[str, Any]:
    """A birth date or an age, not both (both must agree, which random draws would not)."""
    if person.get("date_naissance") is not None:
        person.pop("age", None)
    return person


HOUSEHOLDS = st.fixed_dictionaries(
    {
        "household": _answers("household"),
        "persons": st.lists(_answers("person").map(_one_age), max_size=4),
    }
)


def _population(households: list[dict[str, Any]], catalog: Catalog) -> tuple[pl.DataFrame, ...]:
    household_inputs = catalog.variables.inputs("household")
    person_inputs = catalog.variables.inputs("person")
    rows = [
        {"household_id": i, **{v.name: h["household"].get(v.name) for v in household_inputs}}
        for i, h in enumerate(households)
    ]
    members = [
        {"household_id": i, **{v.name: p.get(v.name) for v in person_inputs}}
        for i, h in enumerate(households)
        for p in h["persons"]
    ]
    return (
        pl.DataFrame(
            rows, schema={"household_id": pl.Int64} | {v.name: v.dtype for v in household_inputs}
        ),
        pl.DataFrame(
            members, schema={"household_id": pl.Int64} | {v.name: v.dtype for v in person_inputs}
        ),
    )


LOCAL = sorted(s.id for s in CATALOG.schemes.values() if s.spec.scope == "local")
NATIONAL = sorted(s.id for s in CATALOG.schemes.values() if s.spec.scope == "national")
NATIONAL_DATES = st.sampled_from([dt.date(2024, 6, 1), dt.date(2025, 6, 1), dt.date(2026, 11, 1)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.lists(HOUSEHOLDS, min_size=1, max_size=5), date=DATES)
def test_one_household_and_population_agree(
    households: list[dict[str, Any]], date: dt.date
) -> None:
    _agree(households, date, LOCAL)


# The national schemes' Polars plans are large (docs/performance.md): fewer, smaller draws.
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.lists(HOUSEHOLDS, min_size=1, max_size=3), date=NATIONAL_DATES)
def test_one_household_and_population_agree_on_national_rights(
    households: list[dict[str, Any]], date: dt.date
) -> None:
    _agree(households, date, NATIONAL)


def _agree(households: list[dict[str, Any]], date: dt.date, scheme_ids: list[str]) -> None:
    frame = CATALOG.evaluate_population(
        *_population(households, CATALOG), date=date, only=scheme_ids
    )
    for index, household in enumerate(households):
        alone = CATALOG.evaluate(household, date)
        row = frame.row(index, named=True)
        for scheme in (CATALOG.schemes[scheme_id] for scheme_id in scheme_ids):
            results = [r for r in alone.results if r.scheme_id == scheme.id]
            if scheme.spec.entity == "household":
                eligible, amount = results[0].eligible, results[0].amount
            else:
                statuses = [r.eligible for r in results]
                eligible = True if True in statuses else (None if None in statuses else False)
                amounts = [r.amount for r in results]
                amount = None if None in amounts else sum(a or 0.0 for a in amounts)
                beneficiaries = statuses.count(True)
                assert row[f"{scheme.id}__beneficiaries"] == beneficiaries, (scheme.id, index)
            assert row[f"{scheme.id}__eligible"] == eligible, scheme.id
            if scheme.amount is not None:
                assert row[f"{scheme.id}__amount"] == pytest.approx(amount), scheme.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household=HOUSEHOLDS, date=DATES, data=st.data())
def test_answering_an_unknown_never_flips_a_decided_result(
    household: dict[str, Any], date: dt.date, data: st.DataObject
) -> None:
    before = CATALOG.evaluate(household, date)
    answered = {
        "household": dict(household["household"]),
        "persons": [dict(p) for p in household["persons"]],
    }
    for variable in CATALOG.variables.inputs("household"):
        if answered["household"].get(variable.name) is None:
            answered["household"][variable.name] = data.draw(_value(variable))
    for person in answered["persons"]:
        for variable in CATALOG.variables.inputs("person"):
            if variable.name == "date_naissance" or person.get(variable.name) is not None:
                continue
            if variable.spec.when_unanswered:
                # Answered, else computed: its unknown is the computed value, not every value,
                # so an answer may overrule it (tests/rules/test_answered_else_computed.py).
                continue
            if variable.name == "age" and person.get("date_naissance") is not None:
                continue
            person[variable.name] = data.draw(_value(variable))
    after = CATALOG.evaluate(answered, date)
    assert after.deciding_variables() == ()
    for old, new in zip(before.results, after.results, strict=True):
        assert new.eligible is not None
        if old.eligible is not None:
            assert new.eligible == old.eligible, old.scheme_id
        if old.amount is not None:
            assert new.amount == pytest.approx(old.amount), old.scheme_id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    household=st.fixed_dictionaries(
        {
            "household": _answers("household", known_only=True),
            "persons": st.lists(_answers("person", known_only=True).map(_one_age), max_size=4),
        }
    ),
    date=DATES,
)
def test_the_compiled_fast_path_and_the_interval_engine_agree_on_the_catalog(
    household: dict[str, Any], date: dt.date
) -> None:
    slow = CATALOG.evaluate(household, date, fast=False).to_dict()
    assert CATALOG.evaluate(household, date).to_dict() == slow
    # The API's answer, written without the result objects: the same JSON, byte for byte (keys
    # in the same order), the first time and again from the lines it keeps.
    for _ in range(2):
        assert orjson.dumps(CATALOG.answer(household, date)) == orjson.dumps(slow)
