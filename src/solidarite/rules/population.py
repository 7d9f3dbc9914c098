"""The Polars back-end: a whole population, every scheme, as a few lazy `with_columns`.

The same trees and interval rules as the one-household back-end, building Polars expressions:
each derived value becomes up to four columns (`name@lo`, `name@hi`, `name@null`, `name@value`),
and only the parts that depend on the data do (parameters and other static facts fold to
Python values when the plan is built). Output: one row per household with, per scheme,
`<id>__eligible` (null when undecided), `<id>__amount` (null when undecided) and, for a person
scheme, `<id>__beneficiaries`.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default

import polars as pl

from solidarite.rules import intervals as iv
from solidarite.rules import outcomes
from solidarite.rules import scalars as s
from solidarite.rules.household import Domains, years_sibling
from solidarite.rules.inputs import HOUSEHOLD_ID
from solidarite.rules.intervals import Value
from solidarite.rules.members import Members, Reduction
from solidarite.rules.outcomes import Outcome
from solidarite.rules.scalars import Scalar
from solidarite.rules.schemes import (
    Resolved,
    Scheme,
    amount_name,
    eligible_name,
    variables_read,
)
from solidarite.rules.variables import Variable, VariableSet


def beneficiaries_column(scheme_id: str) -> str:
    return f"{scheme_id}__beneficiaries"


TEMPORARY = "_t"  # prefix of the columns `Frame.keep` makes
KEEP_ABOVE = 2_000  # characters of an expression's text beyond which it becomes a column


@dataclass
class Frame:
    """A lazy frame and the values its columns hold."""

    lazy: pl.LazyFrame
    env: dict[str, Value]
    # Operations turned into columns by `keep`, waiting for the next `add`: (depth, name, expr).
    staged: list[tuple[int, str, pl.Expr]] = default(default_factory=list)
    depth: dict[str, int] = default(default_factory=dict)
    # The `with_columns` since the last collect, and the columns they read (`rebased`).
    steps: list[list[pl.Expr]] = default(default_factory=list)

    def add(self, named: Sequence[tuple[str, Value]]) -> None:
        self._flush()
        exprs: list[pl.Expr] = []
        for name, value in named:
            parts, self.env[name] = _materialise(name, value)
            exprs += parts
        self._step(exprs)

    def _step(self, exprs: list[pl.Expr]) -> None:
        if exprs:
            self.lazy = self.lazy.with_columns(exprs)
            self.steps.append(exprs)

    def reads(self) -> set[str]:
        """The columns the steps since the last collect read."""
        return {root for step in self.steps for expr in step for root in expr.meta.root_names()}

    def rebased(self, base: pl.LazyFrame) -> None:
        """The same steps over another base: the members' columns are known only once their
        schemes are built, and only the household columns they read are copied to them."""
        self.lazy = base
        for step in self.steps:
            self.lazy = self.lazy.with_columns(step)

    def keep(self, value: Value) -> Value:
        """A large operation's bounds as columns (`iv.evaluate(keep=...)`): the rules that read
        them then copy a column name, not a sub-tree. One `with_columns` per depth."""
        parts: dict[str, Scalar] = {}
        changed = False
        for part in ("lo", "hi", "null", "value"):
            component = getattr(value, part)
            if part == "hi" and value.hi is value.lo and "lo" in parts:
                parts["hi"] = parts["lo"]
                continue
            if (
                isinstance(component, pl.Expr)
                and not component.meta.is_column()
                and len(str(component)) > KEEP_ABOVE
                and component.meta.root_names()
            ):
                name = f"{TEMPORARY}{len(self.depth)}@{part}"
                roots = component.meta.root_names()
                self.depth[name] = 1 + max(self.depth.get(r, 0) for r in roots)
                self.staged.append((self.depth[name], name, component.alias(name)))
                parts[part] = pl.col(name)
                changed = True
            else:
                parts[part] = component
        return _with_parts(value, parts) if changed else value

    def collect(self, extra: Sequence[pl.Expr] = ()) -> pl.DataFrame:
        """Every column so far (and `extra`), computed; what follows starts from them.

        A household's values go to its members, and members' values come back, by position
        (`members.Members`), between two collects. A collect also settles what the data
        decides (`_settle`)."""
        self._flush()
        frame = self.lazy.with_columns(extra).collect(engine="in-memory")
        self.lazy = frame.lazy()
        self.steps.clear()
        self._settle(frame)
        return frame

    def select(self, columns: Sequence[pl.Expr]) -> pl.DataFrame:
        """Only `columns`, computed: what a plan's other columns needed is not kept. (Added,
        then selected by name: a column the optimiser folds to a literal still fills every
        row.)"""
        self._flush()
        names = [column.meta.output_name() for column in columns]
        return self.lazy.with_columns(columns).select(names).collect(engine="in-memory")

    def _settle(self, frame: pl.DataFrame) -> None:
        """Values whose flags hold the same answer in every row become constants, and bounds
        equal in every row become one column: what follows builds the smaller plan of known
        answers. In the population at hand a consumption unit is never 0, say, so an income per
        unit, a division, is never NULL there, and the conditions that read it are decided
        booleans instead of intervals. Sound by construction: the same values, row by row."""
        checks: dict[str, pl.Expr] = {}
        for value in self.env.values():
            for flag in (value.null, value.value, value.lo, value.hi):
                name = _column_name(flag)
                if name is not None and frame.schema.get(name) == pl.Boolean:
                    column = pl.col(name)
                    checks[f"{name}@all"] = column.all() & (column.null_count() == 0)
                    checks[f"{name}@none"] = (~column.any()) & (column.null_count() == 0)
            lo, hi = _column_name(value.lo), _column_name(value.hi)
            if lo and hi and lo in frame.schema and hi in frame.schema and lo != hi:
                checks[f"{lo}={hi}"] = pl.col(lo).eq_missing(pl.col(hi)).all()
        if not checks:
            return
        found = frame.select(**checks).row(0, named=True)

        def settled(flag: Scalar) -> Scalar:
            name = _column_name(flag)
            if name is None or f"{name}@all" not in found:
                return flag
            if found[f"{name}@all"]:
                return True
            return False if found[f"{name}@none"] else flag

        for key, value in self.env.items():
            lo, hi = settled(value.lo), settled(value.hi)
            if found.get(f"{_column_name(value.lo)}={_column_name(value.hi)}"):
                hi = lo
            self.env[key] = Value(
                value.kind,
                lo,
                hi,
                settled(value.null),
                settled(value.value),
                value.domain,
                value.certain,
            )

    def _flush(self) -> None:
        for depth in sorted({d for d, _, _ in self.staged}):
            self._step([e for d, _, e in self.staged if d == depth])
        self.staged.clear()


def _column_name(component: Scalar) -> str | None:
    """The column a value's part reads as it is, if it is one."""
    if isinstance(component, pl.Expr) and component.meta.is_column():
        return component.meta.output_name()
    return None


