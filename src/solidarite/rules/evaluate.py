"""The evaluation plan: the whole catalog as a few Polars `with_columns`, whatever the rows.

Every expression is built once per catalog (`Plan`). An evaluation only adds the parameter
values of its date and scenario, then runs: person formulas, household aggregates over members,
household formulas, then each entity's schemes (conditions, Kleene AND, amounts). A household of
one and a population of millions run the same expressions; only the plumbing between persons and
households differs (a group-by for a population, a plain reduction for one household).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from solidarite.rules.expressions import masked
from solidarite.rules.inputs import HOUSEHOLD_ID, PERSON_INDEX
from solidarite.rules.model import ParameterValue
from solidarite.rules.schemes import Scheme, parameter_column
from solidarite.rules.variables import Variable, VariableSet

PERSONS_COUNT = "__persons"
Scenario = Mapping[str, Mapping[str, ParameterValue]]


def eligible_column(scheme_id: str) -> str:
    return f"{scheme_id}__eligible"


def amount_column(scheme_id: str) -> str:
    return f"{scheme_id}__amount"


def beneficiaries_column(scheme_id: str) -> str:
    return f"{scheme_id}__beneficiaries"


def condition_column(scheme_id: str, condition_id: str) -> str:
    return f"{scheme_id}__cond__{condition_id}"


@dataclass(frozen=True, eq=False)
class SchemePlan:
    """One scheme's prebuilt expressions."""

    scheme: Scheme
    conditions: tuple[pl.Expr, ...]
    eligible: pl.Expr
    amount: pl.Expr | None
    detail_columns: tuple[str, ...]
    total_columns: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    person_formulas: tuple[tuple[pl.Expr, ...], ...]
    aggregates: tuple[pl.Expr, ...]
    aggregate_finals: tuple[pl.Expr, ...]
    household_formulas: tuple[tuple[pl.Expr, ...], ...]
    household_schemes: tuple[SchemePlan, ...]
    person_schemes: tuple[SchemePlan, ...]

    def household_base(self, households: pl.LazyFrame, persons: pl.LazyFrame) -> pl.LazyFrame:
        """Households of a population with their aggregates (group-by) and formulas."""
        persons = self.with_person_formulas(persons)
        if self.aggregates:
            per_household = persons.group_by(HOUSEHOLD_ID).agg(self.aggregates)
            households = households.join(
                per_household, on=HOUSEHOLD_ID, how="left", maintain_order="left"
            )
            households = households.with_columns(self.aggregate_finals)
        return self.with_household_formulas(households)

    def one_household_base(
        self, households: pl.LazyFrame, persons: pl.LazyFrame
    ) -> tuple[pl.LazyFrame, pl.LazyFrame]:
        """One household and its members: the same aggregates, reduced over all rows."""
        persons = self.with_person_formulas(persons)
        if self.aggregates:
            totals = persons.select(self.aggregates)
            households = pl.concat([households, totals], how="horizontal")
            households = households.with_columns(self.aggregate_finals)
        households = self.with_household_formulas(households)
        members = persons.join(households.drop(HOUSEHOLD_ID), how="cross", maintain_order="left")
        return households, members

    def with_person_formulas(self, persons: pl.LazyFrame) -> pl.LazyFrame:
        for level in self.person_formulas:
            persons = persons.with_columns(level)
        return persons

    def with_household_formulas(self, households: pl.LazyFrame) -> pl.LazyFrame:
        for level in self.household_formulas:
            households = households.with_columns(level)
        return households


def build_plan(variables: VariableSet, schemes: Sequence[Scheme]) -> Plan:
    aggregates: list[pl.Expr] = [pl.len().alias(PERSONS_COUNT)]
    for variable in variables.aggregates:
        aggregates += _aggregate_parts(variable)
    return Plan(
        person_formulas=tuple(tuple(_formula(v) for v in lvl) for lvl in variables.person_formulas),
        aggregates=tuple(aggregates) if variables.aggregates else (),
        aggregate_finals=tuple(_aggregate_final(v) for v in variables.aggregates),
        household_formulas=tuple(
            tuple(_formula(v) for v in level) for level in variables.household_formulas
        ),
        household_schemes=tuple(_scheme_plan(s) for s in schemes if s.spec.entity == "household"),
        person_schemes=tuple(_scheme_plan(s) for s in schemes if s.spec.entity == "person"),
    )


