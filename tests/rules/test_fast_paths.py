"""The shortcuts of one household's evaluation give what the long way gives (hypothesis, on the
project's catalog): the compiled function of a part of the catalog, typed on the answers that
part always reads, and the probes of the deciding questions, which evaluate again only what
reads the probed answer."""

import datetime as dt
import math
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules import compiled
from solidarite.rules import household as engine
from solidarite.rules import intervals as iv
from solidarite.rules.compiled_results import shape_of
from solidarite.rules.expressions import parse
from solidarite.rules.inputs import validated
from solidarite.rules.outcomes import Outcome, scheme_lookup
from solidarite.rules.tree import Call, Constant, shared
from tests.rules.test_properties import (
    CATALOG,
    DATES,
    HOUSEHOLDS,
    LOCAL,
    NATIONAL,
    _answers,
    _one_age,
)

# Every answer may be missing (a key left out): the part of the catalog asked for may still
# have all it reads, and the rest of the household is then unknown to the compiled function.
SPARSE = st.fixed_dictionaries(
    {
        "household": _answers("household", known_only=True),
        "persons": st.lists(_answers("person", known_only=True).map(_one_age), max_size=3),
    }
)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(household=SPARSE, date=DATES, scheme_id=st.sampled_from(LOCAL))
def test_a_compiled_part_of_the_catalog_gives_the_interval_engines_json(
    household: dict[str, Any], date: dt.date, scheme_id: str
) -> None:
    fast = CATALOG.evaluate(household, date, only=[scheme_id])
    slow = CATALOG.evaluate(household, date, only=[scheme_id], fast=False)
    assert fast.to_dict() == slow.to_dict()


def test_the_compiled_part_runs_with_unknown_answers_it_does_not_read() -> None:
    """The case the property above is for: a youth aid asked alone, every answer it reads
    given, housing and tax bracket unknown (the national rights read them, not this aid)."""
    household = {
        "household": {"commune_residence": "25056"},
        "persons": [
            {
                "age": 20,
                "revenus_mensuels": 0.0,
                "percoit_rsa": False,
                "percoit_garantie_jeunes": False,
                "percoit_are": False,
            }
        ],
    }
    date = dt.date(2024, 3, 1)
    order = CATALOG._order_for(frozenset({"aide_jeunes_besancon"}), frozenset())
    program = CATALOG._program_for(order)
    answers, persons = validated(CATALOG.models, CATALOG.variables, household, "household")
    values = CATALOG.values_at(date, {})
    unknown = compiled.unknown_answers(CATALOG.variables, answers, persons)
    assert {"statut_logement", "tranche_imposition"} <= unknown
    assert program.applies_to(CATALOG.variables, unknown)  # the compiled function answers
    result = CATALOG.evaluate(household, date, only=["aide_jeunes_besancon"])
    assert result.get("aide_jeunes_besancon", 0).eligible is True
    assert (
        result.get("aide_jeunes_besancon", 0).amount
        == values["aide_jeunes_besancon"]["montant_mensuel"]
    )


@SETTINGS
@given(household=SPARSE)
def test_the_unknown_answers_are_those_missing_where_they_are_read(
    household: dict[str, Any],
) -> None:
    """`unknown_answers` reads each member once; this is its definition, one answer at a time."""
    variables = CATALOG.variables
    answers, persons = validated(CATALOG.models, variables, household, "household")
    expected = {
        name for name, _, _ in variables.answer_fields["household"] if answers.get(name) is None
    }
    births = {birth for _, birth, _ in variables.age_fields}
    ages = {name for name, _, _ in variables.age_fields}
    for name, _, _ in variables.answer_fields["person"]:
        if name not in births | ages and any(p.get(name) is None for p in persons):
            expected.add(name)
    for name, birth, in_years in variables.age_fields:
        if not all(
            p.get(birth) is not None or (in_years and p.get(name) is not None) for p in persons
        ):
            expected.add(name)
    assert compiled.unknown_answers(variables, answers, persons) == expected
    assert expected <= variables.answer_names


