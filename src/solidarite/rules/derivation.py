"""A household's derived variables, from its members' answers: the person formulas, and what
each member brings to the household's aggregates (counts, sums, minimums and maximums).

`person_values` is the rules for one member (`traced.person_values` writes it into a function
per shape of her answers); `aggregate` puts the members' parts together.
"""

from collections.abc import Mapping, Sequence

from solidarite.rules import intervals as iv
from solidarite.rules import outcomes
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
    sure = [bool(part[0]) for part in parts]
    can = [bool(part[1]) for part in parts]
    if spec.function == "count":
        return iv.number(float(sum(sure)), float(sum(can)))
    values: list[Value] = []
    for _, _, value in parts:
        assert value is not None  # a sum, a minimum or a maximum has a formula
        values.append(value)
    if spec.function == "sum":
        lo = hi = 0.0
        for value, is_sure, is_can in zip(values, sure, can, strict=True):
            if not is_can or not value.value:
                continue
            exact = is_sure and not value.null
            lo += value.lo if exact else min(0.0, value.lo)
            hi += value.hi if exact else max(0.0, value.hi)
        return iv.number(lo, hi)
    certain = [v for v, ok in zip(values, sure, strict=True) if ok and v.value and not v.null]
    possible = [v for v, ok in zip(values, can, strict=True) if ok and v.value]
    if not possible:
        return iv.NULL
    if spec.function == "max":
        lo = max(v.lo for v in certain) if certain else min(v.lo for v in possible)
        hi = max(v.hi for v in possible)
    else:
        lo = min(v.lo for v in possible)
        hi = min(v.hi for v in certain) if certain else max(v.hi for v in possible)
    return Value("num", lo, hi, not certain, True)
