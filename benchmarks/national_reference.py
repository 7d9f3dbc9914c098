"""The national schemes against OpenFisca-France: the full differential run.

    make reference   # once: the reference virtualenv (.venv-reference)
    .venv/bin/python benchmarks/national_reference.py [--households 10000]
        [--dates 2024-06-01,2025-06-01,2026-06-01]

Prints the agreement per benefit and per date (share of households within 1 EUR), the number of
households and the time, and writes every disagreement (household, both answers, our
explanation) to var/reports/national_reference.json. Never part of the test suite (its small
form is tests/rules/test_national_reference.py).
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from solidarite.paths import CATALOG_DIR, VAR_DIR  # noqa: E402
from solidarite.rules import reference  # noqa: E402
from solidarite.rules.catalog import load_catalog  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--dates", default="2024-06-01,2025-06-01,2026-06-01")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    catalog = load_catalog(CATALOG_DIR)
    agreements = []
    print("| date | households | " + " | ".join(reference.BENEFITS) + " | ours | reference |")
    print("|---|---|" + "---|" * len(reference.BENEFITS) + "---|---|")
    for text in args.dates.split(","):
        date = dt.date.fromisoformat(text)
        households = reference.random_households(args.households, args.seed)
        started = time.perf_counter()
        answers = reference.reference_answers(households, date)
        theirs = time.perf_counter() - started
        started = time.perf_counter()
        agreement = reference.compare(catalog, households, date, answers)
        mine = time.perf_counter() - started
        agreements.append(agreement)
        rates = " | ".join(f"{100 * agreement.rate(b):.2f} %" for b in reference.BENEFITS)
        print(f"| {date} | {args.households:,} | {rates} | {mine:.0f} s | {theirs:.0f} s |")
    report = Path(VAR_DIR) / "reports" / "national_reference.json"
    reference.write_report(agreements, report)
    print(f"\ndisagreements: {sum(len(a.disagreements) for a in agreements)} -> {report}")


if __name__ == "__main__":
    main()
