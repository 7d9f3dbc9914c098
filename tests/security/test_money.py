"""Money attacks (issue 11, items 1-4): each test reproduces what got through before and shows
that it no longer does. Concurrency is in test_payment_race.py (PostgreSQL)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind
from solidarite.cases.models import CaseFile, ExitReason, FileStatus
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import workflow
from solidarite.payments import bank, batches, envelopes
from solidarite.payments.models import (
    BatchStatus,
    CatchUp,
    Envelope,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from tests.factories import OrganisationFactory
from tests.payments.helpers import CONTRACT, MONTHLY, SCHEME, eligible_file, envelope
from tests.security.conftest import SIGNED

pytestmark = pytest.mark.django_db
IBAN = "FR7630001007941234567890185"


@pytest.fixture(autouse=True)
def _today(clock: Any) -> None:
    clock(SIGNED)


def _signed(ccas: Organisation, worker: Any, n: int = 0, on: dt.date = SIGNED) -> CaseFile:
    file = workflow.sign_contract(eligible_file(ccas, n), worker, on, "X")
    bank.save_bank_account(file.person, f"Jeune{n} Exemple", IBAN)
    return file


# 1. Envelopes belong to the scheme's organisation ----------------------------------------


def test_another_organisation_cannot_open_an_envelope_on_our_scheme(
    client: Client, ccas: Organisation, chenove: Organisation, people: dict[str, Any]
) -> None:
    with pytest.raises(envelopes.NotProvider):
        Envelope.objects.create(
            scheme_id=SCHEME,
            label="Détournement",
            amount=Decimal("100000"),
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            owner=chenove,
        )
    client.force_login(people["chenove_finance"])
    page = client.get(reverse("payments_dashboard")).content.decode()
    assert f'value="{SCHEME}"' not in page  # not even offered
    response = client.post(
        reverse("payments_dashboard"),
        {
            "scheme_id": SCHEME,
            "label": "Détournement",
            "amount": "100000",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "when_exhausted": "refuse",
        },
    )
    assert response.status_code == 200
    assert not Envelope.objects.exists()


def test_signing_never_draws_on_another_organisations_envelope(
    ccas: Organisation, chenove: Organisation, people: dict[str, Any]
) -> None:
    """Before: Chenôve's envelope on the Besançon scheme was chosen at signing, and Besançon's
    beneficiaries landed in Chenôve's batch and export."""
    Envelope.objects.bulk_create(  # written past the model's check, as an old bug could have
        [
            Envelope(
                scheme_id=SCHEME,
                label="Enveloppe d'une autre organisation",
                amount=CONTRACT * 10,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2099, 12, 31),
                owner=chenove,
            )
        ]
    )
    ours = envelope(ccas, contracts=2)
    file = _signed(ccas, people["worker"])
    assert {p.envelope_id for p in file.payments.all()} == {ours.pk}
    assert batches.prepare(SIGNED, people["chenove_finance"]).added == 0
    assert not Payment.objects.filter(batch__organisation=chenove).exists()


def test_the_database_refuses_a_payment_on_another_organisations_envelope(
    ccas: Organisation, chenove: Organisation
) -> None:
    file = eligible_file(ccas)
    (theirs,) = Envelope.objects.bulk_create(
        [
            Envelope(
                scheme_id=SCHEME,
                label="Autre",
                amount=CONTRACT,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2099, 12, 31),
                owner=chenove,
            )
        ]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            file=file, envelope=theirs, month=dt.date(2026, 3, 1), due_on=SIGNED, amount=MONTHLY
        )


# 2. A payment that should not be paid is never paid ---------------------------------------


def test_exit_after_preparing_takes_the_payments_out_of_the_batch_and_releases_the_money(
    ccas: Organisation, people: dict[str, Any], clock: Any
) -> None:
    env = envelope(ccas, contracts=1)
    file = _signed(ccas, people["worker"], on=dt.date(2026, 2, 20))
    clock(dt.date(2026, 4, 2))
    batch = batches.prepare(dt.date(2026, 4, 1), people["preparer"]).batch
    assert batch.payments.count() == 3  # February, March (late) and April
    workflow.close(file, people["worker"], ExitReason.EMPLOYMENT, on=dt.date(2026, 3, 5))
    # February's payment was due before the exit: it stays; March and April leave the batch.
    assert list(batch.payments.values_list("due_on", flat=True)) == [dt.date(2026, 2, 20)]
    env.refresh_from_db()
    assert env.committed == MONTHLY
    batches.validate(batch, people["treasurer"])
    paid = Payment.objects.filter(status=PaymentStatus.PAID)
    assert [p.due_on for p in paid] == [dt.date(2026, 2, 20)]


