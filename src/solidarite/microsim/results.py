"""The figures of a costing, from one row per household (see `evaluation.Evaluated`).

Weighted like openfisca-survey-manager's aggregates and laid out like PolicyEngine's impact
pages: budget, people helped, distribution by standard-of-living decile, by area and household
type, winners against a reference, poverty before and after. Every breakdown cell of fewer
than `SECRECY` households (in the sample) is hidden, not rounded.
"""

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from solidarite.microsim.calibration import person_weights, weighted_quantile
from solidarite.microsim.scenario import ScenarioSpec
from solidarite.microsim.synthetic import HOUSEHOLD_TYPE, IRIS, QPV, STANDARD_OF_LIVING, WEIGHT
from solidarite.microsim.targets import ASSUMPTIONS, NATIONAL
from solidarite.rules.catalog import Catalog
from solidarite.rules.inputs import HOUSEHOLD_ID
from solidarite.territory.files import territory_files

if TYPE_CHECKING:
    from solidarite.microsim.evaluation import Evaluated

SECRECY = 5
# Columns of a main run (evaluation.evaluate(national=True)): the national rights a household
# is estimated to receive each month, and whether any of them is undecided.
NATIONAL_AMOUNT = "national__amount"
NATIONAL_UNDECIDED = "national__undecided"
OUTSIDE_QPV = "hors_qpv"
MONTHS_IN_YEAR = 12


def _lines() -> dict[str, float]:
    """The national poverty thresholds (EUR/month per consumption unit) and their source."""
    found = {
        row.indicator: row.value
        for row in territory_files().figures
        if row.code == NATIONAL and row.indicator.startswith("poverty_threshold_")
    }
    return {
        "60": found["poverty_threshold_60_monthly"],
        "50": found["poverty_threshold_50_monthly"],
    }


def _taken(spec: ScenarioSpec, evaluated: "Evaluated", level: str) -> pl.LazyFrame:
    """Per scheme, the amount a household receives once take-up is drawn; `gain` their sum."""
    frame = evaluated.frame.lazy()
    columns = []
    for scheme_id in evaluated.schemes:
        rate = spec.take_up_of(scheme_id).rate(level)
        claims = (pl.col(f"{scheme_id}__draw") < rate) & (pl.col(scheme_id) > 0)
        columns += [
            pl.when(claims).then(pl.col(scheme_id)).otherwise(0.0).alias(f"{scheme_id}__taken"),
            pl.when(claims)
            .then(pl.col(f"{scheme_id}__persons"))
            .otherwise(0)
            .alias(f"{scheme_id}__taken_persons"),
        ]
    frame = frame.with_columns(columns)
    gain = pl.sum_horizontal([pl.col(f"{s}__taken") for s in evaluated.schemes])
    persons = pl.sum_horizontal([pl.col(f"{s}__taken_persons") for s in evaluated.schemes])
    return frame.with_columns(gain=gain, helped_persons=persons)


def _duration(catalog: Catalog, scheme_id: str) -> int:
    months = catalog.schemes[scheme_id].spec.max_duration_months
    return min(MONTHS_IN_YEAR, months) if months else MONTHS_IN_YEAR


