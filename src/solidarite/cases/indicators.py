"""Evaluation indicators per scheme, period and area: aggregated counts, no names.

Definitions (docs/cases.md repeats them for the partners who agreed on them):
- entries: files whose support started (contract signed) in the period;
- active files: files in support at any time in the period;
- exits by reason, and the average duration of those exits in months (30.44 days);
- appointment regularity: among active files, the share with at least one held appointment in
  every calendar month of the period they were in support;
- workshop attendance: present / (present + excused + absent) over the period's workshops.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from solidarite.cases.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    CaseFile,
    ExitReason,
    ExitSituation,
    WorkshopRegistration,
)

DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class Period:
    scheme_id: str
    start: dt.date
    end: dt.date
    area: str = ""


SMALL_COUNT = 5
MASKED = "< 5"


def count_text(count: int) -> str:
    """A count as published: under 5 it could single a person out, so it reads "< 5"."""
    return MASKED if count < SMALL_COUNT else str(count)


@dataclass(frozen=True)
class Indicators:
    entries: int
    active: int
    exits: dict[str, int]
    average_duration_months: float | None
    regular_share: float | None
    attendance_rate: float | None
    attendance_recorded: int = 0
    situations: dict[str, int] = field(default_factory=dict)

    @property
    def exited(self) -> int:
        return sum(self.exits.values())

    def published(self) -> "Published":
        """What a page or an export may show: small counts masked, and a share or average
        hidden when the count it is computed over is small."""
        return Published(
            entries=count_text(self.entries),
            active=count_text(self.active),
            exits={reason: count_text(n) for reason, n in self.exits.items()},
            situations={code: count_text(n) for code, n in self.situations.items()},
            average_duration_months=(
                None if self.exited < SMALL_COUNT else self.average_duration_months
            ),
            regular_share=None if self.active < SMALL_COUNT else self.regular_share,
            attendance_rate=(
                None if self.attendance_recorded < SMALL_COUNT else self.attendance_rate
            ),
        )


@dataclass(frozen=True)
class Published:
    """Indicators as text, safe to show: counts under 5 read "< 5", derived figures over fewer
    than 5 files are None (shown "—" with the reason)."""

    entries: str
    active: str
    exits: dict[str, str]
    average_duration_months: float | None
    regular_share: float | None
    attendance_rate: float | None
    situations: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str]]:
        """(indicator code, value) pairs for the CSV export: stable codes, masked counts."""
        rows = [("entries", self.entries), ("active_files", self.active)]
        rows += [(f"exits_{reason}", count) for reason, count in self.exits.items()]
        rows += [(f"exit_situation_{code}", count) for code, count in self.situations.items()]
        rows += [
            ("average_duration_months", _number(self.average_duration_months)),
            ("share_with_monthly_appointment", _number(self.regular_share)),
            ("workshop_attendance_rate", _number(self.attendance_rate)),
        ]
        return rows


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _files(period: Period) -> QuerySet[CaseFile]:
    files = CaseFile.objects.filter(scheme_id=period.scheme_id, started_on__isnull=False)
    return files.filter(person__area=period.area) if period.area else files


def _months(start: dt.date, end: dt.date) -> set[dt.date]:
    months, day = set(), start.replace(day=1)
    while day <= end:
        months.add(day)
        day = day + relativedelta(months=1)
    return months


def _regular_share(
    active: list[tuple[int, dt.date | None, dt.date | None]], period: Period
) -> float:
    """One query for the held appointments of the period, grouped by file and month."""
    held: dict[int, set[dt.date]] = defaultdict(set)
    rows = (
        Appointment.objects.filter(
            file_id__in=[pk for pk, _s, _c in active],
            status=AppointmentStatus.HELD,
            starts_at__date__range=(period.start, period.end),
        )
        .annotate(month=TruncMonth("starts_at"))
        .values_list("file_id", "month")
        .distinct()
    )
    for file_id, month in rows:
        held[file_id].add(month.date() if isinstance(month, dt.datetime) else month)
    regular = sum(
        1
        for pk, started, closed in active
        if started
        and _months(max(started, period.start), min(closed or period.end, period.end)) <= held[pk]
    )
    return regular / len(active)


def compute(period: Period) -> Indicators:
    files = _files(period)
    active = list(
        files.filter(started_on__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .values_list("pk", "started_on", "closed_on")
    )
    exited = files.filter(closed_on__range=(period.start, period.end))
    by_reason = dict(exited.values_list("exit_reason").annotate(n=Count("pk")))
    by_situation = dict(exited.values_list("exit_situation").annotate(n=Count("pk")))
    durations = [
        (closed - started).days
        for started, closed in exited.values_list("started_on", "closed_on")
        if started and closed
    ]
    attendance = WorkshopRegistration.objects.filter(
        file__in=files, workshop__starts_at__date__range=(period.start, period.end)
    ).aggregate(
        present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
        recorded=Count("pk", filter=~Q(attendance=Attendance.REGISTERED)),
    )
    return Indicators(
        entries=files.filter(started_on__range=(period.start, period.end)).count(),
        active=len(active),
        exits={reason.value: by_reason.get(reason.value, 0) for reason in ExitReason},
        average_duration_months=(
            round(sum(durations) / len(durations) / DAYS_PER_MONTH, 2) if durations else None
        ),
        regular_share=_regular_share(active, period) if active else None,
        attendance_rate=(
            attendance["present"] / attendance["recorded"] if attendance["recorded"] else None
        ),
        attendance_recorded=attendance["recorded"],
        situations={s.value: by_situation.get(s.value, 0) for s in ExitSituation},
    )
