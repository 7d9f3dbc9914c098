"""Compile `catalog/variables.yaml`: inputs, formulas and household aggregates, checked, ordered."""

from dataclasses import dataclass

import polars as pl

from solidarite.rules import expressions
from solidarite.rules.errors import RuleError
from solidarite.rules.expressions import DTYPES, ParsedExpression
from solidarite.rules.model import VariablesFile, VariableSpec
from solidarite.rules.validation import suggestion
from solidarite.rules.yaml_source import SourceDocument


@dataclass(frozen=True)
class Variable:
    spec: VariableSpec
    formula: ParsedExpression | None
    where: ParsedExpression | None
    inputs: frozenset[str]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def entity(self) -> str:
        return self.spec.entity

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.spec.type]

    @property
    def reads(self) -> frozenset[str]:
        names: frozenset[str] = frozenset()
        for part in (self.formula, self.where):
            if part is not None:
                names |= part.names
        return names


@dataclass(frozen=True)
class VariableSet:
    """All variables, with derived ones in an order where each comes after what it reads."""

    by_name: dict[str, Variable]
    person_formulas: tuple[tuple[Variable, ...], ...]
    aggregates: tuple[Variable, ...]
    household_formulas: tuple[tuple[Variable, ...], ...]

    def schema(self, entity: str) -> dict[str, pl.DataType]:
        """Columns visible to an expression of `entity`: a person also sees its household."""
        return {
            v.name: v.dtype
            for v in self.by_name.values()
            if v.entity == entity or entity == "person"
        }

    def inputs(self, entity: str) -> list[Variable]:
        return [v for v in self.by_name.values() if v.spec.is_input and v.entity == entity]


def compile_variables(
    document: SourceDocument, parsed: VariablesFile
) -> VariableSet | list[RuleError]:
    errors: list[RuleError] = []
    specs: dict[str, tuple[int, VariableSpec]] = {}
    for index, spec in enumerate(parsed.variables):
        if spec.name in specs:
            errors.append(
                document.error(
                    ("variables", index, "name"),
                    f'duplicate variable "{spec.name}" (first defined at line '
                    f"{document.line_of(('variables', specs[spec.name][0]))})",
                )
            )
        else:
            specs[spec.name] = (index, spec)

    parsed_parts: dict[str, tuple[ParsedExpression | None, ParsedExpression | None]] = {}
    for name, (index, spec) in specs.items():
        result = _parse_parts(document, index, spec, specs)
        if isinstance(result, list):
            errors += result
        else:
            parsed_parts[name] = result
    if errors:
        return errors

    order = _topological_order(document, specs, parsed_parts)
    if isinstance(order, RuleError):
        return [order]
    variables = {
        name: Variable(
            specs[name][1],
            *parsed_parts[name],
            frozenset({name}) if specs[name][1].is_input else frozenset(),
        )
        for name in order
    }
    variables = _recompute_inputs(order, variables)
    type_errors = _check_types(document, specs, variables, order)
    if type_errors:
        return type_errors
    return VariableSet(
        by_name={name: variables[name] for name in specs},
        person_formulas=_levels(order, variables, "person"),
        aggregates=tuple(v for n in order if (v := variables[n]).spec.aggregate),
        household_formulas=_levels(order, variables, "household"),
    )


def _parse_parts(
    document: SourceDocument,
    index: int,
    spec: VariableSpec,
    specs: dict[str, tuple[int, VariableSpec]],
) -> tuple[ParsedExpression | None, ParsedExpression | None] | list[RuleError]:
    errors: list[RuleError] = []
    if spec.formula is not None:
        fields: list[tuple[tuple[str | int, ...], str | None, str]] = [
            (("variables", index, "formula"), spec.formula, spec.entity)
        ]
    elif spec.aggregate is not None:
        fields = [
            (("variables", index, "aggregate", "of"), spec.aggregate.of, "person"),
            (("variables", index, "aggregate", "where"), spec.aggregate.where, "person"),
        ]
    else:
        return (None, None)
    parts: list[ParsedExpression | None] = []
    for path, text, entity in fields:
        if text is None:
            parts.append(None)
            continue
        try:
            parsed = expressions.parse(text)
        except ValueError as exc:
            errors.append(document.error(path, str(exc)))
            parts.append(None)
            continue
        for name in sorted(parsed.names):
            if name not in specs:
                errors.append(
                    document.error(path, f'unknown variable "{name}"' + suggestion(name, specs))
                )
            elif specs[name][1].entity != entity:
                errors.append(
                    document.error(
                        path,
                        f'"{name}" is a {specs[name][1].entity} variable; '
                        f"here only {entity} variables can be read"
                        + (" (use an aggregate to read members)" if entity == "household" else ""),
                    )
                )
        parts.append(parsed)
    if errors:
        return errors
    return (parts[0], parts[1] if len(parts) > 1 else None)


