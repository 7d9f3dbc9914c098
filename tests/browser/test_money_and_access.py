"""The money-and-access paths in the browser, with axe: a member of two organisations chooses
the one they act for; a contract starting months back goes through a catch-up requested by one
case worker and approved by another; the preparer cancels a batch."""

import re
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from solidarite.accounts.models import Membership, Organisation
from solidarite.accounts.roles import Role
from solidarite.cases.models import CaseFile, FileStatus
from solidarite.core import clock
from solidarite.core.demo.loader import load_demo
from solidarite.payments.models import BatchStatus, Payment, PaymentBatch, PaymentStatus
from tests.browser.steps import accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo(settings: Any) -> None:
    settings.DEBUG = True  # the demo loads only with DEBUG on
    load_demo()


def test_a_member_of_two_organisations_chooses_the_one_they_act_for(page: Any) -> None:
    chenove = Organisation.objects.get(code="ccas-de-chenove")
    Membership.objects.create(user=accounts_user("admin"), organisation=chenove, role=Role.VIEWER)
    login(page, "admin")
    page.goto("/audit/acces/")
    assert page.get_by_role("heading", name="Pour quelle organisation agissez-vous ?").is_visible()
    accessible(page)
    page.get_by_label("CCAS de Chenôve").check()
    page.get_by_role("button", name="Agir pour cette organisation").click()
    assert page.get_by_text("Pour : CCAS de Chenôve").is_visible()
    assert page.get_by_role("link", name="Journal d'audit").count() == 0  # a viewer there
    page.get_by_role("link", name="changer d'organisation").click()
    page.get_by_label("CCAS de Besançon").check()
    page.get_by_role("button", name="Agir pour cette organisation").click()
    assert page.get_by_text("Pour : CCAS de Besançon").is_visible()
    page.get_by_role("link", name="Journal d'audit").click()
    assert page.url.endswith("/audit/acces/")
    accessible(page)


def accounts_user(username: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


def test_a_catch_up_is_requested_by_one_and_approved_by_another(page: Any) -> None:
    file = CaseFile.objects.filter(status=FileStatus.ELIGIBLE).first()
    assert file is not None
    start = clock.today() - relativedelta(months=3)
    login(page, "instructeur")
    page.goto(f"/accompagnement/dossiers/{file.pk}/")
    page.get_by_label("Date de signature").fill(start.isoformat())
    page.get_by_label("Signataires").fill("La personne, l'instructeur")
    page.get_by_role("button", name="Contrat signé").click()
    assert page.get_by_text("demandez un rattrapage").is_visible()
    page.get_by_label("Début du contrat demandé").fill(start.isoformat())
    page.get_by_label("Motif du rattrapage").fill("Contrat papier signé en agence, saisi en retard")
    page.get_by_role("button", name="Demander un rattrapage").click()
    assert page.get_by_text("en attente d'approbation par une autre personne").is_visible()
    assert page.get_by_role("button", name="Approuver ce rattrapage").count() == 0
    accessible(page)
    logout(page)

    login(page, "instructrice")
    page.goto(f"/accompagnement/dossiers/{file.pk}/")
    page.get_by_role("button", name="Approuver ce rattrapage").click()
    assert page.get_by_text("Rattrapage approuvé").first.is_visible()
    page.get_by_label("Date de signature").fill(start.isoformat())
    page.get_by_label("Signataires").fill("La personne, l'instructrice")
    page.get_by_role("button", name="Contrat signé").click()
    assert "Actif" in page.locator(".facts").inner_text()
    accessible(page)
    file.refresh_from_db()
    assert file.payments.filter(catch_up__isnull=False).count() == 12


def test_the_preparer_cancels_a_prepared_batch(page: Any) -> None:
    month = clock.today().replace(day=1)
    login(page, "finances")
    page.get_by_role("link", name="Finances").click()
    page.get_by_role("link", name="Lots de paiement mensuels").click()
    page.get_by_label("Mois").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Préparer le lot du mois").click()
    batch = PaymentBatch.objects.get(month=month, status=BatchStatus.PREPARED)
    in_batch = batch.payments.count()
    assert in_batch > 0
    page.get_by_role("button", name=re.compile("Annuler ce lot")).click()
    assert page.get_by_text("Lot annulé : ses paiements sont de nouveau dus.").is_visible()
    accessible(page)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    assert not batch.payments.exists()
    assert not Payment.objects.filter(status=PaymentStatus.BATCHED).exists()
