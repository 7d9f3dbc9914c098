"""Run a scenario: evaluate its population with the engine, draw take-up, summarise.

The engine (`Catalog.evaluate_population`) decides eligibility and amounts; this module only
adds what a costing needs on top: who claims (a seeded draw per household and scheme, the same
draw at every take-up level so that a higher rate adds claimants without changing the others),
and the runs behind the uncertainty range (take-up levels, population seeds).
"""

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from solidarite.microsim.results import summarise, totals
from solidarite.microsim.scenario import LEVELS, ScenarioSpec
from solidarite.microsim.store import StoredPopulation, describe_synthetic, load
from solidarite.microsim.synthetic import generate
from solidarite.microsim.targets import commune_targets
from solidarite.microsim.typical import typical_households
from solidarite.rules.catalog import Catalog
from solidarite.rules.inputs import HOUSEHOLD_ID
from solidarite.rules.population import beneficiaries_column
from solidarite.rules.schemes import amount_name, eligible_name

Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """The run was cancelled between two steps."""


@dataclass(frozen=True)
class Evaluated:
    """One row per household: its meta columns and, per scheme, `<id>` (monthly amount when
    eligible, else 0), `<id>__persons` (beneficiaries) and `<id>__draw` (take-up draw)."""

    frame: pl.DataFrame | pl.LazyFrame  # lazy when read back from Parquet parts
    schemes: tuple[str, ...]
    undecided: dict[str, int]


def population_for(spec: ScenarioSpec, seed: int | None = None) -> StoredPopulation:
    ref = spec.population
    if ref.path is not None:
        return load(Path(ref.path))
    assert ref.commune is not None
    targets = commune_targets(ref.commune)
    used = ref.seed if seed is None else seed
    population = generate(targets, ref.households, used)
    from solidarite.microsim.calibration import report

    description = describe_synthetic(
        population, report(population, targets), f"{targets.name} (graine {used})"
    )
    return StoredPopulation(Path("."), description, population.households, population.persons)


def take_up_draw(ids: np.ndarray, scheme_id: str, seed: int) -> np.ndarray:
    """A uniform draw per household, fixed by the scheme and the seed."""
    rng = np.random.default_rng([zlib.crc32(scheme_id.encode()), seed])
    return np.asarray(rng.random(ids.size))


def evaluate(
    catalog: Catalog, spec: ScenarioSpec, population: StoredPopulation, seed: int = 0
) -> Evaluated:
    household_inputs = [
        v.name
        for v in catalog.variables.inputs("household")
        if v.name in population.households.columns
    ]
    person_inputs = [
        c for c in population.persons.columns if c == HOUSEHOLD_ID or c in catalog.variables.by_name
    ]
    result = catalog.evaluate_population(
        population.households.select(HOUSEHOLD_ID, *household_inputs),
        population.persons.select(person_inputs),
        spec.date,
        spec.overrides,
        source=population.name,
    )
    return evaluated_frame(catalog, spec, population.households, result, seed)


def evaluated_frame(
    catalog: Catalog,
    spec: ScenarioSpec,
    households: pl.DataFrame,
    result: pl.DataFrame,
    seed: int = 0,
) -> Evaluated:
    """Join the engine's per-household results to the population's meta columns."""
    columns: list[pl.Expr] = [pl.col(HOUSEHOLD_ID)]
    undecided: dict[str, int] = {}
    for scheme_id in spec.schemes:
        eligible = pl.col(eligible_name(scheme_id))
        amount = pl.col(amount_name(scheme_id))
        undecided[scheme_id] = int(result[eligible_name(scheme_id)].null_count())
        columns.append(pl.when(eligible).then(amount.fill_null(0)).otherwise(0.0).alias(scheme_id))
        persons = beneficiaries_column(scheme_id)
        # A household scheme helps every member; a person scheme its beneficiaries.
        count = pl.col(persons) if persons in result.columns else pl.col("nb_personnes")
        columns.append(
            pl.when(eligible)
            .then(count.fill_null(0))
            .otherwise(0)
            .cast(pl.Int64)
            .alias(f"{scheme_id}__persons")
        )
    sizes = households.select(HOUSEHOLD_ID, "nb_personnes")
    decided = result.join(sizes, on=HOUSEHOLD_ID, how="left").select(columns)
    frame = households.join(decided, on=HOUSEHOLD_ID, how="left").sort(HOUSEHOLD_ID)
    ids = frame[HOUSEHOLD_ID].to_numpy()
    frame = frame.with_columns(
        pl.Series(f"{scheme_id}__draw", take_up_draw(ids, scheme_id, seed))
        for scheme_id in spec.schemes
    )
    return Evaluated(frame, tuple(spec.schemes), undecided)


def run_scenario(
    catalog: Catalog,
    spec: ScenarioSpec,
    reference: ScenarioSpec | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of the results page. `progress(fraction, step)` is called between steps
    and may raise `Cancelled`."""
    report_progress = progress or (lambda fraction, step: None)
    synthetic = spec.population.commune is not None
    seeds = spec.seeds if synthetic and spec.seeds else [spec.population.seed]
    steps = len(seeds) + 2 + (reference is not None)
    report_progress(0.0, "population")
    population = population_for(spec, seeds[0])
    report_progress(1 / steps, "evaluation")
    main = evaluate(catalog, spec, population, seeds[0])
    reference_frame = None
    if reference is not None:
        report_progress(2 / steps, "reference")
        reference_frame = evaluate(catalog, reference, population, seeds[0])
    summary = summarise(catalog, spec, main, population.description, reference_frame)
    by_seed: dict[int, dict[str, float]] = {seeds[0]: totals(spec, main, "central")}
    for index, seed in enumerate(seeds[1:], start=1):
        report_progress((index + 1 + (reference is not None)) / steps, f"seed {seed}")
        other = evaluate(catalog, spec, population_for(spec, seed), seed)
        by_seed[seed] = totals(spec, other, "central")
    report_progress((steps - 1) / steps, "typical households")
    summary["uncertainty"] = {
        "take_up": {level: totals(spec, main, level) for level in LEVELS},
        "seeds": {str(seed): figures for seed, figures in by_seed.items()},
    }
    summary["typical_households"] = typical_households(catalog, spec, population.description)
    report_progress(1.0, "done")
    return summary
