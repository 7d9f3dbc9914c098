"""`solidarite rules ...` from the command line, with good and bad input."""

import json
from pathlib import Path

import polars as pl
import pytest

from solidarite.cli import main
from tests.rules.minicatalog import SCHEME, write_catalog


def test_check_passes_on_the_project_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check"]) == 0
    assert "catalog OK: " in capsys.readouterr().out


def test_check_fails_with_the_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_catalog(tmp_path, schemes={"aide": SCHEME.replace("seuil - ressources", "seul")})
    assert main(["rules", "check", "--catalog", str(tmp_path)]) == 1
    assert (
        'amount.expression: unknown variable, parameter or scheme result "seul"'
        in capsys.readouterr().err
    )


def test_test_shows_expected_versus_got(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tests = {
        "aide": """\
scheme: aide
cases:
  - name: bon
    date: 2024-06-01
    household: {commune: "25056"}
    persons: [{age: 30, revenus: 700}]
    expect: {eligible: true, amount: 500}
  - name: faux
    date: 2024-06-01
    household: {commune: "25056"}
    persons: [{age: 30, revenus: 700}]
    expect: {eligible: false, amount: 499}
"""
    }
    write_catalog(tmp_path, tests=tests)
    assert main(["rules", "test", "--catalog", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "tests/aide.yaml:8 aide: faux" in out
    assert "eligible: expected false, got true" in out
    assert "amount: expected 499.0, got 500.0" in out
    assert out.strip().endswith("1 passed, 1 failed")


def test_eval_prints_a_table_or_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    household = tmp_path / "foyer.json"
    household.write_text(
        json.dumps({"household": {"commune_residence": "25056"}, "persons": [{"age": 19}]})
    )
    assert main(["rules", "eval", "--household", str(household), "--date", "2024-03-01"]) == 0
    table = capsys.readouterr().out
    assert "Accompagnement des jeunes en grande précarité" in table
    assert "✔ Avoir entre 18 et 25 ans" in table
    args = ["rules", "eval", "--household", str(household), "--date", "2024-03-01", "--json"]
    assert main([*args, "--set", "aide_jeunes_besancon.montant_mensuel=550"]) == 0
    data = json.loads(capsys.readouterr().out)
    youth = next(r for r in data["results"] if r["scheme"] == "aide_jeunes_besancon")
    assert youth["parameters"]["montant_mensuel"] == 550
    assert youth["eligible"] is None
    assert "percoit_rsa" in youth["unknown_variables"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"persons": [{"age": 19,}]}', "foyer.json:1: invalid JSON"),
        ('{"persons": [{"age": "dix-neuf"}]}', "persons[0].age: expects a number"),
        ("[1, 2]", 'expected an object with "household" and "persons"'),
    ],
)
def test_eval_refuses_bad_household_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    household = tmp_path / "foyer.json"
    household.write_text(content)
    assert main(["rules", "eval", "--household", str(household)]) == 1
    assert message in capsys.readouterr().err


def test_eval_population_writes_one_row_per_household(tmp_path: Path) -> None:
    source = tmp_path / "population.csv"
    source.write_text(
        "household_id,commune_residence,duree_residence_mois,age,revenus_mensuels,percoit_rsa,percoit_aah\n"
        "1,21166,24,40,0,non,non\n"
        "2,25056,,19,0,false,false\n"
        "2,25056,,45,,true,false\n"
    )
    out = tmp_path / "result.parquet"
    assert (
        main(["rules", "eval-population", str(source), "--out", str(out), "--date", "2024-01-15"])
        == 0
    )
    result = pl.read_parquet(out)
    assert result["household_id"].to_list() == [1, 2]
    assert result["rmg_chenove__amount"].to_list() == [965.0, 0.0]
    assert result["ginko_tarif_solidaire__eligible"].to_list() == [False, True]


def test_eval_population_names_the_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "population.csv"
    source.write_text("household_id,age,percoit_rsa\n1,40,oui\n1,12,peut-être\n")
    assert main(["rules", "eval-population", str(source), "--out", str(tmp_path / "o.csv")]) == 1
    assert (
        "population.csv:3: percoit_rsa: expects true or false, got 'peut-être'"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "household_id,age,revenu_mensuel\n1,40,900\n",
            "revenu_mensuel: unknown person column; did you mean revenus_mensuels",
        ),
        (
            "household_id,commune_residence,age\n1,21166,40\n1,25056,12\n",
            "commune_residence: household 1 has different values in its rows",
        ),
        ("household_id,age,revenus_mensuels\n1,40,NaN\n", "revenus_mensuels: expects a finite"),
        ("household_id,age,revenus_mensuels\n1,40,1e309\n", "revenus_mensuels: expects a finite"),
        ("household_id,age\n1,40\n1,200\n", "population.csv:3: age: must be at most 120"),
    ],
)
def test_eval_population_refuses_bad_files_naming_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "population.csv"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["rules", "eval-population", str(source), "--out", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_eval_population_refuses_a_commune_outside_the_shipped_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "population.csv"
    source.write_text("household_id,commune_residence,age\n1,21166,40\n2,75056,30\n")
    assert main(["rules", "eval-population", str(source), "--out", str(tmp_path / "o.csv")]) == 1
    assert "population.csv:3: commune_residence: expects one of" in capsys.readouterr().err
