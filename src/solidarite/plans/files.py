"""The plan files of `catalog/plans/`: format and validation, with file/line/field errors.

Pure Python (no Django), reusing the rules engine's YAML reader and error type.
"""

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from solidarite.rules.errors import CatalogError, RuleError
from solidarite.rules.model import Identifier, Labels, Strict
from solidarite.rules.validation import parse_document, suggestion
from solidarite.rules.yaml_source import read_yaml

Horizon = Literal["first_six_months", "short_term", "long_term"]


class StatusSpec(Strict):
    code: Identifier
    label: Labels
    default_progress: int = Field(ge=0, le=100)
    done: bool = False


class StatusesFile(Strict):
    statuses: list[StatusSpec] = Field(min_length=1)


class MilestoneSpec(Strict):
    date: dt.date
    text: str = Field(min_length=1)


class IndicatorSpec(Strict):
    label: str
    unit: str
    baseline: float | None = None
    target: float | None = None
    values: dict[dt.date, float] = Field(default_factory=dict)


class CitedFigure(Strict):
    """A figure of the territory the measure answers to: an indicator of the catalogue
    (catalog/territory/indicators.yaml) for one area, written "level/code" (qpv/QN02503M)."""

    indicator: str = Field(min_length=1)
    area: str = Field(pattern=r"^(commune|epci|qpv|quartier|iris)/[A-Za-z0-9-]+$")


class MeasureSpec(Strict):
    number: str = Field(min_length=1, max_length=12)
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    horizon: Horizon = "short_term"
    status: Identifier
    progress: int | None = Field(default=None, ge=0, le=100)
    weight: float = Field(default=1.0, gt=0)
    pilots: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    budget_eur: float | None = Field(default=None, ge=0)
    schemes: list[Identifier] = Field(default_factory=list)
    milestones: list[MilestoneSpec] = Field(default_factory=list)
    indicators: list[IndicatorSpec] = Field(default_factory=list)
    cites: list[CitedFigure] = Field(default_factory=list)


class AxisSpec(Strict):
    number: int = Field(ge=1)
    title: Labels
    pilots: list[str] = Field(default_factory=list)
    measures: list[MeasureSpec] = Field(min_length=1)


class BodySpec(Strict):
    id: Identifier
    name: Labels
    kind: Literal["steering_committee", "technical_group", "review", "other"]
    meetings_per_year: int = Field(ge=1, le=52)
    source: str | None = None


class Period(Strict):
    start: dt.date
    end: dt.date | None = None


class SourceSpec(Strict):
    seed: str
    title: str
    date: dt.date


class PlanFile(Strict):
    id: Identifier
    title: Labels
    collectivity: str
    commune_code: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$")
    period: Period
    summary: Labels
    source: SourceSpec
    deliberation: str | None = None
    status_note: Labels | None = None
    bodies: list[BodySpec] = Field(default_factory=list)
    axes: list[AxisSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_numbers(self) -> "PlanFile":
        numbers = [m.number for a in self.axes for m in a.measures]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate measure number: {', '.join(duplicates)}")
        return self


def load_plan_files(
    folder: Path, scheme_ids: set[str] | None = None, indicator_codes: set[str] | None = None
) -> tuple[list[StatusSpec], list[PlanFile]]:
    """Read and check `statuses.yaml` and every plan file; any error refuses them all."""
    errors: list[RuleError] = []
    statuses: list[StatusSpec] = []
    status_document = read_yaml(folder / "statuses.yaml")
    if isinstance(status_document, RuleError):
        errors.append(status_document)
    else:
        parsed = parse_document(status_document, StatusesFile)
        if isinstance(parsed, list):
            errors += parsed
        else:
            statuses = parsed.statuses
    codes = {s.code for s in statuses}
    plans: list[PlanFile] = []
    for path in sorted(p for p in folder.glob("*.yaml") if p.name != "statuses.yaml"):
        document = read_yaml(path)
        if isinstance(document, RuleError):
            errors.append(document)
            continue
        plan = parse_document(document, PlanFile)
        if isinstance(plan, list):
            errors += plan
            continue
        if path.stem != plan.id:
            errors.append(
                document.error(
                    ("id",), f'the file of plan "{plan.id}" must be named {plan.id}.yaml'
                )
            )
        for a, axis in enumerate(plan.axes):
            for m, measure in enumerate(axis.measures):
                where = ("axes", a, "measures", m)
                if codes and measure.status not in codes:
                    errors.append(
                        document.error(
                            (*where, "status"),
                            f'unknown status "{measure.status}"'
                            + suggestion(measure.status, codes),
                        )
                    )
                for c, cited in enumerate(measure.cites):
                    if indicator_codes is not None and cited.indicator not in indicator_codes:
                        errors.append(
                            document.error(
                                (*where, "cites", c, "indicator"),
                                f'unknown indicator "{cited.indicator}"'
                                + suggestion(cited.indicator, indicator_codes),
                            )
                        )
                for s, scheme in enumerate(measure.schemes):
                    if scheme_ids is not None and scheme not in scheme_ids:
                        errors.append(
                            document.error(
                                (*where, "schemes", s),
                                f'unknown scheme "{scheme}"' + suggestion(scheme, scheme_ids),
                            )
                        )
        plans.append(plan)
    if errors:
        raise CatalogError(errors)
    return statuses, plans


def _normalised(text: str) -> str:
    """Typographic apostrophes and spaces aside, the same words."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split()).lower()


def titles_not_in_seeds(plans: list[PlanFile], seeds: Path) -> list[str]:
    """Measures whose title is not word for word in their plan's source document: a title
    published on the public page must be the council's, not a paraphrase."""
    missing = []
    for plan in plans:
        path = seeds / plan.source.seed
        if not path.exists():
            missing.append(f"{plan.id}: source document {plan.source.seed} not found in {seeds}")
            continue
        text = _normalised(path.read_text(encoding="utf-8"))
        for axis in plan.axes:
            for measure in axis.measures:
                if _normalised(measure.title) not in text:
                    missing.append(f"{plan.id} {measure.number}: {measure.title}")
    return missing
