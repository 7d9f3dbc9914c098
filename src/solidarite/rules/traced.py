"""One household's scheme outcomes through functions the interval rules write for each shape.

A household with unknown answers goes through the interval rules (`intervals`, `outcomes`). Most
of their work depends only on the household's *shape*: which answers are unknown (an unknown
answer is its whole domain, the same for every household), the flags of each value, whether a
number is one value or an interval. The known numbers and texts only flow through.

So the second household of a shape (the first is answered by the rules, `WRITE_AFTER`) runs
`outcomes.scheme_outcome` itself with every known number and text replaced by a
`deferred.Code`: the rules settle what the shape decides while they run, and write the rest,
one Python operation per line, into a function (`deferred`). It and every later household of
that shape call the function with their own values: plain float operations instead of
thousands of interval values. The function computes, line by line, what the `scalars` helper
that wrote the line computes on those values, so its outcome is the rules' outcome; a path the
function could not follow (`deferred.Untraceable`) leaves that shape to the rules, and the
property tests compare both on random households (`tests/rules/test_traced.py`).

Nothing about a household is kept: a function holds the catalog's constants (parameters, domains),
never an answer, and the table of functions is bounded.
"""

import math
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from types import FunctionType
from typing import Any, TypeVar, cast

from solidarite.rules import deferred, derivation, outcomes
from solidarite.rules.deferred import Code, Tracer, Untraceable
from solidarite.rules.derivation import Part
from solidarite.rules.intervals import Lookup, Value
from solidarite.rules.outcomes import Outcome
from solidarite.rules.scalars import INF, round_plain
from solidarite.rules.schemes import TERRITORY, Resolved, Scheme
from solidarite.rules.variables import VariableSet

Shape = tuple[Any, ...]
R = TypeVar("R")
# A shape gets its function the second time it is met (`_written`): the first household of a
# shape is answered by the rules, so a shape met once costs no writing (about 0.75 ms a
# function) and holds no memory (about 15 KB). Past MAX_FUNCTIONS functions, or MAX_SHAPES shapes
# met, in all, every table starts again: a worker's functions stay under about 30 MB, and its
# counts under about 15 MB, whatever shapes it is sent.
WRITE_AFTER = 2
MAX_FUNCTIONS = 2_048
MAX_SHAPES = 32_768  # shapes met, counted or written (a shape's key is a few hundred bytes)

_NAMESPACE: dict[str, Any] = {
    "Value": Value,
    "Outcome": Outcome,
    "math": math,
    "round_plain": round_plain,
    "INF": INF,
}


class Table:
    """The functions written for one computation (a scheme under one set of parameter values,
    a member's derived variables), by shape."""

    __slots__ = ("first", "names", "second", "shapes")

    def __init__(self, first: object, second: object, names: tuple[str, ...]):
        self.first = first  # kept, so that the ids of the key stay their own
        self.second = second
        self.names = names
        # A shape's function, `_BY_THE_RULES`, or how many times it was met so far.
        self.shapes: dict[Shape, Any] = {}


_TABLES: dict[tuple[int, int], Table] = {}


def _table(first: object, second: object, names: Callable[[], tuple[str, ...]]) -> Table:
    table = _TABLES.get((id(first), id(second)))
    if table is None or table.first is not first or table.second is not second:
        if len(_TABLES) > 4_096:
            _TABLES.clear()
        table = _TABLES[(id(first), id(second))] = Table(first, second, names())
    return table


def _written(
    table: Table,
    shape: Shape,
    read: list[Value],
    rules: Callable[[Callable[[str], Value]], R],
    render: Callable[[Tracer, R], str],
    write_after: int | None = None,
) -> Callable[..., R] | None:
    """The function of `shape`, written the `write_after`-th time the shape is met
    (`WRITE_AFTER` when not given; None before, and for a shape the rules must answer
    themselves)."""
    found = table.shapes.get(shape, 0)
    if type(found) is int:
        seen = found + 1
        writing = seen >= (WRITE_AFTER if write_after is None else write_after)
        added = seen == 1
        if _COUNT[0] + writing > MAX_FUNCTIONS or _COUNT[1] + added > MAX_SHAPES:
            for each in [*_TABLES.values(), *STATE_TABLES.values()]:  # (another thread may add one)
                each.shapes.clear()
            _COUNT[0] = _COUNT[1] = 0
            added = True  # (this shape went with the others)
        _COUNT[0] += writing
        _COUNT[1] += added
        if not writing:
            table.shapes[shape] = seen
            return None
        written = write(table.names, read, rules, render)
        table.shapes[shape] = _BY_THE_RULES if written is None else written
        return written
    return None if found is _BY_THE_RULES else cast("Callable[..., R]", found)


_BY_THE_RULES: Any = object()  # a shape no function can follow
_COUNT = [0, 0]  # functions written and shapes met since the tables last started again


