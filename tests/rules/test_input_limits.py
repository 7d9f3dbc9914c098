"""No input of any kind produces a traceback: limits and a fuzz of `rules eval` and the API."""

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import create_model

from solidarite.cli import main
from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import load_catalog
from solidarite.rules.errors import CatalogError, EvaluationError, InputError
from solidarite.rules.inputs import Checked
from tests.rules.minicatalog import write_catalog

CATALOG = load_catalog(CATALOG_DIR)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
HOUSEHOLDISH = st.fixed_dictionaries(
    {},
    optional={
        "household": st.dictionaries(
            st.sampled_from(["commune_residence", "duree_residence_mois", "x"]), JSON, max_size=3
        ),
        "persons": st.lists(
            st.dictionaries(
                st.sampled_from(["age", "revenus_mensuels", "date_naissance", "role", "etudiant"]),
                JSON,
                max_size=4,
            ),
            max_size=3,
        ),
    },
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"persons": [{"revenus_mensuels": NaN}]}', "NaN is not a number"),
        ('{"persons": [{"revenus_mensuels": Infinity}]}', "Infinity is not a number"),
        ('{"persons": [{"revenus_mensuels": 1e309}]}', "expects a finite number"),
        ('{"persons": [{"age": 1' + "0" * 5000 + "}]}", "invalid JSON"),
        ('{"persons": [{"age": [[[[[1]]]]]}]}', "nested deeper than 5 levels"),
        ('{"persons": [' + "{}, " * 50 + "{}]}", "at most 50 persons"),
        ('{"persons": [{"age": 19}], "x": 1}', 'expected only "household" and "persons"'),
        ('{"persons": [{"date_naissance": 20060701}]}', "expects a date written YYYY-MM-DD"),
        ('{"household": {"commune_residence": "75056"}}', "expects one of"),
    ],
)
def test_bad_household_files_are_refused_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    household = tmp_path / "foyer.json"
    household.write_text(text, encoding="utf-8")
    assert main(["rules", "eval", "--household", str(household)]) == 1
    assert message in capsys.readouterr().err


def test_a_household_file_over_one_megabyte_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    household = tmp_path / "foyer.json"
    household.write_text('{"persons": []}' + " " * 1_000_001, encoding="utf-8")
    assert main(["rules", "eval", "--household", str(household)]) == 1
    assert "larger than 1000 kB" in capsys.readouterr().err


def test_a_catalog_file_over_one_megabyte_is_refused(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    path = tmp_path / "schemes" / "aide.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "#" * 1_000_001, encoding="utf-8")
    with pytest.raises(CatalogError, match="larger than 1000 kB"):
        load_catalog(tmp_path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "expects a finite number"),
        (math.inf, "expects a finite number"),
        (-5.0, "must be at least 0"),
        ("beaucoup", "expects a number"),
    ],
)
def test_scenario_overrides_are_checked_against_unit_and_range(value: Any, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        CATALOG.evaluate({"persons": [{}]}, overrides={"rmg_chenove.seuil_par_uc": value})


@FUZZ
@given(data=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_rules_eval_answers_any_bytes_with_a_clean_error_or_a_result(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "foyer.json"
    path.write_bytes(data)
    assert main(["rules", "eval", "--household", str(path), "--json"]) in (0, 1)


@FUZZ
@given(household=HOUSEHOLDISH)
def test_the_engine_answers_any_household_with_a_result_or_an_input_error(
    household: dict[str, Any],
) -> None:
    try:
        result = CATALOG.evaluate(household)
    except InputError as exc:
        errors = exc.errors
    else:
        assert result.results
        return
    assert errors
    assert all(error.field or error.message for error in errors)


@pytest.mark.django_db
@FUZZ
@given(body=st.binary(max_size=200) | HOUSEHOLDISH.map(lambda v: json.dumps(v).encode()))
def test_the_api_answers_any_body_without_a_server_error(body: bytes) -> None:
    response = Client().post("/api/v1/simulate", data=body, content_type="application/json")
    assert response.status_code in (200, 400, 413, 415, 422), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)


@pytest.mark.django_db
def test_huge_scenario_values_evaluate_without_a_server_error() -> None:
    """Reproduced by schemathesis: amounts near the float maximum overflowed the rounding.
    They are now refused where they come in (no scheme's value comes near 1e12), with the
    parameter named; values up to the limit still evaluate."""
    household = {"household": {"commune_residence": "21166"}, "persons": [{"age": 19}]}
    overrides = {
        "aide_jeunes_besancon.montant_mensuel": 1.1116379087621273e308,
        "rmg_chenove.seuil_par_uc": 8.202227875388244e307,
        "ginko_gratuite_jeunes.age_limite": 2.99e241,
    }
    with pytest.raises(EvaluationError, match=r"aide_jeunes_besancon\.montant_mensuel"):
        CATALOG.evaluate(household, overrides=overrides)
    client_body = json.dumps({"parameters": overrides, **household})
    response = Client().post("/api/v1/simulate", data=client_body, content_type="application/json")
    assert response.status_code == 422
    assert "aide_jeunes_besancon.montant_mensuel" in response.content.decode()
    largest = dict.fromkeys(overrides, 1e12)
    for fast in (True, False):
        result = CATALOG.evaluate(household, overrides=largest, fast=fast)
        assert result.get("rmg_chenove").eligible is not False
    client_body = json.dumps({"parameters": largest, **household})
    response = Client().post("/api/v1/simulate", data=client_body, content_type="application/json")
    assert response.status_code == 200


def test_answers_checked_by_the_catalogs_own_models_are_not_checked_again() -> None:
    """`Checked` (the API's body, validated by `SimulateIn`, which holds the catalog's models)
    gives the same result as the same answers as a dict, and is not validated a second time;
    answers checked by any other models are validated as a dict would be."""
    models = CATALOG.models
    household, person = {"commune_residence": "25056"}, {"age": 19, "revenus_mensuels": 0.0}
    checked = Checked(models.household(**household), [models.person(**person)])
    plain = {"household": household, "persons": [person]}
    date = dt.date(2024, 3, 1)
    assert CATALOG.answer(checked, date) == CATALOG.answer(plain, date)
    # Built without validation, an age the models would refuse goes through: not checked twice.
    unchecked = models.person.model_construct(age=-5)
    result = CATALOG.evaluate(Checked(models.household(**household), [unchecked]), date)
    assert result.results
    # The same answers held by other models (another catalog's) are checked.
    other = create_model("OtherPerson", age=(int | None, None))
    with pytest.raises(InputError, match="age"):
        CATALOG.evaluate(Checked(models.household(**household), [other(age=-5)]), date)
