"""Anonymising and erasing a person: one handler per model that holds personal data.

REGISTRY classifies every model of the platform: either a Handler (which rows concern a person
and how to strip them) or NoPersonalData (and why). tests/privacy checks that every model of
our apps is classified, so a new model cannot be forgotten (Mon Suivi Social's archive once
forgot one and only raised an alert).

Anonymisation keeps what the indicators need (year-month of dates, birth year, area, commune,
scheme, statuses, exit reason, amounts) and nothing that identifies. Updates go through
QuerySet.update: no save, so no new change-history entry copies the old values; the existing
entries of the person's objects lose their values too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import timezone

from solidarite.cases.models import (
    Action,
    Appointment,
    CaseFile,
    Diagnostic,
    DiagnosticEntry,
    FileNote,
    FileTransition,
    Objective,
    Person,
    Referral,
    ReferralNote,
    ReferralTransition,
    WorkshopRegistration,
)
from solidarite.payments.models import (
    BankAccount,
    CatchUp,
    Distribution,
    Loan,
    Payment,
    PaymentEvent,
)
from solidarite.privacy.models import Erasure, LegalHold

ANONYMOUS_FIRST = "Personne"
ANONYMOUS_LAST = "anonymisée"
SCRUBBED = "[anonymisé]"


def _month(field: str) -> Any:
    """The first day of the field's month (the date part of TruncMonth)."""
    return TruncMonth(field, output_field=models.DateField())


@dataclass(frozen=True)
class Handler:
    """The rows of one model about a person, and the update that strips them."""

    rows: Callable[[list[int]], QuerySet[Any]]
    scrub: dict[str, Any]


@dataclass(frozen=True)
class NoPersonalData:
    why: str


def _persons(pks: list[int]) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=pks)


REGISTRY: dict[str, Handler | NoPersonalData] = {
    "cases.person": Handler(
        _persons,
        {
            "first_name": ANONYMOUS_FIRST,
            "last_name": ANONYMOUS_LAST,
            "phone": "",
            "email": "",
            "address": "",
            "birth_date": TruncYear("birth_date", output_field=models.DateField()),
        },
    ),
    "cases.household": NoPersonalData("composition only: members are persons"),
    "cases.referral": Handler(
        lambda pks: Referral.objects.filter(person__in=pks),
        {"reason": SCRUBBED, "consent_date": _month("consent_date")},
    ),
    "cases.referraltransition": Handler(
        lambda pks: ReferralTransition.objects.filter(referral__person__in=pks), {"why": ""}
    ),
    "cases.casefile": Handler(
        lambda pks: CaseFile.objects.filter(person__in=pks),
        {
            "contract_text": "",
            "contract_signatories": "",
            "override_justification": "",
            "decision_inputs": None,
            "contract_signed_on": _month("contract_signed_on"),
            "started_on": _month("started_on"),
            "ends_on": _month("ends_on"),
            "closed_on": _month("closed_on"),
        },
    ),
    "cases.filetransition": Handler(
        lambda pks: FileTransition.objects.filter(file__person__in=pks), {"why": ""}
    ),
    "cases.diagnostic": Handler(
        lambda pks: Diagnostic.objects.filter(file__person__in=pks),
        {"made_on": _month("made_on")},
    ),
    "cases.diagnosticentry": Handler(
        lambda pks: DiagnosticEntry.objects.filter(diagnostic__file__person__in=pks),
        {"notes": ""},
    ),
    "cases.objective": Handler(
        lambda pks: Objective.objects.filter(file__person__in=pks), {"title": SCRUBBED}
    ),
    "cases.action": Handler(
        lambda pks: Action.objects.filter(objective__file__person__in=pks),
        {"title": SCRUBBED, "due_on": _month("due_on"), "completed_on": _month("completed_on")},
    ),
    "cases.appointment": Handler(
        lambda pks: Appointment.objects.filter(file__person__in=pks),
        {"place": "", "starts_at": TruncMonth("starts_at")},
    ),
    "cases.filenote": Handler(
        lambda pks: FileNote.objects.filter(file__person__in=pks), {"text": SCRUBBED}
    ),
    "cases.referralnote": Handler(
        lambda pks: ReferralNote.objects.filter(referral__person__in=pks), {"text": SCRUBBED}
    ),
    "cases.workshop": NoPersonalData("an organisation's session: title, place, capacity"),
    "cases.workshopregistration": Handler(
        lambda pks: WorkshopRegistration.objects.filter(file__person__in=pks), {}
    ),
    "payments.bankaccount": Handler(lambda pks: BankAccount.objects.filter(person__in=pks), {}),
    "payments.payment": NoPersonalData(
        "month, amount, status: pseudonymised through the anonymised person"
    ),
    "payments.paymentevent": Handler(
        lambda pks: PaymentEvent.objects.filter(payment__file__person__in=pks),
        {"why": ""},
    ),
    "payments.catchup": Handler(
        lambda pks: CatchUp.objects.filter(file__person__in=pks),
        {"reason": SCRUBBED},
    ),
    "payments.envelope": NoPersonalData("a scheme's budget"),
    "payments.paymentbatch": NoPersonalData("a month's batch: who prepared and validated"),
    "payments.itemkind": NoPersonalData("a kind of item in stock"),
    "payments.stockreceipt": NoPersonalData("a delivery to the stock"),
    "payments.distribution": NoPersonalData("item and date: the person it points to is anonymised"),
    "payments.loan": NoPersonalData("item, serial, dates: the person it points to is anonymised"),
    "privacy.legalhold": Handler(lambda pks: LegalHold.objects.filter(person__in=pks), {}),
    "privacy.retentionoverride": NoPersonalData("an organisation's setting"),
    "privacy.erasure": NoPersonalData("the former id, the reason and who decided"),
    "audit.accesslog": NoPersonalData("staff reads by object id; purged after its retention"),
    "accounts.organisation": NoPersonalData("an organisation"),
    "accounts.membership": NoPersonalData("a staff member's role"),
    "plans.status": NoPersonalData("plan data"),
    "plans.plan": NoPersonalData("plan data"),
    "plans.axis": NoPersonalData("plan data"),
    "plans.measure": NoPersonalData("plan data"),
    "plans.milestone": NoPersonalData("plan data"),
    "plans.indicator": NoPersonalData("plan data"),
    "plans.indicatorvalue": NoPersonalData("plan data"),
    "plans.body": NoPersonalData("plan data"),
    "plans.meeting": NoPersonalData("plan data"),
    "territory.area": NoPersonalData("territory data"),
    "territory.figure": NoPersonalData("published aggregate figures"),
    # A place's contact is a desk's (a public body, an association), never a resident's.
    "territory.place": NoPersonalData("directory data"),
    "territory.service": NoPersonalData("directory data"),
    "territory.stop": NoPersonalData("directory data"),
    "core.demoinstallation": NoPersonalData("a marker"),
    "costing.costingpopulation": NoPersonalData(
        "what a costing population is and its calibration; its rows are Parquet files of "
        "synthetic or pseudonymous households, read only to compute aggregates"
    ),
    "costing.scenario": NoPersonalData("scenario parameters"),
    "costing.costingrun": NoPersonalData("aggregates with cells under 5 households hidden"),
    "core.healthprobe": NoPersonalData("always rolled back"),
}

