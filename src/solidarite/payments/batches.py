"""The monthly payment batch: prepared by one finance officer, validated by another, exported as
CSV and as a SEPA credit transfer (pain.001.001.03, built and schema-checked by sepaxml).

Preparing is idempotent: the batch is unique per month and a payment joins at most one batch, so
preparing the same month twice adds only what became due since, and never pays twice.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from sepaxml import SepaTransfer

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.cases.files import add_months
from solidarite.payments import bank
from solidarite.payments.models import (
    BankAccount,
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from solidarite.payments.schedules import log_events


class BatchError(Exception):
    """A batch step the batch's state or the four-eyes rule does not allow."""


@dataclass(frozen=True)
class Prepared:
    batch: PaymentBatch
    added: int
    without_bank_details: list[Payment]


def due(month: dt.date, organisation: Organisation) -> QuerySet[Payment]:
    """Scheduled payments due by the end of `month` from the organisation's envelopes, not yet in
    a batch."""
    end = add_months(month.replace(day=1), 1)
    return Payment.objects.filter(
        status=PaymentStatus.SCHEDULED,
        batch__isnull=True,
        due_on__lt=end,
        envelope__owner=organisation,
    ).select_related("file__person")


def finance_organisation(user: User) -> Organisation:
    """The organisation whose money the finance officer handles."""
    membership = user.memberships.filter(role=Role.FINANCE).select_related("organisation").first()
    if membership is None:
        raise BatchError("Seul un agent des finances d'une organisation prépare ou valide un lot.")
    return membership.organisation


def _net_positive(payments: list[Payment]) -> list[Payment]:
    """A negative correction is netted with the same file's payments; a file whose total would
    not be positive waits for a later month (a transfer is never zero or negative)."""
    totals: dict[int, Decimal] = {}
    for payment in payments:
        totals[payment.file_id] = totals.get(payment.file_id, Decimal(0)) + payment.amount
    return [p for p in payments if totals[p.file_id] > 0]


@transaction.atomic
def prepare(month: dt.date, by: User) -> Prepared:
    month = month.replace(day=1)
    organisation = finance_organisation(by)
    batch, _created = PaymentBatch.objects.select_for_update().get_or_create(
        organisation=organisation, month=month, defaults={"prepared_by": by}
    )
    if batch.status == BatchStatus.VALIDATED:
        raise BatchError(f"Le lot de {month:%m/%Y} est déjà validé : il ne change plus.")
    candidates = list(due(month, organisation).select_for_update(of=("self",)))
    with_account = set(
        BankAccount.objects.filter(person__in=[p.file.person_id for p in candidates]).values_list(
            "person_id", flat=True
        )
    )
    ready = _net_positive([p for p in candidates if p.file.person_id in with_account])
    Payment.objects.filter(pk__in=[p.pk for p in ready]).update(
        batch=batch, status=PaymentStatus.BATCHED
    )
    _now(ready, PaymentStatus.BATCHED)
    log_events(ready, PaymentStatus.SCHEDULED, by, f"Lot de {month:%m/%Y}")
    missing = [p for p in candidates if p.file.person_id not in with_account]
    return Prepared(batch, len(ready), missing)


def _now(payments: list[Payment], status: PaymentStatus) -> None:
    for payment in payments:
        payment.status = status


@transaction.atomic
def validate(batch: PaymentBatch, by: User) -> PaymentBatch:
    """Four eyes: whoever prepared the batch cannot validate it (also a database constraint)."""
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == BatchStatus.VALIDATED:
        raise BatchError("Ce lot est déjà validé.")
    if not by.is_superuser and finance_organisation(by).pk != locked.organisation_id:
        raise BatchError("Ce lot appartient à une autre organisation.")
    if locked.prepared_by_id == by.pk:
        raise BatchError(
            "Le lot doit être validé par une autre personne que celle qui l'a préparé."
        )
    if not locked.payments.exists():
        raise BatchError("Ce lot ne contient aucun paiement.")
    payments = list(locked.payments.all())
    locked.payments.update(status=PaymentStatus.PAID)
    _now(payments, PaymentStatus.PAID)
    log_events(payments, PaymentStatus.BATCHED, by, f"Lot de {locked.month:%m/%Y} validé")
    locked.status = BatchStatus.VALIDATED
    locked.validated_by = by
    locked.validated_at = timezone.now()
    locked.save(update_fields=["status", "validated_by", "validated_at"])
    return locked


@dataclass(frozen=True)
class Transfer:
    """One transfer per beneficiary: a correction is added to the month's payment."""

    reference: str
    name: str
    iban: str
    bic: str
    amount: Decimal
    description: str


def transfers(batch: PaymentBatch) -> list[Transfer]:
    totals: dict[int, list[Payment]] = {}
    for payment in batch.payments.select_related("file__person__bank_account").order_by("pk"):
        totals.setdefault(payment.file_id, []).append(payment)
    rows = []
    for file_id, payments in totals.items():
        account = bank.reveal(payments[0].file.person.bank_account)
        rows.append(
            Transfer(
                reference=f"SOL-{batch.month:%Y%m}-{file_id}",
                name=account.holder,
                iban=account.iban,
                bic=account.bic,
                amount=sum((p.amount for p in payments), Decimal(0)),
                description=f"Aide {payments[0].file.scheme_id} {batch.month:%m/%Y}",
            )
        )
    return rows


def export_csv(batch: PaymentBatch) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["reference", "beneficiaire", "iban", "bic", "montant", "libelle"])
    for t in transfers(batch):
        writer.writerow([t.reference, t.name, t.iban, t.bic, f"{t.amount:.2f}", t.description])
    return out.getvalue()


def export_sepa(batch: PaymentBatch) -> bytes:
    """pain.001.001.03, the format French banks accept; sepaxml validates it against the XSD."""
    if batch.status != BatchStatus.VALIDATED:
        raise BatchError("Seul un lot validé peut être exporté.")
    debtor = settings.SOLIDARITE_SEPA_DEBTOR
    transfer = SepaTransfer(
        {
            "name": debtor["name"],
            "IBAN": debtor["iban"],
            "BIC": debtor["bic"],
            "batch": True,
            "currency": "EUR",
        },
        clean=True,
    )
    execution = max(batch.month, timezone.localdate())
    for t in transfers(batch):
        payment = {
            "name": t.name,
            "IBAN": t.iban,
            "amount": int(t.amount * 100),
            "execution_date": execution,
            "description": t.description,
            "endtoend_id": t.reference.replace("-", ""),
        }
        if t.bic:
            payment["BIC"] = t.bic
        transfer.add_payment(payment)
    return bytes(transfer.export(validate=True))
