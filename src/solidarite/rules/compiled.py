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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solidarite.rules import intervals as iv
from solidarite.rules import outcomes
from solidarite.rules.explain import assumptions_read, explained, not_in_force, plain
from solidarite.rules.household import relevant_inputs
from solidarite.rules.model import Bracket
from solidarite.rules.outcomes import brackets_of
from solidarite.rules.results import ConditionResult, Explained, SchemeResult
from solidarite.rules.scalars import round_half_away
from solidarite.rules.schemes import (
    TERRITORY,
    Resolved,
    Scheme,
    amount_name,
    eligible_name,
)
from solidarite.rules.tree import Call, Case, Column, Constant, InList, Node
from solidarite.rules.variables import Variable, VariableSet

if TYPE_CHECKING:
    from solidarite.rules.catalog import Catalog

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


def _pick(predicate: Any, then: Any, otherwise: Any) -> Any:
    return then if predicate is True else otherwise


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
    "_pick": _pick,
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


class _Source:
    """Python source for the trees, with constants kept aside (never printed into code)."""

    def __init__(self) -> None:
        self.constants: list[Any] = []

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"K[{len(self.constants) - 1}]"

    def expression(self, node: Node, name: Callable[[str], str]) -> str:
        if isinstance(node, Column):
            return name(node.name)
        if isinstance(node, Constant):
            value = node.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = float(value)
            return self.constant(value)
        if isinstance(node, Case):
            parts = (self.expression(n, name) for n in (node.predicate, node.then, node.otherwise))
            return f"_pick({', '.join(parts)})"
        if isinstance(node, InList):
            options = frozenset(
                str(v) if isinstance(v, str) else float(v) if not isinstance(v, bool) else v
                for v in node.values
            )
            return f"_in({self.expression(node.arg, name)}, {self.constant(options)})"
        args = [self.expression(arg, name) for arg in node.args]
        return self._call(node, args)

    def _call(self, node: Call, args: list[str]) -> str:
        op = node.op
        if op in _BINARY:
            return f"{_BINARY[op]}({args[0]}, {args[1]})"
        if op in (">", ">="):
            return f"{_BINARY['<' if op == '>' else '<=']}({args[1]}, {args[0]})"
        if op == "<>":
            return f"_not(_eq({args[0]}, {args[1]}))"
        if op in _UNARY:
            return f"{_UNARY[op]}({args[0]})"
        if op in ("coalesce", "greatest", "least"):
            return f"_{op}({', '.join(args)})"
        if op == "is_null":
            return f"({args[0]} is None)"
        if op == "is_not_null":
            return f"({args[0]} is not None)"
        if op == "round":
            digits = node.args[1].value if isinstance(node.args[1], Constant) else 0
            return f"_round({args[0]}, {int(digits or 0)})"
        raise ValueError(f"operator {op!r} has no compiled rule")


@dataclass(frozen=True)
class Program:
    """The catalog as one compiled Python function, and what it needs to apply."""

    function: Callable[..., Any]
    leaves: Mapping[str, frozenset[str]]  # per scheme: the answers it always reads
    source: str
    # per scheme and answered-else-computed input: the answers read when it is unanswered
    fallback_leaves: Mapping[str, Mapping[str, frozenset[str]]]


def build(variables: VariableSet, schemes: Sequence[Scheme]) -> Program:
    """Generate and compile the function `run(H, P, D, V, C, F)`: household env H, member envs
    P, date D, parameter values V per scheme, covered communes C per scheme, schemes in force F
    (a scheme out of force gives nothing, to the schemes that read it too). It fills the envs and
    returns, per scheme, the list of (member, condition values, eligible, amount, scale bases)."""
    source = _Source()
    lines = ["def run(H, P, D, V, C, F):", "    R = {}"]

    def person(name: str) -> str:
        return f"p[{name!r}]"

    def household(name: str) -> str:
        return f"H[{name!r}]"

    def rounded(variable: Variable, text: str) -> str:
        return (
            f"_round({text}, {outcomes.FLOAT_DECIMALS})" if variable.spec.type == "float" else text
        )

    for level in variables.person_formulas:
        for variable in level:
            assert variable.formula is not None
            text = rounded(variable, source.expression(variable.formula.tree, person))
            lines += ["    for p in P:", f"        p[{variable.name!r}] = {text}"]
    for variable in variables.aggregates:
        lines += _aggregate_lines(variable, source, person)
    for level in variables.household_formulas:
        for variable in level:
            assert variable.formula is not None
            text = rounded(variable, source.expression(variable.formula.tree, household))
            lines.append(f"    H[{variable.name!r}] = {text}")
    commune = variables.commune_variable()
    for scheme in schemes:
        lines += _scheme_lines(scheme, source, commune.name if commune else None, variables)
    lines.append("    return R")
    text = "\n".join(lines)
    namespace: dict[str, Any] = dict(HELPERS, K=source.constants)
    exec(compile(text, "<solidarite catalog>", "exec"), namespace)  # our own generated source
    by_id = {scheme.id: scheme for scheme in schemes}
    # An answered-else-computed input never stops the fast path by itself: answered, it is
    # read; unanswered, the right it falls back on is, and then its answers are needed too.
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
    return Program(namespace["run"], leaves, text, fallbacks)


