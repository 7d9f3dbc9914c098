"""What a resident or a case worker reads about one result: each condition's status, and the
values an amount was computed from (variables, parameters, the bracket of a scale, other schemes'
results), with the parameters that rest on an assumption."""

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from solidarite.rules import explain_writer
from solidarite.rules import intervals as iv
from solidarite.rules.explain_writer import amount_range
from solidarite.rules.household import State, amount_of, eligible_of
from solidarite.rules.intervals import Value
from solidarite.rules.model import Labels
from solidarite.rules.outcomes import Outcome, brackets_of, names_of, scheme_lookup
from solidarite.rules.results import (
    STATUSES,
    ConditionResult,
    Explained,
    SchemeResult,
    Status,
    share,
    shared_json,
    shared_labels,
    status_of,
)
from solidarite.rules.schemes import Resolved, Scheme, referenced_scheme

if TYPE_CHECKING:
    from solidarite.rules.catalog import Catalog


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One household's evaluation, as the explanation of each of its results reads it."""

    catalog: "Catalog"
    state: State
    values: Mapping[str, Mapping[str, Resolved]]
    date: dt.date
    deciding: Mapping[tuple[str, int | None], frozenset[str]]


def explain(
    evaluation: Evaluation, scheme: Scheme, member: int | None, outcome: Outcome
) -> SchemeResult:
    """One result with its why: each condition's status, the values its amount read."""
    return _explain(evaluation, scheme, member, outcome)


def explain_json(
    evaluation: Evaluation, scheme: Scheme, member: int | None, outcome: Outcome
) -> dict[str, Any]:
    """`explain(...).to_dict(shared=True)`, the API's answer, written without the objects (by
    the function written for the scheme, `explain_writer`): an open household's answer
    explains about 150 values, and building each line's object and then its dict took longer
    than the search for the deciding questions."""
    if not scheme.in_force(evaluation.date):
        return not_in_force(scheme, member, evaluation.date).to_dict(shared=True)
    template = _template(evaluation.catalog, scheme, evaluation.values[scheme.id])
    state = evaluation.state
    home = state.household
    return template.write_json(
        outcome,
        home if member is None else state.persons[member],
        home,
        member,
        evaluation.deciding.get((scheme.id, member)),
    )


def explain_all(evaluation: Evaluation) -> list[SchemeResult]:
    """`explain` for each result of the evaluation, in the engine's order."""
    schemes = evaluation.catalog.schemes
    return [
        explain(evaluation, schemes[scheme_id], member, outcome)
        for (scheme_id, member), outcome in evaluation.state.outcomes.items()
    ]


def explain_all_json(evaluation: Evaluation) -> list[dict[str, Any]]:
    """`explain_json` for each result of the evaluation, in the engine's order: the templates
    of a set of parameter values are looked up once per answer, not once per result (their
    lookups took a quarter of the explanations' time)."""
    catalog, state = evaluation.catalog, evaluation.state
    home, persons, deciding = state.household, state.persons, evaluation.deciding
    templates = _templates_in_force(catalog, evaluation.values, evaluation.date)
    found = []
    for key, outcome in state.outcomes.items():
        scheme_id, member = key
        template = templates.get(scheme_id)
        if template is None:  # not in force on the date
            found.append(explain_json(evaluation, catalog.schemes[scheme_id], member, outcome))
            continue
        names = home if member is None else persons[member]
        found.append(template.write_json(outcome, names, home, member, deciding.get(key)))
    return found


