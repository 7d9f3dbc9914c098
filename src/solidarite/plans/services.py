"""Workflows on measures, each in one transaction."""

import datetime as dt

from django.db import transaction

from solidarite.plans.models import Measure, Milestone, Status


@transaction.atomic
def update_measure(
    measure: Measure,
    status: Status,
    progress: int,
    milestone: tuple[dt.date, str] | None,
) -> Measure:
    """Record a pilot's update; django-auditlog keeps who, when and old -> new."""
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    locked.status = status
    locked.progress = progress
    locked.save()
    if milestone is not None:
        Milestone.objects.create(measure=locked, date=milestone[0], text=milestone[1])
    return locked


def save_draft(
    measure: Measure, status: Status, progress: int, milestone: tuple[dt.date, str] | None
) -> None:
    """A pilot's update is a draft: the public page (and its "last update" date) do not change
    until it is published."""
    Measure.objects.filter(pk=measure.pk).update(
        draft={
            "status": status.pk,
            "progress": progress,
            "milestone_date": milestone[0].isoformat() if milestone else "",
            "milestone_text": milestone[1] if milestone else "",
        }
    )


@transaction.atomic
def publish_draft(measure: Measure) -> Measure:
    """Apply the draft (history kept by django-auditlog), then forget it."""
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    draft = locked.draft
    if not draft:
        return locked
    milestone = (
        (dt.date.fromisoformat(draft["milestone_date"]), draft["milestone_text"])
        if draft.get("milestone_text")
        else None
    )
    status = Status.objects.get(pk=draft["status"])
    updated = update_measure(locked, status, draft["progress"], milestone)
    Measure.objects.filter(pk=measure.pk).update(draft=None)
    updated.draft = None
    return updated


def discard_draft(measure: Measure) -> None:
    Measure.objects.filter(pk=measure.pk).update(draft=None)
