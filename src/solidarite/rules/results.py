"""What an evaluation answers for one household: per scheme, eligibility, amount and the why."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from solidarite.rules.model import Labels

Status = Literal["passed", "failed", "unknown"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "unknown")


def labels_json(labels: Labels) -> dict[str, str]:
    """`labels.model_dump()`, without pydantic's serializer: a simulator answer holds hundreds."""
    return {"fr": labels.fr, "en": labels.en}


def status_of(value: bool | None) -> Status:
    return "unknown" if value is None else ("passed" if value else "failed")


# The JSON of the results' parts that are kept (`explain._Template`: one per condition and
# status; a parameter's explanation line, per parameter values), with the part so that its id
# stays its own; and of labels, with the labels.
_SHARED_JSON: dict[int, tuple[Any, dict[str, Any]]] = {}


def share(part: "ConditionResult | Explained") -> None:
    """Let answers share this part's JSON (it lives as long as the catalog)."""
    if len(_SHARED_JSON) > 65_536:
        _SHARED_JSON.clear()
    _SHARED_JSON[id(part)] = (part, part.to_dict())


def shared_json(part: "ConditionResult | Explained") -> dict[str, Any]:
    """The part's JSON: the one every answer shares when it is kept (`share`)."""
    found = _SHARED_JSON.get(id(part))
    if found is not None and found[0] is part:
        return found[1]
    if isinstance(part, Explained):
        return part.to_dict(shared_labels(part.label))
    return part.to_dict()


def shared_labels(labels: Labels) -> dict[str, str]:
    found = _SHARED_JSON.get(id(labels))
    if found is None or found[0] is not labels:
        if len(_SHARED_JSON) > 65_536:
            _SHARED_JSON.clear()
        found = _SHARED_JSON[id(labels)] = (labels, labels_json(labels))
    return found[1]


@dataclass(slots=True)  # never changed once built; not frozen, as `Explained` below
class ConditionResult:
    id: str
    label: Labels
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": labels_json(self.label), "status": self.status}


# Results are never changed once built, but they are not `frozen`: a frozen dataclass sets
# each field through `object.__setattr__`, which made building them four times slower, and one
# household's evaluation builds one per scheme and member (docs/performance.md).
@dataclass(slots=True)
class Explained:
    """One value an amount was computed from."""

    name: str
    kind: Literal["variable", "parameter", "scale", "scheme"]
    label: Labels
    unit: str | None
    shown: dict[str, Any]  # {"value": v} when known, {"minimum": a, "maximum": b} otherwise
    assumption: bool = False
    source: str | None = None
    bracket: int | None = None  # scales: the bracket reached (0 is the first)

    def to_dict(self, label: dict[str, str] | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "label": labels_json(self.label) if label is None else label,
            "unit": self.unit,
            **self.shown,
            "assumption": self.assumption,
            "source": self.source,
            "bracket": self.bracket,
        }


@dataclass(slots=True)
class SchemeResult:
    """One scheme for one household (household schemes) or one member (person schemes)."""

    scheme_id: str
    version: int
    person_index: int | None
    in_force: bool
    eligible: bool | None
    amount: float | None
    conditions: tuple[ConditionResult, ...]
    parameters: dict[str, Any]
    unknown_variables: tuple[str, ...]
    amount_range: tuple[float, float] | None = None  # the amount's bounds while undecided
    explanation: tuple[Explained, ...] = ()  # the values the amount was computed from
    assumptions: tuple[str, ...] = ()  # parameters read that rest on an assumption

    def passed_conditions(self) -> tuple[ConditionResult, ...]:
        return tuple(c for c in self.conditions if c.status == "passed")

    @property
    def decided(self) -> bool:
        return self.eligible is not None and not (self.eligible and self.unknown_variables)

    def failed_conditions(self) -> tuple[ConditionResult, ...]:
        return tuple(c for c in self.conditions if c.status == "failed")

    def to_dict(self, shared: bool = False) -> dict[str, Any]:
        """As JSON. `shared`: the parts kept across answers (conditions' results, parameters'
        lines, labels) are the same dicts in every answer that holds them (the API's answers,
        serialised and never changed)."""
        return result_json(
            self.scheme_id,
            self.version,
            self.person_index,
            self.in_force,
            self.eligible,
            self.amount,
            [shared_json(c) if shared else c.to_dict() for c in self.conditions],
            self.parameters,
            self.unknown_variables,
            self.amount_range,
            [shared_json(e) if shared else e.to_dict() for e in self.explanation],
            self.assumptions,
        )


def result_json(
    scheme_id: str,
    version: int,
    person_index: int | None,
    in_force: bool,
    eligible: bool | None,
    amount: float | None,
    conditions: list[Any],
    parameters: Any,
    unknown_variables: tuple[str, ...],
    amount_range: tuple[float, float] | None,
    explanation: list[Any],
    assumptions: tuple[str, ...],
) -> dict[str, Any]:
    """A `SchemeResult` as JSON, from its fields (the parts already JSON, as dicts or as
    written bytes, `explain.written_json`): the API writes some answers without building the
    objects (`explain.explain_json`)."""
    return {
        "scheme": scheme_id,
        "version": version,
        "person_index": person_index,
        "in_force": in_force,
        "eligible": eligible,
        "amount": amount,
        "conditions": conditions,
        "parameters": parameters,
        "unknown_variables": list(unknown_variables),
        "amount_range": list(amount_range) if amount_range else None,
        "explanation": explanation,
        "assumptions": list(assumptions),
    }


@dataclass(frozen=True)
class HouseholdResult:
    date: dt.date
    results: tuple[SchemeResult, ...]

    def get(self, scheme_id: str, person_index: int | None = None) -> SchemeResult:
        for result in self.results:
            if result.scheme_id == scheme_id and (
                person_index is None or result.person_index in (person_index, None)
            ):
                return result
        raise KeyError(f"no result for scheme {scheme_id!r} and person {person_index!r}")

    def deciding_variables(self) -> tuple[str, ...]:
        """The unknown inputs that would decide the undecided schemes: the questions to ask."""
        names = {name for r in self.results for name in r.unknown_variables}
        return tuple(sorted(names))

    def to_dict(self, shared: bool = False) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "results": [r.to_dict(shared) for r in self.results],
            "deciding_variables": list(self.deciding_variables()),
        }
