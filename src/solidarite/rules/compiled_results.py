"""The compiled catalog's raw answers shaped as the interval engine would give them: result
objects for the pages (`results`), or the API's JSON straight away (`answer`).

Both walk the same raw answers (`_shaped`) and read each explained value the same way (`_value`);
only the last step differs. A simulator answer explains about 150 values: building result objects
and then turning each into a dict cost the API more than the evaluation itself, so `answer` writes
the dicts from templates made once per scheme (`_Shape`). The property tests require `answer` to
equal `results` turned into JSON, on random households.
"""

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from solidarite.rules import intervals as iv
from solidarite.rules.compiled import (
    Env,
    Program,
    _marginal,
    _num,
    _single,
    household_env,
    person_env,
)
from solidarite.rules.explain import assumptions_read, explained, not_in_force, plain
from solidarite.rules.outcomes import brackets_of
from solidarite.rules.results import ConditionResult, Explained, SchemeResult, labels_json
from solidarite.rules.schemes import Resolved, Scheme

if TYPE_CHECKING:
    from solidarite.rules.catalog import Catalog

Json = dict[str, Any]


class _Scheme(NamedTuple):
    """What one scheme's results on one date share."""

    scheme: Scheme
    id: str
    version: int
    shape: "_Shape"
    own: Mapping[str, Resolved]  # the scheme's parameter values
    parameters: dict[str, Any]  # the same, as JSON


# One result from a scheme's raw answer for the household (member None) or one member: its
# member, conditions, eligibility, amount, values (the member's, then the household's) and the
# bases of its scales.
Build = Callable[
    [_Scheme, int | None, tuple[Any, ...], bool, Any, tuple[Env, Env], tuple[Any, ...]], Any
]


def results(
    catalog: "Catalog",
    program: Program,
    household: Env,
    persons: Sequence[Env],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    schemes: Sequence[Scheme] | None = None,
) -> list[SchemeResult] | None:
    """Run the compiled catalog (or the part `schemes` it was built for) and shape each
    scheme's result with its explanation; None when a scheme in force has a parameter without
    a value on `date` (the interval engine answers then: the function assumes values)."""
    return _shaped(catalog, program, household, persons, date, values, schemes, _result, _same)


def answer(
    catalog: "Catalog",
    program: Program,
    household: Env,
    persons: Sequence[Env],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
) -> list[Json] | None:
    """`results` as JSON (each `SchemeResult.to_dict()`), written without the objects. The
    dicts share their constant parts (labels, conditions) with later answers: serialise them,
    never change them."""
    return _shaped(
        catalog, program, household, persons, date, values, None, _answer, SchemeResult.to_dict
    )


def _same(result: SchemeResult) -> SchemeResult:
    return result


def _shaped(
    catalog: "Catalog",
    program: Program,
    household: Env,
    persons: Sequence[Env],
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    schemes: Sequence[Scheme] | None,
    build: Build,
    settled: Callable[[SchemeResult], Any],
) -> list[Any] | None:
    """Each scheme's results in catalog order, by `build` from the function's raw answers (a
    scheme out of force: its result, through `settled`)."""
    in_force = program.in_force(date)
    if not _valued(values, in_force):
        return None
    home = household_env(catalog.variables, household)
    members = [person_env(catalog.variables, p, date) for p in persons]
    raw = program.function(home, members, date, values, program.covered, in_force)
    found: list[Any] = []
    for scheme in catalog.ordered if schemes is None else schemes:
        if scheme.id not in in_force:
            found += (settled(not_in_force(scheme, m, date)) for m, *_ in raw[scheme.id])
            continue
        own = values[scheme.id]
        shape = shape_of(program, catalog, scheme)
        shared = _Scheme(scheme, scheme.id, scheme.spec.version, shape, own, _plain_parameters(own))
        # `env` of a household scheme is `home`.
        found += (
            build(shared, member, conditions, ok, amount, (env, home), bases)
            for member, conditions, ok, amount, bases, env in raw[scheme.id]
        )
    return found


def shape_of(program: Program, catalog: "Catalog", scheme: Scheme) -> "_Shape":
    """What the scheme's results share (a program belongs to one catalog: kept)."""
    found = program.shapes.get(scheme.id)
    if found is None:
        found = program.shapes[scheme.id] = _Shape.of(catalog, scheme)
    return found


