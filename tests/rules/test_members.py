"""Members by position (`rules/members.py`) and the plan that settles what the data decides.

A population's households and persons arrive in any order; the positional sums must give what
a group-by would, whatever the order, and an id that does not add up is an error that names its
row instead of a member silently dropped or counted twice."""

import datetime as dt
import math
import random
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules import intervals as iv
from solidarite.rules import scalars as s
from solidarite.rules.errors import InputError
from solidarite.rules.inputs import _person_index
from solidarite.rules.members import Members
from solidarite.rules.population import Frame
from tests.rules.test_properties import CATALOG, DATES, HOUSEHOLDS, LOCAL, _population

MEMBERS = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.none() | st.floats(-1e6, 1e6, allow_nan=False),
        st.none() | st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(members=MEMBERS, households=st.sets(st.integers(0, 5), min_size=1), shuffle=st.randoms())
def test_positional_sums_equal_a_plain_python_sum_in_any_order(
    members: list[tuple[int, float | None, bool | None]],
    households: set[int],
    shuffle: random.Random,
) -> None:
    members = [m for m in members if m[0] in households]
    ids = sorted(households)
    if shuffle.random() < 0.5:  # half the draws: members out of household order
        shuffle.shuffle(members)
    if shuffle.random() < 0.5:
        shuffle.shuffle(ids)
    persons = pl.DataFrame(
        {
            "household_id": [m[0] for m in members],
            "x": [m[1] for m in members],
            "flag": [m[2] for m in members],
        },
        schema={"household_id": pl.Int64, "x": pl.Float64, "flag": pl.Boolean},
    )
    found = Members.of(pl.DataFrame({"household_id": ids}), persons, "population.csv")
    sums = found.reduce(persons, {"x": "sum", "flag": "any"})
    counts = found.reduce(persons.select(pl.col("flag").alias("count")), {"count": "sum"})
    lows = found.reduce(persons.select(pl.col("x").alias("low")), {"low": "min"})
    highs = found.reduce(persons.select(pl.col("x").alias("high")), {"high": "max"})
    for row, household in enumerate(ids):
        own = [m for m in members if m[0] == household]
        values = [m[1] for m in own if m[1] is not None]
        expected = 0.0
        for value in values:  # in member order, as the household engine adds
            expected += value
        assert sums["x"][row] == expected
        assert sums["flag"][row] is any(m[2] for m in own)
        assert counts["count"][row] == sum(1 for m in own if m[2])
        assert lows["low"][row] == (min(values) if values else None)
        assert highs["high"][row] == (max(values) if values else None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.lists(HOUSEHOLDS, min_size=1, max_size=5), date=DATES, shuffle=st.randoms())
def test_the_order_of_the_rows_does_not_change_a_household_s_results(
    households: list[dict[str, Any]], date: dt.date, shuffle: random.Random
) -> None:
    homes, persons = _population(households, CATALOG)
    in_order = CATALOG.evaluate_population(homes, persons, date, only=LOCAL)
    rows = list(range(homes.height))
    shuffle.shuffle(rows)
    people = _interleaved(persons["household_id"].to_list(), shuffle)
    shuffled = CATALOG.evaluate_population(
        homes[rows], persons[people].drop("person_index", strict=False), date, only=LOCAL
    )
    assert shuffled.sort("household_id").equals(in_order.sort("household_id"))


def _interleaved(households: list[int], shuffle: random.Random) -> list[int]:
    """Rows in a random order that keeps each household's members in their order (a sum of
    amounts depends on the order of its terms, to the last bit)."""
    slots = list(range(len(households)))
    shuffle.shuffle(slots)
    by_household: dict[int, list[int]] = {}
    for row, household in enumerate(households):
        by_household.setdefault(household, []).append(row)
    order = [0] * len(households)
    for rows in by_household.values():
        for slot, row in zip(sorted(slots[r] for r in rows), rows, strict=True):
            order[slot] = row
    return order


def _error(households: pl.DataFrame, persons: pl.DataFrame) -> str:
    with pytest.raises(InputError) as raised:
        CATALOG.evaluate_population(households, persons, dt.date(2024, 3, 1), source="pop.csv")
    return str(raised.value)


def test_a_household_given_twice_is_an_error_naming_its_row() -> None:
    households = pl.DataFrame({"household_id": [1, 2, 2]})
    persons = pl.DataFrame({"household_id": [1, 2]})
    assert _error(households, persons) == "pop.csv:4: household_id: household 2 is given twice"
    unsorted = pl.DataFrame({"household_id": [7, 3, 7]})
    assert _error(unsorted, persons.head(0)) == (
        "pop.csv:4: household_id: household 7 is given twice"
    )