def _explain(
    evaluation: Evaluation, scheme: Scheme, member: int | None, outcome: Outcome
) -> SchemeResult:
    catalog, state, values, date = (
        evaluation.catalog,
        evaluation.state,
        evaluation.values,
        evaluation.date,
    )
    if not scheme.in_force(date):
        return not_in_force(scheme, member, date)
    own = values[scheme.id]
    template = _template(catalog, scheme, own)
    conditions = [
        statuses[_status(value)][0]
        for statuses, value in zip(template.conditions, outcome.conditions, strict=True)
    ]
    explanation: list[Explained] = []
    if template.lines:
        found: list[iv.Lookup] = []
        home = state.household
        names = home if member is None else state.persons[member]

        def local(name: str) -> Value:
            """The scheme's names for this household: a variable or another scheme's result
            as the household holds it, the rest as the scheme sees it (`scheme_lookup`, built
            once, when a line needs it)."""
            if name not in scheme.own_names:
                return names[name] if name in names else home[name]
            if not found:
                lookup = names_of(names, None if member is None else home)
                found.append(scheme_lookup(scheme, catalog.variables, own, lookup))
            return found[0](name)

        for name, shared, _, base, _ in template.lines:
            if shared is not None:  # read nothing of the household: the same line every time
                explanation.append(shared[0])
                continue
            bracket = None if base is None else _bracket(base, local, own[name])
            explanation.append(explained(catalog, scheme, name, local(name), bracket))
    bounds = amount_range(outcome)
    deciding = evaluation.deciding.get((scheme.id, member))
    return SchemeResult(
        scheme.id,
        scheme.spec.version,
        member,
        True,
        eligible_of(outcome),
        amount_of(outcome),
        tuple(conditions),
        template.parameters,
        tuple(sorted(deciding)) if deciding else (),
        None if bounds is None else (bounds[0], bounds[1]),
        tuple(explanation),
        template.assumptions,
    )


class _Template:
    """What every result of a scheme under one set of parameter values shares, each part as an
    object (index 0, `explain`) and as JSON (index 1, `explain_json`): per condition and status
    its result; per name its amount reads, the line when it reads nothing of the household (a
    parameter's), else None; the parameters; the assumptions read. An open household's answer
    holds a hundred conditions and lines. The JSON is written once, as bytes orjson copies into
    every answer that holds it (`orjson.Fragment`): serialising the same dicts again and again
    took longer than computing most of the answer."""

    __slots__ = (
        "assumptions",
        "catalog",
        "conditions",
        "lines",
        "parameters",
        "parameters_json",
        "scheme",
        "values",
        "write_json",
    )

    def __init__(self, catalog: "Catalog", scheme: Scheme, values: Mapping[str, Resolved]) -> None:
        # Kept, so that the key's ids stay their own; the parts are never changed once built.
        self.catalog, self.scheme, self.values = catalog, scheme, values
        self.conditions = tuple(
            {status: _both(ConditionResult(c.id, c.label, status)) for status in STATUSES}
            for c in scheme.conditions
        )
        # Per name: a parameter's line (it reads nothing of the household); else the line's
        # JSON per value, and a scale's base (the bracket it reaches is shown).
        lines: list[_LineTemplate] = []
        for name in scheme.amount_names if scheme.amount is not None else ():
            parameter = scheme.parameters.get(name)
            if parameter is not None and parameter.base is None:
                shared = _both(explained(catalog, scheme, name, iv.constant(values[name])))
                lines.append((name, shared, None, None, False))
            else:
                base = parameter.base.tree if parameter is not None and parameter.base else None
                writer = _LineJson(catalog, scheme, name)
                lines.append((name, None, writer, base, name in scheme.own_names))
        self.lines = tuple(lines)
        self.parameters = {k: plain(v) for k, v in values.items()}
        self.parameters_json = written_json(self.parameters)
        self.assumptions = assumptions_read(scheme)
        self.write_json = explain_writer.writer(
            scheme,
            values,
            catalog.variables,
            [(c["passed"][1], c["failed"][1], c["unknown"][1]) for c in self.conditions],
            [
                (name, None if shared is None else shared[1], writer, base, scheme_own)
                for name, shared, writer, base, scheme_own in self.lines
            ],
            self.parameters_json,
            self.assumptions,
            _bracket,
        )


# A line: its name; its parts when it reads nothing of the household; else its JSON writer, a
# scale's base, and whether the scheme computes the name itself (`Scheme.own_names`).
_LineTemplate = tuple[str, tuple[Any, Any] | None, "_LineJson | None", Any, bool]


def _both(part: ConditionResult | Explained) -> tuple[Any, Any]:
    share(part)
    return part, written_json(shared_json(part))


def written_json(data: Any) -> Any:
    """`data` written as JSON once, for orjson to copy into each answer that holds it (what
    orjson cannot write itself stays as it is, for the API's encoder)."""
    try:
        return orjson.Fragment(orjson.dumps(data))
    except TypeError:
        return data


_TEMPLATES: dict[tuple[int, int, int], _Template] = {}


