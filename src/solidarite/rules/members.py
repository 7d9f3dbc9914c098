"""Which household each person belongs to, by position, and sums over a household's members.

A population's person schemes and aggregates move values between the two tables: a household's
columns onto each of its members, and the members' values back as one sum, minimum or maximum
per household. Hash joins and group-bys do that in Polars at about 100 ns a group and an
aggregate; knowing each person's household *row* once turns both into positional operations
(a `gather`, and one `numpy.bincount` or `ufunc.at` per column) that cost a few nanoseconds a row.

The mapping is built once per evaluation and checks the ids on the way: a household id given
twice, a missing id, or a person whose household is not in the household table is an input
error naming the row, not a silently dropped or doubled member.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from solidarite.rules.errors import InputError, RuleError
from solidarite.rules.inputs import HOUSEHOLD_ID, run_starts

Reduction = Literal["sum", "any", "min", "max"]


@dataclass(frozen=True)
class Members:
    """Each person's household row (`rows`), for `size` households. When each household's
    members follow each other in household order (a file sorted by household, the usual
    case), `offsets[h]:offsets[h + 1]` are household h's members.

    The rows are kept in Polars' own index type: a gather with any other integer type converts
    the three million indices again for every column it copies."""

    rows: pl.Series
    size: int
    offsets: npt.NDArray[np.int64] | None

    @cached_property
    def positions(self) -> npt.NDArray[np.intp]:
        """The rows as numpy's index type, for `bincount` and `ufunc.at`."""
        return self.rows.to_numpy().astype(np.intp)

    @classmethod
    def of(cls, households: pl.DataFrame, persons: pl.DataFrame, source: str) -> "Members":
        """The household row of every person; the ids are checked (see the module)."""
        _refuse_missing_ids(households, persons, source)
        ranked, order = _ranked_ids(households[HOUSEHOLD_ID], source)
        wanted = persons[HOUSEHOLD_ID].to_numpy()
        index = np.uint32 if pl.get_index_type() == pl.UInt32 else np.uint64
        # Members of a household usually follow each other: each run of ids is looked up once,
        # and not at all when the runs are the households themselves, in order.
        starts = run_starts(wanted)
        runs = wanted[starts]
        if order is None and np.array_equal(runs, ranked):  # a file sorted by household
            rows = np.zeros(len(wanted), dtype=index)
            rows[starts[1:]] = 1
            np.cumsum(rows, out=rows)
            bounds = np.append(starts, len(wanted)).astype(np.int64)
            return cls(pl.Series("row", rows), households.height, bounds)
        found = _household_of_runs(ranked, order, runs, starts, source)
        lengths = np.diff(starts, append=len(wanted))
        offsets: npt.NDArray[np.int64] | None = None
        if bool((found[1:] > found[:-1]).all()):  # one run per household, in household order
            counts = np.zeros(households.height, dtype=np.int64)
            counts[found] = lengths
            offsets = np.zeros(households.height + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
        rows = np.repeat(found.astype(index, copy=False), lengths)
        return cls(pl.Series("row", rows), households.height, offsets)

    def spread(self, households: pl.LazyFrame) -> pl.LazyFrame:
        """The household columns, one row per person (columns nobody reads are not copied:
        the gather stays lazy)."""
        return households.select(pl.all().gather(self.rows))

    def reduce(self, frame: pl.DataFrame, reductions: dict[str, Reduction]) -> pl.DataFrame:
        """Per household, each column of `frame` (one row per person) reduced as named; nulls
        are skipped, as in SQL. A household without members sums to 0, has no member for
        `any`, and has no minimum or maximum (null). A sum of flags is a count, an integer."""
        # One buffer for every column's running counts: a fresh one per column costs as much
        # in page faults as the counting itself.
        counter = np.int32 if frame.height < 2**31 else np.int64  # half the memory to walk
        scratch: npt.NDArray[np.integer[Any]] = np.zeros(frame.height + 1, dtype=counter)
        return pl.DataFrame(
            [self._reduce(frame[name], how, scratch) for name, how in reductions.items()]
        )

    def _reduce(
        self, column: pl.Series, how: Reduction, scratch: npt.NDArray[np.integer[Any]]
    ) -> pl.Series:
        if how in ("sum", "any") and column.dtype in (pl.Boolean, pl.Null):
            counts = self._counts(_numbers(column, False).astype(bool, copy=False), scratch)
            return pl.Series(column.name, counts > 0 if how == "any" else counts)
        if how == "sum":
            # In member order, one addition after another: the sum a household's evaluation
            # makes (a difference of running sums would not be exact).
            sums = np.bincount(self.positions, weights=_numbers(column, 0.0), minlength=self.size)
            return pl.Series(column.name, sums)
        extreme = np.full(self.size, np.nan)
        values = column.cast(pl.Float64).to_numpy()  # null -> NaN, which fmin and fmax skip
        (np.fmin if how == "min" else np.fmax).at(extreme, self.positions, values)
        return pl.Series(column.name, extreme).fill_nan(None)

    def _counts(
        self, flags: npt.NDArray[np.bool_], running: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[Any]:
        """How many members hold each flag: running counts (in `running`, one more than the
        members, starting at 0) read at the households' bounds when members follow each other,
        exact in integers."""
        if self.offsets is None:
            return np.bincount(self.positions[flags], minlength=self.size)
        np.cumsum(flags, out=running[1:])
        return np.diff(running[self.offsets])


def _refuse_missing_ids(households: pl.DataFrame, persons: pl.DataFrame, source: str) -> None:
    errors: list[RuleError] = []
    for entity, frame in (("household", households), ("person", persons)):
        missing = frame[HOUSEHOLD_ID].is_null()
        if missing.any():
            row = int(missing.arg_max() or 0) + 2
            errors.append(RuleError(source, row, HOUSEHOLD_ID, f"a {entity} has no id"))
    if errors:
        raise InputError(errors)


def _ranked_ids(
    ids: pl.Series, source: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp] | None]:
    """The household ids in increasing order, and the order that sorts them (None when they
    already are); an id given twice is an error naming its row."""
    values = ids.to_numpy()
    order = None if ids.is_sorted() else np.argsort(values, kind="stable")
    ranked = values if order is None else values[order]
    repeated = np.flatnonzero(ranked[1:] == ranked[:-1])
    if repeated.size:
        first = int(repeated[0]) + 1
        row = first if order is None else int(order[first])
        message = f"household {ranked[first]} is given twice"
        raise InputError([RuleError(source, row + 2, HOUSEHOLD_ID, message)])
    return ranked, order


def _household_of_runs(
    ranked: npt.NDArray[np.int64],
    order: npt.NDArray[np.intp] | None,
    runs: npt.NDArray[np.int64],
    starts: npt.NDArray[np.intp],
    source: str,
) -> npt.NDArray[np.intp]:
    """The household row of each run of members; a run whose household is not in the table
    is an error naming its first member's row."""
    found = np.minimum(np.searchsorted(ranked, runs), max(len(ranked) - 1, 0))
    matched = ranked[found] == runs if len(ranked) else np.zeros(len(runs), bool)
    if not matched.all():
        row = int(starts[np.argmin(matched)])
        message = f"household {runs[np.argmin(matched)]} is not in the household table"
        raise InputError([RuleError(source, row + 2, HOUSEHOLD_ID, message)])
    return found if order is None else order[found]


def _numbers(column: pl.Series, missing: float | bool) -> npt.NDArray[np.float64 | np.bool_]:
    """The column as a numpy array, nulls as `missing` (no copy when there is none)."""
    if column.dtype == pl.Null:
        return np.full(column.len(), missing)
    if column.null_count():
        column = column.fill_null(missing)
    return column.to_numpy()