def _aggregate_lines(
    variable: Variable, source: _Source, person: Callable[[str], str]
) -> list[str]:
    spec = variable.spec.aggregate
    assert spec is not None
    where = source.expression(variable.where.tree, person) if variable.where else "True"
    name = variable.name
    if spec.function == "count":
        return [f"    H[{name!r}] = float(sum(1 for p in P if {where} is True))"]
    assert variable.formula is not None
    of = source.expression(variable.formula.tree, person)
    values = f"[_num(v) for v in ({of} for p in P if {where} is True) if v is not None]"
    if spec.function == "sum":
        return [f"    H[{name!r}] = float(sum({values}))"]
    pick = "max" if spec.function == "max" else "min"
    return [f"    _v = {values}", f"    H[{name!r}] = {pick}(_v) if _v else None"]


def _scheme_lines(
    scheme: Scheme, source: _Source, commune: str | None, variables: VariableSet
) -> list[str]:
    sid = scheme.id
    lines = [f"    Q = V[{sid!r}]"]

    def local(name: str) -> str:
        parameter = scheme.parameters.get(name)
        if parameter is not None and parameter.base is not None:
            assert parameter.spec.scale is not None
            helper = "_marginal" if parameter.spec.scale.type == "marginal" else "_single"
            base = source.expression(parameter.base.tree, local)
            return f"{helper}({base}, Q[{name!r}])"
        if parameter is not None:
            value = f"Q[{name!r}]"
            return f"_num({value})" if parameter.dtype.is_numeric() else value
        if name == TERRITORY:
            return f"_in(E[{commune!r}], C[{sid!r}])"
        if name in scheme.fallbacks:
            computed = source.expression(scheme.fallbacks[name].tree, local)
            # Lazy: answered, the right it falls back on is never read (it may not be run).
            return f"(E[{name!r}] if E[{name!r}] is not None else {computed})"
        if name in scheme.recomputed:
            # A derived variable over an answered-else-computed input, as this scheme sees it.
            formula = variables.by_name[name].formula
            assert formula is not None
            text = source.expression(formula.tree, local)
            if variables.by_name[name].spec.type == "float":
                text = f"_round({text}, {outcomes.FLOAT_DECIMALS})"
            return text
        return f"E[{name!r}]"

    conditions = ", ".join(source.expression(c.formula.tree, local) for c in scheme.conditions)
    amount = source.expression(scheme.amount.tree, local) if scheme.amount else "None"
    bases = ", ".join(
        f"({name!r}, {source.expression(p.base.tree, local)})"
        for name, p in scheme.parameters.items()
        if p.base is not None
    )
    envs = (
        "[(None, H)]"
        if scheme.spec.entity == "household"
        else "[(i, {**H, **p}) for i, p in enumerate(P)]"
    )
    target = "H" if scheme.spec.entity == "household" else "P[i]"
    lines += [
        f"    R[{sid!r}] = out = []",
        f"    for i, E in {envs}:",
        f"        c = ({conditions},)",
        f"        ok = {sid!r} in F and all(x is True for x in c)",
        f"        b = ({bases + ',' if bases else ''})",
    ]
    if scheme.amount is not None:
        lines += [
            f"        a = {amount} if ok else 0.0",
            f"        m = _round(0.0 if a is None else _num(a), {outcomes.AMOUNT_DECIMALS}) "
            "if ok else 0.0",
            f"        {target}[{amount_name(sid)!r}] = m",
        ]
    else:
        lines.append("        m = None")
    lines += [
        "        out.append((i, c, ok, m, b, E))",
        f"        {target}[{eligible_name(sid)!r}] = ok",
    ]
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


def known_answers(
    variables: VariableSet, household: Env, persons: Sequence[Env]
) -> dict[str, bool]:
    """Which inputs are answered everywhere they are read (an age counts as answered when the
    birth date is)."""
    known = {v.name: household.get(v.name) is not None for v in variables.inputs("household")}
    for variable in variables.inputs("person"):
        known[variable.name] = all(p.get(variable.name) is not None for p in persons)
    for variable in variables.ages():
        age_of = variable.spec.age_of
        assert age_of is not None
        known[variable.name] = all(
            p.get(age_of.birth_date) is not None
            or (age_of.unit == "years" and p.get(variable.name) is not None)
            for p in persons
        )
        known[age_of.birth_date] = True  # read only through the ages above
    return known


def person_env(variables: VariableSet, person: Env, date: dt.date) -> Env:
    env: Env = {}
    for variable in variables.inputs("person"):
        if variable.spec.type == "date":
            continue
        value = person.get(variable.name)
        env[variable.name] = (
            float(value) if variable.spec.type in ("int", "float") and value is not None else value
        )
    for variable in variables.ages():
        age_of = variable.spec.age_of
        assert age_of is not None
        birth = person.get(age_of.birth_date)
        if birth is not None:
            years, months = outcomes.age_at(min(birth, date), date)
            env[variable.name] = float(years if age_of.unit == "years" else months)
        elif person.get(variable.name) is not None:
            env[variable.name] = float(person[variable.name])
        else:
            env[variable.name] = None  # never read when the fast path applies
    return env


