"""The semantics of unknown answers, on random catalogs of small expressions (hypothesis).

An unknown input stands for every value of its domain. For random conditions and amounts over
household, person and aggregate variables, and random households with missing answers:
(a) a decided result never changes when a missing answer is given;
(b) every deciding variable listed has an answer that changes the scheme's status or amount
    (alone, or with another listed one when no single answer can);
    and no unlisted missing input can change it alone (the list is complete);
(c) the one-household (Python) and population (Polars) back-ends agree.
"""

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from solidarite.rules.catalog import Catalog, load_catalog
from tests.rules.minicatalog import COMMUNES, ORGANISATIONS

DATE = dt.date(2024, 6, 1)
VARIABLES = """\
variables:
  - {name: hb, entity: household, type: bool, label: {fr: hb, en: hb}, question: {fr: "?", en: "?"}}
  - {name: hn, entity: household, type: int, minimum: 0, maximum: 6, label: {fr: hn, en: hn}, question: {fr: "?", en: "?"}}
  - {name: he, entity: household, type: enum, values: [a, b, c], label: {fr: he, en: he}, question: {fr: "?", en: "?"}}
  - {name: pb, entity: person, type: bool, label: {fr: pb, en: pb}, question: {fr: "?", en: "?"}}
  - {name: pn, entity: person, type: int, minimum: 0, maximum: 6, label: {fr: pn, en: pn}, question: {fr: "?", en: "?"}}
  - {name: pf, entity: person, type: float, minimum: 0, maximum: 100, label: {fr: pf, en: pf}, question: {fr: "?", en: "?"}}
  - {name: cnt, entity: household, type: int, label: {fr: cnt, en: cnt}, aggregate: {function: count, where: pb}}
  - {name: tot, entity: household, type: float, label: {fr: tot, en: tot}, aggregate: {function: sum, of: pf}}
  - {name: mx, entity: household, type: int, label: {fr: mx, en: mx}, aggregate: {function: max, of: pn, where: pn >= 2}}
"""  # noqa: E501
DOMAINS: dict[str, list[Any]] = {
    "hb": [False, True],
    "hn": list(range(7)),
    "he": ["a", "b", "c"],
    "pb": [False, True],
    "pn": list(range(7)),
    "pf": [0.0, 12.5, 50.0, 99.0, 100.0],
}
HOUSEHOLD_INPUTS = ("hb", "hn", "he")
PERSON_INPUTS = ("pb", "pn", "pf")

# --- random expressions ---------------------------------------------------------------------
NUMBERS = st.sampled_from(["hn", "cnt", "tot", "pn", "pf", "COALESCE(mx, 0)", "mx"])
HOUSEHOLD_NUMBERS = st.sampled_from(["hn", "cnt", "tot", "COALESCE(mx, 0)", "mx"])
CONSTANTS = st.sampled_from(["0", "1", "2", "3", "5", "50", "2.5"])


def numbers(person: bool) -> st.SearchStrategy[str]:
    leaves = st.one_of(NUMBERS if person else HOUSEHOLD_NUMBERS, CONSTANTS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from("+-*"), inner),
            st.builds(lambda a: f"({a} / 2)", inner),
            st.builds(lambda a, b: f"GREATEST({a}, {b})", inner, inner),
            st.builds(lambda a, b: f"LEAST({a}, {b})", inner, inner),
            st.builds(lambda a, b: f"COALESCE({a}, {b})", inner, inner),
            st.builds(
                lambda c, a, b: f"CASE WHEN {c} THEN {a} ELSE {b} END",
                booleans_flat(person),
                inner,
                inner,
            ),
        )

    return st.recursive(leaves, extend, max_leaves=4)


def booleans_flat(person: bool) -> st.SearchStrategy[str]:
    variables = ["hb", "pb"] if person else ["hb"]
    comparisons = st.builds(
        lambda a, op, b: f"{a} {op} {b}",
        (NUMBERS if person else HOUSEHOLD_NUMBERS),
        st.sampled_from(["<", "<=", "=", "<>", ">", ">="]),
        CONSTANTS,
    )
    return st.one_of(
        st.sampled_from(variables),
        st.sampled_from(["he = 'a'", "he IN ('a', 'b')", "he <> 'c'"]),
        comparisons,
        st.builds(lambda a: f"{a} BETWEEN 1 AND 3", NUMBERS if person else HOUSEHOLD_NUMBERS),
    )


