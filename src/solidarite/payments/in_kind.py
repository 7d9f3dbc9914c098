"""Aid in kind: stock received, items given or lent, loans returned. The stock is a counter kept
under a row lock on the item kind (never below zero); a scheme's yearly capacity (about 200
school-start packs) is an envelope in units, committed like money."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from solidarite.cases.models import Person
from solidarite.payments import envelopes
from solidarite.payments.models import (
    Distribution,
    Envelope,
    ItemKind,
    Loan,
    StockReceipt,
    Unit,
)


class InKindError(Exception):
    """Out of stock, capacity reached, or a loan already returned."""


@transaction.atomic
def receive(kind: ItemKind, quantity: int, on: dt.date, by: User, note: str = "") -> ItemKind:
    if quantity <= 0:
        raise InKindError(_("La quantité reçue doit être positive."))
    locked = ItemKind.objects.select_for_update().get(pk=kind.pk)
    StockReceipt.objects.create(
        item_kind=locked, quantity=quantity, received_on=on, by=by, note=note
    )
    locked.in_stock += quantity
    locked.save(update_fields=["in_stock"])
    return locked


def _take_one(kind: ItemKind, on: dt.date) -> tuple[ItemKind, Envelope | None]:
    """Take an item out of stock and, for a scheme with a yearly capacity, one unit of it."""
    locked = ItemKind.objects.select_for_update().get(pk=kind.pk)
    if locked.in_stock < 1:
        raise InKindError(_("Plus de « %(name)s » en stock.") % {"name": locked.name})
    capacity = None
    if locked.scheme_id:
        try:
            capacity = envelopes.envelope_for(locked.scheme_id, on, locked.organisation, Unit.ITEMS)
        except envelopes.NoEnvelope:
            capacity = None
        except envelopes.NotProvider as exc:
            raise InKindError(str(exc)) from exc
        if capacity is not None:
            try:
                capacity = envelopes.commit(capacity, Decimal(1))
            except envelopes.EnvelopeExhausted as exc:
                raise InKindError(
                    _("La capacité annuelle du dispositif est atteinte (%(n)d).")
                    % {"n": int(capacity.amount)}
                ) from exc
    locked.in_stock -= 1
    locked.save(update_fields=["in_stock"])
    return locked, capacity


@transaction.atomic
def give(kind: ItemKind, person: Person, on: dt.date, by: User) -> Distribution:
    if kind.loanable:
        raise InKindError(_("« %(name)s » se prête : enregistrez un prêt.") % {"name": kind.name})
    locked, capacity = _take_one(kind, on)
    return Distribution.objects.create(
        item_kind=locked, person=person, given_on=on, by=by, envelope=capacity
    )


@transaction.atomic
def lend(
    kind: ItemKind, person: Person, on: dt.date, due_on: dt.date, by: User, serial: str = ""
) -> Loan:
    if not kind.loanable:
        raise InKindError(
            _("« %(name)s » se donne : enregistrez une remise.") % {"name": kind.name}
        )
    if due_on < on:
        raise InKindError(_("La date de retour précède la date du prêt."))
    locked, capacity = _take_one(kind, on)
    return Loan.objects.create(
        item_kind=locked,
        person=person,
        serial=serial,
        lent_on=on,
        due_on=due_on,
        by=by,
        envelope=capacity,
    )


@transaction.atomic
def give_back(loan: Loan, on: dt.date) -> Loan:
    """A returned item goes back to stock; the year's capacity stays used (it was lent)."""
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    if locked.returned_on is not None:
        raise InKindError(_("Ce prêt est déjà rendu."))
    locked.returned_on = on
    locked.save(update_fields=["returned_on"])
    kind = ItemKind.objects.select_for_update().get(pk=locked.item_kind_id)
    kind.in_stock += 1
    kind.save(update_fields=["in_stock"])
    return locked


def overdue_loans(today: dt.date) -> QuerySet[Loan]:
    return Loan.objects.filter(returned_on__isnull=True, due_on__lt=today).select_related(
        "item_kind", "person"
    )
