"""Progress of axes and plans, computed from their measures (weighted mean), and counts."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from solidarite.plans.models import Measure


@dataclass(frozen=True)
class Progress:
    percent: float
    measures: int
    by_status: dict[str, int]
    done: int


def weighted_progress(measures: Iterable[Measure]) -> Progress:
    """The weighted mean of the measures' progress; a plan is the same over all its measures."""
    items = list(measures)
    total_weight = sum(m.weight for m in items)
    percent = sum(m.progress * m.weight for m in items) / total_weight if total_weight else 0.0
    by_status = Counter(m.status.code for m in items)
    return Progress(
        percent=round(percent, 1),
        measures=len(items),
        by_status=dict(by_status),
        done=sum(1 for m in items if m.status.done),
    )
