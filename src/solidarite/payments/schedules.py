"""Monthly payment schedules, generated when a contract is signed and kept in step with the file:
suspension holds future payments, resuming releases the months missed, exit cancels the rest.

Every status change writes a PaymentEvent (who, when, from, to, why); money leaves or returns to
the envelope only through envelopes.commit / envelopes.release, under the envelope's row lock.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from solidarite.cases.decision import evaluate_months
from solidarite.cases.models import CaseFile
from solidarite.payments import envelopes, states
from solidarite.payments.models import BatchStatus, Payment, PaymentKind, PaymentStatus
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
    dues = [start + relativedelta(months=i) for i in range(months)]
    # The file's scheme only, once per distinct period (not the catalog at each due date).
    results = (
        evaluate_months(file.scheme_id, file.decision_inputs, dues) if file.decision_inputs else []
    )
    rows = []
    for i, due in enumerate(dues):
        if results:
            result = results[i]
            value = result.amount if result.in_force and result.amount else 0
        else:
            value = snapshot_amount
        amount = Decimal(str(value)).quantize(CENT)
        if amount > 0:
            rows.append((due, amount))
    return rows


@transaction.atomic
def create_schedule(file: CaseFile, by: User, start: dt.date) -> list[Payment]:
    """Commit the whole contract against the envelope open at `start`, then write the schedule.
    Raises EnvelopeExhausted (nothing written) when it does not fit."""
    rows = monthly_amounts(file, start)
    if not rows:
        return []
    envelope = envelopes.envelope_for(file.scheme_id, start, file.organisation)
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
    states.log_events(payments, "", by, _("Échéancier créé à la signature du contrat"))
    return payments


def _unpaid(file: CaseFile) -> QuerySet[Payment]:
    """The file's payments that may still move, locked: scheduled, held, or in a batch that is
    only prepared (a validated batch is paid)."""
    return (
        Payment.objects.select_for_update(of=("self",))
        .filter(file=file)
        .filter(
            Q(status__in=[PaymentStatus.SCHEDULED, PaymentStatus.HELD])
            | Q(status=PaymentStatus.BATCHED, batch__status=BatchStatus.PREPARED)
        )
        .order_by("pk")
    )


@transaction.atomic
def hold(file: CaseFile, by: User | None) -> list[Payment]:
    """Suspension: nothing more is paid. Scheduled payments are held (still committed) and those
    already in a prepared batch leave it, held too."""
    unpaid = [p for p in _unpaid(file) if p.status != PaymentStatus.HELD]
    batched = [p for p in unpaid if p.status == PaymentStatus.BATCHED]
    states.move(batched, PaymentStatus.HELD, by, "case_worker", batch=None, batched_by=None)
    scheduled = [p for p in unpaid if p.status == PaymentStatus.SCHEDULED]
    states.move(scheduled, PaymentStatus.HELD, by, "case_worker")
    return unpaid


@transaction.atomic
def resume(file: CaseFile, by: User | None, suspended_on: dt.date, today: dt.date) -> list[Payment]:
    """Resuming: months that fell due during the suspension are cancelled (their money returns
    to the envelope); months due before it, or still to come, are scheduled again."""
    held = [p for p in _unpaid(file) if p.status == PaymentStatus.HELD]
    missed = [p for p in held if suspended_on <= p.due_on < today]
    states.move(
        missed,
        PaymentStatus.CANCELLED,
        by,
        "case_worker",
        _("Échéance tombée pendant la suspension"),
    )
    again = [p for p in held if p not in missed]
    return states.move(again, PaymentStatus.SCHEDULED, by, "case_worker", _("Reprise"))


@transaction.atomic
def cancel_after(file: CaseFile, by: User | None, closed_on: dt.date) -> list[Payment]:
    """Exit: every payment due after the exit date is cancelled and its money released, taken
    out of a prepared batch if it was in one. Nothing is paid for a month after the exit."""
    remaining = [p for p in _unpaid(file) if p.due_on > closed_on]
    actor = "case_worker" if by is not None else "system"
    return states.move(
        remaining,
        PaymentStatus.CANCELLED,
        by,
        actor,
        _("Sortie du dispositif"),
        batch=None,
        batched_by=None,
    )


@transaction.atomic
def correct(payment: Payment, delta: Decimal, by: User, why: str, today: dt.date) -> Payment:
    """A correction is a new entry pointing to the original, committed like any payment."""
    if not why.strip():
        raise ValueError(_("Une correction doit être motivée."))
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
    states.log_events([correction], "", by, why)
    return correction
