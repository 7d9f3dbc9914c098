"""An envelope's consumption month by month, for the chart and its data table."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from solidarite.payments.models import Envelope, Payment, PaymentStatus

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 720, 220, 4


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    paid: Decimal
    planned: Decimal
    cumulative_paid: Decimal
    cumulative_committed: Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    paid_y: float
    paid_height: float
    committed_y: float
    committed_height: float
    label: str


def months(envelope: Envelope) -> list[MonthRow]:
    """Paid and still-planned amounts per month (cancelled payments left out), cumulated."""
    sums: dict[dt.date, dict[str, Decimal]] = {}
    rows = (
        Payment.objects.filter(envelope=envelope)
        .exclude(status=PaymentStatus.CANCELLED)
        .values("month", "status")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        key = "paid" if row["status"] == PaymentStatus.PAID else "planned"
        bucket = sums.setdefault(row["month"], {"paid": Decimal(0), "planned": Decimal(0)})
        bucket[key] += row["total"]
    out, paid, committed = [], Decimal(0), Decimal(0)
    for month in sorted(sums):
        paid += sums[month]["paid"]
        committed += sums[month]["paid"] + sums[month]["planned"]
        out.append(MonthRow(month, sums[month]["paid"], sums[month]["planned"], paid, committed))
    return out


def bars(envelope: Envelope, rows: list[MonthRow]) -> list[Bar]:
    """Cumulated paid (dark) inside cumulated committed (light), against the envelope's amount."""
    if not rows:
        return []
    width = CHART_WIDTH / len(rows)
    scale = CHART_HEIGHT / float(envelope.amount)
    result = []
    for i, row in enumerate(rows):
        paid_h = float(row.cumulative_paid) * scale
        committed_h = float(row.cumulative_committed) * scale
        result.append(
            Bar(
                x=i * width + BAR_GAP / 2,
                width=max(width - BAR_GAP, 1),
                paid_y=CHART_HEIGHT - paid_h,
                paid_height=paid_h,
                committed_y=CHART_HEIGHT - committed_h,
                committed_height=committed_h,
                label=f"{row.month:%m/%y}",
            )
        )
    return result