def _template(catalog: "Catalog", scheme: Scheme, values: Mapping[str, Resolved]) -> _Template:
    """The scheme's `_Template` under `values` (a date's under a scenario, kept by
    `Catalog.values_at`)."""
    key = (id(catalog), id(scheme), id(values))
    found = _TEMPLATES.get(key)
    if (
        found is None
        or found.catalog is not catalog
        or found.scheme is not scheme
        or found.values is not values
    ):
        if len(_TEMPLATES) > 65_536:
            _TEMPLATES.clear()
        found = _TEMPLATES[key] = _Template(catalog, scheme, values)
    return found


# Per catalog, parameter values and date (each held, so that their ids stay their own): the
# template of each scheme in force on the date.
_IN_FORCE: dict[
    tuple[int, int, dt.date], tuple["Catalog", Mapping[str, Any], dict[str, _Template]]
] = {}


def _templates_in_force(
    catalog: "Catalog", values: Mapping[str, Mapping[str, Resolved]], date: dt.date
) -> dict[str, _Template]:
    key = (id(catalog), id(values), date)
    found = _IN_FORCE.get(key)
    if found is None or found[0] is not catalog or found[1] is not values:
        if len(_IN_FORCE) > 1_024:
            _IN_FORCE.clear()
        templates = {
            scheme.id: _template(catalog, scheme, values[scheme.id])
            for scheme in catalog.ordered
            if scheme.in_force(date) and scheme.id in values
        }
        found = _IN_FORCE[key] = (catalog, values, templates)
    return found[2]


def assumptions_read(scheme: Scheme) -> tuple[str, ...]:
    """The scheme's parameters marked as assumptions that its conditions or amount read."""
    found = _ASSUMPTIONS.get(id(scheme))
    if found is None or found[0] is not scheme:  # the scheme is kept: its id is never reused
        found = _ASSUMPTIONS[id(scheme)] = (scheme, _assumptions_read(scheme))
    return found[1]


# Per compiled scheme (schemes are immutable), holding the scheme so that its id stays its own.
_ASSUMPTIONS: dict[int, tuple[Scheme, tuple[str, ...]]] = {}


def _assumptions_read(scheme: Scheme) -> tuple[str, ...]:
    read: set[str] = set()
    for formula in scheme.formulas:
        read |= formula.parsed.names
    for name in list(read):
        parameter = scheme.parameters.get(name)
        if parameter is not None and parameter.base is not None:
            read |= parameter.base.names
    return tuple(name for name in scheme.assumptions() if name in read)


def _status(value: Value) -> Status:
    """`iv.surely_true` and `iv.can_be_true` on a household's (Python) value."""
    if value.kind != "bool":
        return "failed"
    if not value.null and value.value and value.lo:
        return "passed"
    if not (value.value and value.hi):
        return "failed"
    return status_of(None)


def plain(value: Resolved) -> Any:
    if isinstance(value, tuple):
        return [[threshold, amount] for threshold, amount in brackets_of(value)]
    return value


def shown(value: Value) -> dict[str, Any]:
    """A value as JSON: `value` when known, `minimum`/`maximum` when only bounded."""
    if value.kind == "null" or value.value is False:
        return {"value": None}
    if value.kind == "text":
        return {"value": value.lo}
    if value.lo == value.hi and not value.null:
        return {"value": bool(value.lo) if value.kind == "bool" else float(value.lo)}
    if value.kind == "bool":
        return {"value": None}
    return {
        "minimum": None if math.isinf(value.lo) else float(value.lo),
        "maximum": None if math.isinf(value.hi) else float(value.hi),
    }


def _bracket(base: Any, local: iv.Lookup, brackets: Resolved) -> int | None:
    """The bracket of a scale its base reaches, when the base is known."""
    value = iv.evaluate(base, local)
    if value.kind == "num" and value.lo == value.hi:
        return iv.bracket_reached(float(value.lo), brackets_of(brackets))
    return None


def explained(
    catalog: "Catalog", scheme: Scheme, name: str, value: Value, bracket: int | None = None
) -> Explained:
    """One name an amount reads, with its value: a parameter or scale (with the bracket
    reached), another scheme's result, or a variable. Both back-ends give their values here."""
    kind, label, unit, assumption, source = _head(catalog, scheme, name)
    return Explained(name, kind, label, unit, shown(value), assumption, source, bracket)


