"""Carrying out the retention policy: what is due today, per kind of record, and acting on it.

`plan(today)` only counts (the dry run); `apply(today)` acts, household by household in batches
of `batch_size`, each batch in its own transaction, so an interruption leaves finished batches
done and the rest for the next run. Running it twice changes nothing more.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max, Q, QuerySet

from solidarite.accounts.providers import UnknownProvider, provider_of
from solidarite.audit.models import AccessLog
from solidarite.cases.models import (
    Appointment,
    CaseFile,
    FileStatus,
    Person,
    Referral,
    ReferralStatus,
    WorkshopRegistration,
)
from solidarite.payments.models import BankAccount, Loan, Payment, PaymentEvent, PaymentStatus
from solidarite.privacy import anonymise
from solidarite.privacy.activity import last_activity, with_last_activity
from solidarite.privacy.models import LegalHold, RetentionOverride
from solidarite.privacy.policy import policy

CLOSED_FILES = (FileStatus.CLOSED, FileStatus.INELIGIBLE)
OPEN_REFERRALS = (ReferralStatus.SUBMITTED, ReferralStatus.MORE_INFORMATION)
UNPAID = (PaymentStatus.SCHEDULED, PaymentStatus.HELD, PaymentStatus.BATCHED)


def months_for(kind: str, organisation_ids: set[int]) -> int:
    """The duration for a record involving these organisations: each may have shortened the
    policy's; the record is kept as long as the one that keeps it longest needs it."""
    months = policy().rule(kind).months
    if not organisation_ids:
        return months
    overrides = dict(
        RetentionOverride.objects.filter(kind=kind, organisation__in=organisation_ids).values_list(
            "organisation", "months"
        )
    )
    return max(min(months, overrides.get(org, months)) for org in organisation_ids)


def cutoff(months: int, today: dt.date) -> dt.date:
    return today - relativedelta(months=months)


@dataclass
class Due:
    """A household (or a person alone) whose retention has ended."""

    person_pks: list[int]
    last_activity: dt.date
    ends_on: dt.date


def _organisations(person_pks: list[int]) -> set[int]:
    files = set(
        CaseFile.objects.filter(person__in=person_pks).values_list("organisation", flat=True)
    )
    for scheme_id in set(
        Referral.objects.filter(person__in=person_pks).values_list("scheme_id", flat=True)
    ):
        try:
            files.add(provider_of(scheme_id).pk)
        except UnknownProvider:  # no longer in the catalog: the policy's own duration
            continue
    return files


def households(
    today: dt.date, among: set[int] | None = None
) -> Iterator[tuple[list[int], dt.date, dt.date, bool]]:
    """Every group of persons living together (not yet anonymised) with its last activity, the
    end of its retention, and whether something keeps it (an open file or referral, a legal
    hold, an item lent and not returned)."""
    people = Person.objects.filter(anonymised_on__isnull=True)
    if among is not None:  # only the households of these persons (the dashboard's)
        homes = Person.objects.filter(pk__in=among, household__isnull=False).values("household")
        people = people.filter(Q(pk__in=among) | Q(household__in=homes))
    people = with_last_activity(people)
    groups: dict[object, list[Person]] = defaultdict(list)
    for person in people:
        groups[person.household_id or f"p{person.pk}"].append(person)
    open_file = set(
        CaseFile.objects.exclude(status__in=CLOSED_FILES).values_list("person", flat=True)
    )
    open_referral = set(
        Referral.objects.filter(status__in=OPEN_REFERRALS).values_list("person", flat=True)
    )
    held = set(LegalHold.objects.filter(review_on__gte=today).values_list("person", flat=True))
    lent = set(Loan.objects.filter(returned_on__isnull=True).values_list("person", flat=True))
    for members in groups.values():
        pks = [m.pk for m in members]
        last = max(last_activity(m, today) for m in members)
        ends = last + relativedelta(months=months_for("person", _organisations(pks)))
        kept = bool(set(pks) & (open_file | open_referral | held | lent))
        yield pks, last, ends, kept


