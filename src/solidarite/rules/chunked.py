"""Populations larger than memory: evaluated in chunks of whole households, read from Parquet
and written back as one Parquet part per chunk, as they come.

Memory is bounded by the chunk (and the sorted list of household ids), not by the population:
each chunk is read with a filter on its range of household ids, which Parquet row-group
statistics turn into reading only the row groups of that range when the file is sorted by
household (as `synthetic_parts` writes it). The engine is the same as in memory
(`Catalog.evaluate_population`): a chunk's results are those of the whole run for its
households.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from solidarite.rules.catalog import Catalog, Overrides
from solidarite.rules.cli import split_population
from solidarite.rules.errors import InputError, RuleError, display_path
from solidarite.rules.inputs import HOUSEHOLD_ID

DEFAULT_CHUNK = 250_000


@dataclass(frozen=True)
class ChunkedRun:
    households: int
    persons: int
    chunks: int
    out: Path


def _sources(source: Path) -> str:
    """A Parquet file, or a folder of Parquet parts."""
    if source.is_dir():
        return str(source / "*.parquet")
    if source.suffix != ".parquet":
        name = display_path(source)
        raise InputError([RuleError(name, None, "", "chunked evaluation reads Parquet")])
    return str(source)


def _ranges(ids: pl.Series, per_chunk: int) -> Iterator[tuple[int, int]]:
    for start in range(0, ids.len(), per_chunk):
        yield int(ids[start]), int(ids[min(start + per_chunk, ids.len()) - 1])


def evaluate_in_chunks(
    catalog: Catalog,
    source: Path,
    out: Path,
    households_per_chunk: int = DEFAULT_CHUNK,
    date: dt.date | None = None,
    overrides: Overrides | None = None,
) -> ChunkedRun:
    """Evaluate a population file (one row per person) chunk by chunk into `out/part-*.parquet`
    (one row per household, as `evaluate_population`)."""
    if households_per_chunk < 1:
        raise ValueError("a chunk holds at least one household")
    scan = pl.scan_parquet(_sources(source))
    if HOUSEHOLD_ID not in scan.collect_schema().names():
        raise InputError(
            [RuleError(display_path(source), None, HOUSEHOLD_ID, "column is required")]
        )
    ids = scan.select(pl.col(HOUSEHOLD_ID).unique().sort()).collect()[HOUSEHOLD_ID]
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("part-*.parquet"):
        stale.unlink()
    persons = 0
    chunks = 0
    for number, (low, high) in enumerate(_ranges(ids, households_per_chunk)):
        frame = scan.filter(pl.col(HOUSEHOLD_ID).is_between(low, high)).collect()
        households_frame, persons_frame = split_population(frame, catalog)
        result = catalog.evaluate_population(
            households_frame, persons_frame, date, overrides, source=display_path(source)
        )
        result.write_parquet(out / f"part-{number:05d}.parquet")
        persons += frame.height
        chunks += 1
        del frame, households_frame, persons_frame, result
    return ChunkedRun(ids.len(), persons, chunks, out)


def synthetic_parts(
    folder: Path, households: int, per_part: int = DEFAULT_CHUNK, seed: int = 2020
) -> int:
    """Write a synthetic population as Parquet parts sorted by household id, generated part by
    part (so that 10 million households never sit in memory at once). Returns the persons."""
    from solidarite.microsim.population import synthetic_population

    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for number, start in enumerate(range(0, households, per_part)):
        size = min(per_part, households - start)
        part = synthetic_population(size, seed * 10_000 + number)
        shifted = part.persons.with_columns(pl.col(HOUSEHOLD_ID) + start).join(
            part.households.with_columns(pl.col(HOUSEHOLD_ID) + start), on=HOUSEHOLD_ID
        )
        shifted.sort(HOUSEHOLD_ID).write_parquet(
            folder / f"population-{number:05d}.parquet", row_group_size=50_000
        )
        written += shifted.height
    return written
