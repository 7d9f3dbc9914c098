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
