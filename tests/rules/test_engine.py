"""The engine's semantics on a small catalog: SQL features, aggregates, dated parameters,
scenarios, unknown inputs and explanations."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.errors import EvaluationError, InputError
from tests.rules.minicatalog import SCHEME, write_catalog

DATE = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(write_catalog(tmp_path_factory.mktemp("catalog")))


def _one(catalog: Catalog, household: dict[str, object], persons: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    return catalog.evaluate({"household": household, "persons": persons}, DATE).get("aide")


def test_eligible_household_gets_the_top_up_with_explanations(catalog: Catalog) -> None:
    result = _one(catalog, {"commune": "25056"}, [{"age": 30, "revenus": 700.0}])
    assert result.eligible is True
    assert result.amount == 500.0  # 1200 from 2024-01-01, minus 700
    assert [(c.id, c.status) for c in result.conditions] == [
        ("commune", "passed"),
        ("ressources", "passed"),
    ]
    assert result.conditions[1].label.en == "Below threshold"
    assert result.parameters == {"seuil": 1200.0}


def test_dated_parameter_takes_the_value_in_force_at_the_date(catalog: Catalog) -> None:
    household = {"household": {"commune": "25056"}, "persons": [{"age": 30, "revenus": 700.0}]}
    before = catalog.evaluate(household, dt.date(2023, 12, 31)).get("aide")
    assert before.parameters == {"seuil": 1000.0}
    assert before.amount == 300.0


def test_a_scenario_overrides_a_parameter_without_touching_the_file(catalog: Catalog) -> None:
    household = {"household": {"commune": "25056"}, "persons": [{"age": 30, "revenus": 700.0}]}
    scenario = catalog.evaluate(household, DATE, {"aide.seuil": 2000}).get("aide")
    assert scenario.amount == 1300.0
    assert catalog.evaluate(household, DATE).get("aide").amount == 500.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"aide.plafond": 1}, "aide.plafond: unknown parameter; the parameters of aide are: seuil"),
        ({"aid.seuil": 1}, 'aid.seuil: unknown scheme "aid"; did you mean aide'),
        ({"aide.seuil": "beaucoup"}, "aide.seuil: expects a number, got 'beaucoup'"),
    ],
)
def test_bad_scenarios_are_refused(
    catalog: Catalog, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(EvaluationError, match=message):
        catalog.evaluate({"household": {}, "persons": []}, DATE, overrides)  # type: ignore[arg-type]


def test_kleene_and_one_failed_condition_decides_despite_unknowns(catalog: Catalog) -> None:
    result = _one(catalog, {"commune": "autre"}, [{"age": 30}])
    assert result.eligible is False
    assert result.amount == 0.0
    assert [c.status for c in result.conditions] == ["failed", "unknown"]
    assert result.unknown_variables == ()


def test_unknown_input_makes_eligibility_and_amount_unknown_and_names_the_question(
    catalog: Catalog,
) -> None:
    result = _one(catalog, {"commune": "25056"}, [{"age": 30}, {"age": 4, "revenus": 0.0}])
    assert result.eligible is None
    assert result.amount is None
    assert result.unknown_variables == ("revenus",)


def test_sql_null_handling_is_not_trusted(catalog: Catalog) -> None:
    """GREATEST skips nulls in SQL; our amount stays unknown when its input is unknown."""
    result = _one(catalog, {}, [{"age": 30}])
    assert (result.eligible, result.amount) == (None, None)
    assert result.unknown_variables == ("commune", "revenus")


@pytest.mark.parametrize(
    ("expression", "household", "expected"),
    [
        ("age BETWEEN 18 AND 25", {"age": 18}, True),
        ("age BETWEEN 18 AND 25", {"age": 26}, False),
        ("commune IN ('25056', '21166')", {"commune": "25056"}, True),
        ("NOT (age < 18) AND revenus = 0", {"age": 20, "revenus": 0.0}, True),
        ("age < 18 OR revenus > 10", {"age": 20, "revenus": 0.0}, False),
        ("age * 2 + 1 = 41 AND age % 7 = 6 AND age / 4 = 5", {"age": 20}, True),
        ("CASE WHEN age < 18 THEN 'mineur' ELSE 'majeur' END = 'majeur'", {"age": 20}, True),
        ("GREATEST(age, 30) = 30 AND LEAST(age, 30) = 20", {"age": 20}, True),
        ("COALESCE(revenus, 0) = 0", {"revenus": 0.0}, True),
        ("age <> 20", {"age": 20}, False),
        ("age >= 20 AND age <= 20", {"age": 20}, True),
        ("double_revenus = 6", {"revenus": 3.0}, True),
    ],
)
def test_sql_features_in_conditions(
    tmp_path: Path, expression: str, household: dict[str, object], expected: bool
) -> None:
    scheme = (
        SCHEME.replace("entity: household", "entity: person")
        .replace("commune = '25056'", expression)
        .replace("ressources < seuil", "1 = 1")
        .replace("GREATEST(0, seuil - ressources)", "seuil")
    )
    catalog = load_catalog(write_catalog(tmp_path, schemes={"aide": scheme}))
    person = {k: v for k, v in household.items() if k != "commune"}
    answers = {"commune": household["commune"]} if "commune" in household else {}
    result = catalog.evaluate({"household": answers, "persons": [person]}, DATE).get("aide", 0)
    assert result.eligible is expected


def test_household_aggregates_count_sum_min_max(catalog: Catalog) -> None:
    households = pl.DataFrame({"household_id": [1, 2, 3], "commune": ["25056", "25056", "autre"]})
    persons = pl.DataFrame(
        {
            "household_id": [1, 1, 1, 2],
            "age": [40, 12, 3, 70],
            "revenus": [900.0, 0.0, 0.0, 1500.0],
        }
    )
    # The aggregates are visible through a scheme reading them: count children, sum resources.
    frame = catalog.evaluate_population(households, persons, DATE)
    assert frame["aide__eligible"].to_list() == [True, False, False]
    assert frame["aide__amount"].to_list() == [300.0, 0.0, 0.0]
    base = catalog.household_variables(households, persons, DATE)
    assert base["nb_enfants"].to_list() == [2, 0, 0]
    assert base["ressources"].to_list() == [900.0, 1500.0, 0.0]
    assert base["plus_jeune"].to_list() == [3, 70, None]
    assert base["plus_vieux_adulte"].to_list() == [40, 70, None]


def test_an_unknown_member_input_makes_the_aggregate_unknown(catalog: Catalog) -> None:
    households = pl.DataFrame({"household_id": [1], "commune": ["25056"]})
    persons = pl.DataFrame({"household_id": [1, 1], "age": [40, None], "revenus": [1.0, 2.0]})
    base = catalog.household_variables(households, persons, DATE)
    assert base["nb_enfants"].to_list() == [None]
    assert base["ressources"].to_list() == [3.0]


@pytest.mark.parametrize(
    ("household", "message"),
    [
        ({"persons": [{"age": "vingt"}]}, "persons[0].age: expects a number, got 'vingt'"),
        ({"persons": [{"agee": 20}]}, "persons[0].agee: unknown variable; did you mean age"),
        ({"household": {"commune": "Paris"}}, "household.commune: expects one of 25056, autre"),
        ({"household": {"ressources": 3}}, "household.ressources: is computed by the engine"),
        ({"persons": [{"age": 20.5}]}, "persons[0].age: expects a whole number, got 20.5"),
        ({"foyer": {}}, 'foyer: expected only "household" and "persons"'),
    ],
)
def test_bad_household_input_is_refused_naming_the_field(
    catalog: Catalog, household: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        catalog.evaluate(household, DATE)
    assert message in str(caught.value)


def test_a_scheme_not_yet_in_force_says_so(catalog: Catalog) -> None:
    household = {"household": {"commune": "25056"}, "persons": [{"age": 30, "revenus": 0.0}]}
    result = catalog.evaluate(household, dt.date(2019, 12, 31)).get("aide")
    assert (result.eligible, result.amount, result.in_force) == (False, 0.0, False)
    assert result.conditions[0].status == "failed"
    assert "2020-01-01" in result.conditions[0].label.fr


def test_results_serialise_to_json_ready_dicts(catalog: Catalog) -> None:
    result = catalog.evaluate({"household": {"commune": "25056"}, "persons": [{"age": 3}]}, DATE)
    data = result.to_dict()
    assert data["date"] == "2024-06-01"
    assert data["deciding_variables"] == ["revenus"]
    assert data["results"][0]["conditions"][0] == {
        "id": "commune",
        "label": {"fr": "Habiter Besançon", "en": "Live in Besançon"},
        "status": "passed",
    }


def test_population_input_with_a_wrong_type_names_column_and_row(catalog: Catalog) -> None:
    households = pl.DataFrame({"household_id": [1, 2], "commune": ["25056", "Lyon"]})
    persons = pl.DataFrame({"household_id": [1, 2], "age": ["30", "trente"]})
    with pytest.raises(InputError) as caught:
        catalog.evaluate_population(households, persons, DATE)
    text = str(caught.value)
    assert "population:3: commune: expects one of 25056, autre, got 'Lyon'" in text
    assert "population:3: age: expects a number, got 'trente'" in text


def test_a_scheme_out_of_force_gives_nothing_to_the_schemes_reading_it(tmp_path: Path) -> None:
    """In both engines: the reader, in force earlier, sees the read scheme as not eligible."""
    reader = (
        SCHEME.replace("id: aide", "id: lecteur")
        .replace("start: 2020-01-01", "start: 2019-01-01")
        .replace("values: {2020-01-01: 1000, 2024-01-01: 1200}", "values: {2019-01-01: 1000}")
        .replace("ressources < seuil", "aide__eligible OR ressources < 0")
    )
    ended = SCHEME.replace("start: 2020-01-01", "start: 2020-01-01\nend: 2021-12-31")
    write_catalog(tmp_path, schemes={"aide": ended, "lecteur": reader})
    catalog = load_catalog(tmp_path)
    household = {
        "household": {"commune": "25056"},
        "persons": [{"age": 30, "revenus": 0.0}],
    }
    on = dt.date(2022, 6, 1)  # "aide" has ended; its parameters still have values
    fast = catalog.evaluate(household, on)
    slow = catalog.evaluate(household, on, fast=False)
    assert fast.get("lecteur").eligible is False
    assert fast.to_dict() == slow.to_dict()
