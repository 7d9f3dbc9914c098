"""Exit and suspension racing the batch (issue 11, item 2), on PostgreSQL where row locks are
real: whatever the interleaving, paid + committed never exceeds the envelope, the envelope's
committed sum is exactly what is still owed or paid, and nothing is paid to a file for a month
after its exit or while it is suspended."""

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from solidarite.accounts.models import Organisation
from solidarite.cases.models import CaseFile, ExitReason, FileStatus
from solidarite.contracts import workflow
from solidarite.payments import bank, batches
from solidarite.payments.models import Envelope, Payment, PaymentBatch, PaymentStatus
from tests.payments.helpers import eligible_file, envelope

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
FILES = 12
START = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 5, 6)  # March, April and May are due
IBAN = "FR7630001007941234567890185"


def _world(ccas: Organisation, people: dict[str, Any], clock: Callable[..., Any]) -> list[int]:
    clock(START)
    envelope(ccas, contracts=FILES)
    pks = []
    for n in range(FILES):
        file = workflow.sign_contract(eligible_file(ccas, n), people["worker"], START, "X")
        bank.save_bank_account(file.person, f"Jeune{n} Exemple", IBAN)
        pks.append(file.pk)
    clock(TODAY, tick=True)  # time runs: events of concurrent transactions are ordered
    return pks


def _run_together(*jobs: Callable[[], object]) -> list[object]:
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> object:
        try:
            start.wait(timeout=30)
            return job()
        except Exception as exc:  # the outcome is what the test checks
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _assert_money_is_right() -> None:
    for env in Envelope.objects.all():
        payments = Payment.objects.filter(envelope=env)
        owed = payments.exclude(status=PaymentStatus.CANCELLED).aggregate(s=Sum("amount"))["s"]
        paid = payments.filter(status=PaymentStatus.PAID).aggregate(s=Sum("amount"))["s"]
        assert env.committed == (owed or Decimal(0))
        assert (paid or Decimal(0)) <= env.committed <= env.amount
    for payment in Payment.objects.filter(status=PaymentStatus.PAID).select_related("file"):
        file = payment.file
        paid_at = payment.events.get(to_status=PaymentStatus.PAID).at
        suspended = file.transitions.filter(to_status=FileStatus.SUSPENDED).first()
        # paid only while the file was active: a suspension came after the payment, if at all
        assert suspended is None or suspended.at > paid_at
        if file.status == FileStatus.CLOSED:
            assert file.closed_on is not None
            assert payment.due_on <= file.closed_on


def test_exits_while_the_batch_is_prepared_and_validated(
    ccas: Organisation, people: dict[str, Any], clock: Callable[..., Any]
) -> None:
    assert connection.vendor == "postgresql"
    pks = _world(ccas, people, clock)
    exit_on = dt.date(2026, 3, 20)  # after March's payment, before April's and May's
    leaving = pks[: FILES // 2]

    def close(pk: int) -> Callable[[], object]:
        return lambda: workflow.close(
            CaseFile.objects.get(pk=pk), people["worker"], ExitReason.EMPLOYMENT, on=exit_on
        )

    outcomes = _run_together(
        lambda: batches.prepare(TODAY, people["preparer"]), *(close(pk) for pk in leaving)
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    batch = PaymentBatch.objects.get()
    outcomes = _run_together(
        lambda: batches.validate(batch, people["treasurer"]),
        *(
            (lambda pk=pk: workflow.suspend(CaseFile.objects.get(pk=pk), people["worker"], "X"))
            for pk in pks[FILES // 2 : FILES // 2 + 3]
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    _assert_money_is_right()
    paid_files = set(
        Payment.objects.filter(status=PaymentStatus.PAID).values_list("file", flat=True)
    )
    for pk in leaving:  # March only (due before the exit), never April or May
        months = Payment.objects.filter(file=pk, status=PaymentStatus.PAID)
        assert [p.due_on for p in months] in ([], [START])
    assert paid_files  # the files that stayed active were paid
