"""The whole path of a young person, in the browser, with the demo accounts: a partner refers,
the case worker accepts and decides, the contract is signed, the referent makes the diagnostic,
an action plan with two actions, an appointment and a workshop's attendance; the case worker
records an exit for employment and the indicators page counts it. axe runs on every page kind."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from solidarite.cases import indicators
from solidarite.cases.indicators import count_text
from solidarite.cases.models import Workshop
from solidarite.core.demo.loader import load_demo
from tests.browser.steps import accessible, login, logout


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True


pytestmark = pytest.mark.django_db(transaction=True)
SCHEME = "aide_jeunes_besancon"


def _employment_exits(today: dt.date) -> int:
    period = indicators.Period(SCHEME, today.replace(month=1, day=1), today)
    return indicators.compute(period).exits["employment"]


def _partner_refers(page: Any, today: dt.date) -> None:
    login(page, "partenaire")
    page.get_by_role("link", name="Orientations", exact=True).click()
    page.get_by_role("link", name="Orienter une personne").click()
    page.get_by_label("Prénom").fill("Zoé")
    page.get_by_label(re.compile(r"^Nom\W")).fill("Parcours")
    page.get_by_label("Date de naissance").fill("2005-03-03")
    page.get_by_label("Code commune (INSEE)").fill("25056")
    page.get_by_label("Quartier").select_option("Planoise")
    page.get_by_label("Dispositif").select_option(SCHEME)
    page.get_by_label("Motif de l'orientation").fill("Sortie de formation sans ressource")
    page.get_by_label("La personne accepte cette orientation", exact=False).check()
    page.get_by_label("Date du consentement").fill(today.isoformat())
    accessible(page)
    page.get_by_role("button", name="Transmettre").click()
    assert page.get_by_text("L'orientation a été transmise.").is_visible()
    logout(page)


def _case_worker_decides(page: Any, today: dt.date) -> None:
    login(page, "instructeur")
    page.get_by_role("link", name="Orientations", exact=True).click()
    page.get_by_role("link", name="Seulement celles à instruire").click()
    page.locator("table tbody a").first.click()
    assert page.get_by_text("Zoé").first.is_visible()
    page.get_by_role("button", name="Accepter").click()
    for question in ("ARE", "Garantie jeunes", "RSA"):
        page.get_by_role("group", name=question).get_by_label("Non").check()
    page.get_by_label("Combien cette personne reçoit-elle par mois").fill("0")
    page.get_by_label("Éligible", exact=True).check()
    accessible(page)
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("Décision enregistrée.").is_visible()
    page.get_by_label("Date de signature").fill(today.isoformat())
    page.get_by_label("Signataires").fill("Zoé Parcours, Bruno Exemple")
    page.get_by_role("button", name="Contrat signé").click()
    assert "Actif" in page.locator(".facts").inner_text()
    page.get_by_role("combobox", name="Référent·e").select_option(label="Chloé Exemple")
    page.get_by_role("button", name="Désigner").click()
    assert page.get_by_text("Référent·e enregistré·e.").is_visible()
    logout(page)


def _referent_follows(page: Any) -> str:
    login(page, "referente")
    page.get_by_role("link", name="Accompagnement").click()
    accessible(page)
    page.get_by_role("link", name="Tous mes dossiers").click()
    page.get_by_label("Quartier").select_option("Planoise")
    page.get_by_role("button", name="Filtrer").click()
    accessible(page)
    page.get_by_role("link", name="Zoé Parcours").click()
    file_url = page.url

    page.get_by_role("link", name="Faire le diagnostic d'entrée").click()
    page.get_by_label("Mobilité : niveau de besoin").select_option(label="Priorité")
    page.get_by_label("Mobilité : observations").fill("Pas de permis")
    page.get_by_label("Recherche d'emploi : niveau de besoin").select_option(
        label="Besoin important"
    )
    accessible(page)
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    assert page.get_by_text("Diagnostic enregistré.").is_visible()

    page.get_by_label("Domaine").select_option(label="Mobilité")
    page.get_by_label(re.compile(r"^Objectif\W")).fill("Passer le permis B")
    page.get_by_role("button", name="Ajouter l'objectif").click()
    for title, due in (
        ("Inscription au code", "2027-01-15"),
        ("Demande d'aide au permis", "2027-02-01"),
    ):
        form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'action"))
        form.get_by_label("Objectif").select_option(label="Passer le permis B")
        form.get_by_label(re.compile(r"^Action\W")).fill(title)
        form.get_by_label("Domaine").select_option(label="Mobilité")
        form.get_by_label("Échéance").fill(due)
        form.get_by_role("button", name="Ajouter l'action").click()
        assert page.get_by_text("Action ajoutée.").is_visible()
    plan = page.get_by_role("table", name="Objectifs et actions, tous domaines confondus")
    assert "Inscription au code" in plan.inner_text()
    assert "Demande d'aide au permis" in plan.inner_text()

    page.get_by_text("Prendre un rendez-vous").click()
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    page.get_by_label("Date et heure").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu").fill("CCAS")
    page.get_by_role("button", name="Ajouter à l'agenda").click()
    page.get_by_label("Suite du rendez-vous du").select_option(label="Honoré")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert page.get_by_label("Suite du rendez-vous du").input_value() == "held"

    page.get_by_role("combobox", name="Atelier").select_option(
        label="Découverte des entreprises du Grand Besançon"
    )
    page.get_by_role("button", name="Inscrire").click()
    assert page.get_by_text("Inscription enregistrée.").is_visible()
    accessible(page)
    # Attendance is recorded once the workshop has started: the day of the workshop comes.
    Workshop.objects.filter(title="Découverte des entreprises du Grand Besançon").update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    page.get_by_role("link", name="Découverte des entreprises du Grand Besançon").click()
    page.get_by_label("Présence de Zoé Parcours").select_option(label="Présent·e")
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert page.get_by_label("Présence de Zoé Parcours").input_value() == "present"
    accessible(page)
    logout(page)
    return str(file_url)


def test_whole_path_from_referral_to_exit_counted_by_the_indicators(page: Any) -> None:
    load_demo()
    today = timezone.localdate()
    exits_before = _employment_exits(today)
    _partner_refers(page, today)
    _case_worker_decides(page, today)
    file_url = _referent_follows(page)

    login(page, "instructeur")
    page.goto(file_url)
    page.get_by_label("Motif de sortie").select_option(label="Emploi")
    page.get_by_label("Situation à la sortie").select_option(value="lasting_job")
    page.get_by_label("Précisions").fill("CDD de 6 mois en logistique")
    page.get_by_role("button", name="Clore").click()
    assert page.locator("#consequences").is_visible()  # what an exit does, before it is done
    accessible(page)
    page.get_by_role("button", name="Confirmer la sortie du dispositif").click()
    assert "Clos" in page.locator(".facts").inner_text()
    logout(page)

    login(page, "lecteur")
    page.get_by_role("link", name="Indicateurs").click()
    page.get_by_label("Dispositif").select_option(SCHEME)
    page.get_by_label("Du").fill(today.replace(month=1, day=1).isoformat())
    page.get_by_label("Au").fill(today.isoformat())
    page.get_by_role("button", name="Calculer").click()
    row = page.get_by_role("row", name="Sorties : Emploi")
    # published with small counts masked: "< 5" below five exits
    assert row.get_by_role("cell").inner_text() == count_text(exits_before + 1)
    assert "Zoé" not in page.content()
    accessible(page)
