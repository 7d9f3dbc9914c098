"""Functions the interval rules write for the shape of a household's whole *state*.

`traced` writes one function per scheme (and per member's derived variables) for the shape of
the names it reads. Two steps of one household's answer read the whole state at once, and their
bookkeeping (copies of the names, the schemes kept, lookups) cost more than their arithmetic:

- the rest of the evaluation once each member's own values are known: the household's
  aggregates and formulas, then every scheme in order (`household.run`);
- each probe of the search for the deciding questions: the trial of one answer, and the results
  it asks about (`household.deciding`).

A state is the household's names, each member's names, and each member's aggregate parts
(`derivation.person_values`). Its shape is `traced.shape_of` over all its values, with the parts'
flags (whether a member surely counts, may count) and every name; a step's function is written
for that shape as `traced` writes a scheme's, with the values as `deferred.Code`, and called with
the next household's values. While it is written, what the step calls computes by the rules on
that `Code` (`deferred.writing`). The search's state, when the rest's written function left
it, is keyed by the rest's table and the shape of what that function added
(`continued_table`): the rest of the state is the rest's, already read.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any, NamedTuple, TypeVar

from solidarite.rules import deferred, traced
from solidarite.rules.deferred import Tracer
from solidarite.rules.derivation import Part
from solidarite.rules.intervals import Value
from solidarite.rules.outcomes import Outcome

R = TypeVar("R")
Names = dict[str, Value]
State = tuple[Names, list[Names], list[tuple[Names, dict[str, Part]]]]
# A probe's answer per result it asks about: None when its trial kept the household's outcome
# (the same object), else the outcome's (sure, possible, amount_lo, amount_hi).
Fields = tuple[Any, Any, Any, Any]
# The rest of an evaluation: the outcomes, then the names it added to the household and to each
# member (aggregates, formulas, results published for the schemes after them).
Rest = tuple[dict[Any, Outcome], Names, list[Names]]
MAX_STATES = 1_024  # states' shapes with functions (a key is a few KB)
# A state's shape holds more than a scheme's (every flag of the household's values), so more of
# them are met once or twice; and its functions cost more to write (a whole evaluation traced,
# about 20 ms with its probes, against 0.3-0.5 ms saved per answer): a step gets its function
# the 16th time its state's shape is met. A simulator's first page (the same few shapes for
# most residents) gets it within its first requests; a household rarely met stays with the
# functions of each scheme (`traced`).
WRITE_AFTER = 16


class StateTable:
    """The functions written for one state's shape (one per step), the values read in order,
    and the arguments they are called with."""

    __slots__ = ("arguments", "layout", "read", "table")

    def __init__(
        self, table: Any, layout: tuple[Any, ...], read: list[Value], arguments: list[Any]
    ) -> None:
        self.table = table
        self.layout = layout
        self.read = read
        self.arguments = arguments


_POSITIONS: dict[int, tuple[str, ...]] = {}


def state_table(step: str, context: tuple[object, ...], date: dt.date, state: State) -> StateTable:
    """The table of `step` for this state on `date` (`context`: what else the step reads that
    a household does not change, held so that its ids stay its own)."""
    home, persons, person_values = state
    layout: list[Any] = [tuple(home)]
    read = list(home.values())
    for env in persons:
        layout.append(tuple(env))
        read += env.values()
    flags: list[Any] = []
    for _, parts in person_values:
        layout.append(tuple(parts))
        for sure, can, value in parts.values():
            flags += (sure, can, value is None)
            if value is not None:
                read.append(value)
    layout.append(tuple(flags))
    shape, arguments = traced.shape_of(read)
    key = (step, *map(id, context), date, tuple(layout), shape)
    table = traced.STATE_TABLES.get(key)
    if table is None:
        table = traced.STATE_TABLES[key] = _table(context, len(read))
    return StateTable(table, tuple(layout), read, arguments)


def _table(context: tuple[object, ...], count: int) -> traced.Table:
    if len(traced.STATE_TABLES) >= MAX_STATES:
        traced.STATE_TABLES.clear()
    names = _POSITIONS.get(count) or _POSITIONS.setdefault(
        count, tuple(str(index) for index in range(count))
    )
    return traced.Table(context, None, names)


class _After(NamedTuple):
    """The layout of a state its rest's written function left: the rest's state (its layout),
    then the names the function added to the household and to each member."""

    rest: tuple[Any, ...]
    added: tuple[str, ...]
    published: tuple[tuple[str, ...], ...]


# A rest done by its written function: the rest's table, and the names it added to the
# household and to each member (`household.run`).
Continued = tuple[StateTable, Names, list[Names]]


def continued_table(
    step: str, context: tuple[object, ...], date: dt.date, state: State, after: Continued | None
) -> StateTable:
    """`state_table` for a state that a written rest left (`after`), else for any state. The
    rest's table already holds the shape of what the state held before (the same values), so
    only the names the rest added are read: the search's table took 30 µs of each open answer,
    most of it the shape of values the rest's table had read already. The rest's table is part
    of the key (held, so that its id stays its own)."""
    if after is None:
        return state_table(step, context, date, state)
    rest, added, published = after
    read = list(added.values())
    for names in published:
        read += names.values()
    shape, arguments = traced.shape_of(read)
    layout = _After(rest.layout, tuple(added), tuple(tuple(names) for names in published))
    key = (step, *map(id, context), date, rest.table, layout.added, layout.published, shape)
    table = traced.STATE_TABLES.get(key)
    if table is None:
        table = traced.STATE_TABLES[key] = _table(context, len(rest.read) + len(read))
    return StateTable(table, layout, rest.read + read, rest.arguments + arguments)


def through(
    states: StateTable,
    key: traced.Shape,
    render: Callable[[Tracer, R], str],
    rules: Callable[..., R],
    *given: Any,
) -> R:
    """`rules(state, *given)` on the state through the function written for its shape and
    `key`, else `rules(None, *given)`, on the household's state itself. A function already
    written (nearly always) is called here, without the closures `traced.call` needs to write
    one: an open household's search makes about 20 probes, and that bookkeeping cost each of
    them more than its own arithmetic."""
    if deferred.is_writing():
        return rules(None, *given)
    found = states.table.shapes.get(key)
    if type(found) is FunctionType:
        try:
            return found(*states.arguments)  # type: ignore[no-any-return]
        except (TypeError, ValueError, ArithmeticError):
            pass  # `traced.call` sends such a shape to the rules, from now on
    layout = states.layout

    def symbolic(lookup: "Callable[[str], Value]") -> R:
        return rules(_rebuilt(layout, lookup), *given)

    return traced.call(
        states.table,
        key,
        states.arguments,
        states.read,
        symbolic,
        render,
        lambda: rules(None, *given),
        WRITE_AFTER,
    )


Probed = tuple[Fields | None, ...]


def probe(
    states: StateTable,
    key: traced.Shape,
    rules: Callable[..., Probed],
    *given: Any,
) -> Probed:
    """One probe of the search (`key`: its answers and the results it asks about; `rules`,
    called with the state and `given`, its trial by the rules)."""
    return through(states, key, _render_fields, rules, *given)


def rest(states: StateTable, rules: Callable[[State | None], Rest]) -> Rest:
    """The rest of one household's evaluation, from its members' own values."""
    return through(states, ("rest",), _render_rest, rules)


def _rebuilt(layout: tuple[Any, ...], lookup: Callable[[str], Value]) -> State:
    """The state `state_table` read, from the values `lookup` gives by position. A member's
    formulas are left out: they are in her names too, and a step that computes them again
    reads them there."""
    return _rebuilt_from(layout, lookup, map(str, itertools.count()))


def _rebuilt_from(layout: Any, lookup: Callable[[str], Value], positions: Iterator[str]) -> State:
    if isinstance(layout, _After):
        before = _rebuilt_from(layout.rest, lookup, positions)
        before[0].update({name: lookup(next(positions)) for name in layout.added})
        for env, names in zip(before[1], layout.published, strict=True):
            env.update({name: lookup(next(positions)) for name in names})
        return before
    count = (len(layout) - 2) // 2
    home = {name: lookup(next(positions)) for name in layout[0]}
    persons = [{name: lookup(next(positions)) for name in names} for names in layout[1 : 1 + count]]
    flags = iter(layout[-1])
    person_values: list[tuple[Names, dict[str, Part]]] = []
    for names in layout[1 + count : 1 + 2 * count]:
        parts: dict[str, Part] = {}
        for name in names:
            sure, can, absent = next(flags), next(flags), next(flags)
            parts[name] = (sure, can, None if absent else lookup(next(positions)))
        person_values.append(({}, parts))
    return home, persons, person_values


def _render_fields(tracer: Tracer, found: tuple[Fields | None, ...]) -> str:
    rendered = (
        "None" if fields is None else "(" + ", ".join(tracer.render(f) for f in fields) + ")"
        for fields in found
    )
    return "(" + "".join(f"{each}, " for each in rendered) + ")"


def _render_rest(tracer: Tracer, found: Rest) -> str:
    outcomes, home, members = found
    shared = traced.Shared(tracer)

    def names(values: Names) -> str:
        return "{" + ", ".join(f"{k!r}: {shared.value(v)}" for k, v in values.items()) + "}"

    rendered = ", ".join(f"{k!r}: {traced.render_outcome(tracer, o)}" for k, o in outcomes.items())
    return f"({{{rendered}}}, {names(home)}, [{', '.join(map(names, members))}])"
