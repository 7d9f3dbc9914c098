"""Compile one scheme file: its parameters, named conditions and amount, checked against the
variables before anything runs."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from solidarite.rules import expressions
from solidarite.rules.errors import RuleError
from solidarite.rules.expressions import ParsedExpression
from solidarite.rules.model import Labels, ParameterSpec, ParameterValue, SchemeSpec
from solidarite.rules.validation import suggestion
from solidarite.rules.variables import VariableSet
from solidarite.rules.yaml_source import FieldPath, SourceDocument


@dataclass(frozen=True)
class Parameter:
    name: str
    spec: ParameterSpec
    dtype: pl.DataType

    def value_at(self, date: dt.date) -> ParameterValue | None:
        """The latest value dated on or before `date`; None before the first one."""
        dated = [day for day in self.spec.values if day <= date]
        return self.spec.values[max(dated)] if dated else None

    def coerce(self, value: object) -> ParameterValue:
        """A scenario's override, checked against the parameter's type."""
        if self.dtype == pl.Boolean and isinstance(value, bool):
            return value
        if self.dtype == pl.String and isinstance(value, str):
            return value
        if (
            self.dtype == pl.Float64
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return float(value)
        word = {"Boolean": "true/false value", "String": "text"}.get(str(self.dtype), "number")
        raise ValueError(f"expects a {word}, got {value!r}")


def parameter_column(scheme_id: str, name: str) -> str:
    return f"{scheme_id}.{name}"


@dataclass(frozen=True)
class Formula:
    """An expression with the variables it reads directly and the inputs behind them.

    `expr` reads parameters under their column names `<scheme>.<name>`."""

    parsed: ParsedExpression
    expr: pl.Expr
    variables: frozenset[str]
    inputs: frozenset[str]


@dataclass(frozen=True)
class Condition:
    id: str
    label: Labels
    formula: Formula


@dataclass(frozen=True)
class Scheme:
    spec: SchemeSpec
    parameters: Mapping[str, Parameter]
    conditions: tuple[Condition, ...]
    amount: Formula | None
    file: str

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def formulas(self) -> tuple[Formula, ...]:
        """Every expression of the scheme: its conditions, then its amount."""
        conditions = tuple(c.formula for c in self.conditions)
        return conditions + ((self.amount,) if self.amount is not None else ())

    def in_force(self, date: dt.date) -> bool:
        return self.spec.start <= date and (self.spec.end is None or date <= self.spec.end)

    def parameter_values(
        self, date: dt.date, overrides: Mapping[str, ParameterValue]
    ) -> dict[str, ParameterValue | None]:
        return {
            name: overrides[name] if name in overrides else parameter.value_at(date)
            for name, parameter in self.parameters.items()
        }


def compile_scheme(
    document: SourceDocument, spec: SchemeSpec, variables: VariableSet
) -> Scheme | list[RuleError]:
    errors: list[RuleError] = []
    if document.path.stem != spec.id:
        errors.append(
            document.error(("id",), f'the file of scheme "{spec.id}" must be named {spec.id}.yaml')
        )
    parameters, parameter_errors = _compile_parameters(document, spec, variables)
    errors += parameter_errors
    schema = variables.schema(spec.entity) | {p.name: p.dtype for p in parameters.values()}
    conditions: list[Condition] = []
    for index, condition in enumerate(spec.conditions):
        formula = _compile_formula(
            document,
            ("conditions", index, "expression"),
            condition.expression,
            spec,
            variables,
            schema,
            "bool",
        )
        if isinstance(formula, list):
            errors += formula
        else:
            conditions.append(Condition(condition.id, condition.label, formula))
    amount = None
    if spec.amount is not None:
        compiled = _compile_formula(
            document,
            ("amount", "expression"),
            spec.amount.expression,
            spec,
            variables,
            schema,
            "number",
        )
        if isinstance(compiled, list):
            errors += compiled
        else:
            amount = compiled
    if errors:
        return errors
    return Scheme(spec, parameters, tuple(conditions), amount, document.name)


def _compile_parameters(
    document: SourceDocument, spec: SchemeSpec, variables: VariableSet
) -> tuple[dict[str, Parameter], list[RuleError]]:
    parameters: dict[str, Parameter] = {}
    errors: list[RuleError] = []
    for name, parameter in spec.parameters.items():
        path: FieldPath = ("parameters", name)
        if name in variables.by_name:
            errors.append(
                document.error(path, f'parameter "{name}" has the name of a variable; rename it')
            )
            continue
        kinds = {_value_kind(value) for value in parameter.values.values()}
        if len(kinds) > 1:
            errors.append(
                document.error(
                    (*path, "values"), "all dated values of a parameter must have the same type"
                )
            )
            continue
        first = min(parameter.values)
        if first > spec.start:
            errors.append(
                document.error(
                    (*path, "values"),
                    f"parameter {name!r} has no value on {spec.start.isoformat()}, the scheme's "
                    f"start (its first value is dated {first.isoformat()}); add a value dated on "
                    "or before the start",
                )
            )
            continue
        parameters[name] = Parameter(name, parameter, kinds.pop())
    return parameters, errors


def _value_kind(value: ParameterValue) -> pl.DataType:
    if isinstance(value, bool):
        return pl.Boolean()
    if isinstance(value, str):
        return pl.String()
    return pl.Float64()


def _compile_formula(
    document: SourceDocument,
    path: FieldPath,
    text: str,
    spec: SchemeSpec,
    variables: VariableSet,
    schema: dict[str, pl.DataType],
    expected: str,
) -> Formula | list[RuleError]:
    try:
        parsed = expressions.parse(text)
    except ValueError as exc:
        return [document.error(path, str(exc))]
    errors = []
    for name in sorted(parsed.names - schema.keys()):
        if name in variables.by_name:
            message = (
                f'"{name}" is a person variable; a household scheme reads household variables '
                "(aggregate the members in variables.yaml)"
            )
        else:
            message = f'unknown variable or parameter "{name}"' + suggestion(name, schema)
        errors.append(document.error(path, message))
    if errors:
        return errors
    try:
        dtype = expressions.result_dtype(parsed.expr, schema)
    except ValueError as exc:
        return [document.error(path, str(exc))]
    if expected == "bool" and dtype != pl.Boolean:
        return [
            document.error(
                path, f"a condition must be true or false, but this expression gives {dtype}"
            )
        ]
    if expected == "number" and not expressions.is_numeric(dtype):
        return [
            document.error(path, f"an amount must be a number, but this expression gives {dtype}")
        ]
    read = parsed.names & variables.by_name.keys()
    inputs = frozenset().union(*(variables.by_name[name].inputs for name in read))
    columns = {name: parameter_column(spec.id, name) for name in parsed.names - read}
    expr = expressions.rename_columns(parsed.expr, columns)
    return Formula(parsed, expr, frozenset(read), inputs)
