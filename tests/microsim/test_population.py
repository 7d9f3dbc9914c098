"""Synthetic populations are deterministic, complete and plausible."""

import polars as pl

from solidarite.microsim.population import synthetic_population


def test_same_seed_same_population_other_seed_other_population() -> None:
    first, again, other = (
        synthetic_population(500),
        synthetic_population(500),
        synthetic_population(500, 1),
    )
    assert first.persons.equals(again.persons)
    assert first.households.equals(again.households)
    assert not first.persons.equals(other.persons)


def test_every_household_has_one_to_five_members_and_every_input_is_known() -> None:
    population = synthetic_population(2_000)
    sizes = population.persons.group_by("household_id").len()["len"]
    assert sizes.min() == 1
    assert sizes.max() == 5
    assert sizes.len() == 2_000
    assert population.persons.null_count().sum_horizontal().item() == 0
    assert set(population.households["commune_residence"].unique()) == {"25056", "21166", "autre"}
    assert population.persons.filter(pl.col("age") < 16)["revenus_mensuels"].max() == 0.0