def scheme_outcome(
    scheme: Scheme,
    variables: VariableSet,
    values: Mapping[str, Resolved],
    env: Mapping[str, Value],
    home: Mapping[str, Value] | None = None,
) -> Outcome:
    """`outcomes.scheme_outcome` for one household, through the function of its shape, on the
    names of `env` (a member's), then of `home` (her household's) when given."""
    table = _table(scheme, values, lambda: names_read(scheme, variables))
    rules = partial(outcomes.scheme_outcome, scheme, variables, values)
    try:
        if home is None:
            read = [env[name] for name in table.names]
        else:
            read = [env[name] if name in env else home[name] for name in table.names]
    except KeyError:  # a name this evaluation does not hold: the rules will say what it is
        return rules(outcomes.names_of(env, home))
    return _run(table, read, rules, render_outcome, lambda: rules(outcomes.names_of(env, home)))


def _run(
    table: Table,
    read: list[Value],
    rules: Callable[[Callable[[str], Value]], R],
    render: Callable[[Tracer, R], str],
    by_the_rules: Callable[[], R],
) -> R:
    """The function of the shape of `read` called with its values, else `by_the_rules()` (and
    always while a function is being written: the rules then run on its `Code`)."""
    if deferred.is_writing():
        return by_the_rules()
    shape, arguments = shape_of(read)
    return call(table, shape, arguments, read, rules, render, by_the_rules)


def call(
    table: Table,
    shape: Shape,
    arguments: list[Any],
    read: list[Value],
    rules: Callable[[Callable[[str], Value]], R],
    render: Callable[[Tracer, R], str],
    by_the_rules: Callable[[], R],
    write_after: int | None = None,
) -> R:
    """The function of `shape` (written from `rules` on `read` when its time has come) called
    with `arguments`, else `by_the_rules()`."""
    found = table.shapes.get(shape)
    # Once written, as nearly always, there is no count to keep.
    written: Callable[..., R] | None = (
        found
        if type(found) is FunctionType
        else _written(table, shape, read, rules, render, write_after)
    )
    if written is not None:
        try:
            return written(*arguments)
        except (TypeError, ValueError, ArithmeticError):
            # A value the function was not written for (none is known): the rules answer this
            # shape from now on, and say what is wrong if anything is.
            table.shapes[shape] = _BY_THE_RULES
    return by_the_rules()


def person_values(
    variables: VariableSet, env: Mapping[str, Value]
) -> tuple[dict[str, Value], dict[str, Part]]:
    """`derivation.person_values` for one member, through the function of her shape."""
    return _derived(
        variables,
        env,
        person_values,
        lambda: _person_names(variables),
        partial(derivation.person_values, variables),
        _render_person,
    )


def household_values(variables: VariableSet, env: Mapping[str, Value]) -> dict[str, Value]:
    """`derivation.household_values`, through the function of the household's shape."""
    return _derived(
        variables,
        env,
        household_values,
        lambda: _household_names(variables),
        partial(derivation.household_values, variables),
        _render_values,
    )


def _derived(
    variables: VariableSet,
    env: Mapping[str, Value],
    kind: object,
    names: Callable[[], tuple[str, ...]],
    rules: Callable[[Mapping[str, Value]], R],
    render: Callable[[Tracer, R], str],
) -> R:
    """`rules` on `env` through the function of its shape (a table per catalog and `kind`)."""
    table = _table(variables, kind, names)
    try:
        read = [env[name] for name in table.names]
    except KeyError:
        return rules(env)
    return _run(table, read, lambda given: rules(_Env(given)), render, lambda: rules(env))


# Household states' tables (`traced_states`), started again with the others (`_written`).
STATE_TABLES: dict[tuple[Any, ...], Table] = {}


class _Env(Mapping[str, Value]):
    """A lookup seen as the mapping `derivation.person_values` reads."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup

    def __getitem__(self, name: str) -> Value:
        return self.lookup(name)

    def __iter__(self) -> Iterator[str]:
        raise NotImplementedError  # only read by name

    def __len__(self) -> int:
        raise NotImplementedError


def _household_names(variables: VariableSet) -> tuple[str, ...]:
    """What the household's formulas read of its answers and aggregates."""
    formulas = [v for level in variables.household_formulas for v in level]
    names: set[str] = set().union(*(v.reads for v in formulas))
    return tuple(sorted(names - {v.name for v in formulas}))


def _person_names(variables: VariableSet) -> tuple[str, ...]:
    """What a member's person formulas and aggregate parts read of her answers."""
    computed = {v.name for level in variables.person_formulas for v in level}
    names: set[str] = set()
    for variable in (*(v for level in variables.person_formulas for v in level),):
        names |= variable.reads
    for variable in variables.aggregates:
        names |= variable.reads
    return tuple(sorted(names - computed))


def names_read(scheme: Scheme, variables: VariableSet) -> tuple[str, ...]:
    """Every name the scheme's evaluation can ask of its lookup (`outcomes.scheme_lookup`
    answers its parameters, its territory and its recomputed variables itself)."""
    names: set[str] = set()
    for formula in (*scheme.formulas, *scheme.fallbacks.values()):
        names |= formula.parsed.names
    for parameter in scheme.parameters.values():
        if parameter.base is not None:
            names |= parameter.base.names
    for name in scheme.recomputed:
        names |= variables.by_name[name].reads
    names -= scheme.parameters.keys()
    names -= scheme.recomputed
    commune = variables.commune_variable()
    if TERRITORY in names and commune is not None:
        names = (names - {TERRITORY}) | {commune.name}
    return tuple(sorted(names))