FLOAT_DECIMALS = 6  # 3450 / 2.3 is 1500, not 1500.0000000000002, when compared to a threshold
AMOUNT_DECIMALS = 2  # amounts are paid in cents


def _formula(variable: Variable) -> pl.Expr:
    assert variable.formula is not None
    value = masked(variable.formula.expr, variable.reads, variable.dtype)
    if variable.spec.type == "float":
        value = value.round(FLOAT_DECIMALS)
    return value.alias(variable.name)


def _aggregate_parts(variable: Variable) -> list[pl.Expr]:
    """The aggregate's value, and whether any member's value it reads is unknown."""
    aggregate = variable.spec.aggregate
    assert aggregate is not None
    selected = variable.where.expr.fill_null(False) if variable.where else None
    if aggregate.function == "count":
        value = pl.len() if selected is None else selected.sum()
    else:
        assert variable.formula is not None
        of = variable.formula.expr if selected is None else variable.formula.expr.filter(selected)
        value = getattr(of, aggregate.function)()
    unknown = (
        pl.any_horizontal([pl.col(n).is_null() for n in sorted(variable.reads)]).any()
        if variable.reads
        else pl.lit(False)
    )
    return [value.alias(variable.name), unknown.alias(f"{variable.name}__unknown")]


def _aggregate_final(variable: Variable) -> pl.Expr:
    """Null when a member's input is unknown; 0 (count, sum) for a household with no member."""
    assert variable.spec.aggregate is not None
    empty = 0 if variable.spec.aggregate.function in ("count", "sum") else None
    return (
        pl.when(pl.col(PERSONS_COUNT).is_null())
        .then(pl.lit(empty, variable.dtype))
        .when(pl.col(f"{variable.name}__unknown"))
        .then(pl.lit(None, variable.dtype))
        .otherwise(pl.col(variable.name).cast(variable.dtype))
        .alias(variable.name)
    )


def _scheme_plan(scheme: Scheme) -> SchemePlan:
    columns = [condition_column(scheme.id, c.id) for c in scheme.conditions]
    conditions = tuple(
        masked(c.formula.expr, c.formula.variables, pl.Boolean()).alias(name)
        for c, name in zip(scheme.conditions, columns, strict=True)
    )
    eligible = pl.all_horizontal([pl.col(name) for name in columns]).alias(
        eligible_column(scheme.id)
    )
    amount = None
    totals = [eligible_column(scheme.id)]
    if scheme.amount is not None:
        is_eligible = pl.col(eligible_column(scheme.id))
        amount = (
            pl.when(is_eligible.not_())
            .then(pl.lit(0.0))
            .when(is_eligible)
            .then(
                masked(scheme.amount.expr, scheme.amount.variables, pl.Float64()).round(
                    AMOUNT_DECIMALS
                )
            )
            .otherwise(pl.lit(None, pl.Float64))
            .alias(amount_column(scheme.id))
        )
        totals.append(amount_column(scheme.id))
    return SchemePlan(scheme, conditions, eligible, amount, tuple(columns), tuple(totals))


def schemes_frame(
    plans: Sequence[SchemePlan],
    frame: pl.LazyFrame,
    keys: Sequence[str],
    date: dt.date,
    scenario: Scenario,
    detail: bool,
) -> pl.LazyFrame:
    """Every scheme of one entity over `frame` in four `with_columns`, whatever their number:
    parameters, conditions, eligibility (Kleene AND of the conditions), amounts."""
    in_force = [p for p in plans if p.scheme.in_force(date)]
    literals = _parameter_literals(
        tuple(in_force), date, tuple((k, tuple(v.items())) for k, v in scenario.items())
    )
    conditions = [expr for p in in_force for expr in p.conditions]
    eligibility = [
        p.eligible if p in in_force else pl.lit(False).alias(eligible_column(p.scheme.id))
        for p in plans
    ]
    amounts = [
        p.amount if p in in_force else pl.lit(0.0).alias(amount_column(p.scheme.id))
        for p in plans
        if p.amount is not None
    ]
    outputs = [*keys]
    for p in plans:
        if detail and p in in_force:
            outputs += p.detail_columns
        outputs += p.total_columns
    return (
        frame.with_columns(literals)
        .with_columns(conditions)
        .with_columns(eligibility)
        .with_columns(amounts)
        .select(outputs)
    )


