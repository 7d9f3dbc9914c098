"""Deterministic synthetic populations, generated with Polars expressions (no Python loop).

The same (size, seed) always yields the same households: benchmarks and tests compare runs on
identical data. Draws come from hashing row numbers, so generating a million households is a
handful of vectorised expressions. The shape is plausible, not calibrated on INSEE data.
"""

from dataclasses import dataclass

import polars as pl

HOUSEHOLD_ID = "household_id"
_SCALE = float(2**64)


@dataclass(frozen=True)
class Population:
    households: pl.DataFrame
    persons: pl.DataFrame


def _uniform(column: str, salt: int, seed: int) -> pl.Expr:
    """A deterministic draw in [0, 1) per row."""
    return pl.col(column).hash(seed=seed * 1_000_003 + salt).cast(pl.Float64) / _SCALE


def synthetic_population(n_households: int, seed: int = 2020) -> Population:
    """Households of 1 to 5 people in Besançon, Chenôve and elsewhere, every input known."""
    households = pl.DataFrame(
        {HOUSEHOLD_ID: pl.int_range(n_households, eager=True, dtype=pl.Int64)}
    ).with_columns(
        commune_residence=pl.when(_uniform(HOUSEHOLD_ID, 1, seed) < 0.45)
        .then(pl.lit("25056"))
        .when(_uniform(HOUSEHOLD_ID, 2, seed) < 0.6)
        .then(pl.lit("21166"))
        .otherwise(pl.lit("autre")),
        duree_residence_mois=(_uniform(HOUSEHOLD_ID, 3, seed) * 240).cast(pl.Int64),
        size=(1 + (_uniform(HOUSEHOLD_ID, 4, seed) * 5).floor()).cast(pl.Int64),
    )
    persons = (
        households.select(HOUSEHOLD_ID, "size")
        .with_columns(person_index=pl.int_ranges(0, pl.col("size")))
        .explode("person_index")
        .drop("size")
        .with_row_index("row")
        .with_columns(pl.col("row").cast(pl.Int64), pl.col("person_index").cast(pl.Int64))
    )
    draw = [_uniform("row", salt, seed) for salt in range(10, 20)]
    adult = pl.col("person_index") < 2
    age = pl.when(adult).then(16 + draw[0] * 70).otherwise(draw[0] * 24).cast(pl.Int64)
    persons = persons.with_columns(age=age).with_columns(
        revenus_mensuels=pl.when(pl.col("age") < 16)
        .then(pl.lit(0.0))
        .when(draw[1] < 0.35)
        .then(pl.lit(0.0))
        .otherwise((draw[2] * 2600).round(0)),
        percoit_rsa=(pl.col("age") >= 25) & (draw[3] < 0.08),
        percoit_garantie_jeunes=pl.col("age").is_between(16, 25) & (draw[4] < 0.1),
        percoit_are=(pl.col("age") >= 18) & (draw[5] < 0.07),
        percoit_aah=(pl.col("age") >= 20) & (draw[6] < 0.03),
        etudiant=pl.col("age").is_between(18, 26) & (draw[7] < 0.4),
        eleve_cm1_chenove=(pl.col("age") == 9) & (draw[8] < 0.8),
        agent_municipal_chenove=pl.col("age").is_between(20, 64) & (draw[9] < 0.02),
    )
    return Population(households.drop("size"), persons.drop("row"))
