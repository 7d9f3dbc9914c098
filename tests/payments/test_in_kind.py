"""Aid in kind: stock never below zero, a scheme's yearly capacity enforced like an envelope,
loans returned to stock, overdue loans listed; a refused hand-out writes nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import Person
from solidarite.payments import in_kind
from solidarite.payments.models import Distribution, Envelope, ItemKind, Loan, Unit
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 8, 25)


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def ville() -> Organisation:
    """The provider of pack_rentree_solidaire (200 packs a year): only it draws on the
    capacity."""
    return OrganisationFactory(name="Ville de Besançon", kind=OrganisationKind.CITY_DEPARTMENT)


def _person(n: int) -> Person:
    return Person.objects.create(
        first_name=f"Élève{n}",
        last_name="Exemple",
        birth_date=dt.date(2012, 1, 1),
        commune_code="25056",
    )


def test_stock_never_goes_below_zero(ccas: Organisation) -> None:
    agent = user_with_role(Role.CASE_WORKER, ccas)
    keys = ItemKind.objects.create(organisation=ccas, name="Clé 4G", loanable=True)
    in_kind.receive(keys, 1, TODAY, agent)
    in_kind.lend(keys, _person(1), TODAY, TODAY + dt.timedelta(days=60), agent, "K-001")
    with pytest.raises(in_kind.InKindError, match="Plus de"):
        in_kind.lend(keys, _person(2), TODAY, TODAY + dt.timedelta(days=60), agent)
    keys.refresh_from_db()
    assert keys.in_stock == 0


def test_yearly_capacity_is_enforced_like_an_envelope(ville: Organisation) -> None:
    agent = user_with_role(Role.CASE_WORKER, ville)
    packs = ItemKind.objects.create(
        organisation=ville, name="Pack de rentrée", scheme_id="pack_rentree_solidaire"
    )
    in_kind.receive(packs, 500, TODAY, agent)
    for n in range(3):
        in_kind.give(packs, _person(n), TODAY, agent)
    capacity = Envelope.objects.get(unit=Unit.ITEMS)
    assert (capacity.amount, capacity.committed) == (200, 3)
    assert (capacity.starts_on, capacity.ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    Envelope.objects.filter(pk=capacity.pk).update(committed=200)
    with pytest.raises(in_kind.InKindError, match="capacité annuelle"):
        in_kind.give(packs, _person(9), TODAY, agent)
    packs.refresh_from_db()
    assert packs.in_stock == 497
    # a new year opens a new capacity
    in_kind.give(packs, _person(10), dt.date(2027, 8, 25), agent)
    assert Envelope.objects.filter(unit=Unit.ITEMS).count() == 2


def test_loans_come_back_to_stock_and_overdue_ones_are_listed(
    client: Client, ccas: Organisation
) -> None:
    agent = user_with_role(Role.CASE_WORKER, ccas)
    laptops = ItemKind.objects.create(organisation=ccas, name="Ordinateur", loanable=True)
    in_kind.receive(laptops, 2, TODAY, agent)
    late = in_kind.lend(
        laptops, _person(1), dt.date(2026, 1, 5), dt.date(2026, 3, 5), agent, "PC-1"
    )
    on_time = in_kind.lend(laptops, _person(2), TODAY, dt.date(2099, 1, 1), agent, "PC-2")
    assert list(in_kind.overdue_loans(TODAY)) == [late]
    in_kind.give_back(late, TODAY)
    with pytest.raises(in_kind.InKindError, match="déjà rendu"):
        in_kind.give_back(late, TODAY)
    laptops.refresh_from_db()
    assert laptops.in_stock == 1
    assert list(in_kind.overdue_loans(TODAY)) == []
    assert on_time.returned_on is None


def test_hand_out_page_new_person_and_refusal_writes_nothing(
    client: Client, ccas: Organisation
) -> None:
    agent = user_with_role(Role.CASE_WORKER, ccas)
    client.force_login(agent)
    client.post(reverse("payments_stock"), {"name": "Pack de rentrée", "scheme_id": ""})
    packs = ItemKind.objects.get()
    form = {
        "first_name": "Lou",
        "last_name": "Exemple",
        "birth_date": "2013-04-01",
        "commune_code": "25056",
        "on": "2026-08-25",
    }
    page = client.post(reverse("payments_hand_out", args=[packs.pk]), form, follow=True)
    assert "Plus de « Pack de rentrée » en stock" in page.content.decode()
    assert not Person.objects.exists()
    client.post(
        reverse("payments_receive", args=[packs.pk]),
        {"quantity": "10", "received_on": "2026-08-20"},
    )
    page = client.post(reverse("payments_hand_out", args=[packs.pk]), form, follow=True)
    assert "Enregistré pour Lou Exemple" in page.content.decode()
    assert Distribution.objects.count() == 1
    packs.refresh_from_db()
    assert packs.in_stock == 9


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CASE_WORKER, True),
        (Role.FINANCE, True),
        (Role.REFERENT, False),
        (Role.REFERRING_PARTNER, False),
        (Role.VIEWER, False),
    ],
)
def test_who_manages_aid_in_kind(
    client: Client, ccas: Organisation, role: Role, allowed: bool
) -> None:
    kind = ItemKind.objects.create(organisation=ccas, name="Chromebook", loanable=True)
    client.force_login(user_with_role(role, ccas))
    assert client.get(reverse("payments_stock")).status_code == (200 if allowed else 404)
    assert client.get(reverse("payments_item_kind", args=[kind.pk])).status_code == (
        200 if allowed else 404
    )
    other = user_with_role(Role.CASE_WORKER, OrganisationFactory())
    client.force_login(other)
    assert client.get(reverse("payments_item_kind", args=[kind.pk])).status_code == 404
    assert Loan.objects.count() == 0


def test_the_person_picker_is_searched_by_name_and_birth_date(
    client: Client, ccas: Organisation
) -> None:
    """Issue 18, finance: homonyms are told apart by birth year and area, and the picker is
    narrowed by a search sent by POST (no name in a URL)."""
    agent = user_with_role(Role.CASE_WORKER, ccas)
    client.force_login(agent)
    client.post(reverse("payments_stock"), {"name": "Pack de rentrée", "scheme_id": ""})
    packs = ItemKind.objects.get()
    client.post(
        reverse("payments_receive", args=[packs.pk]), {"quantity": "3", "received_on": "2026-08-20"}
    )
    for first, birth in (("Lou", "2013-04-01"), ("Lou", "2011-02-03"), ("Sam", "2012-05-06")):
        client.post(
            reverse("payments_hand_out", args=[packs.pk]),
            {
                "first_name": first,
                "last_name": "Exemple",
                "birth_date": birth,
                "commune_code": "25056",
                "on": "2026-08-25",
            },
        )
    url = reverse("payments_item_kind", args=[packs.pk])
    page = client.post(url, {"search-name": "lou exemple"}).content.decode()
    assert "2 personnes trouvées" in page
    assert "EXEMPLE Lou (2013)" in page
    assert "EXEMPLE Lou (2011)" in page
    assert "EXEMPLE Sam" not in page
    page = client.post(
        url, {"search-name": "Lou", "search-birth_date": "2011-02-03"}
    ).content.decode()
    assert "1 personne trouvée" in page
    assert "EXEMPLE Lou (2013)" not in page
