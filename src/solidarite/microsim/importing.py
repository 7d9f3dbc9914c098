"""A real population file (CSV or Parquet, one row per person) made into a saved population.

Every row goes through the engine's input model (`population_frames`), so an error names the
file, the row and the column, as for any population the engine reads; the meta columns a
costing needs (`weight`, `iris`, `qpv`) are checked here. Nothing is written unless the whole
file is valid.
"""

import math
from pathlib import Path

import polars as pl

from solidarite.microsim.store import StoredPopulation, save, with_meta
from solidarite.microsim.synthetic import IRIS, QPV, WEIGHT
from solidarite.rules.catalog import Catalog
from solidarite.rules.cli import read_population, split_population
from solidarite.rules.errors import InputError, RuleError, display_path
from solidarite.rules.inputs import HOUSEHOLD_ID, population_frames

MAX_BYTES = 200_000_000
AREA_COLUMNS = (IRIS, QPV)
# Area codes as Insee writes them: an IRIS is its commune's code and four digits, a priority
# district QN, the département and a number.
AREA_PATTERNS = (
    (IRIS, r"^(\d{5}|2[AB]\d{3})\d{4}$", "211660101"),
    (QPV, r"^QN[0-9AB]{3}\d{2}[A-Z]$", "QN02503M"),
)


def _meta(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """The weight and area columns, one value per household, checked row by row."""
    columns = [c for c in (WEIGHT, *AREA_COLUMNS) if c in frame.columns]
    meta = frame.select(HOUSEHOLD_ID, *columns).with_row_index("_row")
    if WEIGHT in columns:
        weight = pl.col(WEIGHT).cast(pl.Float64, strict=False)
        bad = meta.filter(weight.is_null() | weight.is_nan() | weight.is_infinite() | (weight <= 0))
        if bad.height:
            row = int(bad["_row"][0]) + 2
            raise InputError(
                [RuleError(name, row, WEIGHT, "expects a positive finite number of households")]
            )
        meta = meta.with_columns(weight)
    for column, pattern, example in AREA_PATTERNS:
        if column not in columns:
            continue
        text = pl.col(column).cast(pl.String)
        bad = meta.filter(text.is_not_null() & ~text.str.contains(pattern))
        if bad.height:
            row = int(bad["_row"][0]) + 2
            raise InputError(
                [RuleError(name, row, column, f"expects a code such as {example}, or nothing")]
            )
    for column in columns:
        differing = meta.group_by(HOUSEHOLD_ID).agg(pl.col(column).n_unique().alias("n"))
        differing = differing.filter(pl.col("n") > 1)
        if differing.height:
            household = differing[HOUSEHOLD_ID][0]
            raise InputError(
                [
                    RuleError(
                        name,
                        None,
                        column,
                        f"household {household} has different values in its rows",
                    )
                ]
            )
    return meta.drop("_row").unique(HOUSEHOLD_ID, keep="first")


def import_population(catalog: Catalog, path: Path, folder: Path, label: str) -> StoredPopulation:
    name = display_path(path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError([RuleError(name, None, "", f"larger than {MAX_BYTES // 1_000_000} MB")])
    frame = read_population(path, catalog)
    if HOUSEHOLD_ID not in frame.columns:
        raise InputError([RuleError(name, None, HOUSEHOLD_ID, "column is required")])
    if frame[HOUSEHOLD_ID].cast(pl.Int64, strict=False).is_null().any():
        rows = frame.with_row_index("_row").filter(
            pl.col(HOUSEHOLD_ID).cast(pl.Int64, strict=False).is_null()
        )
        line = int(rows["_row"][0]) + 2
        raise InputError([RuleError(name, line, HOUSEHOLD_ID, "expects a whole number")])
    frame = frame.with_columns(pl.col(HOUSEHOLD_ID).cast(pl.Int64))
    meta = _meta(frame, name)
    engine = frame.drop([c for c in (WEIGHT, *AREA_COLUMNS) if c in frame.columns])
    households, persons = split_population(engine, catalog)
    households, persons = population_frames(
        catalog.models, catalog.variables, households, persons, name
    )
    missing = [c for c in ("age", "revenus_mensuels", "role") if persons[c].null_count()]
    if missing:
        raise InputError(
            [
                RuleError(name, None, column, "a costing needs this column for every person")
                for column in missing
            ]
        )
    households = with_meta(households.join(meta, on=HOUSEHOLD_ID, how="left"), persons)
    weighted = float(households[WEIGHT].sum())
    description = {
        "name": label,
        "kind": "imported",
        "source_file": path.name,
        "households": households.height,
        "persons": persons.height,
        "weighted_households": weighted if math.isfinite(weighted) else None,
        "data_years": "fichier importé",
        "calibration": [],
        "assumptions": [],
    }
    return save(folder, households, persons, description)