def test_the_questions_left_are_the_answers_not_given() -> None:
    """`missing_slots`: an age is not asked when the birth date is given, a birth date is never
    asked (the age is), and any other input is asked when its answer is missing."""
    variables = CATALOG.variables
    persons = [
        {"date_naissance": dt.date(2004, 5, 1)},
        {"age": 45, "percoit_rsa": True},
        {},
    ]
    slots = engine.missing_slots(variables, {"commune_residence": "25056"}, persons)
    asked = {member: {name for name, at in slots if at == member} for member in (None, 0, 1, 2)}
    household_inputs = {name for name, _, _ in variables.answer_fields["household"]}
    assert asked[None] == household_inputs - {"commune_residence"}
    assert not {"age", "age_mois"} & asked[0]
    assert not {"age", "percoit_rsa"} & asked[1]
    assert {"age", "percoit_rsa"} <= asked[2]
    dated = {name for name, _, is_date in variables.answer_fields["person"] if is_date}
    assert dated
    assert not dated & (asked[0] | asked[1] | asked[2])
    assert asked[0] - {"age", "age_mois"} == asked[2] - {"age", "age_mois"}


@st.composite
def _probe(draw: st.DrawFn) -> tuple[dict[str, Any], engine.Slot, Any]:
    household = draw(SPARSE)
    slots = engine.missing_slots(CATALOG.variables, household["household"], household["persons"])
    if not slots:
        household["household"].pop("commune_residence", None)
        slots = [("commune_residence", None)]
    slot = draw(st.sampled_from(slots))
    answer = draw(st.sampled_from(CATALOG.space.probes[slot[0]] or (None,)))
    return household, slot, answer


@SETTINGS
@given(probe=_probe(), date=DATES)
def test_a_probe_evaluated_again_in_part_equals_a_full_evaluation(
    probe: tuple[dict[str, Any], engine.Slot, Any], date: dt.date
) -> None:
    household, slot, answer = probe
    _probe_equals_full_evaluation(household, slot, answer, date)


def test_probing_the_commune_and_an_age_equals_a_full_evaluation() -> None:
    """The two answers that reach furthest: the commune (every territory) and an age in years
    (the age in months that follows it, the aggregates by age)."""
    household = {
        "household": {},
        "persons": [{"revenus_mensuels": 0.0}, {"age": 40, "role": "demandeur"}],
    }
    date = dt.date(2024, 3, 1)
    _probe_equals_full_evaluation(household, ("commune_residence", None), "25056", date)
    _probe_equals_full_evaluation(household, ("commune_residence", None), "21166", date)
    for age in (2, 19, 25, 70):
        _probe_equals_full_evaluation(household, ("age", 0), age, date)


def _probe_equals_full_evaluation(
    household: dict[str, Any], slot: engine.Slot, answer: Any, date: dt.date
) -> None:
    name, member = slot
    answers, persons = validated(CATALOG.models, CATALOG.variables, household, "household")
    values = CATALOG.values_at(date, {})
    order, space, variables = CATALOG.ordered, CATALOG.space, CATALOG.variables
    base = engine.run(variables, order, space, answers, persons, date, values)
    reads = {s.id: engine.relevant_inputs(CATALOG.schemes, s.id) for s in order}
    again = engine.rerun(variables, order, space, base, {slot: answer}, date, values, reads)
    if member is None:
        answers = {**answers, name: answer}
    else:
        persons = [dict(p) for p in persons]
        persons[member][name] = answer
    full = engine.run(variables, order, space, answers, persons, date, values)
    assert again.outcomes == full.outcomes
    assert again.household == full.household
    assert again.persons == full.persons
    # Person schemes evaluated again for one member only: hers and the household's results are
    # the full evaluation's.
    for asked in range(len(persons)):
        one = engine.rerun(
            variables,
            order,
            space,
            base,
            {slot: answer},
            date,
            values,
            reads,
            asked=frozenset({asked}),
        )
        for key, outcome in full.outcomes.items():
            if key[1] is None or key[1] == asked:
                assert one.outcomes[key] == outcome, key


