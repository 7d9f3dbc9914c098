"""The functions the interval rules write for a household's shape (`rules/traced.py`,
`rules/deferred.py`) give the rules' own answers: on the catalog's schemes for random households
with unknown answers, and operation by operation on any numbers."""

import datetime as dt
import math
from concurrent.futures import ThreadPoolExecutor
from types import FunctionType
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules import (
    deferred,
    derivation,
    explain,
    outcomes,
    scalars,
    traced,
    traced_states,
)
from solidarite.rules import household as household_engine
from solidarite.rules import intervals as iv
from solidarite.rules.catalog import Catalog
from solidarite.rules.deferred import Tracer, Untraceable

from . import test_unknown_answers as random_catalogs
from .test_properties import CATALOG, HOUSEHOLDS

DATES = st.sampled_from([dt.date(2020, 6, 1), dt.date(2021, 6, 1), dt.date(2024, 3, 1)])
# A simulator's first page: most answers unknown, so the search probes the state.
OPEN = {
    "household": {"commune_residence": "25056"},
    "persons": [{"age": 19, "revenus_mensuels": 0}, {"age": 45, "percoit_rsa": True}],
}
OPEN_DATE = dt.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def _written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shape gets its function the first time it is met (in production, a scheme's the
    second time, a state's the 16th)."""
    monkeypatch.setattr(traced, "WRITE_AFTER", 1)
    monkeypatch.setattr(traced_states, "WRITE_AFTER", 1)


def _by_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every written function replaced by the rules it was written from."""
    monkeypatch.setattr(
        traced,
        "scheme_outcome",
        lambda scheme, variables, values, env, home=None: outcomes.scheme_outcome(
            scheme, variables, values, outcomes.names_of(env, home)
        ),
    )
    monkeypatch.setattr(traced, "person_values", derivation.person_values)
    monkeypatch.setattr(traced, "household_values", derivation.household_values)
    monkeypatch.setattr(
        traced_states,
        "through",
        lambda states, key, render, rules, *given: rules(None, *given),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.lists(HOUSEHOLDS, min_size=1, max_size=3), date=DATES)
def test_the_written_functions_give_the_rules_answers_on_the_catalog(
    households: list[dict[str, Any]], date: dt.date
) -> None:
    # Several households in a row: a function written for one shape answers the next household
    # of that shape with its own values (the table outlives each example too).
    written = [orjson.dumps(CATALOG.evaluate(h, date, fast=False).to_dict()) for h in households]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _by_the_rules(monkeypatch)
        rules = [orjson.dumps(CATALOG.evaluate(h, date, fast=False).to_dict()) for h in households]
    assert written == rules
    # The API's answer, written without the result objects and sharing the parts kept across
    # answers: the same JSON, byte for byte, the first time and again from the lines it keeps.
    expected = [orjson.dumps(CATALOG.evaluate(h, date).to_dict()) for h in households]
    for _ in range(2):
        assert [orjson.dumps(CATALOG.answer(h, date)) for h in households] == expected


def test_an_explanation_line_written_once_per_value_keeps_a_zeros_sign() -> None:
    # -0.0 == 0.0, and they are one key of a dict, but JSON writes them differently.
    scheme = next(s for s in CATALOG.ordered if s.amount_names)
    name = scheme.amount_names[0]
    writer = explain._LineJson(CATALOG, scheme, name)
    lines = [orjson.dumps(writer.json(iv.constant(n), None)) for n in (0.0, -0.0, 0.0)]
    assert [b'"value":-0.0,' in line for line in lines] == [False, True, False]
    assert [b'"value":0.0,' in line for line in lines] == [True, False, True]


def _state(household: dict[str, Any], date: dt.date) -> household_engine.State:
    answers, persons, values, _ = CATALOG._inputs(household, date, None, "household")
    return household_engine.run(
        CATALOG.variables, CATALOG.ordered, CATALOG.space, answers, persons, date, values
    )


def _names(names: dict[str, iv.Value]) -> list[tuple[str, list[Any]]]:
    """The names in their order, each value's fields (a float's sign too, and its type)."""
    return [(k, [v.kind, *map(repr, _fields(v)), v.domain, v.certain]) for k, v in names.items()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.lists(HOUSEHOLDS, min_size=1, max_size=3), date=DATES)
def test_a_written_evaluation_leaves_the_rules_state(
    households: list[dict[str, Any]], date: dt.date
) -> None:
    # Not only the results: every name the evaluation leaves to the search and to the
    # explanations (aggregates, formulas, each member's published results), in the same order.
    written = [_state(h, date) for h in households]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _by_the_rules(monkeypatch)
        rules = [_state(h, date) for h in households]
    for found, expected in zip(written, rules, strict=True):
        assert _names(found.household) == _names(expected.household)
        assert [_names(env) for env in found.persons] == [_names(e) for e in expected.persons]
        assert found.outcomes == expected.outcomes


@random_catalogs.SETTINGS
@given(
    catalog=random_catalogs.catalogs(),
    households=st.lists(random_catalogs.HOUSEHOLDS, min_size=1, max_size=3),
)
def test_the_written_functions_give_the_rules_answers_on_random_catalogs(
    catalog: Catalog, households: list[dict[str, Any]]
) -> None:
    # Random conditions and amounts (CASE, COALESCE, GREATEST, division, texts, aggregates):
    # the paths a function cannot follow are left to the rules, the others give their answers.
    date = random_catalogs.DATE
    written = [orjson.dumps(catalog.evaluate(h, date, fast=False).to_dict()) for h in households]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _by_the_rules(monkeypatch)
        rules = [orjson.dumps(catalog.evaluate(h, date, fast=False).to_dict()) for h in households]
    assert written == rules


def test_a_shape_no_function_can_follow_is_answered_by_the_rules() -> None:
    # A text chosen by a condition on a known number: the rules keep the branch taken, its
    # kind and its domain; a function written before the number is known cannot.
    condition = "CASE WHEN pn > 2 THEN he ELSE 'b' END = 'a'"
    catalog = random_catalogs.build_catalog(
        {"s_person": random_catalogs.scheme_text("person", condition, "pf")}
    )
    scheme = catalog.schemes["s_person"]
    households = [{"household": {"he": "a"}, "persons": [{"pn": pn, "pf": 10.0}]} for pn in (1, 5)]
    date = random_catalogs.DATE
    written = [catalog.evaluate(h, date, fast=False).get("s_person", 0) for h in households]
    shapes = [
        function
        for table in traced._TABLES.values()
        if table.first is scheme
        for function in table.shapes.values()
    ]
    assert shapes
    assert traced._BY_THE_RULES in shapes
    assert [(r.eligible, r.amount) for r in written] == [(False, 0.0), (True, 10.0)]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _by_the_rules(monkeypatch)
        rules = [catalog.evaluate(h, date, fast=False).get("s_person", 0) for h in households]
    assert [r.to_dict() for r in written] == [r.to_dict() for r in rules]


def _functions() -> list[Any]:
    return [f for table in traced._TABLES.values() for f in table.shapes.values() if callable(f)]


def test_a_shape_gets_its_function_the_second_time_and_the_functions_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(traced, "WRITE_AFTER", 2)
    # (a state's step without its function, so that each scheme goes through its own)
    monkeypatch.setattr(traced_states, "WRITE_AFTER", 1_000_000)
    catalog = random_catalogs.build_catalog(
        {"s_person": random_catalogs.scheme_text("person", "pn > 2", "pf * 2")}
    )
    scheme = catalog.schemes["s_person"]

    def table_of() -> list[Any]:
        return [table for table in traced._TABLES.values() if table.first is scheme]

    first, second = (
        {"household": {"he": "a"}, "persons": [{"pn": pn, "pf": 10.0}]} for pn in (1, 5)
    )
    catalog.evaluate(first, random_catalogs.DATE, fast=False)
    assert [list(t.shapes.values()) for t in table_of()] == [[1]]  # met once: the rules answer
    answer = catalog.evaluate(second, random_catalogs.DATE, fast=False).get("s_person", 0)
    assert [callable(f) for t in table_of() for f in t.shapes.values()] == [True]
    assert (answer.eligible, answer.amount) == (True, 20.0)
    # However many shapes it is sent, a worker keeps at most MAX_FUNCTIONS functions and
    # counts at most MAX_SHAPES shapes.
    monkeypatch.setattr(traced, "MAX_FUNCTIONS", 3)
    monkeypatch.setattr(traced, "MAX_SHAPES", 4)
    traced._TABLES.clear()  # (and the functions earlier tests wrote)
    monkeypatch.setattr(traced, "_COUNT", [0, 0])
    for write_after in (1, 2):
        monkeypatch.setattr(traced, "WRITE_AFTER", write_after)
        for pf in (None, 1.0):
            for he in (None, "a", "b"):
                household = {"household": {"he": he}, "persons": [{"pn": 3, "pf": pf}, {}]}
                catalog.evaluate(household, random_catalogs.DATE, fast=False)
                assert len(_functions()) <= 3
                assert sum(len(table.shapes) for table in traced._TABLES.values()) <= 4


def test_a_state_step_gets_its_function_the_nth_time_its_shape_is_met(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Writing a whole evaluation costs more than a scheme's: a state's shape met a few times
    # only stays with the functions of each scheme.
    monkeypatch.setattr(traced_states, "WRITE_AFTER", 3)
    household, date = OPEN, OPEN_DATE
    traced.STATE_TABLES.clear()

    def rest() -> list[Any]:
        return [
            found
            for key, table in traced.STATE_TABLES.items()
            if key[0] == "rest"
            for found in table.shapes.values()
        ]

    answers = []
    for _ in range(4):
        answers.append(orjson.dumps(CATALOG.answer(household, date)))
        if len(answers) < 3:
            assert not any(callable(found) for found in rest())
    assert any(callable(found) for found in rest())
    assert len(set(answers)) == 1


def test_a_function_that_fails_leaves_its_shape_to_the_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No written function is known to fail; if one did, the household would still get the
    # rules' answer (and their error, if any), and the shape would stay with the rules.
    def failing(*arguments: Any) -> Any:
        raise TypeError("a value the function was not written for")

    monkeypatch.setattr(traced, "write", lambda *arguments: failing)
    catalog = random_catalogs.build_catalog(
        {"s_person": random_catalogs.scheme_text("person", "pn > 2", "pf * 2")}
    )
    household = {"household": {"he": "a"}, "persons": [{"pn": 5, "pf": 10.0}]}
    answer = catalog.evaluate(household, random_catalogs.DATE, fast=False).get("s_person", 0)
    assert (answer.eligible, answer.amount) == (True, 20.0)
    scheme = catalog.schemes["s_person"]
    kept = [f for t in traced._TABLES.values() if t.first is scheme for f in t.shapes.values()]
    assert kept == [traced._BY_THE_RULES]


NUMBERS = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 964.0, math.inf, -math.inf])
NUMBERS = NUMBERS | st.floats(-1e6, 1e6, allow_nan=False)
BINARY = {
    "add": scalars.add,
    "sub": scalars.sub,
    "mul": scalars.mul,
    "div": scalars.div,
    "lt": scalars.lt,
    "le": scalars.le,
    "eq": scalars.eq,
    "minimum": scalars.minimum,
    "maximum": scalars.maximum,
}
UNARY = {
    "neg": scalars.neg,
    "floor": scalars.floor,
    "ceil": scalars.ceil,
    "trunc": scalars.trunc,
    "round 2": lambda a: scalars.round_half_away(a, 2),
}


def _written(helper: Any, values: tuple[Any, ...], static: tuple[bool, ...]) -> Any:
    """The helper's result computed by the function it writes, where the operands not
    `static` are the function's arguments."""
    tracer = Tracer()
    operands = [v if keep else tracer.argument() for v, keep in zip(values, static, strict=True)]
    source = tracer.source("f", tracer.render(helper(*operands)))
    namespace = dict(traced._NAMESPACE, **tracer.constants)
    exec(source, namespace)
    return namespace["f"](*(v for v, keep in zip(values, static, strict=True) if not keep))


