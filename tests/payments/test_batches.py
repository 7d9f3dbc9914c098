"""The monthly batch: due payments only, never twice, four eyes, CSV and a SEPA file that passes
the pain.001.001.03 schema; bank details encrypted at rest and masked on screen."""

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.contracts import workflow
from solidarite.payments import bank, batches
from solidarite.payments.models import BankAccount, Payment, PaymentBatch, PaymentStatus
from tests.factories import OrganisationFactory, user_with_role
from tests.payments.helpers import MONTHLY, eligible_file, envelope

pytestmark = pytest.mark.django_db
IBAN = "FR7630001007941234567890185"
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def world(ccas: Organisation, clock) -> dict[str, object]:  # type: ignore[no-untyped-def]
    clock(dt.date(2026, 2, 5))  # contracts signed within a month; February's batch is due
    worker = user_with_role(Role.CASE_WORKER, ccas)
    envelope(ccas, contracts=5)
    paid = workflow.sign_contract(eligible_file(ccas, 1), worker, dt.date(2026, 1, 10), "X")
    no_rib = workflow.sign_contract(eligible_file(ccas, 2), worker, dt.date(2026, 2, 10), "X")
    bank.save_bank_account(paid.person, "Jeune1 Exemple", "FR76 3000 1007 9412 3456 7890 185")
    return {
        "worker": worker,
        "paid": paid,
        "no_rib": no_rib,
        "prep": user_with_role(Role.FINANCE, ccas),
        "check": user_with_role(Role.FINANCE, ccas),
    }


def test_prepare_takes_the_payments_due_by_the_month_with_bank_details(world) -> None:  # type: ignore[no-untyped-def]
    prepared = batches.prepare(dt.date(2026, 2, 1), world["prep"])
    assert prepared.added == 2  # January and February of the file with a RIB
    assert {p.file for p in prepared.without_bank_details} == {world["no_rib"]}
    assert prepared.batch.payments.count() == 2


def test_preparing_the_same_month_twice_never_pays_twice(world) -> None:  # type: ignore[no-untyped-def]
    first = batches.prepare(dt.date(2026, 2, 1), world["prep"])
    again = batches.prepare(dt.date(2026, 2, 1), world["prep"])
    assert again.batch == first.batch
    assert again.added == 0
    call_command("prepare_payment_batch", "2026-02", "--by", world["prep"].username)
    assert Payment.objects.filter(batch__isnull=False).count() == 2
    assert PaymentBatch.objects.count() == 1