def test_a_municipal_aid_asks_the_answer_that_settles_a_national_right_it_reads() -> None:
    """The youth aid reads the CEJ only when the person has not said whether she receives it:
    the aid lists that question, the CEJ lists what it reads (here the tax bracket), and the
    simulator asks both; the CEJ is not probed again for the aid's questions."""
    household = {
        "household": {"commune_residence": "25056"},
        "persons": [{"age": 19, "revenus_mensuels": 0.0, "percoit_rsa": False}],
    }
    result = CATALOG.evaluate(household, dt.date(2024, 3, 1))
    youth = result.get("aide_jeunes_besancon", 0)
    cej = result.get("cej", 0)
    assert youth.eligible is None
    assert cej.eligible is None
    assert "percoit_garantie_jeunes" in youth.unknown_variables
    assert "tranche_imposition" in cej.unknown_variables
    assert "tranche_imposition" not in youth.unknown_variables
    assert {"percoit_garantie_jeunes", "tranche_imposition"} <= set(result.deciding_variables())


def test_an_explanation_line_kept_for_one_value_is_never_given_for_an_equal_one() -> None:
    """The API's answer keeps each explanation line's JSON per value (`compiled_results._Line`).
    Python finds True equal to 1.0 and -0.0 equal to 0.0; their JSON differs."""
    line = next(line for shape in _shapes() for line in shape.lines)
    written = [orjson.dumps(line.json(value, None)) for value in (True, 1.0, 0.0, -0.0, "1")]
    values = [text.split(b'"value":')[1].split(b",")[0] for text in written]
    assert values == [b"true", b"1.0", b"0.0", b"-0.0", b'"1"']
    assert line.json(1.0, None) is line.json(1.0, None)  # kept: written once


def _shapes() -> list[Any]:
    return [
        shape_of(CATALOG.program, CATALOG, scheme)
        for scheme in CATALOG.ordered
        if scheme.amount is not None
    ]


def test_equal_sub_expressions_are_one_object_and_unequal_constants_are_not() -> None:
    """`tree.shared`: what a memo by identity relies on, across expressions; a constant's type
    and sign are part of it (`1 == 1.0 == True` and `0.0 == -0.0` in Python)."""
    first = parse("GREATEST(0, a + b * 2) > 1").tree
    second = parse("LEAST(a + b * 2, 7)").tree
    assert isinstance(first, Call)
    assert isinstance(second, Call)
    greatest = first.args[0]
    assert isinstance(greatest, Call)
    assert greatest.args[1] is second.args[0]
    ones = [parse(text).tree for text in ("x + 1", "x + 1.0", "x + TRUE", "x + 1")]
    assert ones[0] is ones[3]
    assert len({id(tree) for tree in ones}) == 3
    assert shared(Constant(0.0)) is not shared(Constant(-0.0))
    assert shared(Constant(0.0)) is shared(Constant(0.0))


@SETTINGS
@given(household=HOUSEHOLDS, date=DATES)
def test_a_memo_gives_each_expression_of_a_scheme_the_value_it_has_alone(
    household: dict[str, Any], date: dt.date
) -> None:
    """One memo per scheme evaluation: every condition and the amount, evaluated one after the
    other through the memo, have the value each has when evaluated alone without it."""
    answers, persons = validated(CATALOG.models, CATALOG.variables, household, "household")
    values = CATALOG.values_at(date, {})
    variables = CATALOG.variables
    state = engine.run(variables, CATALOG.ordered, CATALOG.space, answers, persons, date, values)
    for scheme in CATALOG.ordered:
        if not scheme.in_force(date):
            continue  # its parameters have no value on that date, and the engine skips it
        trees = [c.formula.tree for c in scheme.conditions]
        trees += [scheme.amount.tree] if scheme.amount is not None else []
        for member in [None] if scheme.spec.entity == "household" else range(len(persons)):
            env = (
                state.household if member is None else {**state.household, **state.persons[member]}
            )
            memo: iv.Memo = {}
            through_memo = scheme_lookup(
                scheme, variables, values[scheme.id], env.__getitem__, None, memo
            )
            for tree in trees:
                alone = scheme_lookup(scheme, variables, values[scheme.id], env.__getitem__)
                assert iv.evaluate(tree, through_memo, None, memo) == iv.evaluate(tree, alone)


def test_a_sub_expression_repeated_is_evaluated_once_with_a_memo() -> None:
    tree = parse("GREATEST(0, a - b) + GREATEST(0, a - b) * 2").tree
    read: list[str] = []

    def lookup(name: str) -> iv.Value:
        read.append(name)
        return iv.number(0.0, 10.0)

    without = iv.evaluate(tree, lookup)
    assert read == ["a", "b", "a", "b"]
    read.clear()
    assert iv.evaluate(tree, lookup, None, {}) == without
    assert read == ["a", "b"]


