"""The functions the interval rules write for a household's shape (`rules/traced.py`,
`rules/deferred.py`) give the rules' own answers: on the catalog's schemes for random households
with unknown answers, and operation by operation on any numbers."""

import datetime as dt
import math
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules import derivation, outcomes, scalars, traced
from solidarite.rules.deferred import Tracer, Untraceable

from .test_properties import CATALOG, HOUSEHOLDS

DATES = st.sampled_from([dt.date(2020, 6, 1), dt.date(2021, 6, 1), dt.date(2024, 3, 1)])


def _by_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every written function replaced by the rules it was written from."""
    monkeypatch.setattr(
        traced,
        "scheme_outcome",
        lambda scheme, variables, values, env, home=None: outcomes.scheme_outcome(
            scheme, variables, values, traced._lookup(env, home)
        ),
    )
    monkeypatch.setattr(traced, "person_values", derivation.person_values)
    monkeypatch.setattr(traced, "household_values", derivation.household_values)


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
    # The API's answer shares the parts kept across answers: the same JSON, byte for byte.
    answers = [orjson.dumps(CATALOG.answer(h, date)) for h in households]
    assert answers == [orjson.dumps(CATALOG.evaluate(h, date).to_dict()) for h in households]


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
