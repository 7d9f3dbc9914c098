"""Issue 16, item 5: a confidential place's address and position appear in no public or
professional channel; only the roles it names read them, and each read is logged.

The attack is the one a violent partner would try: search the directory, the API, the exports,
the sitemap, the calendars, the coverage counts, the territory pages and the simulator's "where
to go" for the shelter's address, as anyone who is not its reader."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.territory import directory
from solidarite.territory.coverage import coverage
from solidarite.territory.exchange import export_places
from solidarite.territory.models import Place, PlaceKind, Visibility
from tests.factories import OrganisationFactory, user_with_role
from tests.territory.conftest import CONFIDENTIAL_NEEDLES, CONFIDENTIAL_SLUG, TUESDAY_AFTERNOON

pytestmark = pytest.mark.django_db

CHANNELS = [
    "/annuaire/",
    "/annuaire/?q=violences",
    "/annuaire/?area=21166",
    "/annuaire/?area=chenove-autre",
    "/annuaire/?thematique=famille",
    "/annuaire/?public=femmes",
    "/annuaire/?public=femmes&free=on",
    f"/annuaire/lieux/{CONFIDENTIAL_SLUG}/",
    "/annuaire/couverture/",
    "/annuaire/export.json",
    "/annuaire/lieux/demo-bus-des-services/passages.ics",
    "/api/v1/places",
    "/api/v1/places?q=violences",
    "/api/v1/places?area=21166",
    "/api/v1/openapi.json",
    "/sitemap.xml",
    "/territoire/",
    "/territoire/commune/21166/",
    "/territoire/commune/21166/rapport/",
    "/territoire/commune/21166/export.csv",
    "/territoire/qpv/QN02101M/",
]


def _chenove() -> Organisation:
    return OrganisationFactory(
        name="CCAS de Chenôve",
        code="ccas-de-chenove",
        kind=OrganisationKind.CCAS,
        commune_code="21166",
    )


def _readers_and_strangers() -> dict[str, Callable[[Client], None]]:
    chenove = _chenove()
    besancon = OrganisationFactory(name="CCAS de Besançon", code="ccas-de-besancon")
    partner = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    strangers = {
        "a viewer of the CCAS that runs it": user_with_role(Role.VIEWER, chenove),
        "a finance officer of the CCAS that runs it": user_with_role(Role.FINANCE, chenove),
        "a case worker of another CCAS": user_with_role(Role.CASE_WORKER, besancon),
        "an admin of another CCAS": user_with_role(Role.ADMIN, besancon),
        "a referring partner": user_with_role(Role.REFERRING_PARTNER, partner),
    }
    logins: dict[str, Callable[[Client], None]] = {"anonymous": lambda client: None}
    for label, user in strangers.items():
        logins[label] = lambda client, user=user: client.force_login(user)
    return logins


def _assert_absent(text: str, where: str) -> None:
    for needle in CONFIDENTIAL_NEEDLES:
        assert needle not in text, f"{needle!r} disclosed by {where}"


def test_no_channel_discloses_the_address_to_anyone_but_its_readers(
    territory: Any, at: Any
) -> None:
    at(TUESDAY_AFTERNOON)
    for who, login in _readers_and_strangers().items():
        client = Client()
        login(client)
        for url in CHANNELS:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            _assert_absent(response.content.decode(), f"{url} as {who}")
        page = client.get(f"/annuaire/lieux/{CONFIDENTIAL_SLUG}/").content.decode()
        assert "3919" in page  # the front door
    assert not AccessLog.objects.filter(object_type="territory.place").exists()


def test_the_simulator_where_to_go_and_the_exports_never_carry_it(territory: Any) -> None:
    place = Place.objects.get(slug=CONFIDENTIAL_SLUG)
    place.services.update(schemes=["mutuelle_municipale_chenove"])
    cards = directory.places_for_scheme(AnonymousUser(), "mutuelle_municipale_chenove", "21166")
    assert CONFIDENTIAL_SLUG in {c.slug for c in cards}
    for card in cards:
        _assert_absent(repr(card), "places_for_scheme")
    _assert_absent(repr(export_places()), "export_places")


def test_a_confidential_place_never_counts_publicly(territory: Any) -> None:
    before = {(r.target.kind, r.area.code): r.counted for r in coverage()}
    Place.objects.filter(slug=CONFIDENTIAL_SLUG).update(kind=PlaceKind.RESSOURCERIE)
    Place.objects.filter(slug="ressourcerie-bouloie").update(visibility=Visibility.CONFIDENTIAL)
    after = {(r.target.kind, r.area.code): r.counted for r in coverage()}
    assert after[("ressourcerie", "25056")] == before[("ressourcerie", "25056")] - 1
    assert after[("ressourcerie", "21166")] == before[("ressourcerie", "21166")]


def test_a_reader_of_the_running_ccas_sees_it_and_the_read_is_logged(territory: Any) -> None:
    chenove = _chenove()
    reader = user_with_role(Role.REFERENT, chenove)
    client = Client()
    client.force_login(reader)
    page = client.get(f"/annuaire/lieux/{CONFIDENTIAL_SLUG}/").content.decode()
    assert "Tilleuls-Fictifs" in page
    log = AccessLog.objects.get(object_type="territory.place")
    assert log.user == reader
    assert log.object_pk == str(Place.objects.get(slug=CONFIDENTIAL_SLUG).pk)
    # The API shows it to the reader too, and that read is logged as well.
    listing = client.get("/api/v1/places", {"area": "21166"}).json()
    shelter = next(p for p in listing if p["slug"] == CONFIDENTIAL_SLUG)
    assert "Tilleuls-Fictifs" in shelter["address"]
    assert AccessLog.objects.filter(object_type="territory.place", user=reader).count() == 2


def test_the_simulator_results_page_never_shows_it(territory: Any, client: Client) -> None:
    """The resident's "where to go" on the results page lists the shelter by its front door."""
    Place.objects.get(slug=CONFIDENTIAL_SLUG).services.update(
        schemes=["mutuelle_municipale_chenove"]
    )
    session = client.session
    session["simulator_answers"] = {
        "household": {"commune_residence": "21166"},
        "persons": [{}],
        "skipped": [],
        "pages": [],
    }
    session.save()
    page = client.get("/simulateur/resultats/").content.decode()
    assert "Logement d&#x27;urgence pour les victimes" in page
    assert "adresse confidentielle" in page
    _assert_absent(page, "the simulator's results")
    _assert_absent(client.get("/simulateur/resultats/telecharger/").content.decode(), "summary")