def _columnar(expr: pl.Expr) -> pl.Expr:
    """An expression of literals only (a folded bound) as one value that broadcasts: Polars
    would otherwise refuse a one-row result beside a taller frame."""
    return expr if expr.meta.root_names() else expr.first()


def _materialise(name: str, value: Value) -> tuple[list[pl.Expr], Value]:
    exprs: list[pl.Expr] = []
    parts: dict[str, Scalar] = {}
    for field in ("lo", "hi", "null", "value"):
        component = getattr(value, field)
        if field == "hi" and (value.kind == "text" or value.hi is value.lo):
            parts["hi"] = parts["lo"]  # one column for a known value's two bounds
            continue
        if isinstance(component, pl.Expr) and component.meta.is_column():
            parts[field] = component  # already a column: no copy
        elif isinstance(component, pl.Expr):
            column = f"{name}@{field}"
            exprs.append(_columnar(component).alias(column))
            parts[field] = pl.col(column)
        else:
            parts[field] = component
    return exprs, _with_parts(value, parts)


def _with_parts(value: Value, parts: dict[str, Scalar]) -> Value:
    """The same value with its bounds and flags replaced (by columns that hold them)."""
    return Value(
        value.kind,
        parts["lo"],
        parts["hi"],
        parts["null"],
        parts["value"],
        value.domain,
        value.certain,
    )


