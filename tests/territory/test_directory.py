"""Issue 16, item 7: /annuaire/ and /api/v1/places search by need, area, public, free of charge
and open now; the simulator and a case file's action plan point at the places."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import Action, Objective
from solidarite.territory import directory
from solidarite.territory.directory import Filters
from tests.factories import OrganisationFactory, active_file, user_with_role
from tests.territory.conftest import TUESDAY_AFTERNOON

pytestmark = pytest.mark.django_db


def _slugs(filters: Filters) -> set[str]:
    return {c.slug for c in directory.search(AnonymousUser(), filters)}


def test_open_now_near_planoise(territory: Any, at: Any) -> None:
    at(TUESDAY_AFTERNOON)
    found = _slugs(Filters(area="besancon-planoise", open_now=True))
    # The permanence (Mo-Fr) and the bus (stop place Cassin, Tuesday 14:00-16:30) are open.
    assert found == {
        "demo-point-droits-planoise",
        "demo-epicerie-planoise",
        "demo-bus-des-services",
    }


def test_filters_by_need_public_and_fee(territory: Any) -> None:
    food = _slugs(Filters(thematique="equipement-et-alimentation"))
    assert {"coeur-bonbi", "potage-et-papotages", "boutique-jeanne-antide"} <= food
    assert "france-services-planoise" not in food
    students = _slugs(Filters(public="etudiants"))
    assert "ressourcerie-bouloie" in students
    free = _slugs(Filters(thematique="equipement-et-alimentation--habillement", free=True))
    assert "ressourcerie-bouloie" in free
    assert "la-bergerie" not in free


def test_places_for_professionals_are_hidden_from_the_public(territory: Any) -> None:
    assert "demo-siao-professionnels" not in _slugs(Filters())
    ccas = OrganisationFactory(name="CCAS de Besançon", code="ccas-de-besancon")
    staff = user_with_role(Role.REFERENT, ccas)
    assert "demo-siao-professionnels" in {c.slug for c in directory.search(staff, Filters())}


def test_the_api_has_the_same_filters(territory: Any, at: Any, client: Client) -> None:
    at(TUESDAY_AFTERNOON)
    response = client.get("/api/v1/places", {"area": "besancon-planoise", "open_now": "true"})
    assert response.status_code == 200
    assert {p["slug"] for p in response.json()} == _slugs(
        Filters(area="besancon-planoise", open_now=True)
    )
    permanence = next(p for p in response.json() if p["slug"] == "demo-point-droits-planoise")
    assert permanence["open_now"] is True
    assert permanence["fictitious"] is True
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/places" in schema["paths"]


def test_the_directory_page_filters(territory: Any, at: Any, client: Client) -> None:
    at(TUESDAY_AFTERNOON)
    page = client.get(
        "/annuaire/", {"area": "besancon-planoise", "open_now": "on"}
    ).content.decode()
    assert "3 lieux" in page
    assert "Ouvert maintenant" in page


def test_the_simulator_points_at_the_places_of_a_scheme(territory: Any, at: Any) -> None:
    at(TUESDAY_AFTERNOON)
    cards = directory.places_for_scheme(AnonymousUser(), "aide_jeunes_besancon", "25056")
    assert cards[0].commune_code == "25056"
    assert {c.slug for c in cards} >= {"france-services-planoise", "mission-locale-besancon"}
    chenove_first = directory.places_for_scheme(
        AnonymousUser(), "mutuelle_municipale_chenove", "21166"
    )
    assert chenove_first[0].slug == "ccas-chenove"


def test_an_action_names_its_place_and_the_file_shows_where_and_when(
    territory: Any, at: Any, client: Client
) -> None:
    at(TUESDAY_AFTERNOON)
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    referent = user_with_role(Role.REFERENT, ccas)
    file = active_file(ccas, referent)
    objective = Objective.objects.create(
        file=file, domain="job_search", title="Droits", created_by=referent
    )
    client.force_login(referent)
    from solidarite.territory.models import Place

    place = Place.objects.get(slug="demo-point-droits-planoise")
    client.post(
        f"/accompagnement/dossiers/{file.pk}/actions/",
        {
            "action-objective": str(objective.pk),
            "action-title": "Ouvrir ses droits",
            "action-domain": "job_search",
            "action-due_on": "2026-12-01",
            "action-responsible_user": str(referent.pk),
            "action-place": str(place.pk),
        },
    )
    action = Action.objects.get(objective=objective)
    assert action.place == place
    page = client.get(f"/accompagnement/dossiers/{file.pk}/").content.decode()
    assert "1 rue de l&#x27;Exemple (adresse fictive)" in page
    assert "Ouvert maintenant" in page