@lru_cache(maxsize=512)
def _parameter_literals(
    plans: tuple[SchemePlan, ...],
    date: dt.date,
    scenario: tuple[tuple[str, tuple[tuple[str, ParameterValue], ...]], ...],
) -> list[pl.Expr]:
    """The parameter values in force at `date` under `scenario`, as literal columns (cached:
    most evaluations share their date and scenario)."""
    overrides = {scheme: dict(values) for scheme, values in scenario}
    return [
        pl.lit(value, p.scheme.parameters[name].dtype).alias(parameter_column(p.scheme.id, name))
        for p in plans
        for name, value in p.scheme.parameter_values(date, overrides.get(p.scheme.id, {})).items()
    ]


def household_totals(person_results: pl.LazyFrame, plans: Sequence[SchemePlan]) -> pl.LazyFrame:
    """Person results per household: any member eligible (Kleene OR), amounts, beneficiaries."""
    parts: list[pl.Expr] = []
    for p in plans:
        eligible = pl.col(eligible_column(p.scheme.id))
        parts += [
            eligible.any(ignore_nulls=False).alias(eligible_column(p.scheme.id)),
            eligible.fill_null(False).sum().cast(pl.Int64).alias(beneficiaries_column(p.scheme.id)),
        ]
        if p.amount is not None:
            amount = pl.col(amount_column(p.scheme.id))
            parts.append(
                pl.when(amount.is_null().any())
                .then(pl.lit(None, pl.Float64))
                .otherwise(amount.sum())
                .alias(amount_column(p.scheme.id))
            )
    return person_results.group_by(HOUSEHOLD_ID).agg(parts)


def _no_member_defaults(plans: Sequence[SchemePlan]) -> list[pl.Expr]:
    """A household with no members (no row in the totals) has no beneficiary of a person
    scheme; a member's unknown result stays unknown."""
    fills = []
    for p in plans:
        no_member = pl.col(beneficiaries_column(p.scheme.id)).is_null()
        columns: list[tuple[str, bool | float]] = [(eligible_column(p.scheme.id), False)]
        if p.amount is not None:
            columns.append((amount_column(p.scheme.id), 0.0))
        fills += [
            pl.when(no_member).then(pl.lit(empty)).otherwise(pl.col(name)).alias(name)
            for name, empty in columns
        ]
        fills.append(pl.col(beneficiaries_column(p.scheme.id)).fill_null(0))
    return fills


def population_plan(
    plan: Plan,
    households: pl.LazyFrame,
    persons: pl.LazyFrame,
    date: dt.date,
    scenario: Scenario,
) -> pl.LazyFrame:
    """One row per household: per scheme, eligibility, amount, and beneficiaries for person
    schemes."""
    household_frame = plan.household_base(households, persons)
    result = schemes_frame(
        plan.household_schemes, household_frame, [HOUSEHOLD_ID], date, scenario, detail=False
    )
    if plan.person_schemes:
        members = plan.with_person_formulas(persons).join(
            household_frame, on=HOUSEHOLD_ID, how="left", maintain_order="left"
        )
        per_person = schemes_frame(
            plan.person_schemes, members, [HOUSEHOLD_ID], date, scenario, detail=False
        )
        totals = household_totals(per_person, plan.person_schemes)
        result = result.join(totals, on=HOUSEHOLD_ID, how="left", maintain_order="left")
        result = result.with_columns(_no_member_defaults(plan.person_schemes))
    return result


def one_household_plans(
    plan: Plan,
    households: pl.LazyFrame,
    persons: pl.LazyFrame,
    date: dt.date,
    scenario: Scenario,
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The household's and each member's results with every condition's status."""
    household_frame, members = plan.one_household_base(households, persons)
    household_detail = schemes_frame(
        plan.household_schemes, household_frame, [HOUSEHOLD_ID], date, scenario, detail=True
    )
    person_detail = schemes_frame(
        plan.person_schemes, members, [HOUSEHOLD_ID, PERSON_INDEX], date, scenario, detail=True
    )
    return household_detail, person_detail
