"""The life cycle of personal data in the browser, with axe: the public retention page, the
referent's warning with a legal hold, and an administrator's export and erasure."""

import datetime as dt
import re
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from solidarite.cases.models import CaseFile, FileStatus, Person
from solidarite.core import clock as platform_clock
from solidarite.core.demo.loader import load_demo
from solidarite.privacy.activity import last_activity
from solidarite.privacy.models import Erasure, LegalHold
from tests.browser.steps import accessible, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo(settings: Any) -> None:
    settings.DEBUG = True
    load_demo()


def test_the_retention_page_is_public_and_accessible(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="Durées de conservation").click()
    table = page.locator("#retention")
    assert "Journal des accès" in table.inner_text()
    assert "24 mois" in table.inner_text()
    accessible(page)


def test_a_referent_keeps_a_file_about_to_be_anonymised(page: Any, clock: Any) -> None:
    closed = CaseFile.objects.filter(status=FileStatus.CLOSED).order_by("closed_on").first()
    assert closed is not None
    ends = last_activity(closed.person) + relativedelta(months=24)  # latest event, uncapped
    clock(ends - dt.timedelta(days=10))
    login(page, "referente")
    page.get_by_role("link", name="Accompagnement").click()
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Données bientôt anonymisées")
    )
    assert section.is_visible()
    accessible(page)
    section.locator("summary").first.click()
    section.get_by_label("Motif de conservation").first.fill("Recours de la personne en cours")
    review = platform_clock.today() + dt.timedelta(days=180)
    section.get_by_label("À réexaminer le").first.fill(review.isoformat())
    section.get_by_role("button", name="Conserver ce dossier").first.click()
    assert page.get_by_text("Conservation enregistrée").is_visible()
    hold = LegalHold.objects.get()
    assert hold.review_on == review


def test_an_administrator_exports_then_erases_a_person(page: Any) -> None:
    person = Person.objects.filter(files__status=FileStatus.ACTIVE).first()
    assert person is not None
    login(page, "admin")
    page.get_by_role("link", name="Données personnelles").click()
    page.get_by_label("Nom de famille").fill(person.last_name)
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name=str(person)).first.click()
    assert page.locator("#last-activity").is_visible()
    accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter (JSON)").click()
    assert info.value.suggested_filename == f"donnees-personne-{person.pk}.json"
    page.get_by_label(re.compile("Motif de l.effacement")).fill("Demande écrite du 3 mars")
    page.get_by_label(re.compile("Je confirme")).check()
    page.get_by_role("button", name="Effacer les données de cette personne").click()
    assert page.get_by_text("pseudonymisés").is_visible()  # paid: payments kept by law
    accessible(page)
    person.refresh_from_db()
    assert person.anonymised_on is not None
    assert Erasure.objects.get().payments_kept
    logout(page)
