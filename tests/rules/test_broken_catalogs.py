"""The corpus of broken catalogs: one per kind of error, each with its precise message."""

from pathlib import Path

import pytest

from solidarite.rules.catalog import load_catalog
from solidarite.rules.errors import CatalogError
from tests.rules.minicatalog import SCHEME, VARIABLES, write_catalog

# (name, variables text, {scheme file: text}, expected "file:line: field: message" fragment)
BROKEN: list[tuple[str, str, dict[str, str], str]] = [
    (
        "yaml_syntax",
        VARIABLES,
        {"aide": SCHEME.replace("conditions:\n", "conditions:\n  - id: [oops\n")},
        "schemes/aide.yaml:16: YAML syntax error",
    ),
    (
        "unknown_variable",
        VARIABLES,
        {"aide": SCHEME.replace("commune = '25056'", "comune = '25056'")},
        "schemes/aide.yaml:17: conditions[0].expression: unknown variable, parameter or "
        'scheme result "comune"; did you mean commune',
    ),
    (
        "unknown_parameter",
        VARIABLES,
        {"aide": SCHEME.replace("ressources < seuil", "ressources < plafond")},
        "schemes/aide.yaml:20: conditions[1].expression: unknown variable, parameter or "
        'scheme result "plafond"',
    ),
    (
        "condition_not_boolean",
        VARIABLES,
        {"aide": SCHEME.replace("ressources < seuil", "seuil - ressources")},
        "schemes/aide.yaml:20: conditions[1].expression: a condition must be true or false, "
        "but this expression gives Float64",
    ),
    (
        "amount_not_numeric",
        VARIABLES,
        {"aide": SCHEME.replace("GREATEST(0, seuil - ressources)", "ressources < seuil")},
        "schemes/aide.yaml:22: amount.expression: an amount must be a number, "
        "but this expression gives Boolean",
    ),
    (
        "cycle",
        VARIABLES.replace("formula: revenus * 2", "formula: triple_revenus / 2")
        + """\
  - name: triple_revenus
    entity: person
    type: float
    label: {fr: Triple, en: Triple}
    formula: double_revenus * 3
""",
        {"aide": SCHEME},
        "variables.yaml:38: variables[7].name: cycle among derived variables: "
        "double_revenus -> triple_revenus -> double_revenus",
    ),
    (
        "parameter_without_value_at_start",
        VARIABLES,
        {"aide": SCHEME.replace("{2020-01-01: 1000, 2024-01-01: 1200}", "{2021-01-01: 1000}")},
        "schemes/aide.yaml:13: parameters.seuil.values: parameter 'seuil' has no value on "
        "2020-01-01, the scheme's start (its first value is dated 2021-01-01)",
    ),
    (
        "duplicate_scheme_id",
        VARIABLES,
        {"aide": SCHEME, "aide_copie": SCHEME},
        'schemes/aide_copie.yaml:1: id: duplicate scheme id "aide" (also in',
    ),
    (
        "duplicate_variable",
        VARIABLES
        + """\
  - name: age
    entity: person
    type: int
    label: {fr: Âge, en: Age}
    question: {fr: "Âge ?", en: "Age?"}
""",
        {"aide": SCHEME},
        'variables.yaml:43: variables[8].name: duplicate variable "age" (first defined at line 2)',
    ),
    (
        "duplicate_key",
        VARIABLES,
        {"aide": SCHEME.replace("version: 1\n", "version: 1\nversion: 2\n")},
        'schemes/aide.yaml:3: version: duplicate key "version"',
    ),
    (
        "wrong_field_type",
        VARIABLES,
        {"aide": SCHEME.replace("version: 1", "version: un")},
        "schemes/aide.yaml:2: version: Input should be a valid integer",
    ),
    (
        "unknown_field",
        VARIABLES,
        {"aide": SCHEME.replace("provider: ccas-test", "provider: ccas-test\nfournisseur: CCAS")},
        "schemes/aide.yaml:6: fournisseur: unknown field",
    ),
    (
        "person_variable_in_household_scheme",
        VARIABLES,
        {"aide": SCHEME.replace("commune = '25056'", "age > 18")},
        'conditions[0].expression: "age" is a person variable; a household scheme reads household',
    ),
    (
        "invalid_sql",
        VARIABLES,
        {"aide": SCHEME.replace("commune = '25056'", "commune = = '25056'")},
        "schemes/aide.yaml:17: conditions[0].expression: invalid SQL expression",
    ),
    (
        "scheme_cycle",
        VARIABLES,
        {
            "aide": SCHEME.replace("ressources < seuil", "ressources < seuil AND autre__eligible"),
            "autre": SCHEME.replace("id: aide", "id: autre").replace(
                "ressources < seuil", "aide__eligible"
            ),
        },
        "conditions[1].expression: cycle among schemes: ",
    ),
    (
        "unsupported_sql",
        VARIABLES,
        {"aide": SCHEME.replace("commune = '25056'", "UPPER(commune) = '25056'")},
        'unsupported function {"StringExpr": "Uppercase"}; see docs/rules.md',
    ),
    (
        "formula_of_wrong_type",
        VARIABLES.replace("formula: revenus * 2", "formula: revenus > 2"),
        {"aide": SCHEME},
        "variables.yaml:42: variables[7].formula: the expression gives Boolean, but a float is "
        "expected here",
    ),
]


@pytest.mark.parametrize(
    ("variables", "schemes", "expected"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_catalog_is_refused_with_a_precise_message(
    tmp_path: Path, variables: str, schemes: dict[str, str], expected: str
) -> None:
    write_catalog(tmp_path, variables, schemes)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    messages = [str(error) for error in caught.value.errors]
    assert any(expected in message for message in messages), messages


def test_the_base_of_the_corpus_is_valid(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path))
    assert list(catalog.schemes) == ["aide"]


def test_one_bad_file_refuses_the_whole_catalog_and_reports_every_error(tmp_path: Path) -> None:
    good = SCHEME.replace("id: aide", "id: bonne")
    bad = SCHEME.replace("id: aide", "id: mauvaise").replace("ressources < seuil", "x < 1")
    worse = SCHEME.replace("id: aide", "id: pire").replace("version: 1", "version: zero")
    write_catalog(tmp_path, schemes={"bonne": good, "mauvaise": bad, "pire": worse})
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    files = {error.file.rsplit("/", 1)[-1] for error in caught.value.errors}
    assert files == {"mauvaise.yaml", "pire.yaml"}


def test_a_scheme_file_must_be_named_after_its_id(tmp_path: Path) -> None:
    write_catalog(tmp_path, schemes={"autre_nom": SCHEME})
    with pytest.raises(CatalogError, match=r"must be named aide\.yaml"):
        load_catalog(tmp_path)


def test_a_test_file_for_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    tests = {
        "x": "scheme: aid\ncases:\n  - {name: a, date: 2024-01-01, expect: {eligible: true}}\n"
    }
    write_catalog(tmp_path, tests=tests)
    with pytest.raises(
        CatalogError, match=r'tests/x\.yaml:1: scheme: unknown scheme "aid"; did you'
    ):
        load_catalog(tmp_path)
