"""`solidarite rules ...`: check the catalog, run its test cases, evaluate a household or a
population from the command line. Errors name the file, line and field; the exit code is 1."""

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.errors import InputError, RuleError, RulesError, display_path
from solidarite.rules.inputs import HOUSEHOLD_ID, MAX_BYTES, load_json
from solidarite.rules.model import ParameterValue
from solidarite.rules.results import Explained, HouseholdResult

TRUE_WORDS = {"true", "1", "oui", "yes", "vrai"}
FALSE_WORDS = {"false", "0", "non", "no", "faux"}


def add_rules_commands(commands: Any) -> None:
    rules = commands.add_parser("rules", help="moteur de règles / rules engine")
    sub = rules.add_subparsers(dest="rules_command", required=True)

    check = sub.add_parser("check", help="validate the catalog")
    _catalog_option(check)
    check.set_defaults(handler=_check)

    test = sub.add_parser("test", help="run the catalog's YAML test cases")
    _catalog_option(test)
    test.set_defaults(handler=_test)

    one = sub.add_parser("eval", help="evaluate every scheme for one household (JSON file)")
    _catalog_option(one)
    one.add_argument("--household", required=True, type=Path, help="household JSON file")
    _scenario_options(one)
    one.add_argument("--json", action="store_true", help="print JSON instead of a table")
    one.add_argument("--lang", choices=["fr", "en"], default="fr")
    one.set_defaults(handler=_eval)

    population = sub.add_parser(
        "eval-population", help="evaluate a population file (one row per person)"
    )
    _catalog_option(population)
    population.add_argument("population", type=Path, help=".parquet or .csv, one row per person")
    population.add_argument(
        "--out", required=True, type=Path, help=".parquet or .csv (a folder with --chunk)"
    )
    population.add_argument(
        "--chunk",
        type=int,
        default=None,
        metavar="HOUSEHOLDS",
        help="evaluate a Parquet file or folder by chunks of households, into the --out folder",
    )
    _scenario_options(population)
    population.set_defaults(handler=_eval_population)


def _catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", type=Path, default=CATALOG_DIR, help="catalog folder")


def _scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SCHEME.PARAM=VALUE",
        help="override a parameter (scenario); repeatable",
    )


def _fail(error: RulesError | RuleError) -> int:
    print(str(error), file=sys.stderr)
    return 1


def _load(args: argparse.Namespace) -> Catalog:
    return load_catalog(args.catalog)


def _check(args: argparse.Namespace) -> int:
    try:
        catalog = _load(args)
    except RulesError as exc:
        return _fail(exc)
    cases = sum(len(t.file.cases) for t in catalog.tests)
    print(
        f"catalog OK: {len(catalog.variables.by_name)} variables, {len(catalog.schemes)} schemes, "
        f"{cases} test cases ({display_path(Path(args.catalog))})"
    )
    return 0


def _test(args: argparse.Namespace) -> int:
    from solidarite.rules.testcases import run_test_cases

    try:
        outcomes = run_test_cases(_load(args))
    except RulesError as exc:
        return _fail(exc)
    for outcome in outcomes:
        if not outcome.passed:
            print(outcome)
    failed = sum(not o.passed for o in outcomes)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


def parse_overrides(pairs: list[str]) -> dict[str, ParameterValue]:
    overrides: dict[str, ParameterValue] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise InputError([RuleError("--set", None, pair, "expected SCHEME.PARAM=VALUE")])
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        overrides[name.strip()] = value
    return overrides


def _eval(args: argparse.Namespace) -> int:
    name = display_path(args.household)
    try:
        if args.household.stat().st_size > MAX_BYTES:
            return _fail(RuleError(name, None, "", f"larger than {MAX_BYTES // 1000} kB"))
        household = load_json(args.household.read_bytes(), name)
    except OSError as exc:
        return _fail(RuleError(name, None, "", f"cannot read the file ({exc.strerror})"))
    except RulesError as exc:
        return _fail(exc)
    if not isinstance(household, dict):
        return _fail(RuleError(name, 1, "", 'expected an object with "household" and "persons"'))
    try:
        catalog = _load(args)
        result = catalog.evaluate(household, args.date, parse_overrides(args.set), source=name)
    except RulesError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_table(catalog, result, args.lang))
    return 0


def format_table(catalog: Catalog, result: HouseholdResult, lang: str) -> str:
    """A readable table: one block per scheme (and member), conditions with their status."""
    marks = {"passed": "✔", "failed": "✘", "unknown": "?"}
    fr = lang == "fr"
    words = {True: "oui" if fr else "yes", False: "non" if fr else "no", None: "?"}
    person, eligible_word = ("personne", "éligible") if fr else ("person", "eligible")
    parameters_word, ask_word = ("paramètres", "à préciser") if fr else ("parameters", "to answer")
    lines = [f"Date : {result.date.isoformat()}"]
    for item in result.results:
        spec = catalog.schemes[item.scheme_id].spec
        who = "" if item.person_index is None else f"  [{person} {item.person_index}]"
        amount = "" if item.amount is None else f"  {item.amount:.2f} €"
        lines.append(f"\n{getattr(spec.title, lang)}{who}")
        lines.append(f"  {eligible_word} : {words[item.eligible]}{amount}")
        for condition in item.conditions:
            lines.append(f"    {marks[condition.status]} {getattr(condition.label, lang)}")
        if item.amount is None and item.amount_range and item.eligible is not False:
            low, high = item.amount_range
            between, and_word = ("montant entre", "et") if fr else ("amount between", "and")
            lines.append(f"    {between} {low:.2f} € {and_word} {high:.2f} €")
        if item.explanation and item.eligible is not False:
            lines.append(f"    {'calcul' if fr else 'computed from'} :")
            for part in item.explanation:
                lines.append(f"      {getattr(part.label, lang)} = {_shown(part, fr)}")
        if item.assumptions and item.eligible is not False:
            rests = "repose sur une hypothèse" if fr else "rests on an assumption"
            lines.append(f"    ⚠ {rests} : {', '.join(item.assumptions)}")
        if item.parameters:
            shown = ", ".join(f"{k}={v}" for k, v in item.parameters.items())
            lines.append(f"    {parameters_word} : {shown}")
        if item.unknown_variables:
            lines.append(f"    {ask_word} : {', '.join(item.unknown_variables)}")
    return "\n".join(lines)


