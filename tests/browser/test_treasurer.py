"""The treasurer's month in the browser: `finances` prepares the month's batch, `tresoriere`
validates it, the SEPA file is downloaded and checked against the pain.001 schema; a contract
signing that would overrun the envelope is refused with its message. axe on every page."""

import re
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import xmlschema
from django.db.models import F
from django.utils import timezone

from solidarite.cases.models import CaseFile, FileStatus
from solidarite.core.demo.loader import load_demo
from solidarite.payments.models import Envelope, Payment, PaymentStatus, Unit
from tests.browser.steps import accessible, login, logout


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True


pytestmark = pytest.mark.django_db(transaction=True)
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def test_prepare_validate_and_download_the_month_batch(page: Any, tmp_path: Path) -> None:
    load_demo()
    month = timezone.localdate().replace(day=1)
    due = Payment.objects.filter(status=PaymentStatus.SCHEDULED, month__lte=month).count()
    assert due > 0

    login(page, "finances")
    page.get_by_role("link", name="Finances").click()
    accessible(page)
    page.get_by_role("link", name="Enveloppe de l'expérimentation").click()
    assert page.get_by_role("img", name="Consommation de l'enveloppe dans le temps").is_visible()
    accessible(page)
    page.get_by_role("link", name="Finances").click()
    page.get_by_role("link", name="Lots de paiement mensuels").click()
    page.get_by_label("Mois").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Préparer le lot du mois").click()
    assert page.get_by_text(f"Lot préparé : {due} paiement(s) ajouté(s).").is_visible()
    assert page.get_by_role("link", name="Valider le lot").count() == 0
    accessible(page)
    batch_url = page.url
    logout(page)

    login(page, "tresoriere")
    page.goto(batch_url)
    page.get_by_role("link", name="Valider le lot").click()
    assert "Vous allez valider" in page.locator("#confirm-total").inner_text()
    accessible(page)
    page.get_by_role("button", name=re.compile("Confirmer la validation")).click()
    assert page.locator("#batch-status").inner_text() == "Validé"
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le virement SEPA (pain.001)").click()
    target = tmp_path / "sepa.xml"
    info.value.save_as(target)
    schema = xmlschema.XMLSchema(str(SCHEMA))
    document = schema.to_dict(target.read_text())
    transactions = int(document["CstmrCdtTrfInitn"]["GrpHdr"]["NbOfTxs"])
    assert transactions == Payment.objects.filter(month=month, status=PaymentStatus.PAID).count()
    accessible(page)
    page.get_by_role("link", name="Finances").click()
    row = page.get_by_role("row", name="Enveloppe de l'expérimentation")
    assert f"{transactions}" in row.get_by_role("cell").nth(5).inner_text()


def test_a_signing_that_would_overrun_is_refused_with_its_message(page: Any) -> None:
    load_demo()
    Envelope.objects.filter(unit=Unit.EUR).update(amount=F("committed") + 100)
    file = CaseFile.objects.get(status=FileStatus.ELIGIBLE)
    login(page, "instructeur")
    page.goto(f"/accompagnement/dossiers/{file.pk}/")
    page.get_by_label("Signataires").fill("La personne, Bruno Exemple")
    page.get_by_role("button", name="Contrat signé").click()
    message = page.get_by_text("Signature refusée.")
    assert message.is_visible()
    assert "ne permet pas cet engagement" in message.inner_text()
    file.refresh_from_db()
    assert file.status == FileStatus.ELIGIBLE
    assert not file.payments.exists()
    accessible(page)


def test_a_case_worker_lends_a_laptop_and_the_stock_pages_pass_axe(page: Any) -> None:
    load_demo()
    login(page, "instructeur")
    page.get_by_role("link", name="Aides en nature").click()
    overdue = page.get_by_role("heading", name="Prêts en retard")
    assert overdue.is_visible()
    assert "PC-001" in page.content()  # the demo's overdue loan
    accessible(page)
    page.get_by_role("link", name="Ordinateur portable").click()
    before = page.get_by_text("En stock :").inner_text()
    # The hand-out form, below the search that narrows its person picker.
    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer le prêt"))
    form.get_by_label("ou nouvelle personne : prénom").fill("Noa")
    form.get_by_label(re.compile(r"^Nom\W")).fill("Fictif-Élève")
    form.get_by_label("Date de naissance").fill("2012-05-05")
    form.get_by_label("Code commune").fill("25056")
    form.get_by_label("À rendre le (prêt)").fill("2027-06-30")
    form.get_by_label("Numéro de série (prêt)").fill("PC-099")
    form.get_by_role("button", name="Enregistrer le prêt").click()
    assert page.get_by_text("Enregistré pour Noa Fictif-Élève.").is_visible()
    assert page.get_by_text("En stock :").inner_text() != before
    assert page.get_by_role("row", name="Noa Fictif-Élève").is_visible()
    accessible(page)