def _same(a: Any, b: Any) -> bool:
    """Equal, to the sign of a zero."""
    return type(a) is type(b) and ((a == b and repr(a) == repr(b)) or (a != a and b != b))


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(BINARY)),
    a=NUMBERS,
    b=NUMBERS,
    static=st.sampled_from([(False, False), (True, False), (False, True)]),
)
def test_a_written_operation_computes_what_the_helper_computes(
    name: str, a: float, b: float, static: tuple[bool, bool]
) -> None:
    helper = BINARY[name]
    assert _same(_written(helper, (a, b), static), helper(a, b))


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(UNARY)), a=NUMBERS)
def test_a_written_unary_operation_computes_what_the_helper_computes(name: str, a: float) -> None:
    helper = UNARY[name]
    assert _same(_written(helper, (a,), (False,)), helper(a))


@settings(max_examples=200, deadline=None)
@given(
    a=st.booleans(),
    b=st.booleans(),
    then=NUMBERS,
    otherwise=NUMBERS,
    static=st.lists(st.booleans(), min_size=4, max_size=4).map(tuple),
)
def test_written_flags_and_choices_compute_what_the_helpers_compute(
    a: bool, b: bool, then: float, otherwise: float, static: tuple[bool, ...]
) -> None:
    assert _written(scalars.and_, (a, b), static[:2]) is scalars.and_(a, b)
    assert _written(scalars.or_, (a, b), static[:2]) is scalars.or_(a, b)
    assert _written(scalars.not_, (a,), static[:1]) is scalars.not_(a)
    choice = _written(scalars.where, (a, then, otherwise), static[1:])
    assert _same(choice, scalars.where(a, then, otherwise))


