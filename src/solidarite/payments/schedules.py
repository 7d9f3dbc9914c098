"""Monthly payment schedules, generated when a contract is signed and kept in step with the file:
suspension holds future payments, resuming releases the months missed, exit cancels the rest.

Every status change writes a PaymentEvent (who, when, from, to, why); money leaves or returns to
the envelope only through envelopes.commit / envelopes.release, under the envelope's row lock.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from solidarite.cases.decision import evaluate_situation
from solidarite.cases.files import add_months
from solidarite.cases.models import CaseFile
from solidarite.payments import envelopes
from solidarite.payments.models import (
    Envelope,
    Payment,
    PaymentEvent,
    PaymentKind,
    PaymentStatus,
)
from solidarite.schemes.services import get_catalog

CENT = Decimal("0.01")


def pays_monthly(scheme_id: str) -> bool:
    spec = get_catalog().schemes[scheme_id].spec
    return spec.periodicity == "monthly" and spec.amount is not None


def monthly_amounts(file: CaseFile, start: dt.date) -> list[tuple[dt.date, Decimal]]:
    """One (due date, amount) per month of the contract, the amount evaluated by the engine at
    each due date on the situation stored with the decision (so a parameter revised at a date
    applies from that date on). Months where the scheme pays nothing are left out."""
    spec = get_catalog().schemes[file.scheme_id].spec
    months = spec.max_duration_months or 12
    snapshot_amount = (file.decision_snapshot or {}).get("amount") or 0
    rows = []
    for i in range(months):
        due = add_months(start, i)
        if file.decision_inputs:
            result = evaluate_situation(file.scheme_id, file.decision_inputs, due)
            value = result.amount if result.in_force and result.amount else 0
        else:
            value = snapshot_amount
        amount = Decimal(str(value)).quantize(CENT)
        if amount > 0:
            rows.append((due, amount))
    return rows


def log_events(payments: Iterable[Payment], from_status: str, by: User | None, why: str) -> None:
    """One PaymentEvent per payment, to the status the payment now has (in memory)."""
    PaymentEvent.objects.bulk_create(
        PaymentEvent(payment=p, from_status=from_status, to_status=p.status, by=by, why=why)
        for p in payments
    )


@transaction.atomic
def create_schedule(file: CaseFile, by: User, start: dt.date) -> list[Payment]:
    """Commit the whole contract against the envelope open at `start`, then write the schedule.
    Raises EnvelopeExhausted (nothing written) when it does not fit."""
    rows = monthly_amounts(file, start)
    if not rows:
        return []
    envelope = envelopes.envelope_for(file.scheme_id, start)
    envelopes.commit(envelope, sum((amount for _due, amount in rows), Decimal(0)))
    payments = Payment.objects.bulk_create(
        Payment(
            file=file,
            envelope=envelope,
            month=due.replace(day=1),
            due_on=due,
            amount=amount,
        )
        for due, amount in rows
    )
    log_events(payments, "", by, "Échéancier créé à la signature du contrat")
    return payments


def _move(payments: list[Payment], to: PaymentStatus, by: User | None, why: str) -> list[Payment]:
    by_status: dict[str, list[Payment]] = {}
    for payment in payments:
        by_status.setdefault(payment.status, []).append(payment)
    for from_status, group in by_status.items():
        Payment.objects.filter(pk__in=[p.pk for p in group]).update(status=to)
        for payment in group:
            payment.status = to
        log_events(group, from_status, by, why)
    return payments


def _release(payments: list[Payment]) -> None:
    by_envelope: dict[int, Decimal] = {}
    for payment in payments:
        by_envelope[payment.envelope_id] = by_envelope.get(payment.envelope_id, Decimal(0)) + (
            payment.amount
        )
    for envelope_id, amount in by_envelope.items():
        envelopes.release(Envelope(pk=envelope_id), amount)


@transaction.atomic
def hold(file: CaseFile, by: User | None, today: dt.date) -> list[Payment]:
    """Suspension: the payments not yet in a batch are held, still committed."""
    future = list(file.payments.filter(status=PaymentStatus.SCHEDULED, due_on__gte=today))
    return _move(future, PaymentStatus.HELD, by, "Dossier suspendu")


@transaction.atomic
def resume(file: CaseFile, by: User | None, today: dt.date) -> list[Payment]:
    """Resuming: months that fell due during the suspension are cancelled (their money returns
    to the envelope); the others are scheduled again."""
    held = list(file.payments.filter(status=PaymentStatus.HELD))
    missed = [p for p in held if p.due_on < today]
    _move(missed, PaymentStatus.CANCELLED, by, "Échéance tombée pendant la suspension")
    _release(missed)
    return _move([p for p in held if p.due_on >= today], PaymentStatus.SCHEDULED, by, "Reprise")


@transaction.atomic
def cancel_after(file: CaseFile, by: User | None, closed_on: dt.date) -> list[Payment]:
    """Exit: every payment due after the exit date is cancelled and its money released."""
    remaining = list(
        file.payments.filter(
            status__in=[PaymentStatus.SCHEDULED, PaymentStatus.HELD], due_on__gt=closed_on
        )
    )
    _move(remaining, PaymentStatus.CANCELLED, by, "Sortie du dispositif")
    _release(remaining)
    return remaining


@transaction.atomic
def correct(payment: Payment, delta: Decimal, by: User, why: str, today: dt.date) -> Payment:
    """A correction is a new entry pointing to the original, committed like any payment."""
    if not why.strip():
        raise ValueError("Une correction doit être motivée.")
    if delta > 0:
        envelopes.commit(payment.envelope, delta)
    elif delta < 0:
        envelopes.release(payment.envelope, -delta)
    correction = Payment.objects.create(
        file=payment.file,
        envelope=payment.envelope,
        kind=PaymentKind.CORRECTION,
        corrects=payment,
        month=today.replace(day=1),
        due_on=today,
        amount=delta,
    )
    log_events([correction], "", by, why)
    return correction