_VALUED: dict[int, tuple[Mapping[str, Any], frozenset[str], bool]] = {}


def _valued(values: Mapping[str, Mapping[str, Resolved]], in_force: frozenset[str]) -> bool:
    """Every scheme in force has a value for each of its parameters (per cached set of values,
    see `Catalog.values_at`, and set of schemes in force)."""
    found = _VALUED.get(id(values))
    if found is None or found[0] is not values or found[1] is not in_force:
        if len(_VALUED) > 4096:
            _VALUED.clear()
        complete = all(
            value is not None for sid in in_force if sid in values for value in values[sid].values()
        )
        found = _VALUED[id(values)] = (values, in_force, complete)
    return found[2]


@dataclass(frozen=True)
class _Shape:
    """What every result of one scheme shares, built once per program: each condition's two
    possible results, the assumptions read, and each name its amount reads as an explanation
    line waiting for its value; the same as JSON templates."""

    statuses: tuple[tuple[ConditionResult, ConditionResult], ...]
    assumptions: tuple[str, ...]
    explained: tuple[tuple[str, Explained], ...]
    lines: tuple["_Line", ...]  # the same lines, as JSON
    _seen: dict[tuple[bool | None, ...], tuple[ConditionResult, ...]] = field(
        default_factory=dict, compare=False
    )
    _seen_json: dict[tuple[bool | None, ...], tuple[Json, ...]] = field(
        default_factory=dict, compare=False
    )

    def conditions(self, values: tuple[bool | None, ...]) -> tuple[ConditionResult, ...]:
        """The conditions' results for their values (True, False or None: at most 3^n)."""
        found = self._seen.get(values)
        if found is None:
            found = self._seen[values] = tuple(
                passed if value is True else failed
                for (passed, failed), value in zip(self.statuses, values, strict=True)
            )
        return found

    def conditions_json(self, values: tuple[bool | None, ...]) -> tuple[Json, ...]:
        found = self._seen_json.get(values)
        if found is None:
            found = self._seen_json[values] = tuple(c.to_dict() for c in self.conditions(values))
        return found

    @classmethod
    def of(cls, catalog: "Catalog", scheme: Scheme) -> "_Shape":
        statuses = tuple(
            (ConditionResult(c.id, c.label, "passed"), ConditionResult(c.id, c.label, "failed"))
            for c in scheme.conditions
        )
        names = sorted(scheme.amount.parsed.names) if scheme.amount is not None else []
        lines = tuple((name, explained(catalog, scheme, name, iv.NULL)) for name in names)
        return cls(
            statuses,
            assumptions_read(scheme),
            lines,
            tuple(_Line.of(line, _read_as(scheme, name)) for name, line in lines),
        )


def _read_as(scheme: Scheme, name: str) -> str:
    """How an explanation line finds its value: in the member's or household's values
    ("env"), among the scheme's parameter values ("parameter"), or through a scale ("scale")."""
    parameter = scheme.parameters.get(name)
    if parameter is None:
        return "env"
    return "parameter" if parameter.base is None else "scale"


class _Line:
    """One explanation line as JSON, for each value it is given: a line with the same value
    is the same JSON in every answer, so it is written once (per value, at most `KEPT`)."""

    KEPT = 256
    __slots__ = ("_head", "_seen", "_tail", "name", "read_as")

    def __init__(self, name: str, read_as: str, head: Json, tail: Json) -> None:
        self.name = name
        self.read_as = read_as  # `_read_as`
        self._head, self._tail = head, tail
        self._seen: dict[tuple[type, Any, int | None], Json] = {}

    @classmethod
    def of(cls, line: Explained, read_as: str) -> "_Line":
        label = labels_json(line.label)
        head = {"name": line.name, "kind": line.kind, "label": label, "unit": line.unit}
        return cls(line.name, read_as, head, {"assumption": line.assumption, "source": line.source})

    def json(self, value: Any, bracket: int | None) -> Json:
        # True == 1.0 and -0.0 == 0.0, but their JSON differs: the type is in the key, and a
        # zero is written each time.
        key = (type(value), value, bracket)
        found = self._seen.get(key)
        if found is None or value == 0:
            if len(self._seen) >= self.KEPT:
                self._seen.clear()
            found = self._seen[key] = {
                **self._head,
                **_shown(value),
                **self._tail,
                "bracket": bracket,
            }
        return found