def _input(
    variable: Variable,
    space: Domains,
    complete: frozenset[str],
    absent: frozenset[str] = frozenset(),
) -> Value:
    """An input column; one without missing answers is a known value (one expression)."""
    column = pl.col(variable.name)
    unknown = space.unknown[variable.name]
    if variable.name in absent:
        return unknown  # no answer at all: the unknown is static, folded into the plan
    if variable.name in complete:
        if variable.spec.type in ("int", "float"):
            return iv.point("num", column.cast(pl.Float64))
        if variable.spec.type == "bool":
            return iv.point("bool", column)
        return Value("text", column, column, domain=unknown.domain, certain=True)
    if variable.spec.type in ("int", "float"):
        number = column.cast(pl.Float64)
        return iv.number(number.fill_null(unknown.lo), number.fill_null(unknown.hi))
    if variable.spec.type == "bool":
        return Value("bool", column.fill_null(False), column.fill_null(True))
    return Value("text", column, column, domain=unknown.domain)


def _ages(
    variables: VariableSet,
    space: Domains,
    date: dt.date,
    env: dict[str, Value],
    complete: frozenset[str],
    absent: frozenset[str],
) -> list[tuple[str, Value]]:
    named: list[tuple[str, Value]] = []
    for variable in variables.ages():
        age_of = variable.spec.age_of
        assert age_of is not None
        if age_of.birth_date in absent:  # no birth date at all: the age given, if any
            value = _age_without_birth_date(variables, variable, space, env, complete)
            env[variable.name] = value
            named.append((variable.name, value))
            continue
        # The birth date wins over an age also given; born after the date counts as 0.
        known = pl.col(age_of.birth_date).is_not_null()
        birth = pl.min_horizontal(pl.col(age_of.birth_date), pl.lit(date))
        # Constants on the right of comparisons (see `scalars.lt`).
        before = (birth.dt.month() > date.month) | (
            (birth.dt.month() == date.month) & (birth.dt.day() > date.day)
        )
        years = (pl.lit(date.year) - birth.dt.year()).cast(pl.Float64) - before.cast(pl.Float64)
        months = (
            (pl.lit(date.year) - birth.dt.year()) * 12
            + (pl.lit(date.month) - birth.dt.month().cast(pl.Int32))
            - (birth.dt.day() > date.day).cast(pl.Int32)
        ).cast(pl.Float64)
        unknown = space.unknown[variable.name]
        if age_of.unit == "years":
            given = (
                pl.col(variable.name).cast(pl.Float64)
                if variable.spec.is_input
                else pl.lit(None, pl.Float64)
            )
            lo = pl.when(known).then(years).otherwise(given.fill_null(unknown.lo))
            hi = pl.when(known).then(years).otherwise(given.fill_null(unknown.hi))
        else:
            sibling = years_sibling(variables, variable)
            if sibling is None:
                lo = pl.when(known).then(months).otherwise(unknown.lo)
                hi = pl.when(known).then(months).otherwise(unknown.hi)
            else:
                years_value = env[sibling.name]
                lo = (
                    pl.when(known)
                    .then(months)
                    .otherwise(s.lit(s.maximum(s.mul(years_value.lo, 12.0), unknown.lo)))
                )
                hi = (
                    pl.when(known)
                    .then(months)
                    .otherwise(
                        s.lit(s.minimum(s.add(s.mul(years_value.hi, 12.0), 11.0), unknown.hi))
                    )
                )
        value = iv.number(lo, hi)
        env[variable.name] = value
        named.append((variable.name, value))
    return named


def _age_without_birth_date(
    variables: VariableSet,
    variable: Variable,
    space: Domains,
    env: dict[str, Value],
    complete: frozenset[str],
) -> Value:
    assert variable.spec.age_of is not None
    unknown = space.unknown[variable.name]
    if variable.spec.age_of.unit == "years":
        if not variable.spec.is_input:
            return unknown
        return _input(variable, space, complete)
    sibling = years_sibling(variables, variable)
    if sibling is None:
        return unknown
    years = env[sibling.name]
    return iv.number(
        s.maximum(s.mul(years.lo, 12.0), unknown.lo),
        s.minimum(s.add(s.mul(years.hi, 12.0), 11.0), unknown.hi),
    )


