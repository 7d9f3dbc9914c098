"""The semantics of unknown answers: every value is the set of values it could take.

An unknown input stands for every value of its declared domain. Each sub-expression is evaluated
to a `Value`: for a number the interval [lo, hi] it lies in; for a boolean the interval over
False < True (known true is [True, True], unknown is [False, True]); for a text its value when
known, else its domain. `null` says whether SQL NULL is possible (CASE without ELSE, the maximum
of no member, division by zero) and `value` whether a non-null value is. A result is decided when
its set holds one value. The rules are sound (a decided result never changes when an answer is
given) and decide at least: Kleene AND / OR / NOT, COALESCE, CASE whose reachable branches agree,
GREATEST / LEAST, comparisons and BETWEEN settled by bounds propagated through arithmetic.

Every operation is written once over `scalars`, so it runs on Python values (one household) and
builds Polars expressions (populations) with the same meaning.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from solidarite.rules import scalars as s
from solidarite.rules.deferred import Untraceable, is_code
from solidarite.rules.scalars import INF, Scalar
from solidarite.rules.tree import Call, Case, Column, Constant, InList, Node

Kind = Literal["num", "bool", "text", "null"]


# Never changed once built, but not `frozen`: a frozen dataclass sets each of its seven fields
# through `object.__setattr__`, and one household with unknown answers builds thousands of
# values (hashable all the same: equal values are interchangeable).
@dataclass(slots=True, unsafe_hash=True)
class Value:
    kind: Kind
    lo: Scalar
    hi: Scalar
    null: Scalar = False  # SQL NULL is a possible result
    value: Scalar = True  # a non-null result is possible
    domain: frozenset[str] | None = None  # text: the values an unknown text can take
    certain: bool = False  # text: known in every row (a column without missing answers)

    @property
    def point(self) -> Scalar:
        """True when exactly one non-null value is possible and NULL is not."""
        if self.kind == "text":
            return s.and_(s.not_(self.null), s.known(self.lo))
        return s.and_(s.and_(s.not_(self.null), self.value), s.eq(self.lo, self.hi))


NULL = Value("null", None, None, True, False)


def with_bounds(v: Value, lo: Scalar, hi: Scalar) -> Value:
    """The same value with other bounds (`dataclasses.replace` is several times slower, and
    the interval rules build thousands of values per national right)."""
    return Value(v.kind, lo, hi, v.null, v.value, v.domain, v.certain)


def is_point(v: Value) -> bool:
    """Statically one known value (the same object as both bounds): the fast path where every
    answer is known, which builds one expression instead of interval bounds."""
    if v.null is not False or v.value is not True:
        return False
    if v.kind == "text":
        return v.certain or s.surely_known(v.lo)
    return v.kind in ("num", "bool") and v.lo is v.hi


def point(kind: Kind, x: Scalar) -> Value:
    return Value(kind, x, x, certain=kind == "text")


def constant(value: Any) -> Value:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Value("bool", value, value)
    if isinstance(value, int | float):
        number = float(value)
        return Value("num", number, number)
    return Value("text", value, value, domain=frozenset({value}))


def number(lo: Scalar, hi: Scalar) -> Value:
    return Value("num", lo, hi)


UNKNOWN_BOOL = Value("bool", False, True)


# --- three-valued flags of a boolean ------------------------------------------------------------
def can_be_true(v: Value) -> Scalar:
    return s.and_(v.value, v.hi) if v.kind == "bool" else False


def can_be_false(v: Value) -> Scalar:
    return s.and_(v.value, s.not_(v.lo)) if v.kind == "bool" else False


def surely_true(v: Value) -> Scalar:
    return s.and_(s.not_(v.null), s.and_(v.value, v.lo)) if v.kind == "bool" else False


def _from_flags(can_false: Scalar, can_true: Scalar, can_null: Scalar) -> Value:
    return Value("bool", s.not_(can_false), can_true, can_null, s.or_(can_false, can_true))


def and_(a: Value, b: Value) -> Value:
    if is_point(a) and is_point(b):
        return point("bool", s.and_(a.lo, b.lo))
    fa, ta, na = can_be_false(a), can_be_true(a), a.null
    fb, tb, nb = can_be_false(b), can_be_true(b), b.null
    null = s.or_(s.and_(na, s.or_(tb, nb)), s.and_(nb, s.or_(ta, na)))
    return _from_flags(s.or_(fa, fb), s.and_(ta, tb), null)


def or_(a: Value, b: Value) -> Value:
    if is_point(a) and is_point(b):
        return point("bool", s.or_(a.lo, b.lo))
    fa, ta, na = can_be_false(a), can_be_true(a), a.null
    fb, tb, nb = can_be_false(b), can_be_true(b), b.null
    null = s.or_(s.and_(na, s.or_(fb, nb)), s.and_(nb, s.or_(fa, na)))
    return _from_flags(s.and_(fa, fb), s.or_(ta, tb), null)


def not_(a: Value) -> Value:
    if a.kind == "null":
        return a
    if is_point(a):
        return point("bool", s.not_(a.lo))
    return Value("bool", s.not_(a.hi), s.not_(a.lo), a.null, a.value)


def _strict(a: Value, b: Value, result: Value) -> Value:
    """SQL: an operation on NULL gives NULL."""
    # Built directly: `dataclasses.replace` cost a sixth of a national right's evaluation.
    return Value(
        result.kind,
        result.lo,
        result.hi,
        s.or_(a.null, b.null),
        s.and_(a.value, b.value),
        result.domain,
        result.certain,
    )


def as_number(v: Value) -> Value:
    if v.kind == "bool":
        return Value("num", s.where(v.lo, 1.0, 0.0), s.where(v.hi, 1.0, 0.0), v.null, v.value)
    return v


# --- comparisons --------------------------------------------------------------------------------
_EXACT = {"<": s.lt, "<=": s.le, "=": s.eq}


def compare(op: str, a: Value, b: Value) -> Value:
    if a.kind == "null" or b.kind == "null":
        return NULL
    if is_point(a) and is_point(b):
        left, right = as_number(a).lo, as_number(b).lo
        if a.kind == "text" or b.kind == "text":
            left, right = a.lo, b.lo
        if op in (">", ">="):
            left, right, op = right, left, "<" if op == ">" else "<="
        if op == "<>":
            return point("bool", s.not_(s.eq(left, right)))
        return point("bool", _EXACT[op](left, right))
    if a.kind == "text" or b.kind == "text":
        return _strict(a, b, _compare_text(op, a, b))
    a, b = as_number(a), as_number(b)
    if op in (">", ">="):
        a, b, op = b, a, "<" if op == ">" else "<="
    if op == "<":
        sure, possible = s.lt(a.hi, b.lo), s.lt(a.lo, b.hi)
    elif op == "<=":
        sure, possible = s.le(a.hi, b.lo), s.le(a.lo, b.hi)
    else:
        same = s.and_(s.eq(a.lo, a.hi), s.and_(s.eq(b.lo, b.hi), s.eq(a.lo, b.lo)))
        overlap = s.and_(s.le(a.lo, b.hi), s.le(b.lo, a.hi))
        sure, possible = same, overlap
        if op == "<>":
            sure, possible = s.not_(overlap), s.not_(same)
    return _strict(a, b, Value("bool", sure, possible))


def _compare_text(op: str, a: Value, b: Value) -> Value:
    both = s.and_(s.known(a.lo), s.known(b.lo))
    if op not in ("=", "<>"):
        exact = {"<": s.lt, "<=": s.le}.get(op)
        if exact is None:
            exact = s.lt if op == ">" else s.le
            a, b = b, a
        result = exact(a.lo, b.lo) if s.both_python(a.lo, b.lo) and both is True else None
        if result is not None:
            return Value("bool", result, result)
        value = s.where(both, exact(a.lo, b.lo), False)
        return Value("bool", value, s.where(both, value, True))
    equal = s.where(both, s.eq(a.lo, b.lo), False)
    possible = s.where(
        both,
        equal,
        s.where(
            s.known(a.lo),
            _in_domain(a.lo, b.domain),
            s.where(s.known(b.lo), _in_domain(b.lo, a.domain), _domains_meet(a, b)),
        ),
    )
    if op == "<>":
        return Value("bool", s.not_(possible), s.not_(equal))
    return Value("bool", equal, possible)


def _in_domain(value: Scalar, domain: frozenset[str] | None) -> Scalar:
    return True if domain is None else s.is_in(value, domain)


def _domains_meet(a: Value, b: Value) -> bool:
    return a.domain is None or b.domain is None or bool(a.domain & b.domain)


def in_list(a: Value, options: tuple[Any, ...]) -> Value:
    if a.kind == "null":
        return NULL
    if is_point(a) and a.kind == "text":
        return point("bool", s.is_in(a.lo, frozenset(str(o) for o in options)))
    if a.kind == "text":
        texts = frozenset(str(o) for o in options)
        member = s.where(s.known(a.lo), s.is_in(a.lo, texts), False)
        meets = a.domain is None or bool(a.domain & texts)
        possible = s.where(s.known(a.lo), member, meets)
        return Value("bool", member, possible, a.null, a.value)
    result = compare("=", a, constant(options[0]))
    for option in options[1:]:
        result = or_(result, compare("=", a, constant(option)))
    return result


# --- arithmetic ---------------------------------------------------------------------------------
def arithmetic(op: str, a: Value, b: Value) -> Value:
    if a.kind == "null" or b.kind == "null":
        return NULL
    a, b = as_number(a), as_number(b)
    if is_point(a) and is_point(b) and op in ("+", "-", "*"):
        combine = {"+": s.add, "-": s.sub, "*": s.mul}[op]
        return point("num", combine(a.lo, b.lo))
    if op == "+":
        return _strict(a, b, number(s.add(a.lo, b.lo), s.add(a.hi, b.hi)))
    if op == "-":
        return _strict(a, b, number(s.sub(a.lo, b.hi), s.sub(a.hi, b.lo)))
    if op == "*":
        return _strict(a, b, _product(a, b.lo, b.hi))
    if op == "/":
        return _divide(a, b)
    return _remainder(a, b)


def _product(a: Value, lo: Scalar, hi: Scalar) -> Value:
    products = [s.mul(a.lo, lo), s.mul(a.lo, hi), s.mul(a.hi, lo), s.mul(a.hi, hi)]
    return number(s.minimum(*products), s.maximum(*products))


def _divide(a: Value, b: Value) -> Value:
    """Division by a divisor that cannot be zero narrows; a divisor that may be zero may give
    NULL (we never divide by zero)."""
    if is_point(a) and is_point(b):
        zero = s.eq(b.lo, 0.0)
        quotient = s.div(a.lo, s.where(zero, 1.0, b.lo))
        return Value("num", quotient, quotient, zero, s.not_(zero))
    nonzero = s.or_(s.lt(0.0, b.lo), s.lt(b.hi, 0.0))
    quotients = [s.quot(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    quotient = number(s.minimum(*quotients), s.maximum(*quotients))
    zero_only = s.and_(s.eq(b.lo, 0.0), s.eq(b.hi, 0.0))
    return Value(
        "num",
        s.where(nonzero, quotient.lo, -INF),
        s.where(nonzero, quotient.hi, INF),
        s.or_(s.or_(a.null, b.null), s.not_(nonzero)),
        s.and_(s.and_(a.value, b.value), s.not_(zero_only)),
    )


def _remainder(a: Value, b: Value) -> Value:
    """SQL remainder (sign of the dividend); exact on known values, bounded by |divisor|."""
    exact_ok = s.and_(a.point, s.and_(b.point, s.not_(s.eq(b.lo, 0.0))))
    quotient = s.trunc(s.div(a.lo, s.where(s.eq(b.lo, 0.0), 1.0, b.lo)))
    exact = s.sub(a.lo, s.mul(b.lo, quotient))
    bound = s.maximum(s.maximum(b.hi, s.neg(b.lo)), 0.0)
    lo = s.where(s.le(0.0, a.lo), 0.0, s.neg(bound))
    hi = s.where(s.le(a.hi, 0.0), 0.0, bound)
    may_zero = s.and_(s.le(b.lo, 0.0), s.le(0.0, b.hi))
    zero_only = s.and_(s.eq(b.lo, 0.0), s.eq(b.hi, 0.0))
    return Value(
        "num",
        s.where(exact_ok, exact, lo),
        s.where(exact_ok, exact, hi),
        s.or_(s.or_(a.null, b.null), may_zero),
        s.and_(s.and_(a.value, b.value), s.not_(zero_only)),
    )


def monotone(a: Value, function: Callable[[Scalar], Scalar]) -> Value:
    """A non-decreasing function applied to both bounds."""
    a = as_number(a)
    return with_bounds(a, function(a.lo), function(a.hi))


def absolute(a: Value) -> Value:
    a = as_number(a)
    lo = s.where(s.le(0.0, a.lo), a.lo, s.where(s.le(a.hi, 0.0), s.neg(a.hi), 0.0))
    hi = s.maximum(s.neg(a.lo), a.hi)
    return with_bounds(a, lo, hi)


def to_bool(a: Value) -> Value:
    if a.kind in ("bool", "null"):
        return a
    a = as_number(a)
    sure = s.or_(s.lt(0.0, a.lo), s.lt(a.hi, 0.0))
    possible = s.not_(s.and_(s.eq(a.lo, 0.0), s.eq(a.hi, 0.0)))
    return Value("bool", sure, possible, a.null, a.value)


# --- choices ------------------------------------------------------------------------------------
def hull(x: Value, y: Value, take_x: Scalar, take_y: Scalar) -> Value:
    """The values of x when `take_x` may hold together with those of y when `take_y` may."""
    null = s.or_(s.and_(take_x, x.null), s.and_(take_y, y.null))
    if x.kind == "null" or take_x is False:
        return Value(y.kind, y.lo, y.hi, null, s.and_(take_y, y.value), y.domain)
    if y.kind == "null" or take_y is False:
        return Value(x.kind, x.lo, x.hi, null, s.and_(take_x, x.value), x.domain)
    if (is_code(take_x) or is_code(take_y)) and (x.kind != y.kind or x.kind == "text"):
        # One household skips the branch it cannot take, and keeps the other's kind and
        # domain: a function written before knowing which is taken cannot.
        raise Untraceable("a choice between values of different kinds")
    from_x = s.and_(take_x, x.value)
    from_y = s.and_(take_y, y.value)
    both = s.and_(from_x, from_y)
    if x.kind == "text" or y.kind == "text":
        same = s.where(s.and_(s.known(x.lo), s.known(y.lo)), s.eq(x.lo, y.lo), False)
        lo = s.where(both, s.where(same, x.lo, None), s.where(from_x, x.lo, y.lo))
        domain = None if x.domain is None or y.domain is None else x.domain | y.domain
        return Value("text", lo, lo, null, s.or_(from_x, from_y), domain)
    kind: Kind = "bool" if x.kind == y.kind == "bool" else "num"
    if kind == "num":
        x, y = as_number(x), as_number(y)
        low, high = s.minimum, s.maximum
    else:
        low, high = s.and_, s.or_
    lo = s.where(both, low(x.lo, y.lo), s.where(from_x, x.lo, y.lo))
    hi = s.where(both, high(x.hi, y.hi), s.where(from_x, x.hi, y.hi))
    return Value(kind, lo, hi, null, s.or_(from_x, from_y))


def case(predicate: Value, then: Value, otherwise: Value) -> Value:
    if (
        is_point(predicate)
        and is_point(then)
        and is_point(otherwise)
        and then.kind == otherwise.kind
        and then.kind in ("num", "bool")
    ):
        return point(then.kind, s.where(predicate.lo, then.lo, otherwise.lo))
    return hull(
        then,
        otherwise,
        can_be_true(predicate),
        s.or_(can_be_false(predicate), predicate.null),
    )


def coalesce(values: list[Value]) -> Value:
    first, rest = values[0], values[1:]
    if not rest:
        return first
    tail = coalesce(rest)
    never_null = Value(
        first.kind, first.lo, first.hi, False, first.value, first.domain, first.certain
    )
    return hull(never_null, tail, first.value, first.null)


def _masked(v: Value) -> Value:
    """Bounds that exist only where a non-null value does (NULL elsewhere, which GREATEST and
    LEAST skip): a surely-NULL argument must not lend its meaningless bounds."""
    if v.value is True:
        return v
    if is_code(v.value):
        # One household skips a surely-NULL argument before this: only a written function
        # would reach the masked bounds, where None is no number.
        raise Untraceable("an argument of GREATEST / LEAST that may be NULL")
    return with_bounds(v, s.where(v.value, v.lo, None), s.where(v.value, v.hi, None))


def extreme(values: list[Value], largest: bool) -> Value:
    """GREATEST / LEAST: NULL arguments are skipped, as in PostgreSQL and Polars."""
    if all(is_point(v) and v.kind == "num" for v in values):
        pick = s.maximum if largest else s.minimum
        return point("num", pick(*(v.lo for v in values)))
    result = values[0]
    for other in values[1:]:
        if other.kind == "null" or other.value is False:
            continue
        if result.kind == "null" or result.value is False:
            result = other
            continue
        if is_code(result.value) or is_code(other.value):
            result = _skipping(result, other, largest)
            continue
        result = _either(_masked(as_number(result)), _masked(as_number(other)), largest)
    return result


def _either(a: Value, b: Value, largest: bool) -> Value:
    """GREATEST / LEAST of two numbers that may each be NULL (then skipped)."""
    either_null = s.or_(a.null, b.null)
    if largest:
        lo = s.where(either_null, s.minimum(a.lo, b.lo), s.maximum(a.lo, b.lo))
        hi = s.maximum(a.hi, b.hi)
    else:
        lo = s.minimum(a.lo, b.lo)
        hi = s.where(either_null, s.maximum(a.hi, b.hi), s.minimum(a.hi, b.hi))
    return Value("num", lo, hi, s.and_(a.null, b.null), s.or_(a.value, b.value))


def _skipping(a: Value, b: Value, largest: bool) -> Value:
    """`extreme`'s step for a written function (`deferred`), where whether an argument is
    surely NULL is known only when it runs: the one-household step (skip an argument that is
    surely NULL, else `_either` on the two), chosen field by field."""
    if a.kind != "num" or b.kind != "num":
        raise Untraceable("GREATEST / LEAST of a value that is not a number")
    step = _either(a, b, largest)

    def pick(field: Callable[[Value], Scalar]) -> Scalar:
        return s.where(b.value, s.where(a.value, field(step), field(b)), field(a))

    return Value(
        "num",
        pick(lambda v: v.lo),
        pick(lambda v: v.hi),
        pick(lambda v: v.null),
        pick(lambda v: v.value),
    )


def null_test(a: Value, negate: bool) -> Value:
    surely_null = s.not_(a.value)
    maybe_null = a.null
    if negate:
        return Value("bool", s.not_(maybe_null), s.not_(surely_null))
    return Value("bool", surely_null, maybe_null)


# --- the tree -----------------------------------------------------------------------------------
Lookup = Callable[[str], Value]


Keep = Callable[[Value], Value]
Memo = dict[int, Value]


def evaluate(
    node: Node, lookup: Lookup, keep: Keep | None = None, memo: Memo | None = None
) -> Value:
    """The value of an expression tree, whichever back-end `lookup` gives values for.

    `keep`, when given, sees the value of every operation as it is built: the population
    back-end turns a large one into columns, so that the interval rules, which read an operand's
    bounds several times, do not copy whole sub-trees into their parents (the prime d'activité's
    plan grew to millions of nodes with unknown answers).

    `memo`, when given, holds the value of each operation by the identity of its node, for
    every tree evaluated with the same `lookup`: a sub-tree that appears twice (equal sub-trees
    are one object, `tree.shared`) is evaluated once."""
    if isinstance(node, Column):
        return lookup(node.name)
    if isinstance(node, Constant):
        return _constant(node)
    if memo is not None:
        found = memo.get(id(node))
        if found is not None:
            return found
    if isinstance(node, Case):
        predicate = evaluate(node.predicate, lookup, keep, memo)
        # A predicate already decided (a known answer, a parameter) needs one branch only:
        # large schemes (the prime d'activité's three months) skip what cannot be taken.
        take_then = can_be_true(predicate)
        take_otherwise = s.or_(can_be_false(predicate), predicate.null)
        if take_then is False and take_otherwise is True:
            result = evaluate(node.otherwise, lookup, keep, memo)
        elif take_otherwise is False and take_then is True:
            result = evaluate(node.then, lookup, keep, memo)
        else:
            result = case(
                predicate,
                evaluate(node.then, lookup, keep, memo),
                evaluate(node.otherwise, lookup, keep, memo),
            )
            if keep is not None:
                result = keep(result)
    else:
        if isinstance(node, InList):
            result = in_list(evaluate(node.arg, lookup, keep, memo), node.values)
        else:
            result = _call(node, [evaluate(arg, lookup, keep, memo) for arg in node.args])
        if keep is not None:
            result = keep(result)
    if memo is not None:
        memo[id(node)] = result
    return result


_CONSTANTS: dict[int, tuple[Constant, Value]] = {}


def _constant(node: Constant) -> Value:
    """A literal's value, built once per tree node (values are immutable; trees live as long
    as their catalog, and the node is kept so that its id stays its own)."""
    found = _CONSTANTS.get(id(node))
    if found is None or found[0] is not node:
        if len(_CONSTANTS) > 65_536:
            _CONSTANTS.clear()
        found = _CONSTANTS[id(node)] = (node, constant(node.value))
    return found[1]


_COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">="})
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})


def _call(node: Call, args: list[Value]) -> Value:
    op = node.op
    if op in _COMPARISONS:
        return compare(op, args[0], args[1])
    if op in _ARITHMETIC:
        return arithmetic(op, args[0], args[1])
    if op == "and":
        return and_(to_bool(args[0]), to_bool(args[1]))
    if op == "or":
        return or_(to_bool(args[0]), to_bool(args[1]))
    if op == "not":
        return not_(to_bool(args[0]))
    if op == "coalesce":
        return coalesce(args)
    if op in ("greatest", "least"):
        return extreme(args, op == "greatest")
    if op in ("is_null", "is_not_null"):
        return null_test(args[0], op == "is_not_null")
    if op == "abs":
        return absolute(args[0])
    if op == "floor":
        return monotone(args[0], s.floor)
    if op in ("ceil", "cast_int"):
        return monotone(args[0], s.ceil if op == "ceil" else s.trunc)
    if op == "round":
        digits = int(node.args[1].value) if isinstance(node.args[1], Constant) else 0  # type: ignore[arg-type]
        return monotone(args[0], lambda x: s.round_half_away(x, digits))
    if op == "cast_float":
        return as_number(args[0])
    if op == "cast_bool":
        return to_bool(args[0])
    raise ValueError(f"operator {op!r} has no interval rule")  # the loader refuses it first


# --- scales -------------------------------------------------------------------------------------
def scale(base: Value, brackets: tuple[tuple[float, float], ...], marginal: bool) -> Value:
    """A barème applied to `base`: (threshold, value) brackets by increasing threshold.

    Single-amount: the bracket reached gives the amount (0 below the first threshold).
    Marginal: each bracket's rate applies to the slice of the base inside it; with rates that
    are not negative the result grows with the base, so its bounds are those of the base's."""
    base = as_number(base)
    if marginal:

        def apply(x: Scalar) -> Scalar:
            total: Scalar = 0.0
            for index, (threshold, rate) in enumerate(brackets):
                above = s.maximum(s.sub(x, threshold), 0.0)
                if index + 1 < len(brackets):
                    above = s.minimum(above, brackets[index + 1][0] - threshold)
                total = s.add(total, s.mul(rate, above))
            return total

        return with_bounds(base, apply(base.lo), apply(base.hi))
    lows: list[Scalar] = []
    highs: list[Scalar] = []
    edges = [(-INF, brackets[0][0], 0.0)] + [
        (t, brackets[i + 1][0] if i + 1 < len(brackets) else INF, v)
        for i, (t, v) in enumerate(brackets)
    ]
    for start, end, amount in edges:
        reached = s.and_(s.lt(base.lo, end), s.le(start, base.hi))
        lows.append(s.where(reached, amount, INF))
        highs.append(s.where(reached, amount, -INF))
    return with_bounds(base, s.minimum(*lows), s.maximum(*highs))


def bracket_reached(x: float, brackets: tuple[tuple[float, float], ...]) -> int | None:
    """The index of the bracket a known base falls in (None below the first threshold)."""
    found = None
    for index, (threshold, _) in enumerate(brackets):
        if x >= threshold:
            found = index
    return found
