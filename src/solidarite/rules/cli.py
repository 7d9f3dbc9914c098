"""`solidarite rules ...` commands."""

from typing import Any


def add_rules_commands(commands: Any) -> None:
    rules = commands.add_parser("rules", help="moteur de règles / rules engine")
    rules.add_subparsers(dest="rules_command", required=True)