def _as_number(flag: Scalar) -> Scalar:
    """A member's flag to be summed into a count (`Members.reduce` counts a boolean)."""
    if isinstance(flag, bool):
        return 1.0 if flag else 0.0
    return flag


def _where(flag: Scalar, value: Scalar) -> Scalar:
    """`value` where `flag` holds, null elsewhere: what a filtered minimum or maximum skips."""
    if flag is True:
        return value
    if flag is False:
        return None
    return pl.when(s.lit(flag)).then(s.lit(value))


def _per_member(value: Scalar, name: str) -> pl.Expr:
    """A member value as a column, one row per member even when it is the same for all."""
    if isinstance(value, pl.Expr) and value.meta.root_names():
        return value.alias(name)
    return pl.repeat(s.lit(value), pl.len()).alias(name)


Reduced = tuple[str, Scalar, Reduction]  # a column per household: name, per member, how


def _aggregate(variable: Variable, env: dict[str, Value]) -> list[Reduced]:
    """One aggregate as member values reduced per household: `<name>@lo`, `@hi`, ..."""
    spec = variable.spec.aggregate
    assert spec is not None
    where = iv.evaluate(variable.where.tree, env.__getitem__) if variable.where else None
    sure: Scalar = True if where is None else iv.surely_true(where)
    can: Scalar = True if where is None else iv.can_be_true(where)
    name = variable.name
    if spec.function == "count":
        if sure is can:  # every member's answer known: one column for both bounds
            return [(f"{name}@lo", _as_number(sure), "sum")]
        return [(f"{name}@lo", _as_number(sure), "sum"), (f"{name}@hi", _as_number(can), "sum")]
    assert variable.formula is not None
    value = iv.as_number(iv.evaluate(variable.formula.tree, env.__getitem__))
    if spec.function == "sum" and sure is can and iv.is_point(value):
        return [(f"{name}@lo", s.where(sure, value.lo, 0.0), "sum")]
    if spec.function == "sum":
        gate = s.and_(can, value.value)
        exact = s.and_(sure, s.not_(value.null))
        lo = s.where(gate, s.where(exact, value.lo, s.minimum(0.0, value.lo)), 0.0)
        hi = s.where(gate, s.where(exact, value.hi, s.maximum(0.0, value.hi)), 0.0)
        return [(f"{name}@lo", lo, "sum"), (f"{name}@hi", hi, "sum")]
    certain = s.and_(sure, s.and_(value.value, s.not_(value.null)))
    possible = s.and_(can, value.value)
    # The larger (smaller) of the certain members' values when there is one; otherwise any
    # possible member's value may be the answer, or none at all.
    if spec.function == "max":
        bounds: list[Reduced] = [
            (f"{name}@lo_sure", _where(certain, value.lo), "max"),
            (f"{name}@lo_maybe", _where(possible, value.lo), "min"),
            (f"{name}@hi", _where(possible, value.hi), "max"),
        ]
    else:
        bounds = [
            (f"{name}@lo", _where(possible, value.lo), "min"),
            (f"{name}@hi_sure", _where(certain, value.hi), "min"),
            (f"{name}@hi_maybe", _where(possible, value.hi), "max"),
        ]
    return [
        *bounds,
        (f"{name}@certain", certain, "any"),
        (f"{name}@possible", possible, "any"),
    ]


def _aggregate_value(variable: Variable, parts: list[Reduced]) -> Value:
    """An aggregate read back from its columns; a household with no member counts and sums 0
    and has no minimum or maximum."""
    name = variable.name
    assert variable.spec.aggregate is not None
    function = variable.spec.aggregate.function
    if function in ("count", "sum"):
        lo = pl.col(f"{name}@lo").cast(pl.Float64)  # a count is an integer (`Members.reduce`)
        if len(parts) == 1:
            return iv.point("num", lo)
        return iv.number(lo, pl.col(f"{name}@hi").cast(pl.Float64))
    certain = pl.col(f"{name}@certain")
    if function == "max":
        lo = pl.when(certain).then(pl.col(f"{name}@lo_sure")).otherwise(pl.col(f"{name}@lo_maybe"))
        hi = pl.col(f"{name}@hi")
    else:
        lo = pl.col(f"{name}@lo")
        hi = pl.when(certain).then(pl.col(f"{name}@hi_sure")).otherwise(pl.col(f"{name}@hi_maybe"))
    return Value("num", lo, hi, certain.not_(), pl.col(f"{name}@possible"))