def booleans(person: bool) -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds(lambda a, b: f"({a} AND {b})", inner, inner),
            st.builds(lambda a, b: f"({a} OR {b})", inner, inner),
            st.builds(lambda a: f"NOT ({a})", inner),
            st.builds(lambda a, b: f"{a} > {b}", numbers(person), numbers(person)),
        )

    return st.recursive(booleans_flat(person), extend, max_leaves=4)


def scheme_text(entity: str, condition: str, amount: str) -> str:
    return f"""\
id: s_{entity}
version: 1
title: {{fr: S, en: S}}
summary: {{fr: S, en: S}}
provider: ccas-test
territory: {{codes: ["25056"], label: {{fr: Besançon, en: Besançon}}}}
entity: {entity}
periodicity: monthly
start: 2020-01-01
conditions:
  - {{id: c, label: {{fr: C, en: C}}, expression: "{condition}"}}
amount: {{expression: "{amount}"}}
intake: {{mode: application}}
how_to_apply: {{fr: Au CCAS, en: At the CCAS}}
sources: [{{seed: 000_b3d004416527df4a.txt, section: Test}}]
"""


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    schemes = {
        "s_household": scheme_text("household", draw(booleans(False)), draw(numbers(False))),
        "s_person": scheme_text("person", draw(booleans(True)), draw(numbers(True))),
    }
    note(f"household scheme: {schemes['s_household'].splitlines()[11:13]}")
    note(f"person scheme: {schemes['s_person'].splitlines()[11:13]}")
    return build_catalog(schemes)


