"""A costing scenario on ten million households, in chunks, in bounded memory.

    .venv/bin/python benchmarks/costing_scale.py [--households 10000000] [--chunk 250000]

Builds a calibrated population of that size (Besançon's shape, generated part by part and
streamed to Parquet by `solidarite microsim population`), then runs the youth-aid scenario on
it with `solidarite microsim run --chunk` in a child process, and prints each step's wall time
and peak resident memory (ru_maxrss of the children). Never part of the test suite.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLIDARITE = str(Path(sys.executable).parent / "solidarite")


def _step(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MB of one command, measured in a fresh wrapper process (the
    children's ru_maxrss is the largest child's peak, so each step gets its own wrapper)."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=250_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        population, work = Path(folder) / "population", Path(folder) / "work"
        built, built_peak = _step(
            [
                SOLIDARITE,
                "microsim",
                "population",
                "--commune",
                "25056",
                "--households",
                str(args.households),
                "--out",
                str(population),
            ]
        )
        size = sum(p.stat().st_size for p in population.glob("*.parquet")) / 1e6
        run, run_peak = _step(
            [
                SOLIDARITE,
                "microsim",
                "run",
                str(ROOT / "catalog/costing/scenarios/aide_jeunes_besancon.yaml"),
                "--population",
                str(population),
                "--chunk",
                str(args.chunk),
                "--work",
                str(work),
                "--json",
            ]
        )
    print("| households | step | wall time | peak memory |")
    print("|---|---|---|---|")
    print(
        f"| {args.households:,} | build the calibrated population ({size:.0f} MB Parquet) "
        f"| {built:.0f} s | {built_peak:.0f} MB |"
    )
    print(
        f"| {args.households:,} | run the scenario in chunks of {args.chunk:,} "
        f"| {run:.0f} s | {run_peak:.0f} MB |"
    )


if __name__ == "__main__":
    main()
