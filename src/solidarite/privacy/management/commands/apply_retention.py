"""Daily: apply the retention policy (catalog/retention.yaml). Dry-run unless --apply."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from solidarite.core import clock
from solidarite.privacy import retention


class Command(BaseCommand):
    help = (
        "Apply the retention policy: without --apply, only print per kind of record how many "
        "would be deleted, anonymised or pseudonymised."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="act (default: dry run)")
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or clock.today()
        if options["apply"]:
            report = retention.apply(today, options["batch_size"])
            self.stdout.write(f"Retention applied on {today:%Y-%m-%d}:")
        else:
            report, _due = retention.plan(today)
            self.stdout.write(f"Dry run on {today:%Y-%m-%d} (nothing changed; --apply to act):")
        for line in report.lines():
            self.stdout.write(f"  {line}")