def build_catalog(schemes: dict[str, str]) -> Catalog:
    """A catalog of these schemes (file name -> YAML) over this module's variables."""
    root = Path(tempfile.mkdtemp(prefix="catalog-"))
    (root / "schemes").mkdir()
    (root / "territory").mkdir()
    (root / "variables.yaml").write_text(VARIABLES, encoding="utf-8")
    (root / "organisations.yaml").write_text(ORGANISATIONS, encoding="utf-8")
    (root / "territory" / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    for name, text in schemes.items():
        (root / "schemes" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_catalog(root)


def _answers(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {}, optional={name: st.none() | st.sampled_from(DOMAINS[name]) for name in names}
    )


HOUSEHOLDS = st.fixed_dictionaries(
    {
        "household": _answers(HOUSEHOLD_INPUTS),
        "persons": st.lists(_answers(PERSON_INPUTS), min_size=0, max_size=3),
    }
)
SETTINGS = settings(
    max_examples=int(os.environ.get("SOLIDARITE_EXAMPLES", "30")),  # more for a deep search
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _signatures(catalog: Catalog, household: dict[str, Any]) -> dict[Any, Any]:
    result = catalog.evaluate(household, DATE, questions=False)
    return {(r.scheme_id, r.person_index): (r.eligible, r.amount) for r in result.results}


def _with(household: dict[str, Any], slot: tuple[str, int | None], value: Any) -> dict[str, Any]:
    changed = {"household": dict(household["household"]), "persons": []}
    changed["persons"] = [dict(p) for p in household["persons"]]
    name, member = slot
    target = changed["household"] if member is None else changed["persons"][member]
    target[name] = value
    return changed


def _missing(household: dict[str, Any]) -> list[tuple[str, int | None]]:
    slots: list[tuple[str, int | None]] = [
        (n, None) for n in HOUSEHOLD_INPUTS if household["household"].get(n) is None
    ]
    for index, person in enumerate(household["persons"]):
        slots += [(n, index) for n in PERSON_INPUTS if person.get(n) is None]
    return slots


@SETTINGS
@given(catalog=catalogs(), household=HOUSEHOLDS, data=st.data())
def test_a_decided_result_never_changes_when_an_answer_is_given(
    catalog: Catalog, household: dict[str, Any], data: st.DataObject
) -> None:
    before = catalog.evaluate(household, DATE)
    answered = household
    for slot in _missing(household):
        answered = _with(answered, slot, data.draw(st.sampled_from(DOMAINS[slot[0]])))
    after = {(r.scheme_id, r.person_index): r for r in catalog.evaluate(answered, DATE).results}
    for old in before.results:
        new = after[(old.scheme_id, old.person_index)]
        assert new.eligible is not None
        if old.eligible is not None:
            assert new.eligible == old.eligible, (old.scheme_id, old.conditions)
        if old.amount is not None:
            assert new.amount == pytest.approx(old.amount), old.scheme_id
        if old.amount_range is not None and new.amount is not None:
            assert old.amount_range[0] - 0.01 <= new.amount <= old.amount_range[1] + 0.01


@SETTINGS
@given(catalog=catalogs(), household=HOUSEHOLDS)
def test_the_deciding_variables_are_exactly_those_that_can_change_the_answer(
    catalog: Catalog, household: dict[str, Any]
) -> None:
    result = catalog.evaluate(household, DATE)
    before = _signatures(catalog, household)
    missing = _missing(household)
    # Our grid of answers, and the engine's own (which adds the constants' neighbours).
    grid = {
        name: sorted(set(DOMAINS[name]) | set(catalog.space.probes[name]), key=str)
        for name in DOMAINS
    }
    trials = {
        (slot, value): _signatures(catalog, _with(household, slot, value))
        for slot in missing
        for value in grid[slot[0]]
    }
    for item in result.results:
        key = (item.scheme_id, item.person_index)
        changes_alone = {
            slot[0]
            for slot in missing
            if any(trials[(slot, value)][key] != before[key] for value in grid[slot[0]])
        }
        listed = set(item.unknown_variables)
        if changes_alone:
            assert listed == changes_alone, (key, item.conditions)
            continue
        for name in listed:  # the pair fallback: each listed one changes it with another
            assert any(
                _signatures(catalog, _with(_with(household, first, a), second, b))[key]
                != before[key]
                for first, second in itertools.permutations(missing, 2)
                if first[0] == name
                for a in grid[first[0]]
                for b in grid[second[0]]
            ), (key, name)


@SETTINGS
@given(catalog=catalogs(), households=st.lists(HOUSEHOLDS, min_size=1, max_size=4))
def test_the_python_and_polars_back_ends_agree(
    catalog: Catalog, households: list[dict[str, Any]]
) -> None:
    homes = pl.DataFrame(
        [{"household_id": i, **h["household"]} for i, h in enumerate(households)],
        schema={"household_id": pl.Int64, "hb": pl.Boolean, "hn": pl.Int64, "he": pl.String},
    )
    persons = pl.DataFrame(
        [{"household_id": i, **p} for i, h in enumerate(households) for p in h["persons"]],
        schema={"household_id": pl.Int64, "pb": pl.Boolean, "pn": pl.Int64, "pf": pl.Float64},
    )
    frame = catalog.evaluate_population(homes, persons, DATE)
    for index, household in enumerate(households):
        note(f"household {index}: {household}")
        row = frame.row(index, named=True)
        alone = catalog.evaluate(household, DATE)
        home = alone.get("s_household")
        assert (row["s_household__eligible"], row["s_household__amount"]) == (
            home.eligible,
            pytest.approx(home.amount) if home.amount is not None else None,
        )
        members = [r for r in alone.results if r.scheme_id == "s_person"]
        statuses = [r.eligible for r in members]
        expected = True if True in statuses else (None if None in statuses else False)
        assert row["s_person__eligible"] == expected
        assert row["s_person__beneficiaries"] == statuses.count(True)
        ranges = [r.amount_range or (0.0, 0.0) for r in members]
        low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        if abs(high - low) < 0.005:
            assert row["s_person__amount"] == pytest.approx(low)
        else:
            assert row["s_person__amount"] is None


COMPLETE = st.fixed_dictionaries(
    {
        "household": st.fixed_dictionaries(
            {name: st.sampled_from(DOMAINS[name]) for name in HOUSEHOLD_INPUTS}
        ),
        "persons": st.lists(
            st.fixed_dictionaries({name: st.sampled_from(DOMAINS[name]) for name in PERSON_INPUTS}),
            max_size=3,
        ),
    }
)


@SETTINGS
@given(catalog=catalogs(), household=COMPLETE)
def test_the_compiled_fast_path_gives_the_interval_engines_json(
    catalog: Catalog, household: dict[str, Any]
) -> None:
    """Every answer known: the compiled function and the interval engine say the same, to the
    explanation."""
    note(f"household: {household}")
    fast = catalog.evaluate(household, DATE).to_dict()
    slow = catalog.evaluate(household, DATE, fast=False).to_dict()
    assert fast == slow
