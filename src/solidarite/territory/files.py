"""The territory's files in `catalog/territory/`: areas, indicator catalogue, coverage targets
and figures. Validated as a whole with file, line and field in every error; pure Python.

A city loads its own by replacing these files (docs/territory.md).
"""

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from solidarite.paths import CATALOG_DIR
from solidarite.rules.errors import CatalogError, RuleError, display_path
from solidarite.rules.model import Labels, Strict
from solidarite.rules.validation import parse_document
from solidarite.rules.yaml_source import read_yaml

TERRITORY_DIR = CATALOG_DIR / "territory"
Public = Literal["all", "families", "young", "elderly", "disabled", "difficulty"]
PUBLICS: tuple[str, ...] = ("all", "families", "young", "elderly", "disabled", "difficulty")
FIGURE_COLUMNS = (
    "territory_code",
    "territory_name",
    "level",
    "indicator",
    "value",
    "unit",
    "year",
    "source_url",
    "note",
)


class Named(Strict):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = []


class QpvSpec(Named):
    commune: str = Field(pattern=r"^\d{5}$")


class QuartierSpec(Named):
    code: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    commune: str = Field(pattern=r"^\d{5}$")
    qpv: str | None = None
    grand_quartier: str | None = Field(default=None, pattern=r"^\d{7}$")


class IrisSpec(Strict):
    from_figures: bool = True


class AreasFile(Strict):
    epcis: list[Named] = []
    departements: list[Named] = []
    qpv: list[QpvSpec] = []
    quartiers: list[QuartierSpec] = []
    iris: IrisSpec = IrisSpec()


class IndicatorSpec(Strict):
    label: Labels
    definition: Labels
    formula: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    public: Public


class IndicatorsFile(Strict):
    indicators: dict[str, IndicatorSpec]


class TargetSpec(Strict):
    kind: str
    per: Literal["commune", "qpv"]
    inhabitants: int | None = Field(default=None, gt=0)
    minimum: int | None = Field(default=None, ge=1)
    label: Labels
    source: str = Field(min_length=1)


class CoverageFile(Strict):
    targets: list[TargetSpec]


@dataclass(frozen=True)
class FigureRow:
    file: str
    line: int
    code: str
    name: str
    level: str
    indicator: str
    value: float
    unit: str
    year: str
    source: str
    note: str


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    epci_code: str
    departement_code: str


@dataclass(frozen=True)
class TerritoryFiles:
    areas: AreasFile
    indicators: dict[str, IndicatorSpec]
    targets: list[TargetSpec]
    communes: list[CommuneRow]
    figures: list[FigureRow]


def _parsed(path: Path, model: type[Strict], errors: list[RuleError]) -> Strict | None:
    document = read_yaml(path)
    if isinstance(document, RuleError):
        errors.append(document)
        return None
    parsed = parse_document(document, model)
    if isinstance(parsed, list):
        errors.extend(parsed)
        return None
    return parsed


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_figures(path: Path, errors: list[RuleError]) -> list[FigureRow]:
    """One figure a row. A non-numeric value (text facts such as an address) is skipped; a
    missing column or a non-finite number is an error naming the line."""
    name = display_path(path)
    rows: list[FigureRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FIGURE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            errors.append(RuleError(name, 1, "", f"missing columns: {', '.join(missing)}"))
            return rows
        for row in reader:
            line = reader.line_num
            if row["unit"] == "text" or row["unit"] == "boolean":
                continue
            value = _number(row["value"])
            if value is None:
                if row["value"].strip().lower() in {"nan", "inf", "-inf", "infinity"}:
                    errors.append(RuleError(name, line, "value", "not a finite number"))
                continue
            rows.append(
                FigureRow(
                    name,
                    line,
                    row["territory_code"].strip(),
                    row["territory_name"].strip(),
                    row["level"].strip(),
                    row["indicator"].strip(),
                    value,
                    row["unit"].strip(),
                    row["year"].strip(),
                    row["source_url"].strip(),
                    row["note"].strip(),
                )
            )
    return rows


def read_communes(path: Path, errors: list[RuleError]) -> list[CommuneRow]:
    name = display_path(path)
    rows: list[CommuneRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            code = (row.get("code") or "").strip()
            if not re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
                errors.append(RuleError(name, reader.line_num, "code", "not an INSEE code"))
                continue
            rows.append(CommuneRow(code, row["name"], row["epci_code"], row["departement_code"]))
    return rows


def load_files(folder: Path = TERRITORY_DIR) -> TerritoryFiles:
    """Read and check every territory file; any error refuses them all."""
    errors: list[RuleError] = []
    areas = _parsed(folder / "areas.yaml", AreasFile, errors)
    indicators = _parsed(folder / "indicators.yaml", IndicatorsFile, errors)
    coverage = _parsed(folder / "coverage.yaml", CoverageFile, errors)
    communes = read_communes(folder / "communes.csv", errors)
    figures: list[FigureRow] = []
    for path in sorted((folder / "figures").glob("*.csv")):
        if path.name.startswith("places"):
            continue
        figures += read_figures(path, errors)
    if isinstance(areas, AreasFile):
        qpv_codes = {q.code for q in areas.qpv}
        for i, quartier in enumerate(areas.quartiers):
            if quartier.qpv and quartier.qpv not in qpv_codes:
                errors.append(
                    RuleError(
                        display_path(folder / "areas.yaml"),
                        None,
                        f"quartiers[{i}].qpv",
                        f'unknown priority district "{quartier.qpv}"',
                    )
                )
    if errors:
        raise CatalogError(errors)
    assert isinstance(areas, AreasFile)
    assert isinstance(indicators, IndicatorsFile)
    assert isinstance(coverage, CoverageFile)
    return TerritoryFiles(areas, indicators.indicators, coverage.targets, communes, figures)


@lru_cache(maxsize=1)
def territory_files() -> TerritoryFiles:
    """The shipped files, read once per process."""
    return load_files()


@lru_cache(maxsize=1)
def quartier_specs() -> tuple[QuartierSpec, ...]:
    """The quartiers a person's address can be in (areas.yaml only: read at form build)."""
    errors: list[RuleError] = []
    areas = _parsed(TERRITORY_DIR / "areas.yaml", AreasFile, errors)
    if errors:
        raise CatalogError(errors)
    assert isinstance(areas, AreasFile)
    return tuple(areas.quartiers)
