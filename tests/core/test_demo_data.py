"""The demo data loads idempotently: a second load changes nothing and duplicates nothing."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from solidarite.accounts.models import Membership, Organisation
from solidarite.cases.models import Appointment, CaseFile, FileTransition, Person
from solidarite.core.demo import accounts
from solidarite.core.demo.loader import load_demo
from solidarite.plans.models import Measure, Milestone, Plan


@pytest.fixture(autouse=True)
def _demo_allowed(settings: Any) -> None:
    """The demo loads only with DEBUG on (a local install); pytest runs with DEBUG off."""
    settings.DEBUG = True


pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        LogEntry.objects.count(),
        Plan.objects.count(),
        Measure.objects.count(),
        Milestone.objects.count(),
        Person.objects.count(),
        CaseFile.objects.count(),
        FileTransition.objects.count(),
        Appointment.objects.count(),
    )


def test_demo_load_twice_changes_nothing() -> None:
    summary = load_demo()
    first = _snapshot()
    n_accounts = len(accounts.ACCOUNTS)
    assert first[1:3] == (n_accounts, n_accounts)
    assert first[0] > len(accounts.ORGANISATIONS)  # plus the pilots named by the plans
    assert first[4:6] == (3, 97)
    assert load_demo() == summary
    assert _snapshot() == first


def test_every_role_has_a_demo_account_that_can_sign_in() -> None:
    from solidarite.accounts.roles import Role

    load_demo()
    assert {a.role for a in accounts.ACCOUNTS} == set(Role)
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(accounts.DEMO_PASSWORD)


def test_demo_caseload_has_every_stage_and_something_for_the_dashboard() -> None:
    from django.utils import timezone

    from solidarite.cases import caseload
    from solidarite.cases.models import FileStatus, Referral, ReferralStatus

    load_demo()
    statuses = set(CaseFile.objects.values_list("status", flat=True))
    assert statuses == set(FileStatus) - {
        FileStatus.CONTRACT_SIGNED,
        FileStatus.INELIGIBLE,
        FileStatus.WAITING_LIST,
    }
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).count() == 3
    referent = get_user_model().objects.get(username="referente")
    board = caseload.dashboard(referent, timezone.now())
    assert board.overdue_actions
    assert board.upcoming
    assert all(
        p.last_name
        in {
            "Fictif",
            "Exemple",
            "Démo",
            "Essai",
            "Modèle",
            "Témoin",
            "Spécimen",
            "Maquette",
            "Fictif-Élève",
        }
        for p in Person.objects.all()
    )


def test_demo_money_past_batches_are_paid_and_validated_by_a_second_person() -> None:
    from solidarite.payments.models import BatchStatus, Envelope, PaymentBatch, Unit

    load_demo()
    batches = PaymentBatch.objects.all()
    assert batches.exists()
    assert {b.status for b in batches} == {BatchStatus.VALIDATED}
    assert all(b.prepared_by != b.validated_by for b in batches)
    envelope = Envelope.objects.get(unit=Unit.EUR)
    assert 0 < envelope.committed <= envelope.amount
