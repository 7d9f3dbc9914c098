"""Daily: close the files that reached their scheme's maximum duration (cron or systemd timer)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from solidarite.contracts.workflow import close_expired
from solidarite.core import clock


class Command(BaseCommand):
    help = "Close files whose scheme's maximum duration is reached (run daily)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_expired(options["date"] or clock.today())
        self.stdout.write(f"{len(closed)} dossier(s) clos (durée maximale atteinte).")
