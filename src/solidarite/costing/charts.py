"""Server-rendered bar charts of a costing: rectangles computed here, drawn by the template.

The same numbers are in a table beside each chart (as on the envelope page); a hidden cell is
not drawn, and the table says "secret".
"""

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, BASELINE, PLOT = 480, 200, 180, 160


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float

    @property
    def label_y(self) -> float:
        return max(self.y - 4, 10)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]


def bars(values: list[tuple[str, float | None]]) -> Chart:
    top = max((v for _, v in values if v is not None), default=0.0) or 1.0
    step = WIDTH / max(len(values), 1)
    drawn = []
    for index, (label, value) in enumerate(values):
        if value is None:
            continue
        height = PLOT * value / top
        drawn.append(
            Bar(label, value, index * step + step * 0.15, BASELINE - height, step * 0.7, height)
        )
    return Chart(WIDTH, HEIGHT, drawn)


def take_up_bars(results: dict[str, Any]) -> Chart:
    """Monthly cost at low, central and high take-up."""
    levels = results["uncertainty"]["take_up"]
    return bars([(level, figures["monthly_cost"]) for level, figures in levels.items()])


def decile_bars(results: dict[str, Any]) -> Chart:
    """Monthly amounts received by standard-of-living decile."""
    return bars([(f"D{cell['key']}", cell["monthly_amount"]) for cell in results["deciles"]])