def shape_of(read: list[Value]) -> tuple[Shape, list[Any]]:
    """What a function is written for, and the values it is then called with: a number's
    bounds (one value when both are the same object, as a known answer's), a known text; a
    boolean's bounds, every flag and every domain belong to the shape."""
    shape: list[Any] = []
    arguments: list[Any] = []
    for value in read:
        kind = value.kind
        lo = value.lo
        if kind == "num":
            if lo is value.hi:
                shape += (1, value.null, value.value)
                arguments.append(lo)
            else:
                shape += (2, value.null, value.value)
                arguments += (lo, value.hi)
        elif kind == "text":
            known = lo is not None
            shape += (3, known, lo is value.hi, value.null, value.value, value.domain)
            shape.append(value.certain)
            if known:
                arguments.append(lo)
            if value.hi is not lo:
                arguments.append(value.hi)
        else:
            shape += (4, kind, lo, value.hi, value.null, value.value)
    return tuple(shape), arguments


def write(
    names: tuple[str, ...],
    read: list[Value],
    rules: Callable[[Callable[[str], Value]], R],
    render: Callable[[Tracer, R], str],
) -> Callable[..., R] | None:
    """The function of this shape, or None when the rules must answer it themselves."""
    tracer = Tracer()
    symbols = {name: _symbol(tracer, value) for name, value in zip(names, read, strict=True)}

    def lookup(name: str) -> Value:
        found = symbols.get(name)
        if found is None:
            raise Untraceable(f"{name} is not among the names read")
        return found

    try:
        with deferred.writing():
            computed = rules(lookup)
        result = render(tracer, computed)
        source = tracer.source("written", result)
        namespace = dict(_NAMESPACE, **tracer.constants)
        exec(compile(source, "<written>", "exec"), namespace)  # our own source
    except Exception:  # any path the tracer cannot follow is the rules' to answer
        return None
    written: Callable[..., R] = namespace["written"]
    return written


def _symbol(tracer: Tracer, value: Value) -> Value:
    """The value as the rules see it while writing: what the shape holds stays, a known number
    or text becomes the function's argument (in the order of `shape_of`)."""
    if value.kind == "num":
        lo = tracer.argument()
        hi = lo if value.lo is value.hi else tracer.argument()
        return Value("num", lo, hi, value.null, value.value, value.domain, value.certain)
    if value.kind == "text":
        text_lo: Any = tracer.argument(known=True) if value.lo is not None else None
        text_hi = text_lo if value.hi is value.lo else tracer.argument(known=value.hi is not None)
        return Value("text", text_lo, text_hi, value.null, value.value, value.domain, value.certain)
    return value


def render_outcome(tracer: Tracer, outcome: Outcome) -> str:
    conditions = ", ".join(_render_value(tracer, c) for c in outcome.conditions)
    fields = [
        f"({conditions},)" if outcome.conditions else "()",
        tracer.render(outcome.sure),
        tracer.render(outcome.possible),
        tracer.render(outcome.amount_lo),
        tracer.render(outcome.amount_hi),
        tracer.render(outcome.per_eligible),
    ]
    return f"Outcome({', '.join(fields)})"


def _render_values(tracer: Tracer, values: dict[str, Value]) -> str:
    shared = Shared(tracer)
    return "{" + ", ".join(f"{k!r}: {shared.value(v)}" for k, v in values.items()) + "}"


def _render_person(tracer: Tracer, found: tuple[dict[str, Value], dict[str, Part]]) -> str:
    values, parts = found
    shared = Shared(tracer)
    rendered_values = ", ".join(f"{k!r}: {shared.value(v)}" for k, v in values.items())
    rendered_parts = ", ".join(
        f"{name!r}: ({tracer.render(sure)}, {tracer.render(can)}, "
        f"{'None' if value is None else shared.value(value)})"
        for name, (sure, can, value) in parts.items()
    )
    return f"({{{rendered_values}}}, {{{rendered_parts}}})"


class Shared:
    """Each value built once by the function however many times its result holds it (the
    aggregates over one formula share its value)."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer
        self.names: dict[int, str] = {}
        self.kept: list[Value] = []

    def value(self, value: Value) -> str:
        name = self.names.get(id(value))
        if name is None:
            rendered = _render_value(self.tracer, value)
            if not rendered.startswith("Value("):
                return rendered
            self.kept.append(value)  # its id stays its own while writing
            name = self.names[id(value)] = self.tracer.emit(rendered, ()).name
        return name


def _render_value(tracer: Tracer, value: Value) -> str:
    parts = (value.lo, value.hi, value.null, value.value)
    if not any(isinstance(part, Code) for part in parts):
        return tracer.render(value)  # settled by the shape: one object for every household
    rendered = ", ".join(tracer.render(part) for part in parts)
    extra = ", ".join(tracer.render(part) for part in (value.domain, value.certain))
    return f"Value({value.kind!r}, {rendered}, {extra})"