def _reduced(people: Frame, members: Members, reductions: Sequence[Reduced]) -> pl.DataFrame:
    """`reductions` per household. The people's own columns stay a plan: kept, a national
    right's interval columns over every person would double the peak memory."""
    inputs = people.select([_per_member(expr, name) for name, expr, _ in reductions])
    return members.reduce(inputs, {name: how for name, _, how in reductions})


def household_variables(
    variables: VariableSet,
    space: Domains,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    members: Members,
    date: dt.date,
    complete: frozenset[str] = frozenset(),
    absent: frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """Every household variable per household: its value where decided, null otherwise."""
    home, _ = _bases(variables, space, households, persons, members, date, complete, absent)
    columns = [pl.col(HOUSEHOLD_ID)]
    for variable in variables.by_name.values():
        if variable.entity != "household":
            continue
        value = home.env[variable.name]
        decided = s.lit(value.point) if value.kind != "null" else pl.lit(False)
        columns.append(pl.when(decided).then(s.lit(value.lo)).otherwise(None).alias(variable.name))
    return home.collect().select(columns)


def _formula_value(variable: Variable, env: dict[str, Value]) -> Value:
    assert variable.formula is not None
    value = iv.evaluate(variable.formula.tree, env.__getitem__)
    return outcomes.rounded(value) if variable.spec.type == "float" else value


def _bases(
    variables: VariableSet,
    space: Domains,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    members: Members,
    date: dt.date,
    complete: frozenset[str],
    absent: frozenset[str],
    read: frozenset[str] | None = None,
) -> tuple[Frame, Frame]:
    """Households with their inputs, aggregates and formulas; persons with theirs (of the
    derived variables, only those in `read` when given)."""

    def wanted(level: Sequence[Variable]) -> list[Variable]:
        return [v for v in level if read is None or v.name in read]

    people = Frame(persons.lazy(), {})
    people.add(
        [
            (v.name, _input(v, space, complete, absent))
            for v in variables.inputs("person")
            if v.spec.type != "date" and not v.spec.age_of
        ]
    )
    people.add(_ages(variables, space, date, people.env, complete, absent))
    for level in variables.person_formulas:
        people.add([(v.name, _formula_value(v, people.env)) for v in wanted(level)])
    home = Frame(households.lazy(), {})
    home.add([(v.name, _input(v, space, complete, absent)) for v in variables.inputs("household")])
    aggregates = wanted(variables.aggregates)
    if aggregates:
        by_variable = {v.name: _aggregate(v, people.env) for v in aggregates}
        per_household = _reduced(
            people, members, [part for parts in by_variable.values() for part in parts]
        )
        home.lazy = pl.concat([home.lazy, per_household.lazy()], how="horizontal")
        home.add([(v.name, _aggregate_value(v, by_variable[v.name])) for v in aggregates])
    for level in variables.household_formulas:
        home.add([(v.name, _formula_value(v, home.env)) for v in wanted(level)])
    return home, people


def evaluate(
    variables: VariableSet,
    order: Sequence[Scheme],
    space: Domains,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    members: Members,
    date: dt.date,
    values: Mapping[str, Mapping[str, Resolved]],
    complete: frozenset[str] = frozenset(),
    absent: frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """One row per household (see the module). `complete` names the input columns with no
    missing answer, `absent` those with no answer at all: both make a smaller plan with the
    same results."""
    read = variables_read(variables, order)
    home, people = _bases(
        variables, space, households, persons, members, date, complete, absent, read
    )
    home.collect()  # the household variables, settled before the schemes read them
    outputs: list[pl.Expr] = [pl.col(HOUSEHOLD_ID)]
    for level in _levels([x for x in order if x.spec.entity == "household"]):
        home.add(
            [
                named
                for scheme in level
                for named in _published(
                    scheme,
                    _outcome(scheme, variables, values, date, home.env.__getitem__, home.keep),
                )
            ]
        )
        for scheme in level:
            outputs += _decided(scheme, home.env)
    person_schemes = [scheme for scheme in order if scheme.spec.entity == "person"]
    if not person_schemes:
        return home.select(outputs)
    own = set(people.lazy.collect_schema().names())
    household_columns = [
        c
        for c in home.lazy.collect_schema().names()
        if c != HOUSEHOLD_ID and c not in own and not c.startswith(TEMPORARY)
    ]
    member_frame = Frame(
        people.lazy,  # the household columns the schemes read are added below (`rebased`)
        people.env | {k: v for k, v in home.env.items() if k not in people.env},
    )
    totals: list[Reduced] = []
    shapes: dict[str, tuple[bool, bool, float | None]] = {}
    for level in _levels(person_schemes):
        found = {
            scheme.id: _outcome(
                scheme, variables, values, date, member_frame.env.__getitem__, member_frame.keep
            )
            for scheme in level
        }
        member_frame.add(
            [named for scheme in level for named in _published(scheme, found[scheme.id])]
        )
        for scheme in level:
            per_eligible = _whole(found[scheme.id].per_eligible)
            parts, point_eligible, point_amount = _person_totals(
                scheme, member_frame.env, per_eligible
            )
            totals += parts
            shapes[scheme.id] = (point_eligible, point_amount, per_eligible)
    outputs_per_member = [_per_member(expr, name) for name, expr, _ in totals]
    read_by_members = member_frame.reads() | {
        root for expr in outputs_per_member for root in expr.meta.root_names()
    }
    copied = [c for c in household_columns if c in read_by_members]
    # The households' results and the columns their members read, and nothing else: the
    # intermediate columns of a large plan (a national right's intervals) are never kept.
    computed = home.select([*outputs, *(pl.col(c) for c in copied)])
    shared = [_shared(c, computed.schema[c]) for c in copied]
    member_frame.rebased(
        pl.concat([people.lazy, members.spread(computed.lazy().select(shared))], how="horizontal")
    )
    per_household = members.reduce(
        member_frame.select(outputs_per_member), {name: how for name, _, how in totals}
    )
    decided = [pl.col(expr.meta.output_name()) for expr in outputs]
    for scheme in person_schemes:
        decided += _household_total(scheme, *shapes[scheme.id])
    return pl.concat([computed, per_household], how="horizontal").select(decided)


def _shared(column: str, dtype: pl.DataType) -> pl.Expr:
    """A household column to copy to each member. A text (a commune code) goes as a category:
    copying and comparing a number per member costs a seventh of copying the text (the same
    comparisons, equality and order, as the text)."""
    return pl.col(column).cast(pl.Categorical) if dtype == pl.String else pl.col(column)


def _levels(schemes: Sequence[Scheme]) -> list[list[Scheme]]:
    """Schemes in batches that read only earlier batches: one `with_columns` per batch."""
    level_of: dict[str, int] = {}
    levels: list[list[Scheme]] = []
    for scheme in schemes:  # already in an order where each comes after what it reads
        level = 1 + max((level_of.get(other, -1) for other in scheme.reads_schemes), default=-1)
        level_of[scheme.id] = level
        while len(levels) <= level:
            levels.append([])
        levels[level].append(scheme)
    return levels


def _outcome(
    scheme: Scheme,
    variables: VariableSet,
    values: Mapping[str, Mapping[str, Resolved]],
    date: dt.date,
    lookup: iv.Lookup,
    keep: iv.Keep | None = None,
) -> Outcome:
    if not scheme.in_force(date):
        return outcomes.not_in_force(scheme)
    return outcomes.scheme_outcome(scheme, variables, values[scheme.id], lookup, keep)


def _published(scheme: Scheme, outcome: Outcome) -> list[tuple[str, Value]]:
    named = [(eligible_name(scheme.id), outcome.eligible)]
    if scheme.amount is not None:
        named.append((amount_name(scheme.id), outcome.amount))
    return named


def _decided(scheme: Scheme, env: dict[str, Value]) -> list[pl.Expr]:
    """Eligibility and amount as plain columns: null where the answer is undecided."""
    eligible = env[eligible_name(scheme.id)]
    if eligible.lo is eligible.hi:
        columns = [s.lit(eligible.lo).cast(pl.Boolean).alias(eligible_name(scheme.id))]
        if scheme.amount is not None:
            amount = env[amount_name(scheme.id)]
            columns.append(
                s.lit(amount.lo).cast(pl.Float64).alias(amount_name(scheme.id))
                if amount.lo is amount.hi
                else pl.when(s.lit(s.eq(amount.lo, amount.hi)))
                .then(s.lit(amount.lo))
                .otherwise(None)
                .cast(pl.Float64)
                .alias(amount_name(scheme.id))
            )
        return columns
    columns = [
        pl.when(s.lit(eligible.lo))
        .then(True)
        .when(s.lit(eligible.hi).not_())
        .then(False)
        .otherwise(None)
        .cast(pl.Boolean)
        .alias(eligible_name(scheme.id))
    ]
    if scheme.amount is not None:
        amount = env[amount_name(scheme.id)]
        columns.append(
            pl.when(s.lit(s.eq(amount.lo, amount.hi)))
            .then(s.lit(amount.lo))
            .otherwise(None)
            .cast(pl.Float64)
            .alias(amount_name(scheme.id))
        )
    return columns


def _whole(amount: float | None) -> float | None:
    """A constant amount whose multiples are exact (a whole number of euros): adding it k times,
    as a household's evaluation does, gives exactly k times it."""
    return amount if amount is not None and amount.is_integer() and 0 <= amount < 2**31 else None


def _person_totals(
    scheme: Scheme, env: dict[str, Value], per_eligible: float | None
) -> tuple[list[Reduced], bool, bool]:
    """Member values summed per household; known answers need one count and one sum (none
    when every beneficiary gets the same whole amount: the count times it)."""
    eligible = env[eligible_name(scheme.id)]
    point_eligible = eligible.lo is eligible.hi
    parts: list[Reduced] = [(beneficiaries_column(scheme.id), _as_number(eligible.lo), "sum")]
    if not point_eligible:
        parts.append((f"{scheme.id}@any_possible", eligible.hi, "any"))
    point_amount = True
    if scheme.amount is not None and per_eligible is None:
        amount = env[amount_name(scheme.id)]
        point_amount = amount.lo is amount.hi
        parts.append((f"{scheme.id}@sum_lo", amount.lo, "sum"))
        if not point_amount:
            parts.append((f"{scheme.id}@sum_hi", amount.hi, "sum"))
    return parts, point_eligible, point_amount


def _household_total(
    scheme: Scheme, point_eligible: bool, point_amount: bool, per_eligible: float | None
) -> list[pl.Expr]:
    """Any member surely eligible: yes; none possibly: no (also with no member at all)."""
    beneficiaries = pl.col(beneficiaries_column(scheme.id)).fill_null(0).cast(pl.Int64)
    sure = beneficiaries > 0
    if point_eligible:
        eligible = sure
    else:
        possible = pl.col(f"{scheme.id}@any_possible").fill_null(False)
        eligible = pl.when(sure).then(True).when(possible.not_()).then(False).otherwise(None)
    columns = [eligible.cast(pl.Boolean).alias(eligible_name(scheme.id)), beneficiaries]
    if scheme.amount is not None and per_eligible is not None:
        total = beneficiaries.cast(pl.Float64) * per_eligible
        columns.append(total.alias(amount_name(scheme.id)))
    elif scheme.amount is not None:
        lo = pl.col(f"{scheme.id}@sum_lo").fill_null(0.0)
        if point_amount:
            columns.append(lo.cast(pl.Float64).alias(amount_name(scheme.id)))
        else:
            hi = pl.col(f"{scheme.id}@sum_hi").fill_null(0.0)
            columns.append(
                pl.when(lo == hi)
                .then(lo)
                .otherwise(None)
                .cast(pl.Float64)
                .alias(amount_name(scheme.id))
            )
    return columns
