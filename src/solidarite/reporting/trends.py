"""Month by month, for the elected viewer: files active, entries, and the money paid, with the
same small-count rule as every published figure (a month over fewer than 5 files shows "< 5" and
no amount)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from solidarite.cases.indicators import SMALL_COUNT, Period, count_text
from solidarite.cases.models import CaseFile


@dataclass(frozen=True)
class Month:
    month: dt.date
    active: int
    entries: int
    paid_files: int
    paid: Decimal

    @property
    def active_text(self) -> str:
        return count_text(self.active)

    @property
    def entries_text(self) -> str:
        return count_text(self.entries)

    @property
    def paid_shown(self) -> Decimal | None:
        """The month's payments, hidden when fewer than 5 files were paid (one person's aid
        could be read from it)."""
        return None if self.paid_files < SMALL_COUNT else self.paid


def monthly(period: Period) -> list[Month]:
    from solidarite.payments.models import Payment, PaymentStatus

    files = CaseFile.objects.filter(scheme_id=period.scheme_id, started_on__isnull=False)
    if period.area:
        files = files.filter(person__area=period.area)
    spans: list[tuple[dt.date, dt.date | None]] = [
        (started, closed)
        for started, closed in files.values_list("started_on", "closed_on")
        if started is not None
    ]
    paid: dict[dt.date, dict[str, Any]] = {
        (row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]): dict(row)
        for row in Payment.objects.filter(
            file__in=files,
            status=PaymentStatus.PAID,
            month__range=(period.start.replace(day=1), period.end),
        )
        .annotate(m=TruncMonth("month"))
        .values("m")
        .annotate(total=Sum("amount"), files=Count("file", distinct=True))
    }
    months = []
    day = period.start.replace(day=1)
    while day <= period.end:
        last = day + relativedelta(months=1) - dt.timedelta(days=1)
        active = len([s for s, c in spans if s <= last and (c is None or c >= day)])
        entries = len([s for s, _c in spans if day <= s <= last])
        row: dict[str, Any] = paid.get(day, {})
        months.append(
            Month(day, active, entries, row.get("files", 0), row.get("total") or Decimal(0))
        )
        day += relativedelta(months=1)
    return months


@dataclass(frozen=True)
class Bar:
    month: dt.date
    value: int
    x: int
    y: int
    height: int

    @property
    def label_y(self) -> int:
        return max(self.y - 4, 10)


@dataclass(frozen=True)
class Chart:
    """Bars of active files per month, sized on the busiest month; masked months are not
    drawn (the table says "< 5")."""

    width: int
    bars: list[Bar]


BAR_STEP, PLOT_HEIGHT, BASELINE = 40, 130, 150


def chart(months: list[Month]) -> Chart:
    top = max((m.active for m in months), default=0) or 1
    bars = []
    for index, m in enumerate(months):
        if m.active < SMALL_COUNT:
            continue
        height = round(PLOT_HEIGHT * m.active / top)
        bars.append(Bar(m.month, m.active, index * BAR_STEP + 6, BASELINE - height, height))
    return Chart(max(len(months) * BAR_STEP, BAR_STEP), bars)


def total_paid(months: list[Month]) -> Decimal | None:
    """The period's payments, shown only if at least 5 files were paid in it."""
    return (
        sum((m.paid for m in months), Decimal(0))
        if any(m.paid_files >= SMALL_COUNT for m in months)
        else None
    )