Head = tuple[Any, Labels, str | None, bool, str | None]  # kind, label, unit, assumption, source

# What a line says of a name whatever its value, per catalog, scheme and name (an open
# household's answer holds a hundred lines); the entry holds the catalog and the scheme so that
# their ids stay their own.
_HEADS: dict[tuple[int, int, str], tuple["Catalog", Scheme, Head]] = {}


def _head(catalog: "Catalog", scheme: Scheme, name: str) -> Head:
    key = (id(catalog), id(scheme), name)
    found = _HEADS.get(key)
    if found is None or found[0] is not catalog or found[1] is not scheme:
        if len(_HEADS) > 65_536:
            _HEADS.clear()
        found = _HEADS[key] = (catalog, scheme, _read_head(catalog, scheme, name))
    return found[2]


def _read_head(catalog: "Catalog", scheme: Scheme, name: str) -> Head:
    parameter = scheme.parameters.get(name)
    if parameter is not None:
        kind = "scale" if parameter.base is not None else "parameter"
        spec = parameter.spec
        return kind, spec.label, spec.unit, spec.assumption, spec.source
    other = referenced_scheme(name)
    if other is not None and other in catalog.schemes:
        unit = "EUR" if name.endswith("__amount") else None
        return "scheme", catalog.schemes[other].spec.title, unit, False, None
    variable = catalog.variables.by_name.get(name)
    label = variable.spec.label if variable else Labels(fr=name, en=name)
    return "variable", label, variable.spec.unit if variable else None, False, None


class _LineJson:
    """One name's explanation line as JSON, for each value it is given: a line with the same
    value is the same JSON in every answer, so it is written once (per value, at most `KEPT`;
    `written_json`). A bound -0.0 is written each time: it equals 0.0 but their JSON differs."""

    KEPT = 256
    __slots__ = ("head", "seen", "tail")

    def __init__(self, catalog: "Catalog", scheme: Scheme, name: str) -> None:
        kind, label, unit, assumption, source = _head(catalog, scheme, name)
        self.head = {"name": name, "kind": kind, "label": shared_labels(label), "unit": unit}
        self.tail = {"assumption": assumption, "source": source}
        self.seen: dict[tuple[Any, ...], Any] = {}

    def json(self, value: Value, bracket: int | None) -> Any:
        # What `shown` reads: the kind says how a bound is written (True and 1.0 are one key
        # but never of one kind), a zero's sign is checked apart.
        lo, hi = value.lo, value.hi
        if (lo == 0 and _negative_zero(lo)) or (hi == 0 and _negative_zero(hi)):
            return self._written(value, bracket)  # (never kept: its key is 0.0's)
        key = (value.kind, value.null, value.value, lo, hi, bracket)  # (as `explain_writer`)
        found = self.seen.get(key)
        if found is None:
            if len(self.seen) >= self.KEPT:
                self.seen.clear()
            found = self.seen[key] = self._written(value, bracket)
        return found

    def _written(self, value: Value, bracket: int | None) -> Any:
        return written_json({**self.head, **shown(value), **self.tail, "bracket": bracket})


def _negative_zero(bound: Any) -> bool:
    return type(bound) is float and math.copysign(1.0, bound) < 0


def not_in_force(scheme: Scheme, person_index: int | None, date: dt.date) -> SchemeResult:
    """Before its start or after its end a scheme gives nothing, and says why."""
    start, end = scheme.spec.start.isoformat(), scheme.spec.end
    period_fr = f"à partir du {start}" + (f" et jusqu'au {end.isoformat()}" if end else "")
    period_en = f"from {start}" + (f" until {end.isoformat()}" if end else "")
    label = Labels(
        fr=f"Le dispositif est en vigueur à cette date ({period_fr})",
        en=f"The scheme is in force on this date ({period_en})",
    )
    return SchemeResult(
        scheme_id=scheme.id,
        version=scheme.spec.version,
        person_index=person_index,
        in_force=False,
        eligible=False,
        amount=0.0 if scheme.amount is not None else None,
        conditions=(ConditionResult("in_force", label, "failed"),),
        parameters={},
        unknown_variables=(),
    )