def test_suspension_after_preparing_takes_every_payment_out_of_the_batch(
    ccas: Organisation, people: dict[str, Any], clock: Any
) -> None:
    envelope(ccas, contracts=1)
    file = _signed(ccas, people["worker"])
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    assert batch.payments.count() == 1
    workflow.suspend(file, people["worker"], "Hospitalisation")
    assert not batch.payments.exists()
    assert set(file.payments.values_list("status", flat=True)) == {PaymentStatus.HELD}
    with pytest.raises(batches.BatchError, match="aucun paiement"):
        batches.validate(batch, people["treasurer"])
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()


def test_validation_rechecks_each_file_under_lock_and_drops_what_is_no_longer_due(
    ccas: Organisation, people: dict[str, Any]
) -> None:
    """A file closed or suspended by a path that forgot the batch (a bug, an import, a raw
    update) is still never paid: validation re-reads every file under its row lock."""
    env = envelope(ccas, contracts=3)
    kept = _signed(ccas, people["worker"], 1)
    closed = _signed(ccas, people["worker"], 2)
    suspended = _signed(ccas, people["worker"], 3)
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    assert batch.payments.count() == 3
    CaseFile.objects.filter(pk=closed.pk).update(
        status=FileStatus.CLOSED, exit_reason=ExitReason.OTHER, closed_on=SIGNED - dt.timedelta(1)
    )
    CaseFile.objects.filter(pk=suspended.pk).update(status=FileStatus.SUSPENDED)
    committed_before = Envelope.objects.get(pk=env.pk).committed
    batches.validate(batch, people["treasurer"])
    paid = Payment.objects.filter(status=PaymentStatus.PAID)
    assert [p.file_id for p in paid] == [kept.pk]
    assert closed.payments.get(due_on=SIGNED).status == PaymentStatus.CANCELLED
    assert suspended.payments.get(due_on=SIGNED).status == PaymentStatus.HELD
    env.refresh_from_db()
    assert env.committed == committed_before - MONTHLY  # the closed file's month is released
    total_paid = sum(p.amount for p in paid)
    assert total_paid + 0 <= env.committed <= env.amount


# 3. No payment in advance or in a lump by accident ----------------------------------------


def test_a_batch_for_a_future_month_is_refused(ccas: Organisation, people: dict[str, Any]) -> None:
    envelope(ccas, contracts=1)
    _signed(ccas, people["worker"])
    with pytest.raises(batches.BatchError, match="mois en cours ou un mois passé"):
        batches.prepare(dt.date(2026, 4, 1), people["preparer"])
    assert not PaymentBatch.objects.exists()
    assert not Payment.objects.filter(status=PaymentStatus.BATCHED).exists()


