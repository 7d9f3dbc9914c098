"""Compile one scheme file: its parameters and scales, territory, named conditions and amount,
checked against the variables and the other schemes before anything runs."""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from solidarite.rules import expressions
from solidarite.rules.errors import RuleError
from solidarite.rules.expressions import ParsedExpression
from solidarite.rules.model import Bracket, Labels, ParameterSpec, ParameterValue, SchemeSpec
from solidarite.rules.territory import Communes
from solidarite.rules.tree import Column, Node
from solidarite.rules.validation import suggestion
from solidarite.rules.variables import VariableSet
from solidarite.rules.yaml_source import FieldPath, SourceDocument

TERRITORY = "habite_le_territoire"
TERRITORY_CONDITION = "territoire"
Resolved = ParameterValue | tuple[Bracket, ...] | None


def eligible_name(scheme_id: str) -> str:
    """How an expression reads another scheme's eligibility."""
    return f"{scheme_id}__eligible"


def amount_name(scheme_id: str) -> str:
    """How an expression reads another scheme's amount."""
    return f"{scheme_id}__amount"


def referenced_scheme(name: str) -> str | None:
    for suffix in ("__eligible", "__amount"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


LARGEST_OVERRIDE = 1e12


@dataclass(frozen=True)
class Parameter:
    name: str
    spec: ParameterSpec
    dtype: pl.DataType
    base: ParsedExpression | None = None  # scales only: the expression the scale applies to

    @property
    def is_scale(self) -> bool:
        return self.spec.scale is not None

    def value_at(self, date: dt.date) -> Resolved:
        """The latest value dated on or before `date`; None before the first one."""
        dated = [day for day in self.spec.values if day <= date]
        if not dated:
            return None
        value = self.spec.values[max(dated)]
        return tuple(value) if isinstance(value, list) else value

    def coerce(self, value: object) -> ParameterValue:
        """A scenario's override, checked against the parameter's type and declared range."""
        if self.is_scale:
            raise ValueError("a scale is changed in its scheme file, not by an override")
        if self.dtype == pl.Boolean and isinstance(value, bool):
            return value
        if self.dtype == pl.String and isinstance(value, str):
            return value
        if (
            self.dtype == pl.Float64
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError("expects a finite number")
            if abs(number) > LARGEST_OVERRIDE:
                # No amount, rate or threshold of a scheme comes near; larger values only
                # overflow the computation (found by the API fuzzer).
                raise ValueError(f"must be at most {LARGEST_OVERRIDE:g}, got {value!r}")
            minimum = 0.0 if self.spec.minimum is None else self.spec.minimum
            if number < minimum:
                raise ValueError(f"must be at least {minimum:g}{self._unit()}, got {value!r}")
            if self.spec.maximum is not None and number > self.spec.maximum:
                raise ValueError(
                    f"must be at most {self.spec.maximum:g}{self._unit()}, got {value!r}"
                )
            return number
        word = {"Boolean": "true/false value", "String": "text"}.get(str(self.dtype), "number")
        raise ValueError(f"expects a {word}, got {value!r}")

    def _unit(self) -> str:
        return f" {self.spec.unit}" if self.spec.unit else ""


@dataclass(frozen=True)
class Formula:
    """An expression with the variables it reads directly, the inputs behind them and the other
    schemes whose results it reads."""

    parsed: ParsedExpression
    variables: frozenset[str]
    inputs: frozenset[str]
    schemes: frozenset[str]

    @property
    def tree(self) -> Node:
        return self.parsed.tree


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
    communes: frozenset[str]
    # Inputs answered else computed (`when_unanswered` in variables.yaml) that the scheme reads,
    # with what stands for them when the resident has not answered; `recomputed` are the
    # derived variables the scheme reads that depend on them (evaluated again, per scheme).
    fallbacks: Mapping[str, Formula] = field(default_factory=dict)
    recomputed: frozenset[str] = frozenset()

    @cached_property
    def id(self) -> str:
        """(Kept: one household's evaluation reads it about a hundred times.)"""
        return self.spec.id

    # The next three are kept (the scheme never changes): the search for the deciding
    # questions walks what the schemes read on every probe.
    @cached_property
    def formulas(self) -> tuple[Formula, ...]:
        """Every expression of the scheme: its conditions, then its amount."""
        conditions = tuple(c.formula for c in self.conditions)
        return conditions + ((self.amount,) if self.amount is not None else ())

    @cached_property
    def published(self) -> tuple[str, str]:
        """The names other schemes read its eligibility and its amount by (kept: one household
        publishes them for every probe)."""
        return eligible_name(self.id), amount_name(self.id)

    @cached_property
    def own_names(self) -> frozenset[str]:
        """The names its expressions see otherwise than the household holds them (its
        parameters, its territory, its answered-else-computed inputs and what reads them)."""
        return frozenset({*self.parameters, TERRITORY, *self.fallbacks, *self.recomputed})

    @cached_property
    def amount_names(self) -> tuple[str, ...]:
        """The names the amount reads, in the order its explanation lists them."""
        return () if self.amount is None else tuple(sorted(self.amount.parsed.names))

    @cached_property
    def reads_schemes(self) -> frozenset[str]:
        parts = (*self.formulas, *self.fallbacks.values())
        return frozenset().union(*(f.schemes for f in parts))

    def reads_schemes_given(self, answered: frozenset[str]) -> frozenset[str]:
        """The schemes read when the answered-else-computed inputs in `answered` have an
        answer everywhere: their fallbacks are not needed."""
        parts = (
            *self.formulas,
            *(f for name, f in self.fallbacks.items() if name not in answered),
        )
        return frozenset().union(*(f.schemes for f in parts))

    @cached_property
    def inputs(self) -> frozenset[str]:
        """Every input the scheme's result can depend on, other schemes' aside."""
        parts = (*self.formulas, *self.fallbacks.values())
        return frozenset().union(*(f.inputs for f in parts))

    def in_force(self, date: dt.date) -> bool:
        return self.spec.start <= date and (self.spec.end is None or date <= self.spec.end)

    def parameter_values(
        self, date: dt.date, overrides: Mapping[str, ParameterValue]
    ) -> dict[str, Resolved]:
        return {
            name: overrides[name] if name in overrides else parameter.value_at(date)
            for name, parameter in self.parameters.items()
        }

    def assumptions(self) -> tuple[str, ...]:
        """The parameters that rest on an assumption of the council or of the authors."""
        return tuple(name for name, p in self.parameters.items() if p.spec.assumption)


@dataclass(frozen=True)
class OtherScheme:
    """What a scheme being compiled knows of the others: enough to type what it reads."""

    entity: str
    has_amount: bool


def compile_scheme(
    document: SourceDocument,
    spec: SchemeSpec,
    variables: VariableSet,
    communes: Communes,
    others: Mapping[str, OtherScheme],
) -> Scheme | list[RuleError]:
    errors: list[RuleError] = []
    if document.path.stem != spec.id:
        errors.append(
            document.error(("id",), f'the file of scheme "{spec.id}" must be named {spec.id}.yaml')
        )
    covered, territory_errors = _territory(document, spec, communes)
    errors += territory_errors
    schema = variables.schema(spec.entity) | _scheme_columns(spec, others)
    if variables.commune_variable() is not None:
        schema[TERRITORY] = pl.Boolean()
    parameters, parameter_errors = _compile_parameters(document, spec, variables, schema)
    errors += parameter_errors
    schema |= {p.name: p.dtype for p in parameters.values()}
    scale_reads = {
        name: p.base.names & variables.by_name.keys()
        for name, p in parameters.items()
        if p.base is not None
    }
    context = _Context(document, spec, variables, schema, others, scale_reads)
    conditions: list[Condition] = []
    for index, condition in enumerate(spec.conditions):
        formula = context.formula(("conditions", index, "expression"), condition.expression, "bool")
        if isinstance(formula, list):
            errors += formula
        else:
            conditions.append(Condition(condition.id, condition.label, formula))
    amount = None
    if spec.amount is not None:
        compiled = context.formula(("amount", "expression"), spec.amount.expression, "number")
        if isinstance(compiled, list):
            errors += compiled
        else:
            amount = compiled
    fallbacks, fallback_errors = context.fallbacks(conditions, amount)
    errors += fallback_errors
    if errors:
        return errors
    if (
        spec.territory.residence
        and variables.commune_variable() is not None
        and not any(TERRITORY in c.formula.parsed.names for c in conditions)
    ):
        conditions.insert(0, _territory_condition(spec, variables))
    answered_else = frozenset(fallbacks)
    recomputed = frozenset(
        name
        for formula in (*(c.formula for c in conditions), *((amount,) if amount else ()))
        for name in formula.variables
        if not variables.by_name[name].spec.is_input
        and variables.by_name[name].inputs & answered_else
    )
    return Scheme(
        spec,
        parameters,
        tuple(conditions),
        amount,
        document.name,
        covered,
        fallbacks,
        _closed(variables, recomputed),
    )


def _closed(variables: VariableSet, names: frozenset[str]) -> frozenset[str]:
    """The derived variables `names` read, however indirectly (person formulas only)."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        variable = variables.by_name.get(name)
        if name in found or variable is None or variable.spec.is_input:
            continue
        found.add(name)
        pending += variable.reads
    return frozenset(found)


def _territory(
    document: SourceDocument, spec: SchemeSpec, communes: Communes
) -> tuple[frozenset[str], list[RuleError]]:
    covered: set[str] = set()
    errors = []
    for index, code in enumerate(spec.territory.codes):
        found = communes.covered(code)
        if not found:
            errors.append(
                document.error(
                    ("territory", "codes", index),
                    f'"{code}" is no commune, EPCI or département of catalog/territory/'
                    "communes.csv",
                )
            )
        covered |= found
    return frozenset(covered), errors


def _territory_condition(spec: SchemeSpec, variables: VariableSet) -> Condition:
    """Residence in the scheme's territory, unless the scheme reads it itself (a scheme open
    to residents *or* to the town's employees)."""
    parsed = ParsedExpression(
        TERRITORY, pl.col(TERRITORY), frozenset({TERRITORY}), Column(TERRITORY)
    )
    commune = variables.commune_variable()
    names = frozenset({commune.name}) if commune else frozenset()
    label = Labels(
        fr=f"Habiter {spec.territory.label.fr}",
        en=f"Live in {spec.territory.label.en}",
    )
    return Condition(TERRITORY_CONDITION, label, Formula(parsed, names, names, frozenset()))


def _scheme_columns(spec: SchemeSpec, others: Mapping[str, OtherScheme]) -> dict[str, pl.DataType]:
    """The other schemes this one may read: a household scheme reads household schemes; a
    person scheme reads both (its own member's results for person schemes)."""
    columns: dict[str, pl.DataType] = {}
    for scheme_id, other in others.items():
        if scheme_id == spec.id or (spec.entity == "household" and other.entity == "person"):
            continue
        columns[eligible_name(scheme_id)] = pl.Boolean()
        if other.has_amount:
            columns[amount_name(scheme_id)] = pl.Float64()
    return columns


@dataclass(frozen=True)
class _Context:
    document: SourceDocument
    spec: SchemeSpec
    variables: VariableSet
    schema: dict[str, pl.DataType]
    others: Mapping[str, OtherScheme]
    scale_reads: Mapping[str, frozenset[str]]

    def formula(self, path: FieldPath, text: str, expected: str) -> Formula | list[RuleError]:
        try:
            parsed = expressions.parse(text)
        except ValueError as exc:
            return [self.document.error(path, str(exc))]
        errors = [
            self.document.error(path, self._unknown(name))
            for name in sorted(parsed.names - self.schema.keys())
        ]
        if errors:
            return errors
        try:
            dtype = expressions.result_dtype(parsed.expr, self.schema)
        except ValueError as exc:
            return [self.document.error(path, str(exc))]
        if expected == "bool" and dtype != pl.Boolean:
            return [
                self.document.error(
                    path, f"a condition must be true or false, but this expression gives {dtype}"
                )
            ]
        if expected == "number" and not expressions.is_numeric(dtype):
            return [
                self.document.error(
                    path, f"an amount must be a number, but this expression gives {dtype}"
                )
            ]
        read = parsed.names & self.variables.by_name.keys()
        for scale in parsed.names & self.scale_reads.keys():
            read |= self.scale_reads[scale]
        inputs = frozenset().union(*(self.variables.by_name[name].inputs for name in read))
        schemes = frozenset(
            scheme
            for name in parsed.names
            if (scheme := referenced_scheme(name)) is not None and scheme in self.others
        )
        if TERRITORY in parsed.names and (commune := self.variables.commune_variable()):
            read |= {commune.name}
            inputs |= {commune.name}
        return Formula(parsed, frozenset(read), inputs, schemes)

    def fallbacks(
        self, conditions: list[Condition], amount: Formula | None
    ) -> tuple[dict[str, Formula], list[RuleError]]:
        """What stands for each unanswered `when_unanswered` input the scheme reads: parsed
        here, against this scheme's view of the other schemes (the RSA it reads)."""
        formulas = [c.formula for c in conditions] + ([amount] if amount else [])
        read = frozenset().union(*(f.inputs for f in formulas)) if formulas else frozenset()
        found: dict[str, Formula] = {}
        errors: list[RuleError] = []
        answered_else = {v.name for v in self.variables.by_name.values() if v.spec.when_unanswered}
        for name in sorted(read & answered_else):
            text = self.variables.by_name[name].spec.when_unanswered
            assert text is not None
            where = f'"{name}" (when_unanswered in variables.yaml)'
            compiled = self.formula(("conditions",), text, "bool")
            if isinstance(compiled, list):
                errors += [
                    RuleError(e.file, e.line, e.field, f"{where}: {e.message}") for e in compiled
                ]
            elif compiled.inputs & answered_else:
                errors.append(
                    self.document.error(
                        ("conditions",),
                        f"{where} reads another answered-else-computed input",
                    )
                )
            else:
                found[name] = compiled
        return found, errors

    def _unknown(self, name: str) -> str:
        if name in self.variables.by_name:
            variable = self.variables.by_name[name]
            if variable.spec.type == "date":
                return f'"{name}" is a date; read the age it gives (a variable with "age_of")'
            return (
                f'"{name}" is a person variable; a household scheme reads household variables '
                "(aggregate the members in variables.yaml)"
            )
        scheme = referenced_scheme(name)
        if scheme == self.spec.id:
            return f'"{name}": a scheme cannot read its own result'
        if scheme in self.others:
            return f'"{name}": a household scheme cannot read the person scheme "{scheme}"'
        return f'unknown variable, parameter or scheme result "{name}"' + suggestion(
            name, self.schema
        )


def _compile_parameters(
    document: SourceDocument,
    spec: SchemeSpec,
    variables: VariableSet,
    schema: dict[str, pl.DataType],
) -> tuple[dict[str, Parameter], list[RuleError]]:
    parameters: dict[str, Parameter] = {}
    errors: list[RuleError] = []
    plain = {
        name: _value_kind(next(iter(p.values.values())))
        for name, p in spec.parameters.items()
        if p.scale is None
    }
    for name, parameter in spec.parameters.items():
        path: FieldPath = ("parameters", name)
        if name in variables.by_name or name == TERRITORY:
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
        base = None
        if parameter.scale is not None:
            base_or_errors = _scale_base(document, path, parameter, schema | plain)
            if isinstance(base_or_errors, list):
                errors += base_or_errors
                continue
            base = base_or_errors
        parameters[name] = Parameter(name, parameter, kinds.pop(), base)
    return parameters, errors


def _scale_base(
    document: SourceDocument,
    path: FieldPath,
    parameter: ParameterSpec,
    schema: dict[str, pl.DataType],
) -> ParsedExpression | list[RuleError]:
    assert parameter.scale is not None
    field = (*path, "scale", "base")
    try:
        parsed = expressions.parse(parameter.scale.base)
    except ValueError as exc:
        return [document.error(field, str(exc))]
    unknown = sorted(parsed.names - schema.keys())
    if unknown:
        return [
            document.error(field, f'unknown variable or parameter "{n}"' + suggestion(n, schema))
            for n in unknown
        ]
    try:
        dtype = expressions.result_dtype(parsed.expr, schema)
    except ValueError as exc:
        return [document.error(field, str(exc))]
    if not expressions.is_numeric(dtype):
        return [document.error(field, f"a scale applies to a number, not {dtype}")]
    return parsed


def _value_kind(value: ParameterValue | list[Bracket]) -> pl.DataType:
    if isinstance(value, bool):
        return pl.Boolean()
    if isinstance(value, str):
        return pl.String()
    return pl.Float64()


def variables_read(variables: VariableSet, schemes: Sequence[Scheme]) -> frozenset[str]:
    """The variables the schemes' expressions read, and the variables those read, all the way
    down: an evaluation of part of the catalog computes nothing else (both back-ends)."""
    pending: list[str] = []
    for scheme in schemes:
        parts = [f.parsed for f in (*scheme.formulas, *scheme.fallbacks.values())]
        parts += [p.base for p in scheme.parameters.values() if p.base is not None]
        for part in parts:
            pending += part.names
        for name in scheme.recomputed:
            pending += variables.by_name[name].reads
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in variables.by_name:
            continue
        seen.add(name)
        pending += variables.by_name[name].reads
    return frozenset(seen)