def test_a_person_whose_household_is_missing_is_an_error_naming_its_row() -> None:
    households = pl.DataFrame({"household_id": [1, 3]})
    persons = pl.DataFrame({"household_id": [1, 1, 2, 3]})
    assert _error(households, persons) == (
        "pop.csv:4: household_id: household 2 is not in the household table"
    )


def test_a_row_without_a_household_id_is_an_error() -> None:
    households = pl.DataFrame({"household_id": [1, None]}, schema={"household_id": pl.Int64})
    persons = pl.DataFrame({"household_id": [1]})
    assert _error(households, persons) == "pop.csv:3: household_id: a household has no id"


def test_a_household_without_members_counts_zero_and_has_no_youngest_member() -> None:
    households = pl.DataFrame({"household_id": [1, 2, 3]})
    persons = pl.DataFrame({"household_id": [1, 3, 3], "age": [30, 4, 40]})
    base = CATALOG.household_variables(households, persons, dt.date(2024, 3, 1))
    assert base["nb_mineurs"].to_list() == [0, 0, 1]


def test_a_division_the_data_never_makes_null_is_settled_as_a_known_value() -> None:
    """Bounds equal in every row become one column, and a NULL flag false in every row becomes
    False: the plan that follows is that of known answers (here, one column, not three)."""
    frame = Frame(
        pl.DataFrame({"lo": [1.0, 2.0], "hi": [1.0, 2.0], "null": [False, False]}).lazy(), {}
    )
    frame.env["x"] = iv.Value("num", pl.col("lo"), pl.col("hi"), pl.col("null"), True)
    frame.env["y"] = iv.Value("num", pl.col("lo"), pl.col("hi"), pl.col("null").not_(), True)
    frame.collect()
    assert iv.is_point(frame.env["x"])
    assert frame.env["x"].lo is frame.env["x"].hi
    assert not iv.is_point(frame.env["y"])  # an expression, not a column: left as it is
    undecided = Frame(pl.DataFrame({"lo": [1.0, 2.0], "hi": [1.0, math.inf]}).lazy(), {})
    undecided.env["z"] = iv.number(pl.col("lo"), pl.col("hi"))
    undecided.collect()
    assert not iv.is_point(undecided.env["z"])


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(st.integers(0, 4), max_size=30), sort=st.booleans())
def test_a_member_s_rank_in_a_sorted_file_is_the_rank_a_window_gives(
    ids: list[int], sort: bool
) -> None:
    households = pl.Series("household_id", sorted(ids) if sort else ids, dtype=pl.Int64)
    window = households.to_frame().select(pl.int_range(pl.len()).over("household_id"))
    assert _person_index(households).to_list() == window.to_series().to_list()


def test_a_constant_compared_with_a_column_holding_one_value_gives_a_value_per_row() -> None:
    """Polars 2.1 answers `0 < column` with one row when the column is stored as one value (a
    CASE whose condition holds everywhere), which broke a collected plan: the constant goes to
    the right of every comparison (`scalars.lt`)."""
    frame = pl.DataFrame({"c": [1.0, 2.0]}).with_columns(
        pl.when(pl.col("c") <= 3.0).then(6.0).otherwise(0.0).alias("a")
    )
    for compared in (s.lt(0.0, pl.col("a")), s.le(0.0, pl.col("a")), s.eq(6.0, pl.col("a"))):
        assert isinstance(compared, pl.Expr)
        assert frame.select(pl.col("c"), compared.alias("r"))["r"].to_list() == [True, True]


def test_a_whole_amount_the_same_for_every_beneficiary_totals_as_the_count_times_it() -> None:
    """The youth aid pays 500 EUR to each eligible member: the household's total is the
    beneficiaries times 500, with no sum per member, and equals the members' amounts added."""
    date = dt.date(2024, 3, 1)
    no = {"percoit_rsa": False, "percoit_garantie_jeunes": False, "percoit_are": False}
    young = [{"age": 19, "revenus_mensuels": 0.0, **no}, {"age": 22, "revenus_mensuels": 0.0, **no}]
    households = pl.DataFrame({"household_id": [1, 2], "commune_residence": ["25056", "25056"]})
    persons = pl.DataFrame(
        [{"household_id": 1, **person} for person in young]
        + [{"household_id": 2, "age": 40, "revenus_mensuels": 0.0, **no}]
    )
    frame = CATALOG.evaluate_population(households, persons, date, only=["aide_jeunes_besancon"])
    assert frame["aide_jeunes_besancon__beneficiaries"].to_list() == [2, 0]
    assert frame["aide_jeunes_besancon__amount"].to_list() == [1000.0, 0.0]
    alone = CATALOG.evaluate({"household": {"commune_residence": "25056"}, "persons": young}, date)
    paid = [r.amount for r in alone.results if r.scheme_id == "aide_jeunes_besancon"]
    assert sum(a or 0.0 for a in paid) == frame["aide_jeunes_besancon__amount"][0]