@given(text=st.none() | st.sampled_from(["25056", "21166", "locataire"]))
def test_written_text_tests_compute_what_the_helpers_compute(text: str | None) -> None:
    options = frozenset({"25056", "locataire"})
    assert _written(scalars.known, (text,), (False,)) is scalars.known(text)
    if text is not None:
        assert _written(lambda t: scalars.is_in(t, options), (text,), (False,)) is (text in options)


def test_a_written_function_keeps_only_the_lines_its_result_needs() -> None:
    tracer = Tracer()
    a, b = tracer.argument(), tracer.argument()
    scalars.mul(a, b)  # computed, never read
    kept = scalars.add(a, b)
    source = tracer.source("f", tracer.render(kept))
    assert "*" not in source
    assert "+" in source


def test_a_decision_on_a_value_not_yet_known_stops_the_writing() -> None:
    tracer = Tracer()
    with pytest.raises(Untraceable):
        bool(scalars.lt(tracer.argument(), 1.0))


@st.composite
def interval_values(draw: st.DrawFn, kind: str = "num") -> iv.Value:
    """A value with any flags: NULL possible or not, a non-null value possible or not (one
    of the two at least), one point or an interval."""
    null, value = draw(st.sampled_from([(False, True), (True, True), (True, False)]))
    if kind == "bool":
        lo, hi = draw(st.sampled_from([(False, False), (True, True), (False, True)]))
        return iv.Value("bool", lo, hi, null, value)
    lo, hi = sorted((draw(FINITE), draw(FINITE)))
    return iv.Value("num", lo, lo if draw(st.booleans()) else hi, null, value)