@pytest.mark.parametrize("start", [dt.date(2025, 12, 1), dt.date(2026, 7, 1)])
def test_a_contract_start_out_of_bounds_needs_a_catch_up_by_a_second_person(
    ccas: Organisation, people: dict[str, Any], start: dt.date
) -> None:
    env = envelope(ccas, contracts=1)
    file = eligible_file(ccas)
    with pytest.raises(TransitionError, match="demandez un rattrapage"):
        workflow.sign_contract(file, people["worker"], start, "X")
    assert not Payment.objects.exists()
    catch_up = workflow.request_catch_up(file, people["worker"], start, "Dossier papier égaré")
    with pytest.raises(TransitionError, match="autre personne"):
        workflow.approve_catch_up(catch_up, people["worker"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CatchUp.objects.filter(pk=catch_up.pk).update(approved_by=people["worker"])
    workflow.approve_catch_up(catch_up, people["second_worker"])
    signed = workflow.sign_contract(file, people["worker"], start, "X")
    assert signed.status == FileStatus.ACTIVE
    assert set(signed.payments.values_list("catch_up", flat=True)) == {catch_up.pk}
    env.refresh_from_db()
    assert env.committed == CONTRACT


def test_a_catch_up_is_shown_as_such_in_the_batch(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    envelope(ccas, contracts=1)
    file = eligible_file(ccas)
    start = dt.date(2025, 12, 10)
    catch_up = workflow.request_catch_up(file, people["worker"], start, "Oubli de saisie")
    workflow.approve_catch_up(catch_up, people["second_worker"])
    workflow.sign_contract(file, people["worker"], start, "X")
    bank.save_bank_account(file.person, "Jeune0 Exemple", IBAN)
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    assert batch.payments.count() == 4  # December to March: a lump, decided and visible
    client.force_login(people["treasurer"])
    page = client.get(reverse("payments_batch", args=[batch.pk])).content.decode()
    assert page.count('class="catch-up"') == 4
    rows = batches.export_csv(batches.validate(batch, people["treasurer"]))
    assert rows.splitlines()[1].split(";")[4] == "oui"


def test_a_prepared_batch_can_be_cancelled_and_its_payments_are_due_again(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    envelope(ccas, contracts=1)
    _signed(ccas, people["worker"])
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    client.force_login(people["preparer"])
    client.post(reverse("payments_batch_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.SCHEDULED}
    assert not Payment.objects.filter(batch__isnull=False).exists()
    again = batches.prepare(SIGNED, people["treasurer"])  # a new batch, by anyone
    assert again.added == 1
    assert again.batch.pk != batch.pk


# 4. Four eyes on every euro -----------------------------------------------------------------


def test_nobody_but_the_preparer_adds_to_a_batch(
    ccas: Organisation, people: dict[str, Any]
) -> None:
    """Before: the treasurer re-prepared the month (adding a payment), then validated a batch
    holding a euro she had put in herself."""
    envelope(ccas, contracts=2)
    _signed(ccas, people["worker"], 1)
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    _signed(ccas, people["worker"], 2)
    with pytest.raises(batches.BatchError, match="seule cette personne y ajoute"):
        batches.prepare(SIGNED, people["treasurer"])
    assert batch.payments.count() == 1
    late = Payment.objects.get(batch__isnull=True, due_on=SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Payment.objects.filter(pk=late.pk).update(
            batch=batch, batched_by=people["treasurer"], status=PaymentStatus.BATCHED
        )
    batches.prepare(SIGNED, people["preparer"])
    assert batch.payments.count() == 2
    with pytest.raises(batches.BatchError, match="autre personne"):
        batches.validate(batch, people["preparer"])
    batches.validate(batch, people["treasurer"])


def test_validation_asks_for_the_total_and_a_double_click_pays_once(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    envelope(ccas, contracts=2)
    _signed(ccas, people["worker"], 1)
    batch = batches.prepare(SIGNED, people["preparer"]).batch
    client.force_login(people["treasurer"])
    url = reverse("payments_batch_validate", args=[batch.pk])
    assert 'name="total" value="500.00"' in client.get(url).content.decode()
    client.post(url, {"total": "400.00"})  # the batch is not what was shown
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREPARED
    for _ in range(2):
        client.post(url, {"total": "500.00"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.VALIDATED
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1
    assert batch.payments.get().events.filter(to_status=PaymentStatus.PAID).count() == 1


def test_another_organisations_stock_never_draws_on_our_schemes_capacity(
    client: Client, chenove: Organisation, people: dict[str, Any]
) -> None:
    from solidarite.cases.models import Person
    from solidarite.payments import in_kind
    from solidarite.payments.models import ItemKind, Unit

    OrganisationFactory(name="Ville de Besançon", kind=OrganisationKind.CITY_DEPARTMENT)
    client.force_login(people["chenove_finance"])
    client.post(reverse("payments_stock"), {"name": "Packs", "scheme_id": "pack_rentree_solidaire"})
    assert not ItemKind.objects.exists()  # refused: the Ville de Besançon provides that scheme
    packs = ItemKind.objects.create(
        organisation=chenove, name="Packs", scheme_id="pack_rentree_solidaire"
    )
    in_kind.receive(packs, 5, SIGNED, people["chenove_finance"])
    pupil = Person.objects.create(
        first_name="Élève",
        last_name="Exemple",
        birth_date=dt.date(2014, 1, 1),
        commune_code="21166",
    )
    with pytest.raises(in_kind.InKindError, match="seule cette organisation le finance"):
        in_kind.give(packs, pupil, SIGNED, people["chenove_finance"])
    assert not Envelope.objects.filter(unit=Unit.ITEMS).exists()


def test_the_bank_statement_reads_the_schemes_title_and_the_month(
    ccas: Organisation, people: dict[str, Any]
) -> None:
    envelope(ccas, contracts=1)
    _signed(ccas, people["worker"])
    batch = batches.validate(batches.prepare(SIGNED, people["preparer"]).batch, people["treasurer"])
    (transfer,) = batches.transfers(batch)
    assert transfer.description == (
        "Accompagnement des jeunes en grande précarité (18-25 ans) 03/2026"
    )
    assert "aide_jeunes" not in batches.export_sepa(batch).decode()
