"""`solidarite microsim`: build a population, import one, run and compare costing scenarios."""

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from solidarite.paths import CATALOG_DIR
from solidarite.rules.errors import RuleError, RulesError


def add_microsim_commands(commands: Any) -> None:
    microsim = commands.add_parser("microsim", help="chiffrage de scénarios / costing")
    sub = microsim.add_subparsers(dest="microsim_command", required=True)

    population = sub.add_parser("population", help="build and save a calibrated population")
    population.add_argument("--commune", required=True, help="INSEE code, e.g. 21166")
    population.add_argument("--seed", type=int, default=1)
    population.add_argument(
        "--households", type=int, default=None, help="sample size (default: the census count)"
    )
    population.add_argument("--out", type=Path, required=True, help="folder to write")
    population.add_argument("--name", default=None)
    population.add_argument("--json", action="store_true", help="print the calibration as JSON")
    population.set_defaults(handler=_population)

    importer = sub.add_parser("import", help="import a population file (one row per person)")
    importer.add_argument("file", type=Path, help=".csv or .parquet")
    importer.add_argument("--out", type=Path, required=True)
    importer.add_argument("--name", default=None)
    importer.add_argument("--catalog", type=Path, default=CATALOG_DIR)
    importer.set_defaults(handler=_import)

    run = sub.add_parser("run", help="run a scenario and print its totals")
    _scenario_arguments(run)
    run.add_argument("--reference", type=Path, default=None, help="scenario compared against")
    run.add_argument("--json", action="store_true", help="print every result as JSON")
    run.add_argument(
        "--chunk", type=int, default=None, metavar="HOUSEHOLDS", help="evaluate in chunks"
    )
    run.add_argument("--engine", choices=["local", "spark"], default="local")
    run.add_argument("--master", default="local[2]", help="Spark master URL (--engine spark)")
    run.add_argument("--work", type=Path, default=None, help="folder for per-household results")
    run.set_defaults(handler=_run)

    compare = sub.add_parser("compare", help="run several scenarios and print them side by side")
    compare.add_argument("scenarios", type=Path, nargs="+")
    compare.add_argument("--catalog", type=Path, default=CATALOG_DIR)
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(handler=_compare)


def _scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", type=Path, nargs="?", help="scenario YAML file")
    parser.add_argument("--catalog", type=Path, default=CATALOG_DIR)
    parser.add_argument("--population", type=Path, default=None, help="saved population folder")
    parser.add_argument("--commune", default=None, help="synthetic population of this commune")
    parser.add_argument("--scheme", action="append", default=[], help="scheme to cost")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--set", action="append", default=[], metavar="SCHEME.PARAM=VALUE")
    parser.add_argument(
        "--take-up",
        action="append",
        default=[],
        metavar="SCHEME=LOW,CENTRAL,HIGH",
        help="take-up rates between 0 and 1 (an assumption unless a source is given)",
    )


def _fail(error: RulesError | RuleError) -> int:
    print(str(error), file=sys.stderr)
    return 1


def _population(args: argparse.Namespace) -> int:
    from solidarite.microsim.store import build_synthetic

    try:
        description = build_synthetic(args.commune, args.seed, args.households, args.out, args.name)
    except RulesError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(description["calibration"], ensure_ascii=False, indent=1))
        return 0
    print(
        f"{description['name']}: {description['households']} households, "
        f"{description['persons']} persons -> {args.out}"
    )
    print(f"{'indicator':<55} {'target':>10} {'achieved':>10} {'gap':>8}")
    for row in description["calibration"]:
        print(
            f"{row['indicator']:<55} {row['target']:>10g} {row['achieved']:>10g} {row['gap']:>8g}"
        )
    return 0


def _import(args: argparse.Namespace) -> int:
    from solidarite.microsim.importing import import_population
    from solidarite.rules.catalog import load_catalog

    try:
        stored = import_population(
            load_catalog(args.catalog), args.file, args.out, args.name or args.file.stem
        )
    except RulesError as exc:
        return _fail(exc)
    except OSError as exc:
        return _fail(RuleError(str(args.file), None, "", f"cannot read ({exc.strerror})"))
    print(
        f"{stored.name}: {stored.households.height} households, "
        f"{stored.persons.height} persons -> {args.out}"
    )
    return 0


