"""Signing generates the schedule from the engine; suspension holds, resuming cancels the months
missed, exit cancels the rest; the envelope is never overrun; amounts are never edited in place."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import ExitReason, FileStatus
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import workflow
from solidarite.payments import schedules
from solidarite.payments.models import Envelope, Payment, PaymentEvent, PaymentStatus
from solidarite.schemes import services
from tests.factories import OrganisationFactory, user_with_role
from tests.payments.helpers import CONTRACT, MONTHLY, eligible_file, envelope

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def _on_the_signing_day(clock) -> None:  # type: ignore[no-untyped-def]
    """Contracts start within a month of today: these tests sign on SIGNED, that day."""
    clock(SIGNED)


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def worker(ccas: Organisation) -> User:
    return user_with_role(Role.CASE_WORKER, ccas)  # type: ignore[no-any-return]


def _statuses(file) -> list[str]:  # type: ignore[no-untyped-def]
    return list(file.payments.order_by("due_on").values_list("status", flat=True))


def test_signing_schedules_twelve_monthly_payments_from_the_engine(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=3)
    file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X, Y")
    payments = list(file.payments.order_by("due_on"))
    assert len(payments) == 12
    assert {p.amount for p in payments} == {MONTHLY}
    assert payments[0].due_on == SIGNED
    assert payments[-1].due_on == dt.date(2026, 12, 15)
    assert file.ends_on == dt.date(2027, 1, 15)
    env.refresh_from_db()
    assert env.committed == CONTRACT
    assert PaymentEvent.objects.filter(to_status="scheduled").count() == 12


def test_the_catalog_envelope_is_created_on_first_signing(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    created = Envelope.objects.get()
    assert created.amount == Decimal("1000000")
    assert created.owner == ccas
    assert created.committed == CONTRACT
    # Issue 18 (finance): the envelope ends with the period it was voted for, never in 2099.
    assert created.ends_on == dt.date(2027, 12, 31)


def test_an_envelope_without_a_period_is_refused_at_catalog_load() -> None:
    from pydantic import ValidationError

    from solidarite.rules.model import SchemeSpec
    from solidarite.schemes.services import get_catalog

    spec = get_catalog().schemes["aide_jeunes_besancon"].spec.model_dump()
    spec["envelope"]["ends_on"] = None
    with pytest.raises(ValidationError, match="an envelope is voted for a period"):
        SchemeSpec.model_validate(spec)


def test_a_signing_that_would_overrun_is_refused_and_writes_nothing(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=1)
    workflow.sign_contract(eligible_file(ccas, 1), worker, SIGNED, "X")
    second = eligible_file(ccas, 2)
    with pytest.raises(TransitionError, match="ne permet pas cet engagement"):
        workflow.sign_contract(second, worker, SIGNED, "X")
    second.refresh_from_db()
    assert second.status == FileStatus.ELIGIBLE
    assert second.contract_text == ""
    assert not second.payments.exists()
    env.refresh_from_db()
    assert env.committed == env.amount


def test_waiting_list_when_the_scheme_says_so(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=1, policy="waiting_list")
    Envelope.objects.filter(pk=env.pk).update(amount=CONTRACT + 2 * MONTHLY)
    first = workflow.sign_contract(eligible_file(ccas, 1), worker, SIGNED, "X")
    waiting = workflow.sign_contract(eligible_file(ccas, 2), worker, SIGNED, "X")
    assert waiting.status == FileStatus.WAITING_LIST
    assert not waiting.payments.exists()
    with pytest.raises(TransitionError, match="Toujours en attente"):
        workflow.start_from_waiting_list(waiting, worker, dt.date(2026, 3, 1))
    workflow.close(first, worker, ExitReason.EMPLOYMENT, on=dt.date(2026, 2, 20))
    started = workflow.start_from_waiting_list(waiting, worker, dt.date(2026, 3, 1))
    assert started.status == FileStatus.ACTIVE
    # the first file keeps January and February, its ten other months return to the envelope
    assert started.payments.count() == 12
    env.refresh_from_db()
    assert env.committed == env.amount


def test_suspension_holds_and_resuming_cancels_the_months_missed(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=1)
    file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    schedules.hold(file, worker)
    # nothing is paid while suspended, not even the months due before and not yet batched
    assert _statuses(file) == ["held"] * 12
    schedules.resume(file, worker, dt.date(2026, 4, 1), dt.date(2026, 6, 1))
    assert _statuses(file) == ["scheduled"] * 3 + ["cancelled"] * 2 + ["scheduled"] * 7
    env.refresh_from_db()
    assert env.committed == CONTRACT - 2 * MONTHLY


def test_exit_cancels_the_remaining_payments_and_releases_the_money(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=1)
    file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    workflow.close(file, worker, ExitReason.EMPLOYMENT, on=dt.date(2026, 5, 20))
    assert _statuses(file) == ["scheduled"] * 5 + ["cancelled"] * 7
    env.refresh_from_db()
    assert env.committed == 5 * MONTHLY


def test_a_parameter_revised_at_a_date_applies_from_that_date(  # type: ignore[no-untyped-def]
    ccas, worker, tmp_path: Path, monkeypatch
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(services.CATALOG_DIR, catalog)
    scheme = catalog / "schemes" / "aide_jeunes_besancon.yaml"
    text = scheme.read_text()
    assert "values: {2021-01-01: 500}" in text
    scheme.write_text(
        text.replace("values: {2021-01-01: 500}", "values: {2021-01-01: 500, 2026-06-01: 550}")
    )
    monkeypatch.setattr(services, "CATALOG_DIR", catalog)
    services.get_catalog.cache_clear()
    try:
        envelope(ccas, contracts=2)
        file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    finally:
        services.get_catalog.cache_clear()
    amounts = [p.amount for p in file.payments.order_by("due_on")]
    assert amounts == [Decimal("500.00")] * 5 + [Decimal("550.00")] * 7


def test_amounts_are_never_edited_in_place_and_a_correction_is_a_new_entry(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=2)
    file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    payment = file.payments.first()
    payment.amount = Decimal("1.00")
    with pytest.raises(ValueError, match="correction"):
        payment.save()
    payment.refresh_from_db()
    correction = schedules.correct(payment, Decimal("-50.00"), worker, "Trop-perçu", SIGNED)
    assert correction.corrects == payment
    assert payment.amount == MONTHLY
    env.refresh_from_db()
    assert env.committed == CONTRACT - Decimal("50.00")
    with pytest.raises(ValueError, match="motivée"):
        schedules.correct(payment, Decimal("10"), worker, " ", SIGNED)


def test_the_database_refuses_a_second_payment_for_the_same_file_and_month(ccas, worker) -> None:  # type: ignore[no-untyped-def]
    envelope(ccas, contracts=2)
    file = workflow.sign_contract(eligible_file(ccas), worker, SIGNED, "X")
    first = file.payments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            file=file,
            envelope=first.envelope,
            month=first.month,
            due_on=first.due_on,
            amount=MONTHLY,
        )


def test_the_database_refuses_an_overrun_even_without_the_lock(ccas) -> None:  # type: ignore[no-untyped-def]
    env = envelope(ccas, contracts=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Envelope.objects.filter(pk=env.pk).update(committed=env.amount + 1)
    assert PaymentStatus.PAID in [s for s, _ in PaymentStatus.choices]
