"""Fifty case workers sign at once against an envelope that fits thirty contracts: exactly thirty
succeed and the committed sum never exceeds the envelope. PostgreSQL only (row locks)."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import CaseFile, FileStatus
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import workflow
from solidarite.payments.models import Envelope, Payment, PaymentStatus
from tests.factories import OrganisationFactory, user_with_role
from tests.payments.helpers import CONTRACT, eligible_file, envelope

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
SIGNINGS, FITS = 50, 30


def test_fifty_concurrent_signings_against_an_envelope_that_fits_thirty(clock) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    clock(dt.date(2026, 1, 15))
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    worker = user_with_role(Role.CASE_WORKER, ccas)
    env = envelope(ccas, contracts=FITS)
    pks = [eligible_file(ccas, n, with_inputs=False).pk for n in range(SIGNINGS)]
    start = threading.Barrier(SIGNINGS)

    def sign(pk: int) -> str:
        try:
            file = CaseFile.objects.get(pk=pk)
            start.wait(timeout=30)
            workflow.sign_contract(file, worker, dt.date(2026, 1, 15), "Signataires")
            return "signed"
        except TransitionError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SIGNINGS) as pool:
        outcomes = list(pool.map(sign, pks))

    assert outcomes.count("signed") == FITS
    assert outcomes.count("refused") == SIGNINGS - FITS
    env.refresh_from_db()
    assert env.committed == env.amount == CONTRACT * FITS
    scheduled = Payment.objects.exclude(status=PaymentStatus.CANCELLED)
    assert sum((p.amount for p in scheduled), Decimal(0)) == env.committed
    assert CaseFile.objects.filter(status=FileStatus.ACTIVE).count() == FITS
    assert CaseFile.objects.filter(status=FileStatus.ELIGIBLE).count() == SIGNINGS - FITS
    assert Envelope.objects.count() == 1


def test_concurrent_first_signings_create_the_catalog_envelope_once(clock) -> None:  # type: ignore[no-untyped-def]
    clock(dt.date(2026, 1, 15))
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    worker = user_with_role(Role.CASE_WORKER, ccas)
    pks = [eligible_file(ccas, n, with_inputs=False).pk for n in range(10)]
    start = threading.Barrier(len(pks))

    def sign(pk: int) -> str:
        try:
            file = CaseFile.objects.get(pk=pk)
            start.wait(timeout=30)
            workflow.sign_contract(file, worker, dt.date(2026, 1, 15), "Signataires")
            return "signed"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(pks)) as pool:
        outcomes = list(pool.map(sign, pks))

    assert outcomes == ["signed"] * len(pks)
    envelope = Envelope.objects.get()
    assert envelope.committed == CONTRACT * len(pks)