def _shown(value: Any) -> Json:
    """`explain.shown` of a known plain value, without building an interval."""
    if value is None or isinstance(value, bool | str):
        return {"value": value}
    return {"value": float(value)}


def _range(amount: float | None) -> tuple[float, float] | None:
    return None if amount is None or not math.isfinite(amount) else (amount, amount)


def _result(
    shared: _Scheme,
    member: int | None,
    conditions: tuple[Any, ...],
    ok: bool,
    amount: Any,
    env: tuple[Env, Env],
    bases: tuple[Any, ...],
) -> SchemeResult:
    shape = shared.shape
    explanation: tuple[Explained, ...] = ()
    if shape.explained:
        base_of = dict(bases)
        explanation = tuple(
            Explained(
                template.name,
                template.kind,
                template.label,
                template.unit,
                _shown(value),
                template.assumption,
                template.source,
                bracket,
            )
            for name, template in shape.explained
            for value, bracket in (_value(shared, env, name, base_of),)
        )
    return SchemeResult(
        shared.id,
        shared.version,
        member,
        True,
        ok,
        amount,
        shape.conditions(conditions),
        shared.parameters,
        (),
        _range(amount),
        explanation,
        shape.assumptions,
    )


def _answer(
    shared: _Scheme,
    member: int | None,
    conditions: tuple[Any, ...],
    ok: bool,
    amount: Any,
    env: tuple[Env, Env],
    bases: tuple[Any, ...],
) -> Json:
    """`_result(...).to_dict()`, from the shape's templates (same keys, same order)."""
    shape = shared.shape
    explanation: list[Json] = []
    if shape.lines:
        mine, household = env  # the member's values (the household's, for a household scheme)
        base_of = dict(bases)
        parameters = shared.own
        for line in shape.lines:
            # `_value`, without a call for the lines that need no scale
            name, read_as = line.name, line.read_as
            if read_as == "env":
                value = mine[name] if name in mine else household.get(name)
                explanation.append(line.json(value, None))
            elif read_as == "parameter":
                explanation.append(line.json(parameters[name], None))
            else:
                explanation.append(line.json(*_value(shared, env, name, base_of)))
    amount_range = _range(amount)
    return {
        "scheme": shared.id,
        "version": shared.version,
        "person_index": member,
        "in_force": True,
        "eligible": ok,
        "amount": amount,
        "conditions": list(shape.conditions_json(conditions)),
        "parameters": shared.parameters,
        "unknown_variables": [],
        "amount_range": list(amount_range) if amount_range else None,
        "explanation": explanation,
        "assumptions": list(shape.assumptions),
    }


_PLAIN: dict[int, tuple[Mapping[str, Resolved], dict[str, Any]]] = {}


def _plain_parameters(own: Mapping[str, Resolved]) -> dict[str, Any]:
    """Parameter values as JSON, once per cached set of values (see `Catalog.values_at`)."""
    found = _PLAIN.get(id(own))
    if found is None or found[0] is not own:
        if len(_PLAIN) > 4096:
            _PLAIN.clear()
        found = _PLAIN[id(own)] = (own, {k: plain(v) for k, v in own.items()})
    return found[1]


def _value(
    shared: _Scheme, env: tuple[Env, Env], name: str, bases: Mapping[str, Any]
) -> tuple[Any, int | None]:
    """The value an amount read under `name`, and for a scale the bracket its base reached."""
    parameter = shared.scheme.parameters.get(name)
    if parameter is None:
        member, household = env
        return (member[name] if name in member else household.get(name)), None
    if parameter.base is None:
        return shared.own[name], None
    assert parameter.spec.scale is not None
    brackets = shared.own[name]
    assert isinstance(brackets, tuple)
    base = bases.get(name)
    apply = _marginal if parameter.spec.scale.type == "marginal" else _single
    bracket = None
    if isinstance(base, int | float) and not isinstance(base, bool):
        bracket = iv.bracket_reached(float(base), brackets_of(brackets))
    return apply(None if base is None else _num(base), brackets), bracket
