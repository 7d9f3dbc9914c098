"""A population on disk: `households.parquet`, `persons.parquet` and `population.json`.

A folder, not a database table: a national population is millions of rows that Polars scans
in chunks and Spark reads in parallel. `population.json` says what the population is (commune,
seed, size, data years, assumptions) and holds its calibration report.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from solidarite.microsim.calibration import CalibrationRow, report
from solidarite.microsim.synthetic import (
    HOUSEHOLD_TYPE,
    IRIS,
    QPV,
    STANDARD_OF_LIVING,
    WEIGHT,
    SyntheticPopulation,
    generate,
)
from solidarite.microsim.targets import ASSUMPTIONS, commune_targets
from solidarite.rules.errors import InputError, RuleError, display_path
from solidarite.rules.inputs import HOUSEHOLD_ID

HOUSEHOLDS_FILE = "households.parquet"
PERSONS_FILE = "persons.parquet"
DESCRIPTION_FILE = "population.json"


@dataclass(frozen=True)
class StoredPopulation:
    folder: Path
    description: dict[str, Any]
    households: pl.DataFrame = field(repr=False)
    persons: pl.DataFrame = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.description.get("name", self.folder.name))


def describe_synthetic(
    population: SyntheticPopulation, calibration: list[CalibrationRow], name: str
) -> dict[str, Any]:
    targets = commune_targets(population.commune)
    return {
        "name": name,
        "kind": "synthetic",
        "commune": population.commune,
        "commune_name": targets.name,
        "seed": population.seed,
        "households": population.households.height,
        "persons": population.persons.height,
        "weighted_households": float(population.households[WEIGHT].sum()),
        "data_years": "Insee Filosofi 2021, RP 2022, RP 2018",
        "calibration": [row.to_dict() for row in calibration],
        "assumptions": sorted(ASSUMPTIONS),
    }


PART = 500_000


def build_synthetic(
    commune: str, seed: int, households: int | None, folder: Path, name: str | None = None
) -> dict[str, Any]:
    """Generate, calibrate, report and save a commune's population; returns its description.

    Beyond `PART` households (a population the size of a region or a country, standing for
    the commune's shape) it is generated part by part, each part calibrated with its own seed,
    and streamed to disk: it never sits in memory whole."""
    targets = commune_targets(commune)
    label = name or f"{targets.name} (graine {seed})"
    if households is None or households <= PART:
        population = generate(targets, households, seed)
        description = describe_synthetic(population, report(population, targets), label)
        return save(folder, population.households, population.persons, description).description
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / ".parts"
    scratch.mkdir(exist_ok=True)
    census = targets.value("households")
    persons = 0
    first: dict[str, Any] | None = None
    for number, start in enumerate(range(0, households, PART)):
        size = min(PART, households - start)
        part = generate(targets, size, seed * 100_000 + number)
        shift = pl.col(HOUSEHOLD_ID) + start
        part.households.with_columns(
            shift, pl.lit(census / households).alias(WEIGHT)
        ).write_parquet(scratch / f"households-{number:05d}.parquet")
        part.persons.with_columns(shift).write_parquet(scratch / f"persons-{number:05d}.parquet")
        persons += part.persons.height
        if first is None:
            first = describe_synthetic(part, report(part, targets), label)
        del part
    for prefix, filename in (("households", HOUSEHOLDS_FILE), ("persons", PERSONS_FILE)):
        pl.scan_parquet(scratch / f"{prefix}-*.parquet").sink_parquet(
            folder / filename, row_group_size=50_000
        )
    assert first is not None
    description = first | {
        "households": households,
        "persons": persons,
        "weighted_households": census,
        "parts": -(-households // PART),
    }
    (folder / DESCRIPTION_FILE).write_text(
        json.dumps(description, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for stale in scratch.glob("*.parquet"):
        stale.unlink()
    scratch.rmdir()
    return description


def save(
    folder: Path, households: pl.DataFrame, persons: pl.DataFrame, description: dict[str, Any]
) -> StoredPopulation:
    """Write the three files, each to a temporary name first: a failure leaves no half
    population behind."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for frame, filename in ((households, HOUSEHOLDS_FILE), (persons, PERSONS_FILE)):
        temporary = folder / f".{filename}.tmp"
        frame.sort(HOUSEHOLD_ID).write_parquet(temporary, row_group_size=50_000)
        written.append((temporary, folder / filename))
    temporary = folder / f".{DESCRIPTION_FILE}.tmp"
    temporary.write_text(json.dumps(description, ensure_ascii=False, indent=2), encoding="utf-8")
    written.append((temporary, folder / DESCRIPTION_FILE))
    for source, target in written:
        source.replace(target)
    return StoredPopulation(folder, description, households, persons)


def describe(folder: Path) -> dict[str, Any]:
    """A saved population's description, without reading its rows."""
    try:
        found = json.loads((folder / DESCRIPTION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            [RuleError(display_path(folder), None, "", "not a saved population")]
        ) from exc
    return dict(found)


def load(folder: Path) -> StoredPopulation:
    name = display_path(folder)
    try:
        description = json.loads((folder / DESCRIPTION_FILE).read_text(encoding="utf-8"))
        households = pl.read_parquet(folder / HOUSEHOLDS_FILE)
        persons = pl.read_parquet(folder / PERSONS_FILE)
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            [RuleError(name, None, "", f"not a saved population ({exc.__class__.__name__})")]
        ) from exc
    return StoredPopulation(folder, description, households, persons)


def with_meta(households: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """Meta columns an imported population may lack: weight 1, size, consumption units,
    household type from the roles, standard of living from the declared resources."""
    per_household = persons.group_by(HOUSEHOLD_ID).agg(
        nb_personnes=pl.len().cast(pl.Int64),
        uc=1
        + 0.5 * ((pl.col("age") >= 14).sum() - 1).clip(lower_bound=0)
        + 0.3 * (pl.col("age") < 14).sum(),
        _resources=pl.col("revenus_mensuels").sum(),
        _couple=(pl.col("role") == "conjoint").any(),
        _children=(pl.col("role") == "enfant_a_charge").any(),
        _others=(pl.col("role") == "autre_membre").any(),
    )
    kind = (
        pl.when(pl.col("nb_personnes") == 1)
        .then(pl.lit("personne_seule"))
        .when(pl.col("_couple") & pl.col("_children"))
        .then(pl.lit("couple_avec_enfants"))
        .when(pl.col("_couple"))
        .then(pl.lit("couple_sans_enfant"))
        .when(pl.col("_children") & ~pl.col("_others"))
        .then(pl.lit("famille_monoparentale"))
        .otherwise(pl.lit("autre"))
    )
    joined = households.join(per_household, on=HOUSEHOLD_ID, how="left")
    defaults = {
        WEIGHT: pl.lit(1.0),
        HOUSEHOLD_TYPE: kind,
        STANDARD_OF_LIVING: (pl.col("_resources") / pl.col("uc") * 12).round(0),
        IRIS: pl.lit(None, pl.String),
        QPV: pl.lit(None, pl.String),
    }
    return joined.with_columns(
        [expr.alias(name) for name, expr in defaults.items() if name not in households.columns]
    ).drop("_resources", "_couple", "_children", "_others")
