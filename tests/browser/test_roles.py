"""Issue 18, done-when: each role walks its corrected path in Chromium, with axe on every page
(the resident's is in test_simulator.py; the public plan pages on a phone are here)."""

from typing import Any

import pytest

from solidarite.cases.models import CaseFile, FileStatus
from solidarite.core.demo.loader import load_demo
from tests.browser.steps import accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True
    load_demo()


def test_the_partner_lands_on_its_referrals_and_answers_a_request(page: Any) -> None:
    login(page, "partenaire")
    assert page.url.endswith("/accompagnement/orientations/")
    assert page.get_by_text("1 orientation attend votre réponse").is_visible()
    accessible(page)
    row = page.get_by_role("row").filter(has_text="à compléter")
    assert "(" in row.inner_text()  # the name and birth year of the person it referred
    row.get_by_role("link").click()
    question = page.get_by_role("region", name="Le CCAS vous demande des informations")
    assert "Merci de préciser la situation de ressources." in question.inner_text()
    accessible(page)
    page.get_by_label("Votre réponse au CCAS").fill("Aucune ressource depuis juin.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_text("l'orientation est de nouveau à instruire").is_visible()
    page.get_by_text("Ajouter une note").click()
    page.get_by_label("Note (lue par le partenaire et par le CCAS)").fill("Joignable le matin.")
    page.get_by_role("button", name="Ajouter la note").click()
    assert page.get_by_text("Joignable le matin.").is_visible()
    accessible(page)


def test_the_case_worker_verifies_before_deciding_and_reads_the_contract(page: Any) -> None:
    file = CaseFile.objects.filter(status=FileStatus.UNDER_REVIEW).order_by("pk").first()
    assert file is not None
    login(page, "instructeur")
    page.goto(f"/accompagnement/dossiers/{file.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Vérifier avec le moteur"))
    for group in form.get_by_role("group").all():
        no = group.get_by_label("Non", exact=True)
        if no.count() == 1:
            no.check()
    form.get_by_label("Combien cette personne reçoit-elle par mois").fill("0")
    form.get_by_role("button", name="Vérifier avec le moteur").click()
    page.wait_for_url("**/decision/")
    assert page.get_by_role("heading", name="Réponse du moteur avec ces réponses").is_visible()
    # Issue 14: the person's national rights beside the decision (axe checks the table too).
    rights = page.get_by_role("table", name="Droits nationaux estimés")
    assert rights.get_by_role("rowheader", name="Revenu de solidarité active (RSA)").is_visible()
    accessible(page)
    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer la décision"))
    form.get_by_label("Éligible", exact=True).check()
    form.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(f"**/dossiers/{file.pk}/")
    page.get_by_role("link", name="Lire et imprimer le projet de contrat avec la personne").click()
    assert page.get_by_role("heading", name="Article 7 — Données personnelles").is_visible()
    assert page.get_by_role("heading", name="La personne accompagnée", exact=True).is_visible()
    accessible(page)


def test_the_referent_writes_a_note_on_a_file(page: Any) -> None:
    file = CaseFile.objects.filter(status=FileStatus.ACTIVE).order_by("pk").first()
    assert file is not None
    login(page, "referente")
    assert page.url.endswith("/accompagnement/")
    page.goto(f"/accompagnement/dossiers/{file.pk}/")
    notes = page.get_by_role("region", name="Notes de l'équipe")
    notes.get_by_text("Ajouter une note").click()
    notes.get_by_label("Note (lue par l'équipe du dossier seulement").fill("Dossier CAF en cours")
    notes.get_by_role("button", name="Ajouter la note").click()
    assert (
        page.get_by_role("region", name="Notes de l'équipe")
        .get_by_text("Dossier CAF en cours")
        .is_visible()
    )
    assert page.get_by_role("columnheader", name="Rappel").is_visible()
    accessible(page)


def test_the_elected_viewer_reads_trends_with_a_chart_and_its_table(page: Any) -> None:
    login(page, "lecteur")
    assert "/accompagnement/indicateurs/" in page.url
    page.get_by_role("button", name="Calculer").click()
    assert page.get_by_role("heading", name="Mois par mois").is_visible()
    assert page.get_by_role("table", name="Dossiers et versements par mois").is_visible()
    assert page.locator("svg.trend-chart rect").count() >= 1
    accessible(page)


def test_the_admin_filters_the_change_history(page: Any) -> None:
    login(page, "admin")
    page.get_by_role("link", name="Journal d'audit").click()
    page.get_by_role("link", name="Modifications").click()
    page.get_by_label("Qui").select_option(index=1)
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("table", name="Modifications des données personnelles").is_visible()
    assert page.get_by_role("link", name="Télécharger en CSV").is_visible()
    accessible(page)


def test_the_public_plan_pages_read_on_a_phone(phone_page: Any) -> None:
    page = phone_page
    page.goto("/plans/")
    page.get_by_role("link", name="Les 10 mesures", exact=False).first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_text("Comment il est calculé").is_visible()
    accessible(page)
    page.get_by_role("link", name="La création d'une mutuelle municipale", exact=False).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("heading", name="Les aides de cette mesure, en chiffres").is_visible()
    accessible(page)
