"""The demo data loads idempotently: a second load changes nothing and duplicates nothing."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from solidarite.accounts.models import Membership, Organisation
from solidarite.core.demo import accounts
from solidarite.core.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        LogEntry.objects.count(),
    )


def test_demo_load_twice_changes_nothing() -> None:
    summary = load_demo()
    first = _snapshot()
    assert first[:3] == (
        len(accounts.ORGANISATIONS),
        len(accounts.ACCOUNTS),
        len(accounts.ACCOUNTS),
    )
    assert load_demo() == summary
    assert _snapshot() == first


def test_every_role_has_a_demo_account_that_can_sign_in() -> None:
    from solidarite.accounts.roles import Role

    load_demo()
    assert {a.role for a in accounts.ACCOUNTS} == set(Role)
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(accounts.DEMO_PASSWORD)