def test_four_eyes(world) -> None:  # type: ignore[no-untyped-def]
    batch = batches.prepare(dt.date(2026, 2, 1), world["prep"]).batch
    with pytest.raises(batches.BatchError, match="autre personne"):
        batches.validate(batch, world["prep"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(validated_by=world["prep"])
    batches.validate(batch, world["check"])
    assert set(batch.payments.values_list("status", flat=True)) == {PaymentStatus.PAID}
    with pytest.raises(batches.BatchError, match="déjà validé"):
        batches.prepare(dt.date(2026, 2, 1), world["prep"])


def test_exports_csv_and_a_schema_valid_sepa_file(world) -> None:  # type: ignore[no-untyped-def]
    batch = batches.prepare(dt.date(2026, 2, 1), world["prep"]).batch
    with pytest.raises(batches.BatchError):
        batches.export_sepa(batch)
    batch = batches.validate(batch, world["check"])
    rows = list(csv.DictReader(io.StringIO(batches.export_csv(batch)), delimiter=";"))
    masked = world["paid"].person.bank_account.iban_masked
    assert [(r["iban_masque"], r["montant"]) for r in rows] == [(masked, "1000.00")]
    assert IBAN not in batches.export_csv(batch)  # the full IBAN travels in the SEPA file only
    xml = batches.export_sepa(batch)
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(xml.decode())
    document = schema.to_dict(xml.decode())
    info = document["CstmrCdtTrfInitn"]["PmtInf"][0]
    transfer = info["CdtTrfTxInf"][0]
    assert transfer["CdtrAcct"]["Id"]["IBAN"] == IBAN
    assert Decimal(str(transfer["Amt"]["InstdAmt"]["$"])) == 2 * MONTHLY
    assert document["CstmrCdtTrfInitn"]["GrpHdr"]["NbOfTxs"] == "1"


def test_the_iban_is_encrypted_at_rest_and_masked(world) -> None:  # type: ignore[no-untyped-def]
    account = BankAccount.objects.get()
    assert IBAN not in account.iban_encrypted
    assert "30001" not in account.iban_encrypted
    assert account.iban_masked == "FR76 •••• •••• •••• •••• •••• 185"
    assert bank.reveal(account).iban == IBAN


@pytest.mark.parametrize(
    ("iban", "reason"),
    [
        ("FR7630001007941234567890186", "clé de contrôle"),
        ("FR76300010079412345678901", "nombre de caractères"),
        ("ZZ7630001007941234567890185", "code pays"),
    ],
)
def test_a_wrong_iban_is_refused_with_its_reason(  # type: ignore[no-untyped-def]
    client: Client, world, iban: str, reason: str
) -> None:
    file = world["no_rib"]
    client.force_login(world["worker"])
    page = client.post(
        reverse("cases_bank_details", args=[file.pk]), {"holder": "X", "iban": iban}, follow=True
    ).content.decode()
    assert reason in page
    assert not BankAccount.objects.filter(person=file.person).exists()


def test_the_file_page_shows_only_the_masked_iban(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["worker"])
    page = client.get(reverse("cases_file", args=[world["paid"].pk])).content.decode()
    assert "FR76 •••• •••• •••• •••• •••• 185" in page
    assert "3456" not in page
    assert f"Programmé ({world['worker'].username})" in page  # each status change: who, when


def test_batch_pages_for_finance_only(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["prep"])
    response = client.post(reverse("payments_batches"), {"month": "2026-02"})
    batch = PaymentBatch.objects.get()
    assert response["Location"] == reverse("payments_batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Valider le lot" not in page
    assert "autre personne" in page
    client.force_login(world["check"])
    confirm = client.get(reverse("payments_batch_validate", args=[batch.pk])).content.decode()
    total_line = confirm.split('id="confirm-total">', 1)[1].split("</p>", 1)[0]
    assert "2 paiements" in total_line
    assert "".join(c for c in total_line.split("total de", 1)[1] if c.isdigit()) == "100000"
    client.post(reverse("payments_batch_validate", args=[batch.pk]), {"total": "1000.00"})
    sepa = client.get(reverse("payments_batch_export", args=[batch.pk, "sepa"]))
    assert sepa["Content-Type"] == "application/xml"
    xmlschema.XMLSchema(str(SCHEMA)).validate(sepa.content.decode())
    for actor in (world["worker"], user_with_role(Role.VIEWER), user_with_role(Role.REFERENT)):
        client.force_login(actor)
        for url in (
            reverse("payments_dashboard"),
            reverse("payments_batch", args=[batch.pk]),
            reverse("payments_batch_export", args=[batch.pk, "csv"]),
        ):
            assert client.get(url).status_code == 404, (actor, url)


def test_the_dashboard_shows_consumption_and_the_forecast(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    batches.validate(batches.prepare(dt.date(2026, 2, 1), world["prep"]).batch, world["check"])
    client.force_login(world["prep"])
    page = client.get(reverse("payments_dashboard")).content.decode()
    assert "Enveloppe de test" in page
    detail = client.get(
        reverse("payments_envelope", args=[world["paid"].payments.first().envelope_id])
    ).content.decode()
    assert "<svg" in detail
    assert "02/2026" in detail  # the data table beside the chart


def test_another_organisations_finance_neither_sees_nor_validates_the_batch(
    client: Client, world
) -> None:  # type: ignore[no-untyped-def]
    batch = batches.prepare(dt.date(2026, 2, 1), world["prep"]).batch
    chenove = user_with_role(Role.FINANCE, OrganisationFactory(name="CCAS de Chenôve"))
    with pytest.raises(batches.BatchError, match="autre organisation"):
        batches.validate(batch, chenove)
    assert batches.prepare(dt.date(2026, 2, 1), chenove).added == 0
    client.force_login(chenove)
    assert client.get(reverse("payments_batch", args=[batch.pk])).status_code == 404
    assert "Enveloppe de test" not in client.get(reverse("payments_dashboard")).content.decode()


def test_a_negative_correction_is_netted_and_never_makes_a_negative_transfer(world, clock) -> None:  # type: ignore[no-untyped-def]
    from solidarite.payments import schedules

    january = world["paid"].payments.order_by("due_on").first()
    schedules.correct(
        january, Decimal("-1200.00"), world["prep"], "Trop-perçu", dt.date(2026, 1, 20)
    )
    prepared = batches.prepare(dt.date(2026, 2, 1), world["prep"])
    assert prepared.added == 0  # 500 + 500 - 1200 < 0: the file waits for a later month
    clock(dt.date(2026, 3, 5))
    march = batches.prepare(dt.date(2026, 3, 1), world["prep"])
    assert march.added == 4  # 3 x 500 - 1200 = 300 > 0
    batch = batches.validate(march.batch, world["check"])
    assert [t.amount for t in batches.transfers(batch)] == [Decimal("300.00")]