def due_households(today: dt.date) -> list[Due]:
    return [
        Due(pks, last, ends)
        for pks, last, ends, kept in households(today)
        if not kept and ends <= today
    ]


def ending_soon(person_pks: set[int], today: dt.date, days: int = 30) -> dict[int, dt.date]:
    """For the dashboard: persons among `person_pks` whose data reaches its end within `days`
    (and nothing keeps it), with that date."""
    soon: dict[int, dt.date] = {}
    limit = today + dt.timedelta(days=days)
    for pks, _last, ends, kept in households(today, among=person_pks):
        if not kept and ends <= limit:
            for pk in set(pks) & person_pks:
                soon[pk] = ends
    return soon


def _closed_referrals(today: dt.date) -> QuerySet[Referral]:
    months = policy().rule("referral_closed").months
    return (
        Referral.objects.filter(status__in=[ReferralStatus.REFUSED, ReferralStatus.WITHDRAWN])
        .annotate(decided=Max("transitions__at"))
        .filter(decided__date__lt=cutoff(months, today))
    )


def _old_access_log(today: dt.date) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(at__date__lt=cutoff(policy().rule("access_log").months, today))


def _old_history(today: dt.date) -> "QuerySet[LogEntry]":
    before = cutoff(policy().rule("change_history").months, today)
    entries: QuerySet[LogEntry] = LogEntry.objects.all()
    return entries.filter(timestamp__date__lt=before).filter(
        Q(changes__isnull=False) | ~Q(changes_text="") | Q(serialized_data__isnull=False)
    )


def _old_payments(today: dt.date) -> QuerySet[Payment]:
    before = cutoff(policy().rule("payments").months, today)
    return Payment.objects.filter(
        month__lt=before,
        status__in=[PaymentStatus.PAID, PaymentStatus.CANCELLED],
        file__person__anonymised_on__isnull=False,
    ).exclude(corrections__month__gte=before)


def _settled_bank_details() -> QuerySet[BankAccount]:
    """IBANs of persons with no open file and nothing left to pay."""
    return BankAccount.objects.exclude(
        person__files__status__in=[s for s in FileStatus if s not in CLOSED_FILES]
    ).exclude(person__files__payments__status__in=UNPAID)


@dataclass
class Report:
    """How many records of each kind are (or were) deleted, anonymised or pseudonymised."""

    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        rules = {rule.kind: rule for rule in policy().rules}
        return [f"{kind:<20} {rules[kind].end:<13} {self.counts.get(kind, 0)}" for kind in rules]


def plan(today: dt.date) -> tuple[Report, list[Due]]:
    """The dry run: what applying the policy today would do."""
    due = due_households(today)
    persons = [pk for d in due for pk in d.person_pks]
    report = Report(
        {
            "person": len(persons),
            "household": len(due),
            "closed_file": CaseFile.objects.filter(person__in=persons).count(),
            "appointment": Appointment.objects.filter(file__person__in=persons).count(),
            "workshop_attendance": WorkshopRegistration.objects.filter(
                file__person__in=persons
            ).count(),
            "referral_closed": _closed_referrals(today).count(),
            "access_log": _old_access_log(today).count(),
            "change_history": _old_history(today).count(),
            "payments": _old_payments(today).count(),
            "bank_details": _settled_bank_details().count(),
        }
    )
    return report, due


def apply(today: dt.date, batch_size: int = 200) -> Report:
    """Act on the plan, in batches; returns what was done."""
    report, due = plan(today)
    with transaction.atomic():
        anonymise.delete_and_scrub("cases.referral", _closed_referrals(today))  # + transitions
        AccessLog.purge(_old_access_log(today))
        _old_history(today).update(
            changes=None, changes_text="", serialized_data=None, additional_data=None
        )
        old = _old_payments(today)
        PaymentEvent.objects.filter(payment__in=old).delete()
        old.filter(kind="correction").delete()
        old.delete()
        anonymise.delete_and_scrub("payments.bankaccount", _settled_bank_details())
    for start in range(0, len(due), batch_size):
        batch = [pk for d in due[start : start + batch_size] for pk in d.person_pks]
        anonymise.anonymise(batch)
    return report
