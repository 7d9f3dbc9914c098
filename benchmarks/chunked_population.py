"""Ten million households from Parquet in bounded memory, printing one Markdown table.

    .venv/bin/python benchmarks/chunked_population.py [--households 10000000] [--chunk 250000]

Writes a synthetic population as Parquet parts sorted by household (part by part), then
evaluates it in a child process with `solidarite rules eval-population --chunk`, and reports the
child's wall time and peak resident memory (ru_maxrss). Never part of the test suite.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from solidarite.rules.chunked import synthetic_parts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=250_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "population", Path(folder) / "results"
        started = time.perf_counter()
        persons = synthetic_parts(source, args.households, per_part=500_000)
        generated = time.perf_counter() - started
        size = sum(p.stat().st_size for p in source.glob("*.parquet")) / 1e6
        command = [
            str(Path(sys.executable).parent / "solidarite"),
            "rules",
            "eval-population",
            str(source),
            "--out",
            str(out),
            "--chunk",
            str(args.chunk),
            "--date",
            "2024-03-01",
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, env={**os.environ}, cwd=ROOT)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| households | persons | chunk | input Parquet | evaluation | peak memory |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.households:,} | {persons:,} | {args.chunk:,} | {size:.0f} MB "
        f"(generated in {generated:.0f} s) | {elapsed:.1f} s | {peak_mb:.0f} MB |"
    )


if __name__ == "__main__":
    main()
