"""A household's derived variables, from its members' answers: the person formulas, and what
each member brings to the household's aggregates (counts, sums, minimums and maximums).

`person_values` is the rules for one member (`traced.person_values` writes it into a function
per shape of her answers); `aggregate` puts the members' parts together.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from solidarite.rules import deferred, outcomes
from solidarite.rules import intervals as iv
from solidarite.rules import scalars as s
from solidarite.rules.intervals import Value
from solidarite.rules.scalars import Scalar
from solidarite.rules.variables import Variable, VariableSet


def typed(variable: Variable, value: Value) -> Value:
    """A float variable's value rounded as the engine rounds floats (`outcomes.rounded`)."""
    return outcomes.rounded(value) if variable.spec.type == "float" else value


# What one member brings to an aggregate: whether she surely counts, whether she may count (its
# filter), and her value (its formula; None for a count).
Part = tuple[Scalar, Scalar, Value | None]


def person_values(
    variables: VariableSet, env: Mapping[str, Value]
) -> tuple[dict[str, Value], dict[str, Part]]:
    """One member's derived variables (each person formula, typed) and, for each household
    aggregate, whether she counts (its filter) and what she brings (its formula). One memo for
    all: the aggregates repeat their filters (who counts as a member of the household, in a
    dozen age brackets). A formula comes after everything it reads."""
    memo: iv.Memo = {}
    values, lookup = _formulas(variables.person_formulas, env, memo)
    parts: dict[str, Part] = {}
    for variable in variables.aggregates:
        where = variable.where
        formula = variable.formula
        sure: Scalar = True
        can: Scalar = True
        if where is not None:
            selected = iv.evaluate(where.tree, lookup, None, memo)
            sure, can = iv.surely_true(selected), iv.can_be_true(selected)
        value = None
        if formula is not None:
            value = iv.as_number(iv.evaluate(formula.tree, lookup, None, memo))
        parts[variable.name] = (sure, can, value)
    return values, parts


def household_values(variables: VariableSet, env: Mapping[str, Value]) -> dict[str, Value]:
    """The household's formulas (each typed), from its answers and aggregates. One memo for
    all; a formula comes after everything it reads."""
    return _formulas(variables.household_formulas, env, {})[0]


def _formulas(
    levels: tuple[tuple[Variable, ...], ...], env: Mapping[str, Value], memo: iv.Memo
) -> tuple[dict[str, Value], iv.Lookup]:
    """The formulas' values, level after level (a formula comes after everything it reads),
    and the lookup that reads them before `env`."""
    values: dict[str, Value] = {}

    def lookup(name: str) -> Value:
        found = values.get(name)
        return env[name] if found is None else found

    for level in levels:
        for variable in level:
            assert variable.formula is not None
            tree = variable.formula.tree
            values[variable.name] = typed(variable, iv.evaluate(tree, lookup, None, memo))
    return values, lookup


def aggregate(variable: Variable, parts: Sequence[Part]) -> Value:
    """A household aggregate over its members' parts (`person_values`): sound bounds when
    some are unknown."""
    spec = variable.spec.aggregate
    assert spec is not None
    if spec.function not in ("count", "sum"):
        return _extreme(spec.function, parts)
    if deferred.is_writing():
        return _written_aggregate(spec.function, parts)
    sure = [bool(part[0]) for part in parts]
    can = [bool(part[1]) for part in parts]
    if spec.function == "count":
        return iv.number(float(sum(sure)), float(sum(can)))
    lo = hi = 0.0
    for (_, _, value), is_sure, is_can in zip(parts, sure, can, strict=True):
        assert value is not None  # a sum has a formula
        if not is_can or not value.value:
            continue
        exact = is_sure and not value.null
        lo += value.lo if exact else min(0.0, value.lo)
        hi += value.hi if exact else max(0.0, value.hi)
    return iv.number(lo, hi)


def _written_aggregate(function: str, parts: Sequence[Part]) -> Value:
    """A count or a sum while a function is written (`traced`): a member's flags and bounds
    may be `deferred.Code`, so each step goes through the `scalars` helper that computes it, as
    `aggregate` computes it. Skipping a member is adding 0.0, the same number (a sum starts at
    0.0 and is never -0.0)."""
    lo: Scalar = 0.0
    hi: Scalar = 0.0
    for sure, can, value in parts:
        if function == "count":
            lo = s.add(lo, s.where(sure, 1.0, 0.0))
            hi = s.add(hi, s.where(can, 1.0, 0.0))
            continue
        assert value is not None
        counted = s.and_(can, value.value)
        if counted is False:
            continue
        exact = s.and_(sure, s.not_(value.null))
        low = s.where(exact, value.lo, s.minimum(0.0, value.lo))
        high = s.where(exact, value.hi, s.maximum(0.0, value.hi))
        lo = s.add(lo, s.where(counted, low, 0.0))
        hi = s.add(hi, s.where(counted, high, 0.0))
    return iv.number(lo, hi)


def _extreme(function: str, parts: Sequence[Part]) -> Value:
    """A household's minimum or maximum over its members. While a function is written, which
    members count must be settled by the household's shape (else the rules answer it,
    `deferred.Untraceable`) and their bounds go through `scalars`."""
    writing = deferred.is_writing()
    values: list[Value] = []
    for sure, can, value in parts:
        assert value is not None  # a minimum or a maximum has a formula
        if writing and any(deferred.is_code(f) for f in (sure, can, value.value, value.null)):
            raise deferred.Untraceable(f"a {function} over the members a value selects")
        values.append(value)
    certain = [v for v, p in zip(values, parts, strict=True) if p[0] and v.value and not v.null]
    possible = [v for v, p in zip(values, parts, strict=True) if p[1] and v.value]
    if not possible:
        return iv.NULL
    # (Python's own min and max, or the helpers that write them: the same operand is chosen)
    smallest: Callable[[Iterable[Scalar]], Scalar] = (lambda v: s.minimum(*v)) if writing else min
    largest: Callable[[Iterable[Scalar]], Scalar] = (lambda v: s.maximum(*v)) if writing else max
    if function == "max":
        lo = largest(v.lo for v in certain) if certain else smallest(v.lo for v in possible)
        hi = largest(v.hi for v in possible)
    else:
        lo = smallest(v.lo for v in possible)
        hi = smallest(v.hi for v in certain) if certain else largest(v.hi for v in possible)
    return Value("num", lo, hi, not certain, True)
