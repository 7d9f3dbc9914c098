"""Issue 16, items 6 and 8: coverage targets as data with the shortfall per area, and places not
verified for six months listed for their editors and flagged on their page."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.territory.coverage import coverage
from solidarite.territory.models import Place
from tests.factories import OrganisationFactory, user_with_role
from tests.territory.conftest import TUESDAY_AFTERNOON

pytestmark = pytest.mark.django_db


def test_besancon_needs_five_ressourceries_and_counts_two(territory: Any) -> None:
    row = next(r for r in coverage() if r.target.kind == "ressourcerie" and r.area.code == "25056")
    assert row.population == 120057
    assert row.required == 5  # 120,057 / 25,000 inhabitants, rounded up
    assert row.counted == 2
    assert row.shortfall == 3


def test_each_priority_district_is_checked_for_an_epicerie(territory: Any) -> None:
    rows = {r.area.code: r for r in coverage() if r.target.kind == "epicerie_solidaire"}
    assert set(rows) == {
        "QN02503M",
        "QN02502M",
        "QN02504M",
        "QN02505M",
        "QN02515N",
        "QN02517N",
        "QN02101M",
    }
    assert rows["QN02503M"].counted == 1  # the fictitious Planoise grocery
    assert rows["QN02502M"].counted == 1  # Potage et papotages, Palente-Orchamps
    assert rows["QN02505M"].shortfall == 1


def test_the_coverage_page_shows_the_shortfall(territory: Any, client: Client) -> None:
    page = client.get("/annuaire/couverture/").content.decode()
    assert "Au moins une ressourcerie pour 25 000 habitants" in page
    assert "120 057" in page.replace("\u202f", " ")


def test_stale_places_are_listed_for_their_editors_and_flagged(
    territory: Any, at: Any, client: Client
) -> None:
    at(TUESDAY_AFTERNOON)
    ccas = OrganisationFactory(name="CCAS de Besançon", code="ccas-de-besancon")
    editor = user_with_role(Role.CASE_WORKER, ccas)
    client.force_login(editor)
    page = client.get("/annuaire/a-verifier/").content.decode()
    assert "France Services Besançon-Planoise" in page  # verified in 2020
    assert "Point d&#x27;accès aux droits de Planoise" not in page  # verified this month
    assert "Cœur Bonbi" not in page  # another organisation's place
    flagged = client.get("/annuaire/lieux/france-services-planoise/").content.decode()
    assert "n'ont pas été vérifiées depuis" in flagged
    client.post("/annuaire/lieux/france-services-planoise/verifie/")
    assert Place.objects.get(slug="france-services-planoise").last_verified == dt.date(2026, 11, 24)
    assert (
        "France Services Besançon-Planoise"
        not in client.get("/annuaire/a-verifier/").content.decode()
    )


def test_a_partner_cannot_edit_places(territory: Any, client: Client) -> None:
    partner = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    client.force_login(user_with_role(Role.REFERRING_PARTNER, partner))
    assert client.get("/annuaire/a-verifier/").status_code == 404
    assert client.post("/annuaire/lieux/france-services-planoise/verifie/").status_code == 404
    assert Place.objects.get(slug="france-services-planoise").last_verified.year == 2020
