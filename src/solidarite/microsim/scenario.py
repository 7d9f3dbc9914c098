"""A costing scenario: which population, which schemes, which parameter changes, which take-up.

The same model reads a scenario file (`solidarite microsim run scenario.yaml`) and a scenario
saved from the `/chiffrage/` pages, so both are checked the same way: overrides against the
parameters' types and ranges (`Catalog.scheme_overrides`), take-up rates between 0 and 1 in
order, schemes that exist.
"""

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from solidarite.rules.catalog import Catalog
from solidarite.rules.errors import EvaluationError, RuleError, display_path
from solidarite.rules.model import Strict
from solidarite.rules.validation import parse_document
from solidarite.rules.yaml_source import SourceDocument, read_yaml

DEFAULT_SEEDS = (1, 2, 3)
LEVELS = ("low", "central", "high")


class TakeUp(Strict):
    """The share of eligible households that claim, as a low / central / high range."""

    low: float = Field(ge=0, le=1, allow_inf_nan=False)
    central: float = Field(ge=0, le=1, allow_inf_nan=False)
    high: float = Field(ge=0, le=1, allow_inf_nan=False)
    source: str = "Hypothèse"

    @model_validator(mode="after")
    def _ordered(self) -> "TakeUp":
        if not self.low <= self.central <= self.high:
            raise ValueError("take-up rates go low <= central <= high")
        return self

    @property
    def assumption(self) -> bool:
        return self.source.strip().lower().startswith(("hypothèse", "assumption"))

    def rate(self, level: str) -> float:
        return float(getattr(self, level))


DEFAULT_TAKE_UP = TakeUp(low=0.3, central=0.5, high=0.7)


class PopulationRef(Strict):
    """A saved population folder, or a synthetic commune built on the fly."""

    path: str | None = None
    commune: str | None = None
    households: int | None = Field(default=None, ge=100, le=20_000_000)
    seed: int = 1

    @model_validator(mode="after")
    def _one(self) -> "PopulationRef":
        if (self.path is None) == (self.commune is None):
            raise ValueError('give either "path" (a saved population) or "commune"')
        return self


class ScenarioSpec(Strict):
    name: str = Field(min_length=1, max_length=200)
    date: dt.date
    population: PopulationRef
    schemes: list[str] = Field(min_length=1)
    overrides: dict[str, float | int | bool | str] = Field(default_factory=dict)
    take_up: dict[str, TakeUp] = Field(default_factory=dict)
    seeds: list[int] = Field(default_factory=lambda: list(DEFAULT_SEEDS), max_length=10)
    reference: str | None = None  # another scenario file, compared household by household

    def take_up_of(self, scheme_id: str) -> TakeUp:
        return self.take_up.get(scheme_id, DEFAULT_TAKE_UP)

    def check(self, catalog: Catalog, source: str) -> None:
        """Schemes known, overrides valid for their parameters: a clear error otherwise."""
        errors = [
            RuleError(source, None, f"schemes[{i}]", f'unknown scheme "{scheme_id}"')
            for i, scheme_id in enumerate(self.schemes)
            if scheme_id not in catalog.schemes
        ]
        errors += [
            RuleError(source, None, f"take_up.{scheme_id}", "not one of the scenario's schemes")
            for scheme_id in self.take_up
            if scheme_id not in self.schemes
        ]
        try:
            catalog.scheme_overrides(self.overrides)
        except EvaluationError as exc:
            errors += [RuleError(source, None, e.field, e.message) for e in exc.errors]
        if errors:
            raise EvaluationError(errors)


def read_scenario(path: Path, catalog: Catalog) -> ScenarioSpec:
    name = display_path(path)
    document = read_yaml(path)
    if isinstance(document, RuleError):
        raise EvaluationError([document])
    parsed = parse_document(document, ScenarioSpec)
    if isinstance(parsed, list):
        raise EvaluationError(parsed)
    assert isinstance(parsed, ScenarioSpec)
    parsed.check(catalog, name)
    return parsed


def scenario_from_dict(data: dict[str, Any], catalog: Catalog, source: str) -> ScenarioSpec:
    parsed = parse_document(SourceDocument(Path(source), data), ScenarioSpec)
    if isinstance(parsed, list):
        raise EvaluationError(parsed)
    assert isinstance(parsed, ScenarioSpec)
    parsed.check(catalog, source)
    return parsed
