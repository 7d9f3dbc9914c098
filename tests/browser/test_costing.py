"""Costing in the browser: Chenôve's finance officer builds a guaranteed-income scenario, runs
it through the task queue, reads the result, compares it and opens the council note. axe on
every page."""

from typing import Any

import pytest
from django.core.management import call_command

from solidarite.core.demo.loader import load_demo
from solidarite.costing.models import RunStatus, Scenario
from tests.browser.steps import accessible, login


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    settings.DEBUG = True


pytestmark = pytest.mark.django_db(transaction=True)


def test_build_run_and_read_a_scenario_then_print_the_council_note(page: Any) -> None:
    load_demo()
    login(page, "finances-chenove")
    page.get_by_role("link", name="Chiffrage").click()
    accessible(page)
    # The demo's four Chenôve scenarios are computed already.
    sixty = page.get_by_role("link", name="RMG Chenôve — seuil 60 %, 12 mois de résidence")
    assert sixty.count() == 1

    page.get_by_role("link", name="Nouveau scénario").click()
    accessible(page)
    page.get_by_label("Nom du scénario").fill("RMG 55 %, 3 mois")
    page.get_by_label("Date des règles").fill("2026-06-01")
    page.get_by_label("Population").select_option(label="Chenôve (graine 1)")
    group = page.get_by_role("group", name="Revenu municipal garanti de Chenôve (expérimentation)")
    group.get_by_label("Chiffrer ce dispositif").check()
    threshold = "Seuil de revenu mensuel par unité de consommation (EUR/mois/UC)"
    group.get_by_label(threshold).fill("1062")
    group.get_by_label("Durée minimale de résidence à Chenôve (mois)").fill("3")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    page.get_by_text("Scénario enregistré").wait_for()
    accessible(page)

    page.get_by_role("button", name="Lancer le calcul").click()
    page.get_by_role("status").get_by_text("En attente").wait_for()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01")
    page.reload()
    page.get_by_role("status").get_by_text("Terminé").wait_for()
    scenario = Scenario.objects.get(name="RMG 55 %, 3 mois")
    run = scenario.runs.get()
    assert run.status == RunStatus.DONE
    monthly = run.results["schemes"]["rmg_chenove"]["monthly_cost"]
    shown = f"{monthly:,.0f}".replace(",", "\N{NO-BREAK SPACE}")
    table = page.get_by_role("table", name="Par dispositif")
    assert shown in table.inner_text().replace(" ", "\N{NO-BREAK SPACE}")
    assert page.get_by_role("img", name="Coût mensuel selon le recours").count() == 1
    accessible(page)

    page.get_by_role("link", name="Chiffrage").click()
    page.get_by_label("Comparer RMG 55 %, 3 mois").check()
    page.get_by_label("Comparer RMG Chenôve — seuil 50 %, 6 mois de résidence").check()
    page.get_by_role("button", name="Comparer les scénarios cochés").click()
    assert page.get_by_role("table", name="Côte à côte (recours central)").count() == 1
    accessible(page)

    page.get_by_role("link", name="Chiffrage").click()
    page.get_by_role("link", name="RMG Chenôve — seuil 60 %, 12 mois de résidence").click()
    page.get_by_role("link", name="Note au conseil (imprimable)").click()
    page.get_by_role("heading", name="Hypothèses et sources").wait_for()
    assert "rmg_chenove.seuil_par_uc = 1158" in page.content()
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    page.emulate_media(media="screen")
    accessible(page)
