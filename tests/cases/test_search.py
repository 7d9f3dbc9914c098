"""The caseload and the referral queue are searched by name and birth date, by POST: a name
never travels in a URL (issue 18)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import Household, Person
from solidarite.cases.services import submit_referral
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db


def test_the_caseload_is_searched_by_name_and_birth_date(client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    worker = user_with_role(Role.CASE_WORKER, ccas)
    for first in ("Inès", "Inès", "Karim"):
        active_file(ccas, first_name=first, last_name="Martin")
    Person.objects.filter(first_name="Inès").order_by("pk").filter(
        pk=Person.objects.filter(first_name="Inès").order_by("pk").first().pk  # type: ignore[union-attr]
    ).update(birth_date=dt.date(2003, 3, 3))
    client.force_login(worker)
    url = reverse("cases_caseload")
    page = client.post(url, {"name": "martin inès"}).content.decode()
    assert page.count("Inès Martin") == 2
    assert "Karim" not in page
    page = client.post(url, {"name": "Inès", "birth_date": "2003-03-03"}).content.decode()
    assert page.count("Inès Martin") == 1
    assert 'method="post"' in page  # the search form never puts the name in the address


def test_the_referral_queue_is_searched_by_name(client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    mission = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    partner = user_with_role(Role.REFERRING_PARTNER, mission)
    for last in ("Durand", "Petit"):
        person = Person.objects.create(
            first_name="Léa",
            last_name=last,
            birth_date=dt.date(2004, 1, 1),
            commune_code="25056",
            household=Household.objects.create(),
        )
        submit_referral(partner, mission, person, "aide_jeunes_besancon", "motif", dt.date.today())
    client.force_login(user_with_role(Role.CASE_WORKER, ccas))
    url = reverse("cases_referrals")
    rows = re.compile(r'href="/accompagnement/orientations/\d+/"')
    assert len(rows.findall(client.get(url).content.decode())) == 2
    page = client.post(url, {"name": "petit"}).content.decode()
    assert len(rows.findall(page)) == 1
