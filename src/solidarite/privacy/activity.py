"""A person's last activity: the latest of every event about them (referral and its decisions,
file transitions and exit date, appointments, workshop sessions, actions, payments, hand-outs
and loans). Retention counts from it."""

import datetime as dt

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from solidarite.cases.models import (
    Action,
    Appointment,
    CaseFile,
    Diagnostic,
    FileTransition,
    Person,
    Referral,
    ReferralTransition,
    WorkshopRegistration,
)

# (model, path to the person, date field): each source of activity.
SOURCES: tuple[tuple[type, str, str], ...] = (
    (Referral, "person", "created_at"),
    (ReferralTransition, "referral__person", "at"),
    (FileTransition, "file__person", "at"),
    (CaseFile, "person", "closed_on"),
    (Diagnostic, "file__person", "made_on"),
    (Appointment, "file__person", "starts_at"),
    (WorkshopRegistration, "file__person", "workshop__starts_at"),
    (Action, "objective__file__person", "due_on"),
)


def _latest(model: type, person_path: str, field: str) -> Subquery:
    rows = (
        model.objects.filter(**{person_path: OuterRef("pk")})  # type: ignore[attr-defined]
        .values(person_path)
        .annotate(last=Max(field))
        .values("last")
    )
    return Subquery(rows[:1])


def with_last_activity(people: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate each person with one column per source (one query for the whole list)."""
    from solidarite.payments.models import Distribution, Loan, PaymentEvent

    annotations = {
        f"_last_{i}": _latest(model, path, field)
        for i, (model, path, field) in enumerate(
            (
                *SOURCES,
                (PaymentEvent, "payment__file__person", "at"),
                (Distribution, "person", "given_on"),
                (Loan, "person", "lent_on"),
                (Loan, "person", "returned_on"),
            )
        )
    }
    return people.annotate(**annotations)


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def last_activity(person: Person, today: dt.date | None = None) -> dt.date:
    """The date of the person's latest event, never later than today (a future appointment
    keeps the file alive until it has passed, not beyond)."""
    annotated = (
        person
        if hasattr(person, "_last_0")
        else with_last_activity(Person.objects.filter(pk=person.pk)).get()
    )
    dates = [
        _as_date(getattr(annotated, name)) for name in vars(annotated) if name.startswith("_last_")
    ]
    dates.append(_as_date(person.created_at))
    known = [d for d in dates if d is not None]
    latest = max(known)
    return min(latest, today) if today is not None else latest