def scenario_from_arguments(args: argparse.Namespace, catalog: Any) -> Any:
    """The scenario file, with the command line's changes on top."""
    from solidarite.microsim.scenario import scenario_from_dict
    from solidarite.rules.cli import parse_overrides
    from solidarite.rules.yaml_source import read_yaml

    data: dict[str, Any] = {}
    source = "command line"
    if args.scenario is not None:
        document = read_yaml(args.scenario)
        if isinstance(document, RuleError):
            raise RulesError([document])
        if not isinstance(document.data, dict):
            raise RulesError([RuleError(str(args.scenario), 1, "", "expected a mapping")])
        data = dict(document.data)
        source = str(args.scenario)
    if args.population is not None:
        data["population"] = {"path": str(args.population)}
    elif args.commune is not None:
        data["population"] = {"commune": args.commune}
    if args.scheme:
        data["schemes"] = list(args.scheme)
    data.setdefault("name", "ligne de commande")
    data["date"] = args.date or data.get("date")
    if data["date"] is None:
        raise RulesError(
            [RuleError("--date", None, "", "give the rules date: --date YYYY-MM-DD or date:")]
        )
    data["overrides"] = dict(data.get("overrides") or {}) | parse_overrides(args.set)
    take_up = dict(data.get("take_up") or {})
    for pair in args.take_up:
        scheme_id, _, rates = pair.partition("=")
        parts = rates.split(",")
        if len(parts) != 3:
            raise RulesError(
                [RuleError("--take-up", None, pair, "expected SCHEME=LOW,CENTRAL,HIGH")]
            )
        try:
            low, central, high = (float(p) for p in parts)
        except ValueError:
            raise RulesError(
                [RuleError("--take-up", None, pair, "rates are numbers between 0 and 1")]
            ) from None
        take_up[scheme_id] = {"low": low, "central": central, "high": high}
    data["take_up"] = take_up
    return scenario_from_dict(data, catalog, source)


def _run(args: argparse.Namespace) -> int:
    from solidarite.microsim.evaluation import evaluate_chunked, run_scenario, summarise_run
    from solidarite.microsim.scenario import read_scenario
    from solidarite.microsim.store import describe
    from solidarite.rules.catalog import load_catalog

    try:
        catalog = load_catalog(args.catalog)
        spec = scenario_from_arguments(args, catalog)
        reference = read_scenario(args.reference, catalog) if args.reference else None
        if args.chunk is None and args.engine == "local":
            summary = run_scenario(catalog, spec, reference)
        else:
            if spec.population.path is None:
                raise RulesError(
                    [
                        RuleError(
                            "--population",
                            None,
                            "",
                            "chunks and Spark read a saved population: build it first with "
                            "`solidarite microsim population`",
                        )
                    ]
                )
            folder = Path(spec.population.path)
            work = args.work or Path(tempfile.mkdtemp(prefix="solidarite-costing-"))
            if args.engine == "spark":
                from solidarite.microsim.spark import evaluate_with_spark

                evaluated = evaluate_with_spark(catalog, spec, folder, work, args.master)
            else:
                evaluated = evaluate_chunked(catalog, spec, folder, work, args.chunk)
            summary = summarise_run(catalog, spec, evaluated, describe(folder))
    except RulesError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(totals_table(summary))
    return 0


def _money(value: float | None) -> str:
    return "secret" if value is None else f"{value:,.0f}".replace(",", " ")