FINITE = st.sampled_from([0.0, 1.0, -1.0, 2.5, 964.0]) | st.floats(-1e3, 1e3, allow_nan=False)
OPERATIONS: dict[str, Any] = {
    "greatest": lambda a, b, p: iv.extreme([a, b], True),
    "least": lambda a, b, p: iv.extreme([a, b], False),
    "coalesce": lambda a, b, p: iv.coalesce([a, b]),
    "case": lambda a, b, p: iv.case(p, a, b),
    "+": lambda a, b, p: iv.arithmetic("+", a, b),
    "*": lambda a, b, p: iv.arithmetic("*", a, b),
    "/": lambda a, b, p: iv.arithmetic("/", a, b),
    "%": lambda a, b, p: iv.arithmetic("%", a, b),
    "<=": lambda a, b, p: iv.compare("<=", a, b),
    "=": lambda a, b, p: iv.compare("=", a, b),
    "and": lambda a, b, p: iv.and_(p, iv.to_bool(a)),
    "not": lambda a, b, p: iv.not_(p),
    "is null": lambda a, b, p: iv.null_test(a, False),
    "abs": lambda a, b, p: iv.absolute(a),
}


def _deferred(tracer: Tracer, value: iv.Value) -> iv.Value:
    """The value with every field an argument of the function being written."""
    lo = tracer.argument()
    hi = lo if value.hi is value.lo else tracer.argument()
    return iv.Value(value.kind, lo, hi, tracer.argument(), tracer.argument())


def _fields(value: iv.Value) -> list[Any]:
    return [value.lo, value.hi, value.null, value.value]