# Rows deleted rather than stripped when a person is anonymised (nothing in them is needed).
DELETED_ON_ANONYMISATION = ("payments.bankaccount", "privacy.legalhold")


def _handlers() -> list[tuple[str, Handler]]:
    return [(label, h) for label, h in REGISTRY.items() if isinstance(h, Handler)]


def _scrub_history(label: str, pks: list[int]) -> None:
    """The person's objects' change-history entries lose every value (who/when/what stays)."""
    if not pks:
        return
    app_label, model = label.split(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        return
    LogEntry.objects.filter(
        content_type=content_type, object_pk__in=[str(pk) for pk in pks]
    ).update(
        changes=None,
        changes_text="",
        serialized_data=None,
        additional_data=None,
        object_repr=f"{model} {SCRUBBED}",
    )


def delete_and_scrub(label: str, rows: QuerySet[Any]) -> int:
    """Delete rows, then scrub their change history, the entry of the deletion included (it
    would otherwise keep the deleted row's values)."""
    pks = list(rows.values_list("pk", flat=True))
    rows.model.objects.filter(pk__in=pks).delete()
    _scrub_history(label, pks)
    return len(pks)


@transaction.atomic
def anonymise(person_pks: list[int]) -> dict[str, int]:
    """Strip every record about these persons; return the number of rows per model. Idempotent:
    anonymising again changes nothing."""
    touched: dict[str, int] = {}
    for label, handler in _handlers():
        rows = handler.rows(person_pks)
        if label in DELETED_ON_ANONYMISATION:
            touched[label] = delete_and_scrub(label, rows)
            continue
        pks = list(rows.values_list("pk", flat=True))
        touched[label] = len(pks)
        _scrub_history(label, pks)
        if handler.scrub:
            rows.model.objects.filter(pk__in=pks).update(**handler.scrub)
    Person.objects.filter(pk__in=person_pks, anonymised_on__isnull=True).update(
        anonymised_on=timezone.localdate()
    )
    return touched


def has_payments(person_pks: list[int]) -> bool:
    return Payment.objects.filter(file__person__in=person_pks).exists()


@transaction.atomic
def erase(person: Person, reason: str, by: Any) -> Erasure:
    """Erase a person on request. What the law makes us keep (payments within the accounting
    period) stays, pseudonymised: the person is then anonymised rather than deleted."""
    pks = [person.pk]
    keep_payments = has_payments(pks)
    erasure = Erasure.objects.create(
        person_pk=person.pk, reason=reason, decided_by=by, payments_kept=keep_payments
    )
    anonymise(pks)
    if keep_payments:
        return erasure
    # Nothing must be kept: delete, children first (the history entries were scrubbed above).
    for model_rows in (
        WorkshopRegistration.objects.filter(file__person=person),
        Appointment.objects.filter(file__person=person),
        Action.objects.filter(objective__file__person=person),
        Objective.objects.filter(file__person=person),
        DiagnosticEntry.objects.filter(diagnostic__file__person=person),
        Diagnostic.objects.filter(file__person=person),
        FileTransition.objects.filter(file__person=person),
        CatchUp.objects.filter(file__person=person),
        CaseFile.objects.filter(person=person),
        ReferralTransition.objects.filter(referral__person=person),
        Referral.objects.filter(person=person),
        Distribution.objects.filter(person=person),
        Loan.objects.filter(person=person),
    ):
        delete_and_scrub(model_rows.model._meta.label_lower, model_rows)
    household = person.household
    delete_and_scrub("cases.person", Person.objects.filter(pk=person.pk))
    if household is not None and not household.members.exists():
        household.delete()
    return erasure