def household_env(variables: VariableSet, household: Env) -> Env:
    env: Env = {}
    for variable in variables.inputs("household"):
        value = household.get(variable.name)
        env[variable.name] = (
            float(value) if variable.spec.type in ("int", "float") and value is not None else value
        )
    return env


# --- results, as the interval engine would give them --------------------------------------------
def results(
    catalog: "Catalog",
    program: Program,
    household: Env,
    persons: Sequence[Env],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    schemes: Sequence[Scheme] | None = None,
) -> list[SchemeResult]:
    """Run the compiled catalog (or the part `schemes` it was built for) and shape each
    scheme's result with its explanation."""
    home = household_env(catalog.variables, household)
    members = [person_env(catalog.variables, p, date) for p in persons]
    covered = {s.id: s.communes for s in catalog.ordered}
    in_force = {s.id for s in catalog.ordered if s.in_force(date)}
    raw = program.function(home, members, date, values, covered, in_force)
    found: list[SchemeResult] = []
    for scheme in catalog.ordered if schemes is None else schemes:
        for member, conditions, ok, amount, bases, env in raw[scheme.id]:
            if not scheme.in_force(date):
                found.append(not_in_force(scheme, member, date))
                continue
            found.append(
                _result(catalog, scheme, member, conditions, ok, amount, env, bases, values)
            )
    return found


def _result(
    catalog: "Catalog",
    scheme: Scheme,
    member: int | None,
    conditions: tuple[Any, ...],
    ok: bool,
    amount: float | None,
    env: Env,
    bases: tuple[tuple[str, Any], ...],
    values: Mapping[str, Mapping[str, Resolved]],
) -> SchemeResult:
    own = values[scheme.id]
    explanation: tuple[Explained, ...] = ()
    if scheme.amount is not None:
        base_of = dict(bases)
        explanation = tuple(
            _explained(catalog, scheme, name, env, own, base_of)
            for name in sorted(scheme.amount.parsed.names)
        )
    return SchemeResult(
        scheme_id=scheme.id,
        version=scheme.spec.version,
        person_index=member,
        in_force=True,
        eligible=ok,
        amount=amount,
        conditions=tuple(
            passed if value is True else failed
            for (passed, failed), value in zip(_statuses(scheme), conditions, strict=True)
        ),
        parameters=_plain_parameters(own),
        unknown_variables=(),
        amount_range=None if amount is None or not math.isfinite(amount) else (amount, amount),
        explanation=explanation,
        assumptions=assumptions_read(scheme),
    )


_PLAIN: dict[int, tuple[Mapping[str, Resolved], dict[str, Any]]] = {}


def _plain_parameters(own: Mapping[str, Resolved]) -> dict[str, Any]:
    """Parameter values as JSON, once per cached set of values (see `Catalog.values_at`)."""
    found = _PLAIN.get(id(own))
    if found is None or found[0] is not own:
        if len(_PLAIN) > 4096:
            _PLAIN.clear()
        found = _PLAIN[id(own)] = (own, {k: plain(v) for k, v in own.items()})
    return found[1]


_STATUSES: dict[int, tuple[Scheme, tuple[tuple[ConditionResult, ConditionResult], ...]]] = {}


def _statuses(scheme: Scheme) -> tuple[tuple[ConditionResult, ConditionResult], ...]:
    """Each condition's two possible results, built once per scheme (they are immutable)."""
    found = _STATUSES.get(id(scheme))
    if found is None or found[0] is not scheme:  # the scheme is kept: its id stays its own
        found = _STATUSES[id(scheme)] = (
            scheme,
            tuple(
                (
                    ConditionResult(c.id, c.label, "passed"),
                    ConditionResult(c.id, c.label, "failed"),
                )
                for c in scheme.conditions
            ),
        )
    return found[1]


def _explained(
    catalog: "Catalog",
    scheme: Scheme,
    name: str,
    env: Env,
    own: Mapping[str, Resolved],
    bases: Mapping[str, Any],
) -> Explained:
    parameter = scheme.parameters.get(name)
    if parameter is None:
        return explained(catalog, scheme, name, iv.constant(env.get(name)))
    if parameter.base is None:
        return explained(catalog, scheme, name, iv.constant(own[name]))
    assert parameter.spec.scale is not None
    brackets = own[name]
    assert isinstance(brackets, tuple)
    base = bases.get(name)
    apply = _marginal if parameter.spec.scale.type == "marginal" else _single
    bracket = None
    if isinstance(base, int | float) and not isinstance(base, bool):
        bracket = iv.bracket_reached(float(base), brackets_of(brackets))
    value = apply(None if base is None else _num(base), brackets)
    return explained(catalog, scheme, name, iv.constant(value), bracket)
