"""Commitments against an envelope, always under a row lock on the envelope.

`SELECT ... FOR UPDATE` serialises concurrent signings on PostgreSQL (SQLite serialises every
writer anyway); the check constraint `envelope_never_overrun` is the last line of defence.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from solidarite.accounts.models import Organisation
from solidarite.accounts.providers import UnknownProvider, provider_of
from solidarite.payments.models import Envelope, Payment, PaymentStatus, Unit, WhenExhausted
from solidarite.schemes.services import get_catalog


class EnvelopeExhausted(Exception):
    """The commitment does not fit what remains of the envelope."""

    def __init__(self, envelope: Envelope, needed: Decimal) -> None:
        self.envelope = envelope
        self.needed = needed
        unit = "€" if envelope.unit == Unit.EUR else _("unités")
        super().__init__(
            _(
                "L'enveloppe « %(label)s » ne permet pas cet engagement : %(needed).2f %(unit)s "
                "nécessaires, %(remaining).2f %(unit)s disponibles sur %(amount).2f."
            )
            % {
                "label": envelope.label,
                "needed": needed,
                "unit": unit,
                "remaining": envelope.remaining,
                "amount": envelope.amount,
            }
        )

    @property
    def waiting_list(self) -> bool:
        return self.envelope.when_exhausted == WhenExhausted.WAITING_LIST


class NoEnvelope(Exception):
    """No envelope covers this scheme at this date."""


class NotProvider(Exception):
    """Only the organisation that provides a scheme funds it: another organisation's envelope,
    batch or stock never draws on it."""


def check_provider(scheme_id: str, organisation_id: int) -> None:
    """Refuse unless `organisation_id` is the scheme's provider (by code, from the catalog)."""
    try:
        provider = provider_of(scheme_id)
    except UnknownProvider as exc:
        raise NotProvider(str(exc)) from exc
    if provider.pk != organisation_id:
        raise NotProvider(
            _("Ce dispositif est porté par %(provider)s : seule cette organisation le finance.")
            % {"provider": provider.name}
        )


def _from_catalog(scheme_id: str, on: dt.date, unit: Unit, owner: Organisation) -> Envelope | None:
    """The catalog's envelope (money) or yearly capacity (items), created the first time a scheme
    needs one, owned by the scheme's provider. Finance adds further periods itself."""
    spec = get_catalog().schemes[scheme_id].spec
    if unit == Unit.EUR and spec.envelope is not None:
        # The period the envelope was voted for: never open-ended (checked at catalog load).
        ends_on = spec.envelope.ends_on or spec.end
        assert ends_on is not None
        label = spec.envelope.label.fr if spec.envelope.label else spec.title.fr
        return Envelope.objects.create(
            scheme_id=scheme_id,
            label=label,
            unit=Unit.EUR,
            amount=Decimal(str(spec.envelope.amount)),
            starts_on=spec.start,
            ends_on=ends_on,
            owner=owner,
            when_exhausted=spec.envelope.when_exhausted,
        )
    if unit == Unit.ITEMS and spec.capacity is not None:
        return Envelope.objects.create(
            scheme_id=scheme_id,
            label=f"{spec.title.fr} — {on.year}",
            unit=Unit.ITEMS,
            amount=Decimal(spec.capacity.per_year),
            starts_on=dt.date(on.year, 1, 1),
            ends_on=dt.date(on.year, 12, 31),
            owner=owner,
        )
    return None


def envelope_for(
    scheme_id: str, on: dt.date, organisation: Organisation, unit: Unit = Unit.EUR
) -> Envelope:
    """The envelope of `organisation` covering `on`, locked for the rest of the transaction.
    `organisation` must be the scheme's provider (NotProvider otherwise). Created from the
    catalog when missing."""
    check_provider(scheme_id, organisation.pk)
    covering = Envelope.objects.select_for_update().filter(
        scheme_id=scheme_id, unit=unit, owner=organisation, starts_on__lte=on, ends_on__gte=on
    )
    envelope = covering.order_by("starts_on").first()
    if envelope is None:
        # Money: the catalog's envelope, only if finance never opened one for the scheme.
        # Capacities: one per calendar year.
        opened = Envelope.objects.filter(scheme_id=scheme_id, unit=unit).exists()
        created = None
        if not (opened and unit == Unit.EUR):
            try:
                with transaction.atomic():
                    created = _from_catalog(scheme_id, on, unit, organisation)
            except IntegrityError:  # a concurrent signing created it first: use that one
                created = covering.order_by("starts_on").first()
        if created is None:
            raise NoEnvelope(
                _(
                    "Aucune enveloppe n'est ouverte pour ce dispositif à cette date : "
                    "le service des finances doit en créer une."
                )
            )
        envelope = Envelope.objects.select_for_update().get(pk=created.pk)
    return envelope


@transaction.atomic
def commit(envelope: Envelope, amount: Decimal) -> Envelope:
    """Add `amount` to what the envelope has committed, or raise EnvelopeExhausted."""
    locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
    if locked.committed + amount > locked.amount:
        raise EnvelopeExhausted(locked, amount)
    locked.committed += amount
    locked.save(update_fields=["committed"])
    return locked


@transaction.atomic
def release(envelope: Envelope, amount: Decimal) -> Envelope:
    locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
    locked.committed -= amount
    locked.save(update_fields=["committed"])
    return locked


@dataclass(frozen=True)
class EnvelopeState:
    envelope: Envelope
    paid: Decimal
    paid_this_month: Decimal
    beneficiaries_this_month: int
    monthly_rate: Decimal
    last_funded_month: dt.date | None

    @property
    def share_committed(self) -> float:
        return float(self.envelope.committed / self.envelope.amount)


def state(envelope: Envelope, today: dt.date) -> EnvelopeState:
    """Paid so far, this month's payments, and the forecast: the last month the envelope can pay
    in full if spending goes on at this month's rate."""
    month = today.replace(day=1)
    payments = Payment.objects.filter(envelope=envelope)
    paid = payments.filter(status=PaymentStatus.PAID).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    this_month = payments.filter(month=month).exclude(status=PaymentStatus.CANCELLED)
    rate = this_month.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    last_funded = None
    if rate > 0:
        left_after_this_month = envelope.amount - paid - rate
        last_funded = month + relativedelta(
            months=int(max(left_after_this_month, Decimal(0)) // rate)
        )
    return EnvelopeState(
        envelope=envelope,
        paid=paid,
        paid_this_month=this_month.filter(status=PaymentStatus.PAID).aggregate(s=Sum("amount"))["s"]
        or Decimal(0),
        beneficiaries_this_month=this_month.filter(status=PaymentStatus.PAID)
        .values("file__person")
        .distinct()
        .count(),
        monthly_rate=rate,
        last_funded_month=last_funded,
    )
