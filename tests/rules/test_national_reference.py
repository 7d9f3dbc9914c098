"""The national schemes agree with OpenFisca-France, the reference model (issue 14, item 2).

The small form of the differential run: 500 random households at one date, each benefit within
1 EUR for at least 99 % of them; the disagreements go to a readable report. The full run
(10,000 households at three dates) is `benchmarks/national_reference.py` (docs/rules.md).
OpenFisca-France runs in `.venv-reference` (`make reference`, which `make test` builds).
"""

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from solidarite.paths import CATALOG_DIR
from solidarite.rules import reference
from solidarite.rules.catalog import Catalog, load_catalog

TARGET = 0.99


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


def test_500_households_agree_with_openfisca_france(catalog: Catalog, tmp_path: Path) -> None:
    if not reference.REFERENCE_PYTHON.exists():
        pytest.fail(
            "the reference model is not installed: run `make reference` "
            f"({reference.REFERENCE_PYTHON})"
        )
    date = dt.date(2025, 6, 1)
    households = reference.random_households(500, seed=2025)
    answers = reference.reference_answers(households, date)
    agreement = reference.compare(catalog, households, date, answers)
    report = tmp_path / "national_reference.json"
    reference.write_report([agreement], report)
    written = json.loads(report.read_text())
    assert written["dates"][0]["households"] == 500
    for benefit in reference.BENEFITS:
        assert agreement.rate(benefit) >= TARGET, (benefit, agreement.rate(benefit), report)
    # The sample reaches every benefit: the agreement is not only on zeros.
    for benefit in reference.BENEFITS:
        paid = sum(1 for answer in answers if answer[benefit] > 0)
        assert paid >= 10, (benefit, paid)


def test_a_disagreement_is_reported_with_the_household_and_both_answers(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Without calling the reference: a made-up reference answer that differs is reported."""
    date = dt.date(2025, 6, 1)
    household = reference.random_households(1, seed=3)[0]
    ours = reference.ours(catalog, household, date)
    made_up = {b: reference.household_amount(ours[b]) or 0.0 for b in reference.BENEFITS}
    made_up["rsa"] += 50
    agreement = reference.compare(catalog, [household], date, [made_up])
    assert agreement.rate("rsa") == 0
    assert agreement.rate("aspa") == 1
    reference.write_report([agreement], tmp_path / "report.json")
    entry = json.loads((tmp_path / "report.json").read_text())["dates"][0]["disagreements"][0]
    assert entry["benefit"] == "rsa"
    assert entry["reference"] == made_up["rsa"]
    assert entry["household"] == household
    assert "conditions" in entry["explanation"][0]


def test_the_random_households_are_seeded() -> None:
    assert reference.random_households(50, 1) == reference.random_households(50, 1)
    assert reference.random_households(50, 1) != reference.random_households(50, 2)


def test_a_parameter_copied_between_schemes_stays_equal() -> None:
    """The RSA counts the family allowances without their age increase: it carries the same
    BMAF and rate as the family allowances' file."""
    folder = CATALOG_DIR / "schemes" / "national"
    rsa = yaml.safe_load((folder / "rsa.yaml").read_text())["parameters"]
    af = yaml.safe_load((folder / "allocations_familiales.yaml").read_text())["parameters"]
    ars = yaml.safe_load((folder / "ars.yaml").read_text())["parameters"]
    assert rsa["bmaf"]["values"] == af["bmaf"]["values"] == ars["bmaf"]["values"]
    assert rsa["taux_majoration_age_af"]["values"] == af["taux_majoration_age"]["values"]


@pytest.mark.parametrize("size", [0, 1, 2, 6])
def test_an_undecided_national_amount_is_a_range_of_possible_amounts(
    catalog: Catalog, size: int
) -> None:
    """Reproduced by the API fuzzer: with most answers unknown, a national amount's range once
    went below zero (a negative RSA) and past any amount; it is now within [0, a finite bound]."""
    import math

    household = {"household": {}, "persons": [{} for _ in range(size)]}
    for date in (dt.date(2025, 6, 1), dt.date(9052, 1, 29)):
        for result in catalog.evaluate(household, date).results:
            if result.amount_range is None:
                continue
            low, high = result.amount_range
            assert 0 <= low <= high, (result.scheme_id, result.amount_range)
            assert math.isfinite(high), result.scheme_id
