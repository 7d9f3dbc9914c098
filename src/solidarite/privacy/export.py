"""Everything the platform holds about one person, for their right of access and portability:
a dictionary (written as JSON) and a readable HTML document made from it. The access log
entries about them (who read their file, when) are part of it."""

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile, Person
from solidarite.core import clock
from solidarite.privacy.activity import last_activity


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _history(transitions: Any) -> list[dict[str, Any]]:
    return [_row(t, "at", "from_status", "to_status", "why") for t in transitions.all()]


def _file(file: CaseFile) -> dict[str, Any]:
    diagnostic = getattr(file, "diagnostic", None)
    return {
        **_row(
            file,
            "pk",
            "scheme_id",
            "status",
            "contract_signed_on",
            "started_on",
            "ends_on",
            "closed_on",
            "exit_reason",
            "contract_text",
            "decision_inputs",
            "override_justification",
        ),
        "organisation": file.organisation.name,
        "history": [
            _row(t, "at", "from_status", "to_status", "why") for t in file.transitions.all()
        ],
        "diagnostic": (
            [_row(e, "domain", "level", "notes") for e in diagnostic.entries.all()]
            if diagnostic
            else []
        ),
        "objectives": [
            {
                **_row(o, "domain", "title"),
                "actions": [_row(a, "title", "due_on", "status") for a in o.actions.all()],
            }
            for o in file.objectives.all()
        ],
        "appointments": [
            _row(
                a,
                "starts_at",
                "place",
                "status",
                "reminder_agreed",
                "reminded_at",
                "cancelled_by_person_at",
            )
            for a in file.appointments.all()
        ],
        # The team's notes are about the person: they are part of what the person may read.
        "notes": [
            {**_row(n, "at", "text"), "appointment": _plain(n.appointment.starts_at)}
            if n.appointment
            else _row(n, "at", "text")
            for n in file.notes.select_related("appointment")
        ],
        "workshops": [
            {
                "title": r.workshop.title,
                "starts_at": _plain(r.workshop.starts_at),
                "attendance": r.attendance,
            }
            for r in file.registrations.select_related("workshop")
        ],
        "payments": [
            _row(p, "month", "due_on", "amount", "status", "kind") for p in file.payments.all()
        ],
    }


def _reads(person: Person) -> list[dict[str, Any]]:
    file_pks = [str(pk) for pk in person.files.values_list("pk", flat=True)]
    rows = AccessLog.objects.filter(
        Q(object_type="cases.person", object_pk=str(person.pk))
        | Q(object_type="cases.casefile", object_pk__in=file_pks)
        | Q(shown_pks__contains=f",{person.pk},")
    ).select_related("user")
    return [
        {
            "at": _plain(row.at),
            "by": row.user.get_full_name() or row.user.username if row.user else "—",
            "via": row.via,
        }
        for row in rows.order_by("at")
    ]


def _changes(person: Person) -> list[dict[str, Any]]:
    content_type = ContentType.objects.get_for_model(Person)
    return [
        {"at": _plain(e.timestamp), "action": e.get_action_display(), "changes": e.changes}
        for e in LogEntry.objects.filter(content_type=content_type, object_pk=str(person.pk))
    ]


def person_data(person: Person) -> dict[str, Any]:
    """Everything about the person, in plain JSON types."""
    account = getattr(person, "bank_account", None)
    household = (
        [
            _row(m, "first_name", "last_name", "birth_date", "relationship")
            for m in person.household.members.exclude(pk=person.pk)
        ]
        if person.household is not None
        else []
    )
    return {
        "generated_on": clock.today().isoformat(),
        "identity": _row(
            person,
            "pk",
            "first_name",
            "last_name",
            "birth_date",
            "phone",
            "email",
            "address",
            "commune_code",
            "area",
            "relationship",
            "created_at",
            "anonymised_on",
        ),
        "last_activity": _plain(last_activity(person)),
        "household": household,
        "referrals": [
            {
                **_row(r, "pk", "scheme_id", "status", "reason", "consent_date", "created_at"),
                "referred_by_organisation": r.organisation.name,
                "history": [
                    _row(t, "at", "from_status", "to_status", "why") for t in r.transitions.all()
                ],
                "notes": [_row(n, "at", "text") for n in r.notes.all()],
            }
            for r in person.referrals.select_related("organisation")
        ],
        "files": [_file(f) for f in person.files.select_related("organisation")],
        "bank_account": (
            {"holder": account.holder, "iban_masked": account.iban_masked, "bic": account.bic}
            if account
            else None
        ),
        "items_given": [
            {"item": d.item_kind.name, "given_on": _plain(d.given_on)}
            for d in person.distributions.select_related("item_kind")
        ],
        "items_lent": [
            {
                "item": loan.item_kind.name,
                **_row(loan, "serial", "lent_on", "due_on", "returned_on"),
            }
            for loan in person.loans.select_related("item_kind")
        ],
        "legal_holds": [
            _row(h, "reason", "review_on", "decided_at") for h in person.legal_holds.all()
        ],
        "access_log": _reads(person),
        "change_history": _changes(person),
    }
