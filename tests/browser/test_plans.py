"""A pilot updates a measure; the public page shows it; the public pages pass axe."""

from typing import Any

import pytest

from solidarite.core.demo import accounts
from solidarite.core.demo.loader import load_demo
from tests.browser.accessibility import blocking_violations


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True


pytestmark = pytest.mark.django_db(transaction=True)
PLAN = "urgence_solidarites_besancon"
APOS = "\N{RIGHT SINGLE QUOTATION MARK}"  # as the seed writes it


def test_a_pilot_updates_a_measure_and_the_public_page_shows_it(page: Any) -> None:
    load_demo()
    page.goto("/comptes/connexion/")
    page.get_by_label("Nom d\N{RIGHT SINGLE QUOTATION MARK}utilisateur").fill("pilote")
    page.get_by_label("Mot de passe").fill(accounts.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Espace pilote").click()
    page.get_by_role(
        "link", name=f"Conférence annuelle de l{APOS}emploi et de l{APOS}insertion"
    ).click()
    page.get_by_label("Statut").select_option(label="En cours")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Date du nouveau jalon").fill("2021-11-18")
    page.get_by_label("Nouveau jalon :", exact=True).fill(
        "Première conférence de l'emploi et de l'insertion"
    )
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Brouillon enregistré").is_visible()
    assert page.get_by_role("heading", name="Brouillon non publié").is_visible()
    page.get_by_role("button", name="Publier").click()
    assert page.get_by_text("La mesure a été mise à jour.").is_visible()
    history = page.get_by_role("table", name="Historique des modifications")
    assert "pilote" in history.inner_text()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(f"/plans/{PLAN}/")
    row = page.get_by_role("row").filter(has_text=f"Conférence annuelle de l{APOS}emploi")
    assert "En cours" in row.inner_text()
    assert "40 %" in row.inner_text()
    assert "Première conférence de l'emploi et de l'insertion" in row.inner_text()


def test_public_plan_pages_pass_axe(page: Any) -> None:
    load_demo()
    for path in (
        "/plans/",
        f"/plans/{PLAN}/",
        "/plans/chenove_10_mesures/",
        "/plans/chenove_10_mesures/mesures/3/",
    ):
        page.goto(path)
        assert blocking_violations(page) == [], path
