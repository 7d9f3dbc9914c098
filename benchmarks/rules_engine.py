"""Benchmark of the rules engine, printing one Markdown table.

    make bench    # or: .venv/bin/python benchmarks/rules_engine.py [--sizes 10000 100000]

(a) one household x the whole catalog, in-process latency (median, p99);
(b) deterministic synthetic populations x the whole catalog: time and peak memory (each size in
    its own process, so peak RSS is that evaluation's alone);
(c) the same catalog as an openfisca-core country package (benchmarks/openfisca_twin), run on
    the same households: results must be equal, and the speed ratio is printed for both shapes.
Needs the `bench` extra (openfisca-core). Never part of the test suite.
"""

import argparse
import datetime as dt
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from openfisca_twin import SCHEME_OUTPUTS, build_system, run_population  # noqa: E402

from solidarite.microsim.population import synthetic_population  # noqa: E402
from solidarite.rules.catalog import Catalog, load_catalog  # noqa: E402

DATE = dt.date(2024, 3, 1)  # every scheme of the catalog is in force


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _same(ours: pl.DataFrame, twin: pl.DataFrame) -> list[str]:
    """Scheme columns that differ (amounts to the cent: OpenFisca computes in float32)."""
    differing = []
    for eligible, amount in ((e, a) for _, e, a in SCHEME_OUTPUTS.values()):
        if ours[eligible].to_list() != [bool(v) for v in twin[eligible].to_list()]:
            differing.append(eligible)
        if amount and not all(
            math.isclose(a, b, abs_tol=0.01)
            for a, b in zip(ours[amount].to_list(), twin[amount].to_list(), strict=True)
        ):
            differing.append(amount)
    return differing


def _household_frames(population: Any, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    households = population.households.slice(index, 1)
    persons = population.persons.filter(pl.col("household_id") == households["household_id"][0])
    return households, persons


def _as_dict(households: pl.DataFrame, persons: pl.DataFrame) -> dict[str, Any]:
    return {
        "household": households.drop("household_id").row(0, named=True),
        "persons": persons.drop("household_id", "person_index").to_dicts(),
    }


def single_household(catalog: Catalog, runs: int) -> dict[str, Any]:
    population = synthetic_population(runs, seed=7)
    twin = build_system(catalog)
    ours_times, twin_times, differing = [], [], set()
    for index in range(runs):
        households, persons = _household_frames(population, index)
        answers = _as_dict(households, persons)
        start = time.perf_counter()
        result = catalog.evaluate(answers, DATE)
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        twin_frame = run_population(twin, households, persons, DATE)
        twin_times.append(time.perf_counter() - start)
        ours_frame = catalog.evaluate_population(households, persons, DATE)
        differing |= set(_same(ours_frame, twin_frame))
        assert result.deciding_variables() == ()
    ours_median, ours_p99 = _percentiles(ours_times)
    twin_median, twin_p99 = _percentiles(twin_times)
    return {
        "ours_median_ms": ours_median * 1000,
        "ours_p99_ms": ours_p99 * 1000,
        "twin_median_ms": twin_median * 1000,
        "twin_p99_ms": twin_p99 * 1000,
        "equal": not differing,
        "differing": sorted(differing),
    }


def population_worker(size: int, engine: str) -> dict[str, Any]:
    """Run in a child process: one engine on one population size."""
    catalog = load_catalog(ROOT / "catalog")
    population = synthetic_population(size)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if engine == "ours":
        result = catalog.evaluate_population(population.households, population.persons, DATE)
    else:
        result = run_population(
            build_system(catalog), population.households, population.persons, DATE
        )
    seconds = time.perf_counter() - start
    result.write_parquet(f"/tmp/solidarite-bench-{engine}-{size}.parquet")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "baseline_mb": baseline / 1024,
        "persons": population.persons.height,
    }


def _child(size: int, engine: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", str(size), engine],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--single-runs", type=int, default=300)
    parser.add_argument("--worker", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(population_worker(int(args.worker[0]), args.worker[1])))
        return

    catalog = load_catalog(ROOT / "catalog")
    single = single_household(catalog, args.single_runs)
    rows = [
        "| shape | Solidarité | OpenFisca twin | ratio (twin / ours) | results equal |",
        "|---|---|---|---|---|",
        f"| 1 household x {len(catalog.schemes)} schemes, median | "
        f"{single['ours_median_ms']:.2f} ms | {single['twin_median_ms']:.2f} ms | "
        f"{single['twin_median_ms'] / single['ours_median_ms']:.1f}x | "
        f"{'yes' if single['equal'] else 'NO: ' + ', '.join(single['differing'])} |",
        f"| 1 household x {len(catalog.schemes)} schemes, p99 | "
        f"{single['ours_p99_ms']:.2f} ms | {single['twin_p99_ms']:.2f} ms | "
        f"{single['twin_p99_ms'] / single['ours_p99_ms']:.1f}x | |",
    ]
    for size in args.sizes:
        ours, twin = _child(size, "ours"), _child(size, "twin")
        differing = _same(
            pl.read_parquet(f"/tmp/solidarite-bench-ours-{size}.parquet"),
            pl.read_parquet(f"/tmp/solidarite-bench-twin-{size}.parquet"),
        )
        rows.append(
            f"| {size:,} households ({ours['persons']:,} persons) | {ours['seconds']:.2f} s, "
            f"peak {ours['peak_mb']:,.0f} MB | {twin['seconds']:.2f} s, "
            f"peak {twin['peak_mb']:,.0f} MB | {twin['seconds'] / ours['seconds']:.1f}x | "
            f"{'yes' if not differing else 'NO: ' + ', '.join(differing)} |"
        )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
