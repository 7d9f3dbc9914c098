"""A third rendering of the same trees: plain Python source, for households whose answers are
all known.

When every input a scheme can read is answered, each value is a single Python value (None for
SQL NULL) and intervals are not needed. The catalog's trees are then turned, once, into the
source of one Python function (helpers below carry SQL's NULL rules), compiled with `compile`;
the evaluation is a few hundred plain Python operations. A household with a missing answer that
matters goes through the interval engine instead. Property tests require the same JSON from both.
"""

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

from solidarite.rules import outcomes
from solidarite.rules.household import relevant_inputs
from solidarite.rules.model import Bracket
from solidarite.rules.scalars import round_half_away, round_plain
from solidarite.rules.schemes import (
    TERRITORY,
    Scheme,
    amount_name,
    eligible_name,
    variables_read,
)
from solidarite.rules.tree import Call, Case, Column, Constant, InList, Node
from solidarite.rules.variables import Variable, VariableSet

if TYPE_CHECKING:
    pass

Env = dict[str, Any]


# --- SQL's NULL rules on plain values ------------------------------------------------------------
def _num(a: Any) -> Any:
    if a is None:
        return None
    if a is True:
        return 1.0
    if a is False:
        return 0.0
    return a


def _add(a: Any, b: Any) -> Any:
    return None if a is None or b is None else _num(a) + _num(b)


def _sub(a: Any, b: Any) -> Any:
    return None if a is None or b is None else _num(a) - _num(b)


def _mul(a: Any, b: Any) -> Any:
    return None if a is None or b is None else _num(a) * _num(b)


def _div(a: Any, b: Any) -> Any:
    if a is None or b is None or b == 0:
        return None
    return _num(a) / _num(b)


def _rem(a: Any, b: Any) -> Any:
    if a is None or b is None or b == 0:
        return None
    a, b = _num(a), _num(b)
    quotient = a / b
    return a - b * (math.ceil(quotient) if quotient < 0 else math.floor(quotient))


