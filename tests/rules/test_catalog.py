"""The project's own catalog: it loads, its YAML cases pass, and it is sourced from the seeds."""

import re
import subprocess
import sys

import pytest

from solidarite.paths import CATALOG_DIR, PROJECT_DIR
from solidarite.rules.catalog import Catalog, LoadedTests, load_catalog
from solidarite.rules.model import TestCase as YamlCase
from solidarite.rules.testcases import all_cases, case_id, run_case

CATALOG = load_catalog(CATALOG_DIR)
SEEDS = PROJECT_DIR.parent / "shared" / "seeds"


EXAMPLES = load_catalog(PROJECT_DIR / "docs" / "examples" / "catalog")
CASES = [(CATALOG, *item) for item in all_cases(CATALOG)] + [
    (EXAMPLES, *item) for item in all_cases(EXAMPLES)
]


@pytest.mark.parametrize(
    ("catalog", "loaded", "index", "case"),
    CASES,
    ids=[
        ("examples/" if catalog is EXAMPLES else "") + case_id(loaded, index, case)
        for catalog, loaded, index, case in CASES
    ],
)
def test_yaml_case(catalog: Catalog, loaded: LoadedTests, index: int, case: YamlCase) -> None:
    """Each YAML case of the catalog and of the documentation's examples is its own item."""
    outcome = run_case(catalog, loaded, index, case)
    assert outcome.passed, str(outcome)


@pytest.mark.parametrize("scheme_id", sorted(CATALOG.schemes))
def test_each_scheme_has_at_least_five_cases_including_unknown_and_before_start(
    scheme_id: str,
) -> None:
    cases = [c for t in CATALOG.tests if t.file.scheme == scheme_id for c in t.file.cases]
    start = CATALOG.schemes[scheme_id].spec.start
    assert len(cases) >= 5
    assert any(c.expect.eligible is None for c in cases), "a case with unknown inputs"
    assert any(c.date < start for c in cases), "a case dated before the scheme starts"


@pytest.mark.parametrize("scheme_id", sorted(CATALOG.schemes))
def test_each_scheme_cites_a_seed_file_or_its_legal_text(scheme_id: str) -> None:
    """A municipal scheme cites the seed document it comes from; a national one its law, with
    a Légifrance address."""
    spec = CATALOG.schemes[scheme_id].spec
    for source in spec.sources:
        if spec.scope == "national":
            assert source.legal
            assert source.url is not None
            assert source.url.startswith("https://www.legifrance.gouv.fr/")
            continue
        assert source.seed is not None
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", source.seed)
        if SEEDS.is_dir():
            assert (SEEDS / source.seed).is_file(), source.seed


def test_youth_support_matches_the_seed() -> None:
    spec = CATALOG.schemes["aide_jeunes_besancon"].spec
    assert spec.max_duration_months == 12
    assert spec.envelope is not None
    assert spec.envelope.amount == 1_000_000
    assert spec.intake.mode == "referral"
    assert spec.intake.contract_required
    assert spec.intake.diagnostic_required
    assert (
        spec.parameters["montant_mensuel"].values[min(spec.parameters["montant_mensuel"].values)]
        == 500
    )


def test_consumption_units_are_a_catalog_variable_not_python() -> None:
    uc = CATALOG.variables.by_name["uc"]
    assert uc.formula is not None
    assert "0.5" in uc.formula.text
    assert "0.3" in uc.formula.text


def test_the_rules_library_never_imports_django() -> None:
    code = (
        "import sys, solidarite.rules.catalog, solidarite.rules.cli, solidarite.rules.testcases;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
