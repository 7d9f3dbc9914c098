"""The same scenario beyond one machine: Spark distributes households, our engine evaluates them.

Spark reads the saved population, nests each household's persons into one row (so that no
Arrow batch ever splits a household), and hands each batch to `mapInArrow`, where the worker
evaluates it with `Catalog.evaluate_population`, exactly as the local run does. Spark writes
the per-household rows as Parquet; the summary then streams over them with Polars, as for a
chunked run. The rules stay in one engine: Spark only distributes.

`pyspark` is an optional extra (`pip install -e '.[spark]'`); nothing else imports this module.
"""

import os
import sys
from collections.abc import Iterator
from functools import cache, partial
from pathlib import Path

import polars as pl

from solidarite.microsim.evaluation import Evaluated, evaluate
from solidarite.microsim.scenario import ScenarioSpec
from solidarite.microsim.store import HOUSEHOLDS_FILE, PERSONS_FILE, StoredPopulation, describe
from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.inputs import HOUSEHOLD_ID

MEMBERS = "members"
BATCH_HOUSEHOLDS = 20_000


@cache
def _catalog(directory: str) -> Catalog:
    """Loaded once per Spark worker process."""
    return load_catalog(Path(directory))


def _evaluate_batch(
    catalog_dir: str, spec_json: str, description: dict[str, object], frame: pl.DataFrame
) -> pl.DataFrame:
    catalog = _catalog(catalog_dir)
    spec = ScenarioSpec.model_validate_json(spec_json)
    persons = frame.select(HOUSEHOLD_ID, MEMBERS).explode(MEMBERS).unnest(MEMBERS)
    households = frame.drop(MEMBERS)
    chunk = StoredPopulation(Path("."), dict(description), households, persons)
    evaluated = evaluate(catalog, spec, chunk, spec.population.seed)
    assert isinstance(evaluated.frame, pl.DataFrame)
    return evaluated.frame


def _evaluate_batches(
    catalog_dir: str,
    spec_json: str,
    description: dict[str, object],
    batches: Iterator[object],
) -> Iterator[object]:
    """The function each Spark task runs on its Arrow batches."""
    for batch in batches:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        if frame.height:
            result = _evaluate_batch(catalog_dir, spec_json, description, frame)
            yield from result.to_arrow().to_batches()


def evaluate_with_spark(
    catalog: Catalog, spec: ScenarioSpec, folder: Path, out: Path, master: str
) -> Evaluated:
    """Evaluate a saved population on the Spark cluster at `master` (`local[2]`,
    `spark://host:7077`, `yarn`...); results land in `out` as Parquet."""
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    # Workers run this interpreter (the virtualenv holding our engine) unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName(f"solidarite costing: {spec.name}")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_HOUSEHOLDS))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        description = describe(folder)
        households = spark.read.parquet(str(folder.resolve() / HOUSEHOLDS_FILE))
        persons = spark.read.parquet(str(folder.resolve() / PERSONS_FILE))
        person_columns = [c for c in persons.columns if c != HOUSEHOLD_ID]
        nested = persons.groupBy(HOUSEHOLD_ID).agg(
            F.collect_list(F.struct(*person_columns)).alias(MEMBERS)
        )
        rows = households.join(nested, on=HOUSEHOLD_ID, how="inner")
        # The output schema: the same function on a few households, on the driver.
        sample = pl.read_parquet(folder / HOUSEHOLDS_FILE, n_rows=5)
        sample_persons = pl.scan_parquet(folder / PERSONS_FILE).filter(
            pl.col(HOUSEHOLD_ID).is_in(sample[HOUSEHOLD_ID].implode())
        )
        members = (
            sample_persons.collect()
            .group_by(HOUSEHOLD_ID, maintain_order=True)
            .agg(pl.struct(person_columns).alias(MEMBERS))
        )
        schema = (
            _evaluate_batch(
                str(catalog.directory),
                spec.model_dump_json(),
                description,
                sample.join(members, on=HOUSEHOLD_ID),
            )
            .to_arrow()
            .schema
        )
        function = partial(
            _evaluate_batches, str(catalog.directory), spec.model_dump_json(), description
        )
        result = rows.mapInArrow(function, from_arrow_schema(schema))
        result.write.mode("overwrite").parquet(str(out.resolve()))
    finally:
        spark.stop()
    return Evaluated(pl.scan_parquet(out / "*.parquet"), tuple(spec.schemes))
