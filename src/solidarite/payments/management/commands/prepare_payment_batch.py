"""Prepare (or complete) the month's payment batch. Idempotent: run it again and nothing is paid
twice. Validation stays a second person's act, in the interface."""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarite.accounts import permissions
from solidarite.payments import batches


class Command(BaseCommand):
    help = "Prépare le lot de paiements d'un mois (AAAA-MM) au nom d'un agent des finances."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="AAAA-MM")
        parser.add_argument("--by", required=True, help="identifiant de l'agent des finances")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dt.datetime.strptime(options["month"], "%Y-%m").date()
        except ValueError as exc:
            raise CommandError(f"Mois invalide « {options['month']} » : attendu AAAA-MM.") from exc
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None or not permissions.can_manage_payments(user):
            raise CommandError(f"« {options['by']} » n'est pas un agent des finances.")
        try:
            prepared = batches.prepare(month, user)
        except batches.BatchError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Lot {month:%m/%Y} : {prepared.added} paiement(s) ajouté(s), "
            f"{prepared.batch.payments.count()} au total, "
            f"{len(prepared.without_bank_details)} en attente de RIB."
        )