COUPLES = st.fixed_dictionaries(
    {
        "household": _answers("household"),
        "persons": st.lists(_answers("person").map(_one_age), min_size=2, max_size=3),
    }
)


@SETTINGS
@given(household=COUPLES, date=DATES)
def test_another_members_answer_outside_the_shared_inputs_never_changes_a_persons_result(
    household: dict[str, Any], date: dt.date
) -> None:
    """What lets the search for the deciding questions skip a probe: a member's answer that is
    not among a person scheme's `shared_inputs` leaves another member's result as it is, for
    every answer the search would try (the national rights kept as they are, as in the
    search)."""
    variables, order, space = CATALOG.variables, CATALOG.ordered, CATALOG.space
    answers, persons = validated(CATALOG.models, variables, household, "household")
    values = CATALOG.values_at(date, {})
    state = engine.run(variables, order, space, answers, persons, date, values)
    fixed = frozenset(NATIONAL)
    open_ids = {key[0] for key, outcome in state.outcomes.items() if engine.undecided(outcome)}
    reads = {s.id: engine.relevant_inputs(CATALOG.schemes, s.id) for s in order}
    slots = [
        slot for slot in engine.missing_slots(variables, answers, persons) if slot[1] is not None
    ]
    for (scheme_id, member), outcome in state.outcomes.items():
        if member is None or scheme_id in fixed or not engine.undecided(outcome):
            continue
        across = engine.shared_inputs(variables, CATALOG.schemes, scheme_id, open_ids - fixed)
        for slot in slots:
            if slot[1] == member or slot[0] in across:
                continue
            for answer in space.probes.get(slot[0], ()):
                trial = engine.rerun(
                    variables, order, space, state, {slot: answer}, date, values, reads, fixed
                )
                after = engine.signature(trial.outcomes[(scheme_id, member)])
                assert after == engine.signature(outcome), (scheme_id, member, slot, answer)


@given(values=st.lists(st.floats(allow_nan=False), unique=True).map(lambda v: tuple(sorted(v))))
def test_the_probes_of_a_slot_are_all_tried_whatever_their_order(values: tuple[float, ...]) -> None:
    """The search tries a slot's extreme answers first: the same answers, in another order."""
    ordered = engine._extremes_first(values)
    assert sorted(ordered) == list(values)
    if len(values) >= 2:
        assert {ordered[0], ordered[1]} == {values[0], values[-1]}


def test_a_parameters_explanation_line_follows_the_scenario_and_the_date() -> None:
    """A parameter's line is kept per parameter values (a date's under a scenario): an open
    household's answer shows the scenario's amount, then the catalog's again."""
    household = {"household": {"commune_residence": "25056"}, "persons": [{"age": 19}]}

    def shown(overrides: dict[str, Any], date: dt.date) -> Any:
        result = CATALOG.evaluate(household, date, overrides).get("aide_jeunes_besancon", 0)
        assert result.eligible is None  # the interval engine's answer
        (line,) = [e for e in result.explanation if e.name == "montant_mensuel"]
        return line.shown["value"]

    march = dt.date(2024, 3, 1)
    assert shown({}, march) == 500.0
    assert shown({"aide_jeunes_besancon.montant_mensuel": 600}, march) == 600.0
    assert shown({}, march) == 500.0
    assert shown({"aide_jeunes_besancon.montant_mensuel": 450}, dt.date(2024, 6, 1)) == 450.0


@given(
    sure=st.booleans(),
    possible=st.booleans(),
    low=st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.0, 500.0, math.inf])),
    high=st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.0, 500.0, math.inf])),
)
def test_a_result_is_open_when_its_status_or_its_sure_amount_is_unknown(
    sure: bool, possible: bool, low: float | None, high: float | None
) -> None:
    """`household.undecided`, read straight from the outcome, says what the answer says: the
    status unknown, or eligible with an amount not known."""
    outcome = Outcome((), sure, possible, low, high)
    eligible = engine.eligible_of(outcome)
    expected = eligible is None or (
        eligible and low is not None and engine.amount_of(outcome) is None
    )
    assert engine.undecided(outcome) == bool(expected)
