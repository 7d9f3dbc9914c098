"""Arithmetic on values that are either plain Python scalars or Polars expressions.

The interval algebra (`intervals.py`) is written once over these helpers. Given Python values
they compute at once (the one-household back-end); given a Polars expression they build one (the
population back-end); given a `deferred.Code` they write the Python operation they would have
computed into a function (`traced.py`: one household, run again for each household of the same
shape). Two Python operands always fold to a Python value, so whatever is known when the plan is
built (parameters, static flags) never costs a column, nor a line.
"""

import math
from typing import Any

import polars as pl

from solidarite.rules.deferred import Code, apply

Scalar = Any  # bool | float | str | None | pl.Expr
INF = math.inf


def is_expr(value: Scalar) -> bool:
    return isinstance(value, pl.Expr)


def lit(value: Scalar) -> pl.Expr:
    if isinstance(value, pl.Expr):
        return value
    if isinstance(value, bool):
        return pl.lit(value, pl.Boolean)
    if isinstance(value, int | float):
        return pl.lit(float(value), pl.Float64)
    if value is None:
        return pl.lit(None)
    return pl.lit(value, pl.String)


def both_python(a: Scalar, b: Scalar) -> bool:
    return not isinstance(a, pl.Expr | Code) and not isinstance(b, pl.Expr | Code)


def surely_known(value: Scalar) -> bool:
    """A text that is not None in every row, as far as is known before computing."""
    if isinstance(value, Code):
        return value.known
    return not isinstance(value, pl.Expr) and value is not None


# --- booleans -----------------------------------------------------------------------------------
def and_(a: Scalar, b: Scalar) -> Scalar:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} and {})", a, b)
    return lit(a) & lit(b)


def or_(a: Scalar, b: Scalar) -> Scalar:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} or {})", a, b)
    return lit(a) | lit(b)


def not_(a: Scalar) -> Scalar:
    if isinstance(a, bool):
        return not a
    if isinstance(a, Code):
        return apply("(not {})", a)
    return ~lit(a)


def all_(values: list[Scalar]) -> Scalar:
    result: Scalar = True
    for value in values:
        result = and_(result, value)
    return result


def _same(a: Scalar, b: Scalar) -> bool:
    """Equal, of one type, and of one sign when zero (0.0 == -0.0)."""
    if type(a) is not type(b) or a != b:
        return False
    return type(a) is not float or math.copysign(1.0, a) == math.copysign(1.0, b)


def where(condition: Scalar, then: Scalar, otherwise: Scalar) -> Scalar:
    if condition is True or then is otherwise:
        return then
    if condition is False:
        return otherwise
    if both_python(then, otherwise) and _same(then, otherwise):
        return then
    if isinstance(condition, Code) or isinstance(then, Code) or isinstance(otherwise, Code):
        return apply("({1} if {0} else {2})", condition, then, otherwise)
    return pl.when(lit(condition)).then(lit(then)).otherwise(lit(otherwise))


# --- comparisons --------------------------------------------------------------------------------
# A constant is compared on the right: Polars 2.1 gives one row instead of a column for
# `constant < column` when the column holds one value in every row (a column it stores as a
# single value, as a CASE whose condition always holds makes); `column > constant` is right.
def lt(a: Scalar, b: Scalar) -> Scalar:
    if a is b and is_expr(a):
        return False
    if both_python(a, b):
        return bool(a < b)
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} < {})", a, b)
    return lit(b) > lit(a) if is_expr(b) and not is_expr(a) else lit(a) < lit(b)


def le(a: Scalar, b: Scalar) -> Scalar:
    if a is b and is_expr(a):
        return True  # a column's known value is not NULL here: NULL never reaches a bound
    if both_python(a, b):
        return bool(a <= b)
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} <= {})", a, b)
    return lit(b) >= lit(a) if is_expr(b) and not is_expr(a) else lit(a) <= lit(b)


def eq(a: Scalar, b: Scalar) -> Scalar:
    if a is b and is_expr(a):
        return True
    if both_python(a, b):
        return bool(a == b)
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} == {})", a, b)
    return lit(b) == lit(a) if is_expr(b) and not is_expr(a) else lit(a) == lit(b)


def is_in(value: Scalar, options: frozenset[Any]) -> Scalar:
    if isinstance(value, Code):
        return apply("({} in {})", value, options)
    if not is_expr(value):
        return value in options
    return lit(value).is_in(sorted(options))


def known(value: Scalar) -> Scalar:
    """A text value is known unless it is None / null."""
    if isinstance(value, Code):
        return True if value.known else apply("({} is not None)", value)
    if not is_expr(value):
        return value is not None
    return value.is_not_null()


# --- numbers ------------------------------------------------------------------------------------
def add(a: Scalar, b: Scalar) -> Scalar:
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} + {})", a, b)
    return a + b if both_python(a, b) else lit(a) + lit(b)


def sub(a: Scalar, b: Scalar) -> Scalar:
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("({} - {})", a, b)
    return a - b if both_python(a, b) else lit(a) - lit(b)


def neg(a: Scalar) -> Scalar:
    return sub(0.0, a)


