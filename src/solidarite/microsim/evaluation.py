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

import polars as pl

from solidarite.microsim.results import NATIONAL_AMOUNT, NATIONAL_UNDECIDED, summarise, totals
from solidarite.microsim.scenario import LEVELS, ScenarioSpec
from solidarite.microsim.store import (
    HOUSEHOLDS_FILE,
    PERSONS_FILE,
    StoredPopulation,
    describe,
    describe_synthetic,
    load,
)
from solidarite.microsim.synthetic import generate
from solidarite.microsim.targets import commune_targets
from solidarite.microsim.typical import typical_households
from solidarite.rules.catalog import Catalog
from solidarite.rules.errors import EvaluationError, RuleError
from solidarite.rules.inputs import HOUSEHOLD_ID
from solidarite.rules.population import beneficiaries_column
from solidarite.rules.schemes import amount_name, eligible_name

Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """The run was cancelled between two steps."""


@dataclass(frozen=True)
class Evaluated:
    """One row per household: its meta columns and, per scheme, `<id>` (monthly amount when
    eligible, else 0), `<id>__persons` (beneficiaries), `<id>__undecided` (answers missing)
    and `<id>__draw` (take-up draw)."""

    frame: pl.DataFrame | pl.LazyFrame  # lazy when read back from Parquet parts
    schemes: tuple[str, ...]


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


def take_up_draw(scheme_id: str, seed: int) -> pl.Expr:
    """A uniform draw per household in [0, 1), fixed by the household id, the scheme and the
    seed: the same whether the population is evaluated whole, in chunks or on Spark."""
    salt = zlib.crc32(scheme_id.encode()) * 1_000_003 + seed
    return pl.col(HOUSEHOLD_ID).hash(seed=salt).cast(pl.Float64) / float(2**64)


def national_rights(catalog: Catalog) -> tuple[str, ...]:
    """The national rights that pay money (not the CSS's contribution): what already fills a
    household's gap before the municipality's aid."""
    return tuple(
        scheme_id
        for scheme_id in catalog.order
        if (scheme := catalog.schemes[scheme_id]).spec.scope == "national"
        and scheme.spec.amount is not None
        and scheme.spec.amount.kind == "paid"
    )


def evaluate(
    catalog: Catalog,
    spec: ScenarioSpec,
    population: StoredPopulation,
    seed: int | None = None,
    national: bool = False,
) -> Evaluated:
    """The engine over a population; take-up drawn with `seed` (the population's by default).
    With `national`, the national rights too (`national__amount`, `national__undecided`): how
    much of the gap they already fill (their Polars plan costs seconds, so only the main run)."""
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
        only=[*spec.schemes, *(national_rights(catalog) if national else ())],
    )
    used = spec.population.seed if seed is None else seed
    return evaluated_frame(catalog, spec, population.households, result, used)


def evaluated_frame(
    catalog: Catalog,
    spec: ScenarioSpec,
    households: pl.DataFrame,
    result: pl.DataFrame,
    seed: int = 0,
) -> Evaluated:
    """Join the engine's per-household results to the population's meta columns."""
    columns: list[pl.Expr] = [pl.col(HOUSEHOLD_ID)]
    for scheme_id in spec.schemes:
        eligible = pl.col(eligible_name(scheme_id))
        amount = pl.col(amount_name(scheme_id))
        columns.append(eligible.is_null().alias(f"{scheme_id}__undecided"))
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
    rights = [s for s in national_rights(catalog) if eligible_name(s) in result.columns]
    if rights:
        columns.append(
            pl.sum_horizontal(
                pl.when(pl.col(eligible_name(s))).then(pl.col(amount_name(s))).otherwise(0.0)
                for s in rights
            ).alias(NATIONAL_AMOUNT)
        )
        columns.append(
            pl.any_horizontal(pl.col(eligible_name(s)).is_null() for s in rights).alias(
                NATIONAL_UNDECIDED
            )
        )
    sizes = households.select(HOUSEHOLD_ID, "nb_personnes")
    decided = result.join(sizes, on=HOUSEHOLD_ID, how="left").select(columns)
    frame = households.join(decided, on=HOUSEHOLD_ID, how="left").sort(HOUSEHOLD_ID)
    frame = frame.with_columns(
        take_up_draw(scheme_id, seed).alias(f"{scheme_id}__draw") for scheme_id in spec.schemes
    )
    return Evaluated(frame, tuple(spec.schemes))


def evaluate_chunked(
    catalog: Catalog, spec: ScenarioSpec, folder: Path, out: Path, per_chunk: int
) -> Evaluated:
    """A saved population larger than memory: whole households `per_chunk` at a time, each
    chunk's rows written to `out/part-*.parquet` as it comes; the result reads them back
    lazily (the summary streams over them)."""
    if per_chunk < 1:
        raise EvaluationError(
            [RuleError("--chunk", None, "", "a chunk holds at least one household")]
        )
    households = pl.scan_parquet(folder / HOUSEHOLDS_FILE)
    persons = pl.scan_parquet(folder / PERSONS_FILE)
    ids = households.select(HOUSEHOLD_ID).collect()[HOUSEHOLD_ID].sort()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("part-*.parquet"):
        stale.unlink()
    description = describe(folder)
    for number, start in enumerate(range(0, ids.len(), per_chunk)):
        low, high = int(ids[start]), int(ids[min(start + per_chunk, ids.len()) - 1])
        within = pl.col(HOUSEHOLD_ID).is_between(low, high)
        chunk = StoredPopulation(
            folder,
            description,
            households.filter(within).collect(),
            persons.filter(within).collect(),
        )
        evaluated = evaluate(catalog, spec, chunk, spec.population.seed)
        assert isinstance(evaluated.frame, pl.DataFrame)
        evaluated.frame.write_parquet(out / f"part-{number:05d}.parquet")
        del chunk, evaluated
    return Evaluated(pl.scan_parquet(out / "part-*.parquet"), tuple(spec.schemes))


def summarise_run(
    catalog: Catalog, spec: ScenarioSpec, evaluated: Evaluated, description: dict[str, Any]
) -> dict[str, Any]:
    """The results of an evaluation done elsewhere (in chunks, on Spark): one seed."""
    summary = summarise(catalog, spec, evaluated, description)
    summary["uncertainty"] = {
        "take_up": {level: totals(spec, evaluated, level) for level in LEVELS},
        "seeds": {},
    }
    summary["typical_households"] = typical_households(catalog, spec, description)
    return summary


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
    main = evaluate(catalog, spec, population, seeds[0], national=True)
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