def totals_table(summary: dict[str, Any]) -> str:
    """The totals of one scenario as a plain-text table."""
    scenario = summary["scenario"]
    population = summary["population"]
    lines = [
        f"{scenario['name']} ({scenario['date']})",
        f"population: {population['name']}, {population['households']} households in the "
        f"sample standing for {population.get('weighted_households')}",
        "",
        f"{'scheme':<28} {'eligible':>9} {'helped':>9} {'persons':>9} {'EUR/month':>12} "
        f"{'EUR/year':>12} {'months':>6}",
    ]
    for scheme_id, figures in summary["schemes"].items():
        lines.append(
            f"{scheme_id:<28} {_money(figures['eligible_households']):>9} "
            f"{_money(figures['households_helped']):>9} {_money(figures['persons_helped']):>9} "
            f"{_money(figures['monthly_cost']):>12} {_money(figures['annual_cost']):>12} "
            f"{figures['months_counted']:>6}"
        )
        envelope = figures.get("envelope")
        if envelope:
            lines.append(
                f"  envelope {_money(envelope['amount'])} EUR: lasts "
                f"{envelope['months_it_lasts']} months, carries "
                f"{envelope['supports_it_carries']} full supports; target group "
                f"{_money(envelope['people_in_target'])} persons"
            )
        national = figures.get("national")
        if national and national["share_of_gap_filled"] is not None:
            lines.append(
                f"  national rights of the eligible households: "
                f"{_money(national['monthly_national'])} EUR/month "
                f"({_money(national['households_with_rights'])} households); they already fill "
                f"{national['share_of_gap_filled']} % of the municipal amount"
            )
    total = summary["total"]
    lines.append(
        f"{'total':<28} {'':>9} {_money(total['households_helped']):>9} "
        f"{_money(total['persons_helped']):>9} {_money(total['monthly_cost']):>12} "
        f"{_money(total['annual_cost']):>12}"
    )
    poverty = summary["poverty"]
    lines += [
        "",
        f"poverty rate 60 %: {poverty['rate_60_before']} -> {poverty['rate_60_after']} % ; "
        f"50 %: {poverty['rate_50_before']} -> {poverty['rate_50_after']} %",
        f"monthly poverty gap 60 %: {_money(poverty['gap_60_before'])} -> "
        f"{_money(poverty['gap_60_after'])} EUR",
    ]
    take_up = summary["uncertainty"]["take_up"]
    lines.append(
        "take-up low / central / high, EUR/month: "
        + " / ".join(_money(take_up[level]["monthly_cost"]) for level in take_up)
    )
    seeds = summary["uncertainty"]["seeds"]
    if len(seeds) > 1:
        costs = [figures["monthly_cost"] for figures in seeds.values()]
        lines.append(
            f"population seeds {', '.join(seeds)}, EUR/month: "
            f"{_money(min(costs))} to {_money(max(costs))}"
        )
    return "\n".join(lines)


def _compare(args: argparse.Namespace) -> int:
    from solidarite.microsim.evaluation import run_scenario
    from solidarite.microsim.scenario import read_scenario
    from solidarite.rules.catalog import load_catalog

    try:
        catalog = load_catalog(args.catalog)
        summaries = [run_scenario(catalog, read_scenario(p, catalog)) for p in args.scenarios]
    except RulesError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=1))
        return 0
    print(comparison_table(summaries))
    return 0


def comparison_table(summaries: list[dict[str, Any]]) -> str:
    """One row per scenario: the figures a council compares."""
    header = (
        f"{'scenario':<52} {'helped':>8} {'EUR/month':>11} {'EUR/year':>12} "
        f"{'year low-high':>23} {'pov.50 after':>12}"
    )
    lines = [header]
    for summary in summaries:
        take_up = summary["uncertainty"]["take_up"]
        months = {
            scheme_id: figures["months_counted"]
            for scheme_id, figures in summary["schemes"].items()
        }
        factor = max(months.values()) if months else 12
        low = take_up["low"]["monthly_cost"] * factor
        high = take_up["high"]["monthly_cost"] * factor
        lines.append(
            f"{summary['scenario']['name'][:52]:<52} "
            f"{_money(summary['total']['households_helped']):>8} "
            f"{_money(summary['total']['monthly_cost']):>11} "
            f"{_money(summary['total']['annual_cost']):>12} "
            f"{_money(low) + ' - ' + _money(high):>23} "
            f"{summary['poverty']['rate_50_after']:>12}"
        )
    return "\n".join(lines)
