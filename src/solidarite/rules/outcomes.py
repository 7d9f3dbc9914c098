"""One scheme's result from its conditions and amount, written once for both back-ends.

Eligibility is the Kleene AND of the conditions (a condition that is NULL is not met). The amount
is 0 when the household cannot be eligible, the formula's interval when it surely is, and their
hull when eligibility is undecided; amounts are rounded to the cent.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from solidarite.rules import intervals as iv
from solidarite.rules import scalars as s
from solidarite.rules.intervals import Value
from solidarite.rules.model import Bracket
from solidarite.rules.scalars import Scalar
from solidarite.rules.schemes import TERRITORY, Resolved, Scheme
from solidarite.rules.variables import VariableSet

AMOUNT_DECIMALS = 2  # amounts are paid in cents
FLOAT_DECIMALS = 6  # 3450 / 2.3 is 1500, not 1500.0000000000002, when compared to a threshold


@dataclass(slots=True)  # never changed once built; not frozen, as `intervals.Value`
class Outcome:
    conditions: tuple[Value, ...]
    sure: Scalar  # every condition surely holds
    possible: Scalar  # every condition may hold
    amount_lo: Scalar | None
    amount_hi: Scalar | None
    # The amount when eligible when it is one number for everyone (500 EUR a month): a
    # population's total is then that number times the beneficiaries, not a sum per member.
    # A hint for populations, not part of the result: one household's function written for its
    # shape (`traced`) may not know it, and its outcome is the rules' all the same.
    per_eligible: float | None = field(default=None, compare=False)

    @property
    def eligible(self) -> Value:
        return Value("bool", self.sure, self.possible)

    @property
    def amount(self) -> Value:
        return iv.number(self.amount_lo, self.amount_hi)


def rounded(value: Value, decimals: int = FLOAT_DECIMALS) -> Value:
    if value.kind != "num":
        return value
    if value.lo is value.hi:
        once = s.round_half_away(value.lo, decimals)
        return Value("num", once, once, value.null, value.value, value.domain)
    return Value(
        "num",
        s.round_half_away(value.lo, decimals),
        s.round_half_away(value.hi, decimals),
        value.null,
        value.value,
        value.domain,
    )


def brackets_of(value: Resolved) -> tuple[tuple[float, float], ...]:
    assert isinstance(value, tuple)
    return tuple((b.threshold, b.value) for b in value if isinstance(b, Bracket))


def names_of(env: Mapping[str, Value], home: Mapping[str, Value] | None = None) -> iv.Lookup:
    """The names of `env` (a member's), then of `home` (her household's) when given."""
    if home is None:
        return env.__getitem__

    def lookup(name: str) -> Value:
        return env[name] if name in env else home[name]

    return lookup


def scheme_lookup(
    scheme: Scheme,
    variables: VariableSet,
    values: Mapping[str, Resolved],
    lookup: iv.Lookup,
    keep: iv.Keep | None = None,
    memo: iv.Memo | None = None,
) -> iv.Lookup:
    """Names as a scheme's expressions see them: its parameters and scales, its territory, then
    variables and other schemes' results (`memo`: the values of the operations evaluated
    through it, `intervals.evaluate`)."""
    cache: dict[str, Value] = {}
    commune = variables.commune_variable()

    def local(name: str) -> Value:
        if name in cache:
            return cache[name]
        parameter = scheme.parameters.get(name)
        if parameter is not None and parameter.base is not None:
            base = iv.evaluate(parameter.base.tree, local, keep, memo)
            assert parameter.spec.scale is not None
            result = iv.scale(
                base, brackets_of(values[name]), parameter.spec.scale.type == "marginal"
            )
        elif parameter is not None:
            result = iv.constant(values[name])
        elif name == TERRITORY and commune is not None:
            result = iv.in_list(lookup(commune.name), tuple(sorted(scheme.communes)))
        elif name in scheme.fallbacks:
            answer = lookup(name)
            # Answered everywhere: the right it falls back on is not read (nor evaluated).
            result = (
                answer
                if iv.is_point(answer)
                else answered_else(
                    answer, iv.evaluate(scheme.fallbacks[name].tree, local, keep, memo)
                )
            )
        elif name in scheme.recomputed:
            # A derived variable that reads an answered-else-computed input, seen by this scheme.
            variable = variables.by_name[name]
            assert variable.formula is not None
            result = iv.evaluate(variable.formula.tree, local, keep, memo)
            if variable.spec.type == "float":
                result = rounded(result)
        else:
            result = lookup(name)
        cache[name] = result
        return result

    return local


def answered_else(answer: Value, computed: Value) -> Value:
    """The answer where the resident gave one, else the computed value. The input is a boolean
    whose unknown is exactly [False, True]: it is answered wherever its two bounds agree (per
    row in a population)."""
    if iv.is_point(answer):
        return answer
    answered = s.eq(answer.lo, answer.hi)
    if answered is False:
        return computed
    return Value(
        "bool",
        s.where(answered, answer.lo, computed.lo),
        s.where(answered, answer.hi, computed.hi),
        s.where(answered, answer.null, computed.null),
        s.where(answered, answer.value, computed.value),
    )


def scheme_outcome(
    scheme: Scheme,
    variables: VariableSet,
    values: Mapping[str, Resolved],
    lookup: iv.Lookup,
    keep: iv.Keep | None = None,
) -> Outcome:
    # One memo for the scheme: its amount often repeats a condition's expression (the prime
    # d'activité's amount is its last condition's left side).
    memo: iv.Memo = {}
    local = scheme_lookup(scheme, variables, values, lookup, keep, memo)
    conditions = tuple(iv.evaluate(c.formula.tree, local, keep, memo) for c in scheme.conditions)
    sure = s.all_([iv.surely_true(c) for c in conditions])
    if all(iv.is_point(c) and c.kind == "bool" for c in conditions):
        possible = sure  # known answers: one expression, which later steps recognise
    else:
        possible = s.all_([iv.can_be_true(c) for c in conditions])
    if scheme.amount is None:
        return Outcome(conditions, sure, possible, None, None)
    if possible is False and keep is None:
        # Surely not eligible: no money, whatever the amount (one household; a population's plan
        # still reads a constant amount, its total being that amount times the beneficiaries).
        return Outcome(conditions, sure, possible, 0.0, 0.0)
    amount = iv.as_number(iv.evaluate(scheme.amount.tree, local, keep, memo))
    if amount.kind == "null" or amount.value is False:
        amount = iv.constant(0.0)  # surely NULL: no money
    # Rounding goes to the amount itself, before the choices below: rounding is monotone and
    # keeps 0, so the result is the same, and a constant amount (500 EUR) is rounded once
    # when the plan is built instead of on every row of a population.
    amount_lo = s.round_half_away(amount.lo, AMOUNT_DECIMALS)
    amount_hi = (
        amount_lo if amount.hi is amount.lo else s.round_half_away(amount.hi, AMOUNT_DECIMALS)
    )
    if sure is possible and iv.is_point(amount):
        # Known answers: one expression for the amount, not two bounds.
        once = s.where(sure, amount_lo, 0.0)
        constant = s.plain_float(amount_lo)
        return Outcome(conditions, sure, possible, once, once, constant)
    # A NULL amount is no money; a surely-NULL one is 0.
    lo = s.where(amount.value, s.where(amount.null, s.minimum(0.0, amount_lo), amount_lo), 0.0)
    hi = s.where(amount.value, s.where(amount.null, s.maximum(0.0, amount_hi), amount_hi), 0.0)
    lo = s.where(possible, s.where(sure, lo, s.minimum(0.0, lo)), 0.0)
    hi = s.where(possible, s.where(sure, hi, s.maximum(0.0, hi)), 0.0)
    return Outcome(conditions, sure, possible, lo, hi)


def not_in_force(scheme: Scheme) -> Outcome:
    zero = 0.0 if scheme.amount is not None else None
    return Outcome((), False, False, zero, zero)


def published_names(scheme: Scheme) -> tuple[str, ...]:
    """The names `publish` gives a scheme's result."""
    eligible, amount = scheme.published
    return (eligible, amount) if scheme.amount is not None else (eligible,)


def publish(env: dict[str, Value], scheme: Scheme, outcome: Outcome) -> None:
    """Make the scheme's result readable by the schemes that come after it."""
    eligible, amount = scheme.published
    env[eligible] = outcome.eligible
    if scheme.amount is not None:
        env[amount] = outcome.amount


def age_at(birth: dt.date, date: dt.date) -> tuple[int, int]:
    """Whole years and whole months of age at `date`."""
    delta = relativedelta(date, birth)
    return delta.years, delta.years * 12 + delta.months
