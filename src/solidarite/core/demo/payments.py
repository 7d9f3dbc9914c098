"""Demo money and things: the past months' batches of the youth scheme, prepared by `finances`
and validated by `tresoriere`; school-start packs, laptops, 4G keys and Chenôve's Chromebooks
with a few hand-outs and loans (one overdue). Obviously fictitious people."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from solidarite.accounts.models import Organisation
from solidarite.accounts.providers import provider_code
from solidarite.cases.models import Household, Person
from solidarite.payments import batches, in_kind
from solidarite.payments.models import ItemKind, Payment, PaymentStatus

PUPILS = ("Alix", "Bao", "Cyrielle", "Dylan", "Eden", "Fanny", "Gabin", "Héloïse", "Isaac", "Jules")


def _month_starts(first: dt.date, before: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day < before.replace(day=1):
        months.append(day)
        day = day + relativedelta(months=1)
    return months


def _past_batches(today: dt.date) -> int:
    preparer = User.objects.get(username="finances")
    checker = User.objects.get(username="tresoriere")
    first = Payment.objects.filter(status=PaymentStatus.SCHEDULED).order_by("due_on").first()
    if first is None:
        return 0
    months = _month_starts(first.due_on, today)
    for month in months:
        batch = batches.prepare(month, preparer).batch
        if batch.payments.exists():
            batches.validate(batch, checker)
    return len(months)


def _pupil(n: int, commune: str) -> Person:
    return Person.objects.create(
        first_name=PUPILS[n % len(PUPILS)],
        last_name="Fictif-Élève",
        birth_date=dt.date(2015, 1 + n % 12, 1 + n % 27),
        commune_code=commune,
        household=Household.objects.create(),
    )


def _in_kind(today: dt.date) -> None:
    agent = User.objects.get(username="instructeur")
    besancon = Organisation.objects.get(code="ccas-de-besancon")
    # The schemes' providers hold the stock that draws on their yearly capacity.
    ville = Organisation.objects.get(code=provider_code("pack_rentree_solidaire"))
    chenove = Organisation.objects.get(code=provider_code("chromebook_cm1_chenove"))
    packs = ItemKind.objects.create(
        organisation=ville, name="Pack de rentrée solidaire", scheme_id="pack_rentree_solidaire"
    )
    laptops = ItemKind.objects.create(
        organisation=besancon, name="Ordinateur portable", loanable=True
    )
    keys = ItemKind.objects.create(organisation=besancon, name="Clé 4G", loanable=True)
    chromebooks = ItemKind.objects.create(
        organisation=chenove,
        name="Chromebook CM1",
        scheme_id="chromebook_cm1_chenove",
        loanable=True,
    )
    start = today - dt.timedelta(days=90)
    for kind, quantity in ((packs, 200), (laptops, 20), (keys, 30), (chromebooks, 410)):
        in_kind.receive(kind, quantity, start, agent, "Livraison de démonstration")
    for n in range(12):
        in_kind.give(packs, _pupil(n, "25056"), start + dt.timedelta(days=n), agent)
    for n in range(4):
        due = today - dt.timedelta(days=10) if n == 0 else today + dt.timedelta(days=60 + n)
        in_kind.lend(laptops, _pupil(20 + n, "25056"), start, due, agent, f"PC-{n + 1:03d}")
        in_kind.lend(keys, _pupil(30 + n, "25056"), start, due + dt.timedelta(days=30), agent)
    for n in range(8):
        in_kind.lend(
            chromebooks,
            _pupil(40 + n, "21166"),
            start,
            start + dt.timedelta(days=300),
            agent,
            f"CB-{n + 1:03d}",
        )


@transaction.atomic
def load(today: dt.date | None = None) -> bool:
    """Load once (the item kinds mark it); True when loaded now."""
    if ItemKind.objects.exists():
        return False
    today = today or timezone.localdate()
    _past_batches(today)
    _in_kind(today)
    return True
