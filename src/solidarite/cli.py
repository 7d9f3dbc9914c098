"""The `solidarite` command: our own commands (rules, demo data) beside Django's manage.py."""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _demo_load(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
    import django

    django.setup()
    from solidarite.core.demo.loader import DemoRefused, load_demo

    try:
        print(load_demo())
    except DemoRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _organisations_sync(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
    import django

    django.setup()
    from solidarite.accounts.providers import sync_from_catalog

    created = sync_from_catalog()
    print(f"organisations: {len(created)} created ({', '.join(o.code for o in created) or '-'})")
    return 0


def _plans_check(args: argparse.Namespace) -> int:
    from solidarite.paths import CATALOG_DIR
    from solidarite.plans.files import load_plan_files
    from solidarite.rules.catalog import load_catalog
    from solidarite.rules.errors import RulesError
    from solidarite.territory.files import load_files

    try:
        scheme_ids = set(load_catalog(CATALOG_DIR).schemes)
        indicator_codes = set(load_files(CATALOG_DIR / "territory").indicators)
        statuses, plans = load_plan_files(args.dir, scheme_ids, indicator_codes)
    except RulesError as exc:
        print(exc, file=sys.stderr)
        return 1
    measures = sum(len(axis.measures) for plan in plans for axis in plan.axes)
    if args.seeds is not None:
        from solidarite.plans.files import titles_not_in_seeds

        missing = titles_not_in_seeds(plans, args.seeds)
        for line in missing:
            print(f"title not in its source: {line}", file=sys.stderr)
        if missing:
            return 1
    print(f"plans OK: {len(plans)} plans, {measures} measures, {len(statuses)} statuses")
    return 0


def _territory(args: argparse.Namespace) -> int:
    """Check the territory files, load them, or move places in and out in data·inclusion JSON."""
    from solidarite.rules.errors import RulesError

    if args.territory_command == "check":
        from solidarite.territory.files import load_files

        try:
            files = load_files(args.dir)
        except RulesError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(
            f"territory OK: {len(files.communes)} communes, {len(files.areas.qpv)} QPV, "
            f"{len(files.areas.quartiers)} quartiers, {len(files.indicators)} indicators, "
            f"{len(files.figures)} figures, {len(files.targets)} coverage targets"
        )
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
    import django

    django.setup()
    from solidarite.territory import exchange, loading

    try:
        if args.territory_command == "load":
            report = loading.load_territory()
            print(
                f"territory loaded: {report.areas} areas, {report.figures} figures "
                f"({report.unmatched} rows outside the declared areas)"
            )
        elif args.territory_command == "import-places":
            places, services = exchange.import_places(args.file)
            print(f"places imported: {places} places, {services} services")
        else:
            import json

            json.dump(exchange.export_places(), sys.stdout, ensure_ascii=False, indent=1)
            print()
    except RulesError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solidarite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="données de démonstration / demo data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    demo_commands.add_parser("load", help="charger les données de démonstration (idempotent)")
    demo.set_defaults(handler=_demo_load)

    organisations = commands.add_parser(
        "organisations", help="organisations porteuses du catalogue / catalog providers"
    )
    organisations_commands = organisations.add_subparsers(
        dest="organisations_command", required=True
    )
    organisations_commands.add_parser(
        "sync", help="créer les organisations porteuses manquantes (par leur code)"
    )
    organisations.set_defaults(handler=_organisations_sync)

    from solidarite.paths import CATALOG_DIR

    territory = commands.add_parser("territory", help="territoire et annuaire / territory")
    territory_commands = territory.add_subparsers(dest="territory_command", required=True)
    territory_check = territory_commands.add_parser("check", help="valider catalog/territory")
    territory_check.add_argument("--dir", type=Path, default=CATALOG_DIR / "territory")
    territory_commands.add_parser("load", help="charger zones et chiffres en base")
    importer = territory_commands.add_parser(
        "import-places", help="importer des lieux (JSON data·inclusion)"
    )
    importer.add_argument("file", type=Path)
    territory_commands.add_parser("export-places", help="exporter les lieux publics (JSON)")
    territory.set_defaults(handler=_territory)

    plans = commands.add_parser("plans", help="plans et mesures / plans and measures")
    plans_commands = plans.add_subparsers(dest="plans_command", required=True)
    check = plans_commands.add_parser("check", help="valider les fichiers de plans")
    check.add_argument("--dir", type=Path, default=CATALOG_DIR / "plans")
    check.add_argument(
        "--seeds", type=Path, default=None, help="check each measure title against its source"
    )
    plans.set_defaults(handler=_plans_check)

    from solidarite.rules.cli import add_rules_commands

    add_rules_commands(commands)
    from solidarite.microsim.cli import add_microsim_commands

    add_microsim_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
