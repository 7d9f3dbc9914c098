"""Issue 16, done-when: a resident finds an open place near Planoise on a phone, the services
bus says when it next comes, and an agent reads Planoise's needs analysis; axe on every page."""

import re
from typing import Any

import pytest

from solidarite.core.demo.loader import load_demo
from tests.browser.steps import accessible, login
from tests.territory.conftest import TUESDAY_AFTERNOON, TUESDAY_MORNING, at  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
APOS = "'"


@pytest.fixture(autouse=True)
def _demo(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True
    load_demo()


def test_a_resident_finds_an_open_place_near_planoise_on_a_phone(
    phone_page: Any,
    at: Any,  # noqa: F811
) -> None:
    at(TUESDAY_AFTERNOON)
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Annuaire").click()
    accessible(page)
    page.get_by_label("Commune ou quartier").select_option(label="Besançon — Planoise")
    page.get_by_label("Ouvert maintenant").check()
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("list", name="Résultats")
    permanence = results.get_by_role("listitem").filter(has_text=f"Point d{APOS}accès aux droits")
    assert "Ouvert maintenant, jusqu" in permanence.inner_text()
    assert "17:00" in permanence.inner_text()
    # Nothing closed is listed.
    assert "Horaires non renseignés" not in results.inner_text()
    accessible(page)
    permanence.get_by_role("link").click()
    assert "1 rue de l'Exemple (adresse fictive), 25000 Besançon" in page.inner_text("main")
    assert page.get_by_text("Lieu fictif : il complète la démonstration").is_visible()
    accessible(page)


def test_the_services_bus_says_when_it_next_comes(page: Any, at: Any) -> None:  # noqa: F811
    at(TUESDAY_MORNING)
    page.goto("/annuaire/?area=besancon-planoise")
    bus = page.get_by_role("listitem").filter(has_text="Bus des services")
    assert "Prochain passage : mardi 14:00, Place Cassin, Planoise" in bus.inner_text()
    bus.get_by_role("link").click()
    assert "Prochain passage : mardi 24 novembre, 14:00, Place Cassin, Planoise" in page.inner_text(
        "main"
    )
    table = page.get_by_role("table", name="Arrêts et horaires")
    assert table.get_by_role("row").count() == 7  # header and six stops
    assert page.get_by_role("link", name="Ajouter les passages à mon agenda (iCal)").is_visible()
    accessible(page)


def test_an_agent_reads_the_needs_analysis_of_planoise(page: Any) -> None:
    login(page, "instructeur")
    page.get_by_role("link", name="Territoire").click()
    accessible(page)
    page.get_by_role("list", name="Quartiers de Besançon").get_by_role(
        "link", name="Planoise", exact=True
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Planoise")
    poverty = page.get_by_role("region", name="Taux de pauvreté à 60 %")
    # The priority district's rate (55 %) beside the commune's.
    assert re.search(r"Planoise \(Quartier prioritaire \(QPV\)\)\s+55 ", poverty.inner_text())
    assert "Besançon" in poverty.inner_text()
    assert page.get_by_role(
        "heading", name="Activité de la plateforme dans cette zone"
    ).is_visible()
    accessible(page)
    page.get_by_role("link", name="Rapport imprimable de l'analyse des besoins sociaux").click()
    assert page.get_by_role("heading", name="Personnes en situation de handicap").is_visible()
    accessible(page)
