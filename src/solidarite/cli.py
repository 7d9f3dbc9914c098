"""The `solidarite` command: our own commands (rules, demo data) beside Django's manage.py."""

import argparse
import os
import sys
from collections.abc import Sequence


def _demo_load(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarite.settings")
    import django

    django.setup()
    from solidarite.core.demo.loader import load_demo

    print(load_demo())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solidarite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="données de démonstration / demo data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    demo_commands.add_parser("load", help="charger les données de démonstration (idempotent)")
    demo.set_defaults(handler=_demo_load)

    from solidarite.rules.cli import add_rules_commands

    add_rules_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