def _arguments(*values: iv.Value) -> list[Any]:
    """The values' fields in the order `_deferred` made them arguments."""
    found: list[Any] = []
    for value in values:
        found += [value.lo] if value.hi is value.lo else [value.lo, value.hi]
        found += [value.null, value.value]
    return found


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(sorted(OPERATIONS)),
    a=interval_values(),
    b=interval_values(),
    predicate=interval_values("bool"),
)
def test_an_interval_operation_written_with_unknown_flags_computes_the_rules_value(
    name: str, a: iv.Value, b: iv.Value, predicate: iv.Value
) -> None:
    # Every flag known only when the function runs: the rules take their general path while
    # writing, and one household takes its shortcuts (a point, a surely-NULL argument skipped).
    operation = OPERATIONS[name]
    tracer = Tracer()
    symbols = [_deferred(tracer, v) for v in (a, b, predicate)]
    try:
        written = operation(*symbols)
        source = tracer.source("f", "(" + ", ".join(map(tracer.render, _fields(written))) + ",)")
    except Untraceable:
        return  # left to the rules
    namespace = dict(traced._NAMESPACE, **tracer.constants)
    exec(source, namespace)
    computed = operation(a, b, predicate)
    assert written.kind == computed.kind
    result = namespace["f"](*_arguments(a, b, predicate))
    if computed.value is False:  # surely NULL: the bounds say nothing
        assert result[2:] == (True, False)
        return
    assert all(_equal(x, y) for x, y in zip(result, _fields(computed), strict=True)), result


AGGREGATES = {
    v.spec.aggregate.function: v for v in CATALOG.variables.aggregates if v.spec.aggregate
}


@settings(max_examples=300, deadline=None)
@given(
    function=st.sampled_from(sorted(AGGREGATES)),
    flags_known=st.booleans(),
    data=st.data(),
)
def test_an_aggregate_written_with_unknown_flags_computes_the_rules_value(
    function: str, flags_known: bool, data: st.DataObject
) -> None:
    # A probe's function computes the household's aggregates again from its members' parts,
    # whose flags and bounds may be known only when it runs (`derivation._written_aggregate`).
    variable = AGGREGATES[function]
    members = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from([(False, False), (False, True), (True, True)]),
                st.none() if function == "count" else interval_values(),
            ),
            min_size=1,
            max_size=3,
        )
    )
    parts = [(sure, can, value) for (sure, can), value in members]
    tracer = Tracer()
    arguments: list[Any] = []
    symbolic: list[derivation.Part] = []
    for sure, can, value in parts:
        if not flags_known:
            symbolic_flags = (tracer.argument(), tracer.argument())
            arguments += (sure, can)
        if value is not None:
            lo = tracer.argument()
            hi = lo if value.hi is value.lo else tracer.argument()
            arguments += [value.lo] if value.hi is value.lo else [value.lo, value.hi]
            null, present = value.null, value.value
            if not flags_known:
                null, present = tracer.argument(), tracer.argument()
                arguments += (value.null, value.value)
            value = iv.Value("num", lo, hi, null, present)
        symbolic.append((*(symbolic_flags if not flags_known else (sure, can)), value))
    computed = derivation.aggregate(variable, parts)
    try:
        with deferred.writing():
            written = derivation.aggregate(variable, symbolic)
        source = tracer.source("f", "(" + ", ".join(map(tracer.render, _fields(written))) + ",)")
    except Untraceable:
        # Which members a minimum or a maximum reads is the shape's, or the rules answer.
        assert function in ("min", "max")
        assert not flags_known
        return
    namespace = dict(traced._NAMESPACE, **tracer.constants)
    exec(source, namespace)
    result = namespace["f"](*arguments)
    assert written.kind == computed.kind
    assert all(_equal(x, y) for x, y in zip(result, _fields(computed), strict=True)), result


def _equal(a: Any, b: Any) -> bool:
    """Equal values of the same type. A zero's sign may differ: one household's shortcut for
    a point divides (-0.0 / 2.5 is -0.0) where the interval rule writes a zero quotient 0.0; an
    amount or a float variable is rounded, which writes it 0.0, before anyone reads it."""
    return type(a) is type(b) and (a == b or (a != a and b != b))