def mul(a: Scalar, b: Scalar) -> Scalar:
    """A product where 0 times an infinite bound is 0 (an unbounded unknown times nothing)."""
    if both_python(a, b):
        return 0.0 if a == 0 or b == 0 else a * b
    if isinstance(a, Code) or isinstance(b, Code):
        if (not isinstance(a, Code) and a == 0) or (not isinstance(b, Code) and b == 0):
            return 0.0
        if not isinstance(a, Code):  # a constant that is not 0: only the other one is tested
            return apply("(0.0 if {1} == 0 else {0} * {1})", a, b)
        if not isinstance(b, Code):
            return apply("(0.0 if {0} == 0 else {0} * {1})", a, b)
        return apply("(0.0 if {0} == 0 or {1} == 0 else {0} * {1})", a, b)
    if (not is_expr(a) and a == 0) or (not is_expr(b) and b == 0):
        return 0.0
    constant = b if is_expr(a) else a
    if not is_expr(constant) and math.isfinite(constant):
        return lit(a) * lit(b)  # only an infinite bound times 0 needs the guard below
    product = lit(a) * lit(b)
    return pl.when((lit(a) == 0) | (lit(b) == 0)).then(pl.lit(0.0)).otherwise(product)


def div(a: Scalar, b: Scalar) -> Scalar:
    """a / b; a zero divisor gives an infinite value that callers mask."""
    if both_python(a, b):
        if b == 0:
            return INF if a >= 0 else -INF
        return a / b
    if isinstance(a, Code) or isinstance(b, Code):
        return apply("(({2} if {0} >= 0 else -{2}) if {1} == 0 else {0} / {1})", a, b, INF)
    return lit(a) / lit(b)


def quot(a: Scalar, b: Scalar) -> Scalar:
    """A bound of an interval quotient: a / b, 0 when a is 0 or b infinite (the limit, and no
    NaN); a zero b gives an infinite value that callers mask. Dividing the bounds themselves,
    rather than multiplying by an inverse, gives a point's quotient to the last bit: one
    household's known numbers are divided the same whichever rule meets them."""
    if both_python(a, b):
        return 0.0 if a == 0 or math.isinf(b) else div(a, b)
    if isinstance(a, Code) or isinstance(b, Code):
        return apply(
            "(0.0 if {0} == 0 or {1} == {2} or {1} == -{2} else "
            "(({2} if {0} >= 0 else -{2}) if {1} == 0 else {0} / {1}))",
            a,
            b,
            INF,
        )
    if not is_expr(a) and a == 0:
        return 0.0
    if not is_expr(b) and math.isinf(b):
        return 0.0
    zero_or_infinite = (lit(a) == 0) | lit(b).is_infinite()
    return pl.when(zero_or_infinite).then(pl.lit(0.0)).otherwise(lit(a) / lit(b))


def minimum(*values: Scalar) -> Scalar:
    if any(isinstance(v, Code) for v in values):
        return _deferred_extreme("min", values)
    if all(not is_expr(v) for v in values):
        return min(values)
    if all(v is values[0] for v in values):
        return values[0]
    return pl.min_horizontal(_columns_first(values))


def maximum(*values: Scalar) -> Scalar:
    if any(isinstance(v, Code) for v in values):
        return _deferred_extreme("max", values)
    if all(not is_expr(v) for v in values):
        return max(values)
    if all(v is values[0] for v in values):
        return values[0]
    return pl.max_horizontal(_columns_first(values))


def _deferred_extreme(function: str, values: tuple[Scalar, ...]) -> Scalar:
    """min / max written into a function, each operand once (a repeated operand never changes
    which one Python's min and max return: only a strictly smaller or larger one replaces the
    first found)."""
    unique: list[Scalar] = []
    for value in values:
        if not any(value is kept for kept in unique):
            unique.append(value)
    if len(unique) == 1:
        return unique[0]
    return apply(function + "(" + ", ".join("{}" for _ in unique) + ")", *unique)


def _columns_first(values: tuple[Scalar, ...]) -> list[pl.Expr]:
    """Inputs that read columns first: Polars sizes a horizontal min/max by its first input,
    and a literal first gives one row."""
    exprs = [lit(v) for v in values]
    return sorted(exprs, key=lambda e: not e.meta.root_names())


def plain_float(a: Scalar) -> Scalar:
    """A Python float as it is, anything else (a column, an expression) as None."""
    if isinstance(a, Code):
        return apply("({0} if type({0}) is float else None)", a)
    return a if type(a) is float else None


def floor(a: Scalar) -> Scalar:
    if isinstance(a, Code):
        return apply("(float(math.floor({0})) if math.isfinite({0}) else {0})", a)
    if not is_expr(a):
        return float(math.floor(a)) if math.isfinite(a) else a
    return a.floor()


def ceil(a: Scalar) -> Scalar:
    if isinstance(a, Code):
        return apply("(float(math.ceil({0})) if math.isfinite({0}) else {0})", a)
    if not is_expr(a):
        return float(math.ceil(a)) if math.isfinite(a) else a
    return a.ceil()


def trunc(a: Scalar) -> Scalar:
    return where(lt(a, 0.0), ceil(a), floor(a))


def round_half_away(a: Scalar, decimals: int) -> Scalar:
    """Round half away from zero, the same float operations in both back-ends."""
    if isinstance(a, Code):
        return apply(f"round_plain({{}}, {decimals})", a)
    if not is_expr(a):
        return round_plain(a, decimals)
    factor = 10.0**decimals
    magnitude = (a.abs() * factor + 0.5).floor() / factor
    return pl.when(a >= 0).then(magnitude).otherwise(-magnitude)


def round_plain(a: Any, decimals: int) -> Any:
    """`round_half_away` on a Python number (the compiled one-household path calls it)."""
    factor = 10.0**decimals
    scaled = abs(a) * factor + 0.5
    if not math.isfinite(scaled):
        return a  # too large to carry decimals anyway (and floor(inf) would raise)
    rounded = math.floor(scaled) / factor
    return rounded if a >= 0 else -rounded
