"""The calibration report: each target, what the population achieves, and the gap.

Produced with every synthetic population (saved beside it) and shown on the results page, so
that a reader of a costing knows how far the synthetic town is from the real one.
"""

from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

from solidarite.microsim.synthetic import (
    HOUSEHOLD_TYPE,
    QPV,
    STANDARD_OF_LIVING,
    WEIGHT,
    SyntheticPopulation,
    age_band_shares,
    type_shares,
)
from solidarite.microsim.targets import AGE_BANDS, HOUSEHOLD_TYPES, CommuneTargets
from solidarite.rules.inputs import HOUSEHOLD_ID


@dataclass(frozen=True)
class CalibrationRow:
    indicator: str
    target: float
    achieved: float
    unit: str
    year: str
    source: str

    @property
    def gap(self) -> float:
        return self.achieved - self.target

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"gap": round(self.gap, 2)}


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative weight reaches `q` of the total."""
    if values.size == 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    position = int(np.searchsorted(cumulative, q * cumulative[-1]))
    return float(values[order][min(position, values.size - 1)])


def person_weights(households: pl.DataFrame) -> np.ndarray:
    return np.asarray((households[WEIGHT] * households["nb_personnes"]).to_numpy())


def report(population: SyntheticPopulation, targets: CommuneTargets) -> list[CalibrationRow]:
    households = population.households
    persons = population.persons
    living = households[STANDARD_OF_LIVING].to_numpy()
    weights = person_weights(households)

    def cited(indicator: str, achieved: float, scale: float = 1.0) -> CalibrationRow:
        figure = targets.figures[indicator]
        return CalibrationRow(
            indicator,
            figure.value * scale,
            round(achieved, 2),
            figure.unit,
            figure.year,
            figure.source,
        )

    rows = [
        cited("households", float(households[WEIGHT].sum())),
        cited("population_municipal", float(weights.sum())),
        cited("median_disposable_income_per_cu", weighted_quantile(living, weights, 0.5)),
        cited("d1_disposable_income_per_cu", weighted_quantile(living, weights, 0.1)),
        cited("d9_disposable_income_per_cu", weighted_quantile(living, weights, 0.9)),
        cited(
            "poverty_rate_60",
            100 * float(weights[living < targets.poverty_line_60].sum() / weights.sum()),
        ),
    ]
    type_share = households.group_by(HOUSEHOLD_TYPE).agg(pl.col(WEIGHT).sum())
    by_type = dict(zip(type_share[HOUSEHOLD_TYPE], type_share[WEIGHT], strict=True))
    total = float(households[WEIGHT].sum())
    indicators = (
        "share_single_person_households",
        "couple_without_children_families_per_100_households",
        "couple_with_children_families_per_100_households",
        "single_parent_families_per_100_households",
    )
    expected = type_shares(targets)
    for indicator, kind, share in zip(indicators, HOUSEHOLD_TYPES, expected, strict=False):
        row = cited(indicator, 100 * by_type.get(kind, 0.0) / total)
        rows.append(
            CalibrationRow(
                indicator,
                round(100 * float(share), 2),
                row.achieved,
                "% of households",
                row.year,
                row.source,
            )
        )
    ages = persons.join(households.select(HOUSEHOLD_ID, WEIGHT), on=HOUSEHOLD_ID)
    age_total = float(ages[WEIGHT].sum())
    for (low, high), share in zip(AGE_BANDS, age_band_shares(targets), strict=True):
        in_band = ages.filter(pl.col("age").is_between(low, high))[WEIGHT].sum()
        name = f"share_population_age_{low}_{high}" if high < 99 else "share_population_age_75_plus"
        figure = targets.figures[name]
        rows.append(
            CalibrationRow(
                name,
                round(100 * float(share), 2),
                round(100 * float(in_band) / age_total, 2),
                figure.unit,
                figure.year,
                figure.source,
            )
        )
    young = ages.filter(pl.col("age").is_between(18, 24))
    if young.height:
        rows.append(
            cited(
                "share_18_24_in_education",
                100
                * float(young.filter(pl.col("etudiant"))[WEIGHT].sum())
                / float(young[WEIGHT].sum()),
            )
        )
    for qpv, figure in sorted(targets.qpv_populations.items()):
        achieved = households.filter(pl.col(QPV) == qpv).select(
            (pl.col(WEIGHT) * pl.col("nb_personnes")).sum()
        )
        rows.append(
            CalibrationRow(
                f"population_municipal_qpv:{qpv}",
                figure.value,
                round(float(achieved.item() or 0), 2),
                figure.unit,
                figure.year,
                figure.source,
            )
        )
    return rows