def _topological_order(
    document: SourceDocument,
    specs: dict[str, tuple[int, VariableSpec]],
    parts: dict[str, tuple[ParsedExpression | None, ParsedExpression | None]],
) -> list[str] | RuleError:
    reads = {
        name: sorted(set().union(*(p.names for p in parts[name] if p is not None)))
        for name in specs
    }
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> RuleError | None:
        if state.get(name) == "done":
            return None
        if state.get(name) == "visiting":
            cycle = [*trail[trail.index(name) :], name]
            index = specs[cycle[0]][0]
            return document.error(
                ("variables", index, "name"),
                "cycle among derived variables: " + " -> ".join(cycle),
            )
        state[name] = "visiting"
        for dependency in reads[name]:
            error = visit(dependency, [*trail, name])
            if error:
                return error
        state[name] = "done"
        order.append(name)
        return None

    for name in specs:
        error = visit(name, [])
        if error:
            return error
    return order


def _recompute_inputs(order: list[str], variables: dict[str, Variable]) -> dict[str, Variable]:
    """Each derived variable's inputs are the input variables it reads, however indirectly."""
    result: dict[str, Variable] = {}
    for name in order:
        variable = variables[name]
        if variable.spec.is_input:
            result[name] = variable
            continue
        inputs = frozenset().union(*(result[r].inputs for r in variable.reads))
        result[name] = Variable(variable.spec, variable.formula, variable.where, inputs)
    return result


def _check_types(
    document: SourceDocument,
    specs: dict[str, tuple[int, VariableSpec]],
    variables: dict[str, Variable],
    order: list[str],
) -> list[RuleError]:
    errors: list[RuleError] = []
    schema = {name: v.dtype for name, v in variables.items()}
    for name in order:
        variable = variables[name]
        index = specs[name][0]
        checks: list[tuple[tuple[str | int, ...], ParsedExpression | None, str]] = []
        if variable.spec.aggregate is not None:
            aggregate = variable.spec.aggregate
            checks.append((("variables", index, "aggregate", "where"), variable.where, "bool"))
            if aggregate.function != "count":
                checks.append(
                    (("variables", index, "aggregate", "of"), variable.formula, variable.spec.type)
                )
            elif variable.spec.type != "int":
                errors.append(document.error(("variables", index, "type"), "a count is an int"))
        elif variable.formula is not None:
            checks.append((("variables", index, "formula"), variable.formula, variable.spec.type))
        for path, parsed, declared in checks:
            if parsed is None:
                continue
            try:
                dtype = expressions.result_dtype(parsed.expr, schema)
            except ValueError as exc:
                errors.append(document.error(path, str(exc)))
                continue
            if not expressions.fits_declared_type(dtype, declared):
                errors.append(
                    document.error(
                        path, f"the expression gives {dtype}, but a {declared} is expected here"
                    )
                )
    return errors


def _levels(
    order: list[str], variables: dict[str, Variable], entity: str
) -> tuple[tuple[Variable, ...], ...]:
    """Group formulas into levels: each level reads only earlier levels, so one level is one
    `with_columns` call."""
    level_of: dict[str, int] = {}
    levels: dict[int, list[Variable]] = {}
    for name in order:
        variable = variables[name]
        if variable.entity != entity or variable.spec.is_input or variable.spec.aggregate:
            continue
        level = 1 + max((level_of.get(r, -1) for r in variable.reads), default=-1)
        level_of[name] = level
        levels.setdefault(level, []).append(variable)
    return tuple(tuple(levels[level]) for level in sorted(levels))