def _shown(part: Explained, fr: bool) -> str:
    """A value an amount was computed from: known, or between bounds; a scale's bracket."""
    unit = f" {part.unit}" if part.unit else ""
    if "value" in part.shown:
        value = part.shown["value"]
        text = "?" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    else:
        low, high = part.shown.get("minimum"), part.shown.get("maximum")
        low_text = "-∞" if low is None else f"{low:g}"
        high_text = "+∞" if high is None else f"{high:g}"
        and_word = "et" if fr else "and"
        text = f"{'entre' if fr else 'between'} {low_text} {and_word} {high_text}"
    if part.bracket is not None:
        text += f" ({'tranche' if fr else 'bracket'} {part.bracket + 1})"
    return text + unit + (" ⚠" if part.assumption else "")


def read_population(path: Path, catalog: Catalog) -> pl.DataFrame:
    name = display_path(path)
    if path.suffix not in (".parquet", ".csv"):
        raise InputError([RuleError(name, None, "", "expected a .parquet or .csv file")])
    try:
        if path.suffix == ".parquet":
            return pl.read_parquet(path)
        frame = pl.read_csv(path, infer_schema=False)
    except Exception as exc:
        raise InputError([RuleError(name, None, "", f"cannot read the file: {exc}")]) from exc
    return _typed_csv(frame, catalog, name)


def _typed_csv(frame: pl.DataFrame, catalog: Catalog, name: str) -> pl.DataFrame:
    """CSV cells are text: empty is unknown, booleans are true/false (or oui/non)."""
    columns = []
    for column in frame.columns:
        values = pl.col(column).str.strip_chars()
        values = pl.when(values == "").then(None).otherwise(values)
        variable = catalog.variables.by_name.get(column)
        if variable is not None and variable.spec.type == "bool":
            lowered = values.str.to_lowercase()
            bad = frame.with_row_index("row").filter(
                lowered.is_not_null() & ~lowered.is_in(TRUE_WORDS | FALSE_WORDS)
            )
            if bad.height:
                raise InputError(
                    [
                        RuleError(
                            name,
                            int(bad["row"][0]) + 2,
                            column,
                            f"expects true or false, got {bad[column][0]!r}",
                        )
                    ]
                )
            values = pl.when(lowered.is_null()).then(None).otherwise(lowered.is_in(TRUE_WORDS))
        columns.append(values.alias(column))
    return frame.select(columns)


def _eval_population_in_chunks(args: argparse.Namespace) -> int:
    from solidarite.rules.chunked import evaluate_in_chunks

    try:
        run = evaluate_in_chunks(
            _load(args),
            args.population,
            args.out,
            args.chunk,
            args.date,
            parse_overrides(args.set),
        )
    except RulesError as exc:
        return _fail(exc)
    print(
        f"{run.households} households ({run.persons} persons) in {run.chunks} chunks -> "
        f"{display_path(run.out)}/part-*.parquet"
    )
    return 0


def split_population(frame: pl.DataFrame, catalog: Catalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per person -> households (first row of each wins) and persons."""
    household_columns = [
        v.name for v in catalog.variables.inputs("household") if v.name in frame.columns
    ]
    person_columns = [c for c in frame.columns if c not in household_columns]
    if HOUSEHOLD_ID not in frame.columns:
        raise InputError([RuleError("population", None, HOUSEHOLD_ID, "column is required")])
    households = frame.select([HOUSEHOLD_ID, *household_columns])
    for column in household_columns:
        differing = (
            households.group_by(HOUSEHOLD_ID, maintain_order=True)
            .agg(pl.col(column).n_unique().alias("values"))
            .filter(pl.col("values") > 1)
        )
        if differing.height:
            household_id = differing[HOUSEHOLD_ID][0]
            raise InputError(
                [
                    RuleError(
                        "population",
                        None,
                        column,
                        f"household {household_id} has different values in its rows; a "
                        "household variable has one value per household",
                    )
                ]
            )
    households = households.unique(HOUSEHOLD_ID, keep="first", maintain_order=True)
    return households, frame.select(person_columns)


def _eval_population(args: argparse.Namespace) -> int:
    if args.chunk is not None:
        return _eval_population_in_chunks(args)
    try:
        catalog = _load(args)
        frame = read_population(args.population, catalog)
        households, persons = split_population(frame, catalog)
        result = catalog.evaluate_population(
            households,
            persons,
            args.date,
            parse_overrides(args.set),
            source=display_path(args.population),
        )
    except RulesError as exc:
        return _fail(exc)
    if args.out.suffix == ".csv":
        result.write_csv(args.out)
    else:
        result.write_parquet(args.out)
    print(f"{result.height} households -> {display_path(args.out)}")
    return 0