def totals(spec: ScenarioSpec, evaluated: "Evaluated", level: str) -> dict[str, float]:
    """Monthly cost, households and persons helped: the figures of the uncertainty range."""
    sums = (
        _taken(spec, evaluated, level)
        .filter(pl.col("gain") > 0)
        .select(
            monthly_cost=(pl.col("gain") * pl.col(WEIGHT)).sum(),
            households_helped=pl.col(WEIGHT).sum(),
            persons_helped=(pl.col("helped_persons") * pl.col(WEIGHT)).sum(),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return {
        "monthly_cost": round(float(sums["monthly_cost"] or 0), 2),
        "households_helped": round(float(sums["households_helped"] or 0), 1),
        "persons_helped": round(float(sums["persons_helped"] or 0), 1),
    }


def secret(count: int) -> bool:
    """A cell of 1 to 4 households is hidden; an empty one reveals no one."""
    return 0 < count < SECRECY


def _hidden(count: int, value: float | None) -> float | None:
    return None if secret(count) else value


def _grouped(frame: pl.LazyFrame, key: str, income: pl.Expr) -> list[dict[str, Any]]:
    if key not in frame.collect_schema().names():
        return []
    grouped = (
        frame.filter(pl.col(key).is_not_null())
        .group_by(key)
        .agg(
            sample=pl.len(),
            households=pl.col(WEIGHT).sum(),
            helped_sample=(pl.col("gain") > 0).sum(),
            helped=(pl.col(WEIGHT) * (pl.col("gain") > 0)).sum(),
            amount=(pl.col(WEIGHT) * pl.col("gain")).sum(),
            income=(pl.col(WEIGHT) * income).sum(),
        )
        .sort(key)
        .collect(engine="streaming")
    )
    rows = []
    for row in grouped.iter_rows(named=True):
        shown = not secret(row["helped_sample"])
        rows.append(
            {
                "key": row[key],
                "households": _hidden(row["sample"], round(row["households"], 1)),
                "households_helped": round(row["helped"], 1) if shown else None,
                "monthly_amount": round(row["amount"], 2) if shown else None,
                "share_of_income": (
                    round(100 * row["amount"] / row["income"], 2)
                    if shown and row["income"]
                    else None
                ),
                "hidden": not shown,
            }
        )
    return rows


def _deciles(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Standard-of-living deciles of persons (cut points from two columns only, so that a
    population larger than memory still fits)."""
    columns = frame.select(STANDARD_OF_LIVING, WEIGHT, "nb_personnes").collect(engine="streaming")
    living = columns[STANDARD_OF_LIVING].to_numpy()
    weights = person_weights(columns)
    cuts = [weighted_quantile(living, weights, q / 10) for q in range(1, 10)]
    decile = pl.lit(1, pl.Int64)
    for cut in cuts:
        decile = decile + (pl.col(STANDARD_OF_LIVING) >= cut).cast(pl.Int64)
    return frame.with_columns(decile=decile)


def _poverty(frame: pl.LazyFrame, lines: dict[str, float]) -> dict[str, float]:
    """Persons under 50 % / 60 % of the national median, and the monthly poverty gap (what
    it would take to bring every poor household to the line), before and after."""
    persons = pl.col(WEIGHT) * pl.col("nb_personnes")
    before = pl.col(STANDARD_OF_LIVING) / MONTHS_IN_YEAR
    after = before + pl.col("gain") / pl.col("uc")
    sums: list[pl.Expr] = [persons.sum().alias("total")]
    for name, line in lines.items():
        for moment, living in (("before", before), ("after", after)):
            sums.append((persons * (living < line)).sum().alias(f"rate_{name}_{moment}"))
            gap = ((line - living).clip(lower_bound=0) * pl.col("uc") * pl.col(WEIGHT)).sum()
            sums.append(gap.alias(f"gap_{name}_{moment}"))
    row = frame.select(sums).collect(engine="streaming").row(0, named=True)
    total = float(row.pop("total"))
    return {
        key: round(100 * float(value) / total, 2) if key.startswith("rate") else round(value, 2)
        for key, value in row.items()
    }


def _amount_quantiles(helped: pl.DataFrame, column: str) -> tuple[float | None, float | None]:
    if helped.height < SECRECY:
        return None, None
    weights = helped[WEIGHT].to_numpy()
    values = helped[column].to_numpy()
    mean = float(np.average(values, weights=weights))
    return round(mean, 2), round(weighted_quantile(values, weights, 0.5), 2)


def _scheme_figures(
    catalog: Catalog, spec: ScenarioSpec, frame: pl.LazyFrame, scheme_id: str
) -> dict[str, Any]:
    scheme = catalog.schemes[scheme_id]
    taken = pl.col(f"{scheme_id}__taken")
    weight = pl.col(WEIGHT)
    sums = (
        frame.select(
            eligible_sample=(pl.col(scheme_id) > 0).sum(),
            eligible=(weight * (pl.col(scheme_id) > 0)).sum(),
            eligible_persons=(weight * pl.col(f"{scheme_id}__persons")).sum(),
            helped_sample=(taken > 0).sum(),
            helped=(weight * (taken > 0)).sum(),
            helped_persons=(weight * pl.col(f"{scheme_id}__taken_persons")).sum(),
            monthly=(weight * taken).sum(),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    helped_amounts = (
        frame.filter(taken > 0).select(taken.alias("amount"), weight).collect(engine="streaming")
    )
    monthly = float(sums["monthly"] or 0)
    duration = _duration(catalog, scheme_id)
    mean, median = _amount_quantiles(helped_amounts, "amount")
    take_up = spec.take_up_of(scheme_id)
    eligible_count = int(sums["eligible_sample"])
    helped_count = int(sums["helped_sample"])
    figures: dict[str, Any] = {
        "title": scheme.spec.title.model_dump(),
        "months_counted": duration,
        "take_up": take_up.model_dump() | {"assumption": take_up.assumption},
        "eligible_households": _hidden(eligible_count, round(float(sums["eligible"]), 1)),
        "eligible_persons": _hidden(eligible_count, round(float(sums["eligible_persons"]), 1)),
        "households_helped": _hidden(helped_count, round(float(sums["helped"]), 1)),
        "persons_helped": _hidden(helped_count, round(float(sums["helped_persons"]), 1)),
        "monthly_cost": round(monthly, 2),
        "annual_cost": round(monthly * duration, 2),
        "mean_amount": mean,
        "median_amount": median,
        "envelope": None,
    }
    # A household's national rights against a household scheme's amount (the guaranteed income's
    # gap); a person scheme's beneficiary is not the whole household, so it has none.
    figures["national"] = (
        _national_gap(frame, scheme_id) if scheme.spec.entity == "household" else None
    )
    envelope = scheme.spec.envelope
    if envelope is not None:
        # A support (one beneficiary: a household, or a person for a person scheme) lasts the
        # scheme's maximum duration; the envelope carries as many.
        beneficiaries = float(
            sums["helped_persons"] if scheme.spec.entity == "person" else sums["helped"]
        )
        per_support = monthly / beneficiaries * duration if beneficiaries else 0.0
        figures["envelope"] = {
            "amount": envelope.amount,
            "ends_on": envelope.ends_on.isoformat() if envelope.ends_on else None,
            "months_it_lasts": round(envelope.amount / monthly, 1) if monthly else None,
            "supports_it_carries": int(envelope.amount // per_support) if per_support else None,
            "people_in_target": figures["eligible_persons"],
        }
    return figures


def _national_gap(frame: pl.LazyFrame, scheme_id: str) -> dict[str, Any] | None:
    """Among the households the scheme would help (before take-up), how much of the gap it
    fills the national rights already fill: the sum over them of the smaller of their national
    rights and the municipal amount, against the municipal amount. Only households whose
    national rights are decided count; cells under the secrecy threshold are hidden."""
    if NATIONAL_AMOUNT not in frame.collect_schema().names():
        return None
    weight = pl.col(WEIGHT)
    municipal = pl.col(scheme_id)
    national = pl.col(NATIONAL_AMOUNT)
    eligible = municipal > 0
    decided = eligible & ~pl.col(NATIONAL_UNDECIDED)
    sums = (
        frame.select(
            undecided_sample=(eligible & pl.col(NATIONAL_UNDECIDED)).sum(),
            sample=decided.sum(),
            with_rights_sample=(decided & (national > 0)).sum(),
            households=(weight * decided).sum(),
            with_rights=(weight * (decided & (national > 0))).sum(),
            municipal=(weight * municipal * decided).sum(),
            national=(weight * national * decided).sum(),
            filled=(weight * pl.min_horizontal(national, municipal) * decided).sum(),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    sample = int(sums["sample"])
    shown = not secret(sample) and sample > 0
    gap = float(sums["municipal"] or 0)
    return {
        "households_decided": _hidden(sample, round(float(sums["households"]), 1)),
        "households_undecided_sample": int(sums["undecided_sample"]),
        "households_with_rights": _hidden(
            int(sums["with_rights_sample"]), round(float(sums["with_rights"]), 1)
        ),
        "monthly_national": round(float(sums["national"]), 2) if shown else None,
        "mean_national": (
            round(float(sums["national"]) / float(sums["households"]), 2) if shown else None
        ),
        "share_of_gap_filled": round(100 * float(sums["filled"]) / gap, 1)
        if shown and gap
        else None,
    }


def summarise(
    catalog: Catalog,
    spec: ScenarioSpec,
    evaluated: "Evaluated",
    population: dict[str, Any],
    reference: "Evaluated | None" = None,
) -> dict[str, Any]:
    frame = _deciles(_taken(spec, evaluated, "central"))
    income = pl.col(STANDARD_OF_LIVING) * pl.col("uc") / MONTHS_IN_YEAR
    frame = frame.with_columns(income=income)
    schemes = {s: _scheme_figures(catalog, spec, frame, s) for s in evaluated.schemes}
    summary: dict[str, Any] = {
        "scenario": {
            "name": spec.name,
            "date": spec.date.isoformat(),
            "schemes": list(spec.schemes),
            "overrides": dict(spec.overrides),
            "level": "central",
        },
        "population": {k: v for k, v in population.items() if k != "calibration"},
        "calibration": population.get("calibration", []),
        "assumptions": {k: ASSUMPTIONS[k] for k in population.get("assumptions", [])},
        "undecided": frame.select(
            pl.col(f"{s}__undecided").sum().alias(s) for s in evaluated.schemes
        )
        .collect(engine="streaming")
        .row(0, named=True),
        "secrecy_threshold": SECRECY,
        "schemes": schemes,
        "total": totals(spec, evaluated, "central")
        | {
            "annual_cost": round(sum(s["annual_cost"] for s in schemes.values()), 2),
        },
        "deciles": _grouped(frame, "decile", pl.col("income")),
        "areas": {
            "commune": _grouped(frame, "commune_residence", pl.col("income")),
            "iris": _grouped(frame, IRIS, pl.col("income")),
            "qpv": _grouped(
                frame.with_columns(pl.col(QPV).fill_null(OUTSIDE_QPV)), QPV, pl.col("income")
            ),
        },
        "household_types": _grouped(frame, HOUSEHOLD_TYPE, pl.col("income")),
        "poverty": _poverty(frame, _lines()),
        "winners": _winners(spec, frame, reference),
    }
    return summary


def _winners(
    spec: ScenarioSpec, frame: pl.LazyFrame, reference: "Evaluated | None"
) -> dict[str, Any]:
    """Households that gain against the reference (no scheme at all when there is none)."""
    if reference is None:
        compared = frame.with_columns(difference=pl.col("gain"))
        name = None
    else:
        base = _taken(spec, reference, "central").select(
            HOUSEHOLD_ID, pl.col("gain").alias("reference_gain")
        )
        compared = frame.join(base, on=HOUSEHOLD_ID, how="left").with_columns(
            difference=pl.col("gain") - pl.col("reference_gain").fill_null(0)
        )
        name = "reference"
    gaining = pl.col("difference") > 0.5
    losing = pl.col("difference") < -0.5
    weight = pl.col(WEIGHT)
    sums = (
        compared.select(
            gaining_sample=gaining.sum(),
            gaining=(weight * gaining).sum(),
            losing_sample=losing.sum(),
            losing=(weight * losing).sum(),
            gain=(weight * pl.col("difference") * gaining).sum(),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    by_decile = (
        compared.group_by("decile")
        .agg(
            winners_sample=gaining.sum(),
            winners=(weight * gaining).sum(),
            households=weight.sum(),
        )
        .sort("decile")
        .collect(engine="streaming")
    )
    gaining_count = int(sums["gaining_sample"])
    return {
        "reference": name,
        "households_gaining": _hidden(gaining_count, round(float(sums["gaining"]), 1)),
        "households_losing": _hidden(int(sums["losing_sample"]), round(float(sums["losing"]), 1)),
        "mean_gain": (
            round(float(sums["gain"]) / float(sums["gaining"]), 2)
            if gaining_count >= SECRECY
            else None
        ),
        "by_decile": [
            {
                "key": row["decile"],
                "share_gaining": (
                    round(100 * row["winners"] / row["households"], 2)
                    if not secret(row["winners_sample"])
                    else None
                ),
                "hidden": secret(row["winners_sample"]),
            }
            for row in by_decile.iter_rows(named=True)
        ],
    }
