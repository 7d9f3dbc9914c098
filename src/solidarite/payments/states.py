"""The payment state machine as data: every allowed (from, to) pair, who makes it and what it
does to the money. `move` is the only code that changes a payment's status: it checks each
payment's current status on the locked row, writes one PaymentEvent per payment, and returns the
money of cancelled payments to their envelope.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from solidarite.payments import envelopes
from solidarite.payments.models import Envelope, Payment, PaymentEvent, PaymentStatus

S = PaymentStatus


@dataclass(frozen=True)
class PaymentStep:
    source: PaymentStatus
    target: PaymentStatus
    label: str | Promise
    # Who makes it: "finance" (batches), "case_worker" (file decisions) or "system" (daily job).
    who: frozenset[str]


STEPS: dict[tuple[str, str], PaymentStep] = {
    (step.source, step.target): step
    for step in (
        PaymentStep(S.SCHEDULED, S.HELD, _lazy("Dossier suspendu"), frozenset({"case_worker"})),
        PaymentStep(S.HELD, S.SCHEDULED, _lazy("Reprise"), frozenset({"case_worker"})),
        PaymentStep(
            S.HELD,
            S.CANCELLED,
            _lazy("Échéance tombée pendant la suspension, ou sortie"),
            frozenset({"case_worker", "system"}),
        ),
        PaymentStep(
            S.SCHEDULED,
            S.CANCELLED,
            _lazy("Sortie du dispositif"),
            frozenset({"case_worker", "system"}),
        ),
        PaymentStep(S.SCHEDULED, S.BATCHED, _lazy("Ajouté à un lot"), frozenset({"finance"})),
        PaymentStep(
            S.BATCHED,
            S.SCHEDULED,
            _lazy("Retiré d'un lot annulé ou écarté à la validation"),
            frozenset({"finance"}),
        ),
        PaymentStep(
            S.BATCHED,
            S.HELD,
            _lazy("Retiré du lot : dossier suspendu"),
            frozenset({"case_worker", "finance"}),
        ),
        PaymentStep(
            S.BATCHED,
            S.CANCELLED,
            _lazy("Retiré du lot : sortie du dispositif"),
            frozenset({"case_worker", "finance", "system"}),
        ),
        PaymentStep(S.BATCHED, S.PAID, _lazy("Lot validé"), frozenset({"finance"})),
    )
}


class PaymentStepError(Exception):
    """A payment status change the table does not allow."""


def log_events(payments: Iterable[Payment], from_status: str, by: User | None, why: str) -> None:
    """One PaymentEvent per payment, to the status the payment now has (in memory)."""
    PaymentEvent.objects.bulk_create(
        PaymentEvent(payment=p, from_status=from_status, to_status=p.status, by=by, why=why)
        for p in payments
    )


@transaction.atomic
def move(
    payments: list[Payment],
    to: PaymentStatus,
    by: User | None,
    actor: str,
    why: str = "",
    **fields: object,
) -> list[Payment]:
    """Move locked `payments` to `to` (with `fields`, e.g. batch=None); refuse the whole move if
    one payment's status does not allow it. Cancelling releases the money to the envelope."""
    by_status: dict[str, list[Payment]] = {}
    for payment in payments:
        step = STEPS.get((payment.status, to))
        if step is None or actor not in step.who:
            raise PaymentStepError(
                _("Un paiement « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"from": PaymentStatus(payment.status).label, "to": to.label}
            )
        by_status.setdefault(payment.status, []).append(payment)
    for from_status, group in by_status.items():
        Payment.objects.filter(pk__in=[p.pk for p in group], status=from_status).update(
            status=to, **fields
        )
        for payment in group:
            payment.status = to
            for name, value in fields.items():
                setattr(payment, name, value)
        log_events(group, from_status, by, why or str(STEPS[(from_status, to)].label))
    if to == PaymentStatus.CANCELLED:
        _release(payments)
    return payments


def _release(payments: list[Payment]) -> None:
    by_envelope: dict[int, Decimal] = {}
    for payment in payments:
        by_envelope[payment.envelope_id] = (
            by_envelope.get(payment.envelope_id, Decimal(0)) + payment.amount
        )
    for envelope_id, amount in sorted(by_envelope.items()):
        envelopes.release(Envelope(pk=envelope_id), amount)