def test_written_functions_are_shared_safely_by_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # gunicorn's threads share the tables: several threads writing, calling and starting the
    # tables again (a bound of 5 functions) give each household the rules' answer.
    households = [
        {
            "household": {"commune_residence": "25056"},
            "persons": [{"age": age, "revenus_mensuels": income}, {"age": 45}],
        }
        for age in (17, 19, 24, 30)
        for income in (0.0, 500.0, None)
    ]
    date = dt.date(2024, 3, 1)
    with pytest.MonkeyPatch.context() as rules_only:
        _by_the_rules(rules_only)
        expected = [orjson.dumps(CATALOG.evaluate(h, date).to_dict()) for h in households]
    monkeypatch.setattr(traced, "MAX_FUNCTIONS", 5)
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda h: orjson.dumps(CATALOG.evaluate(h, date).to_dict()), households * 3)
        )
    assert answers == expected * 3


@settings(max_examples=300, deadline=None)
@given(a=FINITE, b=FINITE.filter(lambda x: x != 0))
def test_a_quotient_of_known_numbers_is_the_same_whichever_rule_divides(a: float, b: float) -> None:
    # A known number reaches a division as a point (one household's shortcut) or, through a
    # choice a written function cannot settle, as an interval whose bounds are equal: both give
    # a / b to the last bit, so that a threshold compared with it is met the same way.
    as_point = iv.arithmetic("/", iv.point("num", a), iv.point("num", b))
    # Bounds equal but not one object (`float(repr(x))` is a new float): the interval rule.
    as_interval = iv.arithmetic("/", iv.number(a, float(repr(a))), iv.number(b, float(repr(b))))
    assert not iv.is_point(iv.number(a, float(repr(a))))
    assert as_point.lo == a / b
    assert (as_interval.lo, as_interval.hi) == (a / b, a / b)


def test_a_probes_function_that_fails_leaves_its_shape_to_the_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A probe calls its written function itself (`traced_states.through`): if one failed, the
    # search would still get the rules' answer, and the shape would stay with the rules.
    monkeypatch.setattr(traced_states, "WRITE_AFTER", 1)
    household, date = OPEN, OPEN_DATE
    traced.STATE_TABLES.clear()
    expected = [orjson.dumps(CATALOG.answer(household, date)) for _ in range(2)][-1]

    def failing(*arguments: Any) -> Any:
        raise ArithmeticError("a value the function was not written for")

    probes = [t for key, t in traced.STATE_TABLES.items() if key[0] == "probe"]
    replaced = 0
    for table in probes:
        for shape, found in table.shapes.items():
            if callable(found):
                table.shapes[shape] = failing
                replaced += 1
    assert replaced > 0
    assert orjson.dumps(CATALOG.answer(household, date)) == expected
    kept = [found for table in probes for found in table.shapes.values()]
    assert failing not in kept
    assert kept.count(traced._BY_THE_RULES) == replaced


def test_the_searchs_table_continues_the_table_of_the_written_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The search's table of a state that the rest's written function left reads only what that
    # function added (`traced_states.continued_table`); a state the rules changed themselves is
    # read whole. Both give the rules' answer.
    household, date = OPEN, OPEN_DATE
    with pytest.MonkeyPatch.context() as rules_only:
        _by_the_rules(rules_only)
        expected = orjson.dumps(CATALOG.answer(household, date))
    for write_after, continued in ((1, True), (1_000_000, False)):
        monkeypatch.setattr(traced_states, "WRITE_AFTER", write_after)
        traced.STATE_TABLES.clear()
        for _ in range(3):
            assert orjson.dumps(CATALOG.answer(household, date)) == expected
        probes = [key for key in traced.STATE_TABLES if key[0] == "probe"]
        rests = [table for key, table in traced.STATE_TABLES.items() if key[0] == "rest"]
        assert probes
        assert all(any(part in rests for part in key) == continued for key in probes)
        if continued:  # the state rebuilt from the continued table is whole: every probe written
            found = [f for key in probes for f in traced.STATE_TABLES[key].shapes.values()]
            assert found
            assert all(type(f) is FunctionType for f in found)
        answers, persons, values, _ = CATALOG._inputs(household, date, None, "household")
        state = household_engine.run(
            CATALOG.variables, CATALOG.ordered, CATALOG.space, answers, persons, date, values
        )
        assert (state.after_rest is not None) == continued