def _lt(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a < b


def _le(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a <= b


def _eq(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a == b


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not(a: Any) -> Any:
    return None if a is None else not a


def _bool(a: Any) -> Any:
    return a if a is None or isinstance(a, bool) else a != 0


def _in(a: Any, options: frozenset[Any]) -> Any:
    return None if a is None else a in options


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _greatest(*values: Any) -> Any:
    present = [_num(v) for v in values if v is not None]
    return max(present) if present else None


def _least(*values: Any) -> Any:
    present = [_num(v) for v in values if v is not None]
    return min(present) if present else None


def _unary(function: Callable[[float], float]) -> Callable[[Any], Any]:
    def apply(a: Any) -> Any:
        return None if a is None else function(_num(a))

    return apply


def _trunc(x: float) -> float:
    if not math.isfinite(x):
        return x
    return float(math.ceil(x) if x < 0 else math.floor(x))


def _finite(function: Callable[[float], int]) -> Callable[[float], float]:
    """floor / ceil that leave an infinite value as it is (math.floor(inf) raises)."""
    return lambda x: float(function(x)) if math.isfinite(x) else x


def _single(base: Any, brackets: Sequence[Bracket]) -> Any:
    if base is None:
        return None
    amount = 0.0
    for bracket in brackets:
        if base >= bracket.threshold:
            amount = bracket.value
    return amount


def _marginal(base: Any, brackets: Sequence[Bracket]) -> Any:
    if base is None:
        return None
    total = 0.0
    for index, bracket in enumerate(brackets):
        above = max(base - bracket.threshold, 0.0)
        if index + 1 < len(brackets):
            above = min(above, brackets[index + 1].threshold - bracket.threshold)
        total += bracket.value * above
    return total


HELPERS: dict[str, Any] = {
    "_num": _num,
    "_add": _add,
    "_sub": _sub,
    "_mul": _mul,
    "_div": _div,
    "_rem": _rem,
    "_lt": _lt,
    "_le": _le,
    "_eq": _eq,
    "_and": _and,
    "_or": _or,
    "_not": _not,
    "_bool": _bool,
    "_in": _in,
    "_coalesce": _coalesce,
    "_greatest": _greatest,
    "_least": _least,
    "_abs": _unary(abs),
    "_floor": _unary(_finite(math.floor)),
    "_ceil": _unary(_finite(math.ceil)),
    "_trunc": _unary(_trunc),
    "_single": _single,
    "_marginal": _marginal,
    "_round": lambda a, d: None if a is None else round_half_away(_num(a), d),
    "_rh": round_plain,
    "_zero": lambda a: 0.0 if a is None else _num(a),
}
_BINARY = {
    "+": "_add",
    "-": "_sub",
    "*": "_mul",
    "/": "_div",
    "%": "_rem",
    "<": "_lt",
    "<=": "_le",
    "=": "_eq",
    "and": "_and",
    "or": "_or",
}
_UNARY = {
    "not": "_not",
    "abs": "_abs",
    "floor": "_floor",
    "ceil": "_ceil",
    "cast_int": "_trunc",
    "cast_float": "_num",
    "cast_bool": "_bool",
}


class Code(NamedTuple):
    """Generated Python for one expression, with what is statically known of its value: its
    kind ("num", "bool", "text", "null" for the NULL literal, "any") and whether it can be NULL.
    Operands known never to be NULL get Python's own operators instead of the NULL-aware helpers:
    the same results (the property tests hold both to the interval engine), a fraction of the
    function calls."""

    text: str
    kind: str
    nullable: bool


_KINDS = {
    "int": "num",
    "float": "num",
    "bool": "bool",
    "enum": "text",
    "text": "text",
    "commune": "text",
    "date": "any",
}
_NATIVE_COMPARE = {"<": "<", "<=": "<=", "=": "==", ">": ">", ">=": ">=", "<>": "!="}


def _merge(a: str, b: str) -> str:
    """The kind of a value that is either an `a` or a `b` (NULL takes the other's kind)."""
    if a == "null":
        return b
    if b == "null" or a == b:
        return a
    return "any"


def _solid(*codes: Code, kind: str | None = None) -> bool:
    """Every operand is never NULL (and of `kind` when given): Python's operators apply."""
    return all(not c.nullable and (kind is None or c.kind == kind) for c in codes)


class _Source:
    """Python source for the trees, with constants kept aside (never printed into code, except
    finite numbers and booleans, whose `repr` is exact)."""

    def __init__(self) -> None:
        self.constants: list[Any] = []

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"K[{len(self.constants) - 1}]"

    def expression(self, node: Node, name: Callable[[str], Code]) -> Code:
        if isinstance(node, Column):
            return name(node.name)
        if isinstance(node, Constant):
            return self._literal(node.value)
        if isinstance(node, Case):
            parts = (node.predicate, node.then, node.otherwise)
            p, t, o = (self.expression(n, name) for n in parts)
            test = p.text if _solid(p, kind="bool") else f"{p.text} is True"
            return Code(
                f"({t.text} if {test} else {o.text})",
                _merge(t.kind, o.kind),
                t.nullable or o.nullable,
            )
        if isinstance(node, InList):
            options = frozenset(
                str(v) if isinstance(v, str) else float(v) if not isinstance(v, bool) else v
                for v in node.values
            )
            arg = self.expression(node.arg, name)
            if _solid(arg):
                return Code(f"({arg.text} in {self.constant(options)})", "bool", False)
            return Code(f"_in({arg.text}, {self.constant(options)})", "bool", True)
        args = [self.expression(arg, name) for arg in node.args]
        return self._call(node, args)

    def _literal(self, value: Any) -> Code:
        if value is None:
            return Code("None", "null", True)
        if isinstance(value, bool):
            return Code(repr(value), "bool", False)
        if isinstance(value, int | float):
            number = float(value)
            text = f"({number!r})" if math.isfinite(number) else self.constant(number)
            return Code(text, "num", False)
        return Code(self.constant(value), "text", False)

    def _call(self, node: Call, args: list[Code]) -> Code:
        op, texts = node.op, [a.text for a in args]
        if op in ("+", "-", "*"):
            if _solid(*args, kind="num"):
                return Code(f"({texts[0]} {op} {texts[1]})", "num", False)
            return Code(f"{_BINARY[op]}({texts[0]}, {texts[1]})", "num", not _solid(*args))
        if op in ("/", "%"):
            return Code(f"{_BINARY[op]}({texts[0]}, {texts[1]})", "num", True)
        if op in _NATIVE_COMPARE:
            if _solid(*args):
                return Code(f"({texts[0]} {_NATIVE_COMPARE[op]} {texts[1]})", "bool", False)
            if op == "<>":
                return Code(f"_not(_eq({texts[0]}, {texts[1]}))", "bool", True)
            if op in (">", ">="):
                texts.reverse()
            return Code(f"{_BINARY[op.replace('>', '<')]}({texts[0]}, {texts[1]})", "bool", True)
        if op in ("and", "or"):
            if _solid(*args, kind="bool"):
                return Code(f"({texts[0]} {op} {texts[1]})", "bool", False)
            nullable = not _solid(*args)
            return Code(f"{_BINARY[op]}({texts[0]}, {texts[1]})", "bool", nullable)
        return self._function(node, op, args, texts)

    def _function(self, node: Call, op: str, args: list[Code], texts: list[str]) -> Code:
        (first, *_) = args
        if op == "not":
            if _solid(first):
                return Code(f"(not {first.text})", "bool", False)
            return Code(f"_not({first.text})", "bool", True)
        if op == "cast_float" and first.kind == "num":
            return first
        if op == "cast_bool" and first.kind == "bool":
            return first
        if op in _UNARY:
            kind = "bool" if op in ("not", "cast_bool") else "num"
            return Code(f"{_UNARY[op]}({first.text})", kind, first.nullable)
        if op == "coalesce":
            if _solid(first):
                return first
            kind = args[0].kind
            for arg in args[1:]:
                kind = _merge(kind, arg.kind)
            nullable = all(a.nullable for a in args)
            return Code(f"_coalesce({', '.join(texts)})", kind, nullable)
        if op in ("greatest", "least"):
            nullable = all(a.nullable for a in args)
            if _solid(*args, kind="num"):
                pick = "max" if op == "greatest" else "min"
                return Code(f"{pick}({', '.join(texts)})", "num", False)
            return Code(f"_{op}({', '.join(texts)})", "num", nullable)
        if op == "is_null":
            return Code(f"({first.text} is None)", "bool", False)
        if op == "is_not_null":
            return Code(f"({first.text} is not None)", "bool", False)
        if op == "round":
            digits = node.args[1].value if isinstance(node.args[1], Constant) else 0
            return _rounded(first, int(digits or 0))
        raise ValueError(f"operator {op!r} has no compiled rule")


def _rounded(code: Code, digits: int) -> Code:
    if _solid(code, kind="num"):
        return Code(f"_rh({code.text}, {digits})", "num", False)
    return Code(f"_round({code.text}, {digits})", "num", code.nullable)


@dataclass(frozen=True)
class Program:
    """The catalog as one compiled Python function, and what it needs to apply."""

    function: Callable[..., Any]
    leaves: Mapping[str, frozenset[str]]  # per scheme: the answers it always reads
    source: str
    # per scheme and answered-else-computed input: the answers read when it is unanswered
    fallback_leaves: Mapping[str, Mapping[str, frozenset[str]]]
    schemes: tuple[Scheme, ...] = ()
    covered: Mapping[str, Any] = field(default_factory=dict)  # per scheme: its communes
    _in_force: dict[dt.date, frozenset[str]] = field(default_factory=dict, compare=False)
    # per scheme: what its results share (`compiled_results.shape_of`)
    shapes: dict[str, Any] = field(default_factory=dict, compare=False)
    _applies: dict[frozenset[str], bool] = field(default_factory=dict, compare=False)

    def applies_to(self, variables: VariableSet, unknown: frozenset[str]) -> bool:
        """`applies` to every scheme of the program, kept per set of unknown answers
        (`unknown_answers`)."""
        found = self._applies.get(unknown)
        if found is None:
            if len(self._applies) > 1024:
                self._applies.clear()
            known = {name: name not in unknown for name in variables.answer_names}
            found = self._applies[unknown] = applies(self, known, [s.id for s in self.schemes])
        return found

    def in_force(self, date: dt.date) -> frozenset[str]:
        """The program's schemes in force on `date` (a few dates recur: kept)."""
        found = self._in_force.get(date)
        if found is None:
            if len(self._in_force) > 64:
                self._in_force.clear()
            found = self._in_force[date] = frozenset(s.id for s in self.schemes if s.in_force(date))
        return found


def build(variables: VariableSet, schemes: Sequence[Scheme]) -> Program:
    """Generate and compile the function `run(H, P, D, V, C, F)`: household env H, member envs
    P, date D, parameter values V per scheme, covered communes C per scheme, schemes in force F
    (a scheme out of force gives nothing, to the schemes that read it too). It fills the envs and
    returns, per scheme, the list of (member, condition values, eligible, amount, scale bases).

    Only the variables the schemes read are computed. The function runs only when `applies`
    (every answer the schemes always read is known): those inputs are typed never NULL, which
    lets most operations be Python's own."""
    leaves, fallbacks = _leaves(variables, schemes)
    known = frozenset().union(*leaves.values())
    types: dict[str, tuple[str, bool]] = {
        v.name: (_KINDS[v.spec.type], v.name not in known)
        for v in variables.by_name.values()
        if v.formula is None or v.spec.age_of is not None
    }
    read = variables_read(variables, schemes)
    person_level = {v.name for v in variables.by_name.values() if v.entity == "person"}
    source = _Source()
    lines = ["def run(H, P, D, V, C, F):", "    R = {}"]

    def typed(prefix: str) -> Callable[[str], Code]:
        def name(column: str) -> Code:
            kind, nullable = types.get(column, ("any", True))
            return Code(f"{prefix}[{column!r}]", kind, nullable)

        return name

    def rounded(variable: Variable, code: Code) -> Code:
        return _rounded(code, outcomes.FLOAT_DECIMALS) if variable.spec.type == "float" else code

    for level in variables.person_formulas:
        for variable in (v for v in level if v.name in read):
            assert variable.formula is not None
            code = rounded(variable, source.expression(variable.formula.tree, typed("p")))
            types[variable.name] = (code.kind, code.nullable)
            lines += ["    for p in P:", f"        p[{variable.name!r}] = {code.text}"]
    for variable in (v for v in variables.aggregates if v.name in read):
        lines += _aggregate_lines(variable, source, typed("p"), types)
    for level in variables.household_formulas:
        for variable in (v for v in level if v.name in read):
            assert variable.formula is not None
            code = rounded(variable, source.expression(variable.formula.tree, typed("H")))
            types[variable.name] = (code.kind, code.nullable)
            lines.append(f"    H[{variable.name!r}] = {code.text}")
    commune = variables.commune_variable()
    for scheme in schemes:
        place = commune.name if commune else None
        lines += _scheme_lines(scheme, source, place, variables, types, person_level)
    lines.append("    return R")
    text = "\n".join(lines)
    namespace: dict[str, Any] = dict(HELPERS, K=source.constants)
    exec(compile(text, "<solidarite catalog>", "exec"), namespace)  # our own generated source
    covered = {scheme.id: scheme.communes for scheme in schemes}
    return Program(namespace["run"], leaves, text, fallbacks, tuple(schemes), covered)


def _leaves(
    variables: VariableSet, schemes: Sequence[Scheme]
) -> tuple[dict[str, frozenset[str]], dict[str, dict[str, frozenset[str]]]]:
    """Per scheme, the answers it always reads, and per answered-else-computed input the
    answers read when it is unanswered. Such an input never stops the fast path by itself:
    answered, it is read; unanswered, the right it falls back on is, and its answers too."""
    by_id = {scheme.id: scheme for scheme in schemes}
    optional = frozenset(v.name for v in variables.by_name.values() if v.spec.when_unanswered)
    leaves: dict[str, frozenset[str]] = {}
    fallbacks: dict[str, dict[str, frozenset[str]]] = {}
    for scheme in schemes:
        own = frozenset().union(*(f.inputs for f in scheme.formulas))
        reads = frozenset().union(*(f.schemes for f in scheme.formulas))
        leaves[scheme.id] = (
            own.union(*(relevant_inputs(by_id, r) for r in reads if r in by_id)) - optional
        )
        fallbacks[scheme.id] = {
            name: (
                formula.inputs.union(
                    *(relevant_inputs(by_id, r) for r in formula.schemes if r in by_id)
                )
                - optional
            )
            for name, formula in scheme.fallbacks.items()
        }
    return leaves, fallbacks


def _aggregate_lines(
    variable: Variable,
    source: _Source,
    person: Callable[[str], Code],
    types: dict[str, tuple[str, bool]],
) -> list[str]:
    spec = variable.spec.aggregate
    assert spec is not None
    where = source.expression(variable.where.tree, person) if variable.where else None
    if where is None:
        members = "for p in P"
    elif _solid(where, kind="bool"):
        members = f"for p in P if {where.text}"
    else:
        members = f"for p in P if {where.text} is True"
    name = variable.name
    if spec.function == "count":
        types[name] = ("num", False)
        if where is None:
            return [f"    H[{name!r}] = float(len(P))"]
        return [f"    H[{name!r}] = float(len([0 {members}]))"]
    assert variable.formula is not None
    of = source.expression(variable.formula.tree, person)
    if _solid(of, kind="num"):
        values = f"[{of.text} {members}]"
    else:
        values = f"[_num(v) for v in ({of.text} {members}) if v is not None]"
    if spec.function == "sum":
        types[name] = ("num", False)
        return [f"    H[{name!r}] = float(sum({values}))"]
    types[name] = ("num", True)
    pick = "max" if spec.function == "max" else "min"
    return [f"    _v = {values}", f"    H[{name!r}] = {pick}(_v) if _v else None"]


def _scheme_lines(
    scheme: Scheme,
    source: _Source,
    commune: str | None,
    variables: VariableSet,
    types: dict[str, tuple[str, bool]],
    person_level: set[str],
) -> list[str]:
    """The scheme's block: skipped out of force (the parameters may have no value then), its
    results written to the envs for the schemes that read them."""
    sid = scheme.id

    def env(name: str) -> Code:
        # A person scheme's E is the member's own values; the household's are read from H.
        kind, nullable = types.get(name, ("any", True))
        member_level = scheme.spec.entity == "household" or name in person_level
        return Code(f"{'E' if member_level else 'H'}[{name!r}]", kind, nullable)

    def local(name: str) -> Code:
        parameter = scheme.parameters.get(name)
        if parameter is not None and parameter.base is not None:
            assert parameter.spec.scale is not None
            helper = "_marginal" if parameter.spec.scale.type == "marginal" else "_single"
            base = source.expression(parameter.base.tree, local)
            return Code(f"{helper}({base.text}, Q[{name!r}])", "num", base.nullable)
        if parameter is not None:
            # A scheme in force has every parameter valued (`results` checks before running).
            if parameter.dtype.is_numeric():
                return Code(f"_num(Q[{name!r}])", "num", False)
            kind = "bool" if parameter.dtype == pl.Boolean else "text"
            return Code(f"Q[{name!r}]", kind, False)
        if name == TERRITORY:
            place = env(commune or "")
            if _solid(place):
                return Code(f"({place.text} in C[{sid!r}])", "bool", False)
            return Code(f"_in({place.text}, C[{sid!r}])", "bool", True)
        if name in scheme.fallbacks:
            computed = source.expression(scheme.fallbacks[name].tree, local)
            # Lazy: answered, the right it falls back on is never read (it may not be run).
            answer = env(name).text
            return Code(
                f"({answer} if {answer} is not None else {computed.text})",
                _merge(env(name).kind, computed.kind),
                computed.nullable,
            )
        if name in scheme.recomputed:
            # A derived variable over an answered-else-computed input, as this scheme sees it.
            formula = variables.by_name[name].formula
            assert formula is not None
            code = source.expression(formula.tree, local)
            if variables.by_name[name].spec.type == "float":
                code = _rounded(code, outcomes.FLOAT_DECIMALS)
            return code
        return env(name)

    # Each condition is True, False or None (NULL), whatever its expression gives: `all` then
    # counts only True, and the results are looked up by these values (`_Shape.conditions`).
    conditions = [
        code if code.kind == "bool" else Code(f"({code.text} is True)", "bool", False)
        for code in (source.expression(c.formula.tree, local) for c in scheme.conditions)
    ]
    amount = source.expression(scheme.amount.tree, local) if scheme.amount else None
    bases = ", ".join(
        f"({name!r}, {source.expression(p.base.tree, local).text})"
        for name, p in scheme.parameters.items()
        if p.base is not None
    )
    envs = "((None, H),)" if scheme.spec.entity == "household" else "enumerate(P)"
    target = "E"
    nothing = "None" if amount is None else "0.0"
    lines = [
        f"    R[{sid!r}] = out = []",
        f"    if {sid!r} not in F:",
        f"        for i, E in {envs}:",
        f"            out.append((i, (), False, {nothing}, (), E))",
        f"            {target}[{eligible_name(sid)!r}] = False",
    ]
    if amount is not None:
        lines.append(f"            {target}[{amount_name(sid)!r}] = 0.0")
    lines += [
        "    else:",
        f"        Q = V[{sid!r}]",
        f"        for i, E in {envs}:",
        f"            c = ({''.join(c.text + ', ' for c in conditions)})",
        "            ok = all(c)",
        f"            b = ({bases + ',' if bases else ''})",
    ]
    if amount is not None:
        if _solid(amount, kind="num"):
            value = f"_rh({amount.text}, {outcomes.AMOUNT_DECIMALS})"
        else:
            value = f"_round(_zero({amount.text}), {outcomes.AMOUNT_DECIMALS})"
        lines += [
            f"            m = {value} if ok else 0.0",
            f"            {target}[{amount_name(sid)!r}] = m",
        ]
    else:
        lines.append("            m = None")
    lines += [
        "            out.append((i, c, ok, m, b, E))",
        f"            {target}[{eligible_name(sid)!r}] = ok",
    ]
    types[eligible_name(sid)] = ("bool", False)
    if amount is not None:
        types[amount_name(sid)] = ("num", False)
    if scheme.spec.entity == "person":
        person_level |= {eligible_name(sid), amount_name(sid)}
    return lines


def applies(program: Program, known: Mapping[str, bool], scheme_ids: Sequence[str]) -> bool:
    """Every answer each scheme can read is known (for every member): an answered-else-computed
    input is answered, or the answers of what it falls back on are."""
    return all(
        all(known.get(name, False) for name in program.leaves[sid])
        and all(
            known.get(optional, False) or all(known.get(name, False) for name in needed)
            for optional, needed in program.fallback_leaves[sid].items()
        )
        for sid in scheme_ids
    )


def unknown_answers(
    variables: VariableSet, household: Env, persons: Sequence[Env]
) -> frozenset[str]:
    """The answers not given everywhere they are read: a household input it lacks, a person
    input one member lacks, an age one member has neither with nor without a birth date (a birth
    date is read only through its age). Per member, one pass over its answers."""
    unknown = [
        name for name, _, _ in variables.answer_fields["household"] if household.get(name) is None
    ]
    plain = variables.plain_person_answers
    for person in persons:
        unknown += [name for name in plain if person.get(name) is None]
    for name, birth, in_years in variables.age_fields:
        for person in persons:
            if person.get(birth) is None and not (in_years and person.get(name) is not None):
                unknown.append(name)
                break
    return frozenset(unknown)


def person_env(variables: VariableSet, person: Env, date: dt.date) -> Env:
    env: Env = {}
    for name, numeric, is_date in variables.answer_fields["person"]:
        if is_date:
            continue
        value = person.get(name)
        env[name] = float(value) if numeric and value is not None else value
    for name, birth_date, in_years in variables.age_fields:
        birth = person.get(birth_date)
        if birth is not None:
            years, months = outcomes.age_at(min(birth, date), date)
            env[name] = float(years if in_years else months)
        elif person.get(name) is not None:
            env[name] = float(person[name])
        else:
            env[name] = None  # never read when the fast path applies
    return env


def household_env(variables: VariableSet, household: Env) -> Env:
    env: Env = {}
    for name, numeric, _ in variables.answer_fields["household"]:
        value = household.get(name)
        env[name] = float(value) if numeric and value is not None else value
    return env
