"""Hourly from cron: email tomorrow's appointment reminders (cases/reminders.py)."""

from typing import Any

from django.core.management.base import BaseCommand

from solidarite.cases.reminders import send_due_reminders
from solidarite.core import clock


class Command(BaseCommand):
    help = "Send the reminders of the appointments of the next 24 hours (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(clock.now())
        self.stdout.write(f"reminders sent: {sent}")
