"""Compile `catalog/variables.yaml`: inputs, formulas and household aggregates, checked, ordered.

The order of derived variables comes from the standard library's `graphlib`; each batch it makes
ready reads only earlier batches, so a population runs one `with_columns` per batch.
"""

import graphlib
from dataclasses import dataclass
from functools import cached_property

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
        """Columns visible to an expression of `entity`: a person also sees its household.
        Dates are read through the ages they give, never directly."""
        return {
            v.name: v.dtype
            for v in self.by_name.values()
            if (v.entity == entity or entity == "person") and v.spec.type != "date"
        }

    def inputs(self, entity: str) -> list[Variable]:
        """The answers a household or a person can give (birth dates included)."""
        return self._inputs[entity]

    @cached_property
    def _inputs(self) -> dict[str, list[Variable]]:
        return {
            entity: [v for v in self.by_name.values() if v.spec.is_input and v.entity == entity]
            for entity in ("household", "person")
        }

    @cached_property
    def answer_fields(self) -> dict[str, tuple[tuple[str, bool, bool], ...]]:
        """Per entity, each input's name, whether it is a number and whether it is a date:
        one household's answers are read through this, not through the variables each time."""
        return {
            entity: tuple(
                (v.name, v.spec.type in ("int", "float"), v.spec.type == "date")
                for v in self.inputs(entity)
            )
            for entity in ("household", "person")
        }

    @cached_property
    def age_fields(self) -> tuple[tuple[str, str, bool], ...]:
        """Each age variable's name, the birth date it follows and whether it counts years."""
        return tuple(
            (v.name, v.spec.age_of.birth_date, v.spec.age_of.unit == "years")
            for v in self.ages()
            if v.spec.age_of is not None
        )

    @cached_property
    def person_questions(self) -> tuple[tuple[str, str | None], ...]:
        """Each person input a household can leave unanswered and be asked (neither a date nor
        a birth date), with the birth date that answers it instead (an age's), if any."""
        birth_dates = {birth for _, birth, _ in self.age_fields}
        return tuple(
            (v.name, v.spec.age_of.birth_date if v.spec.age_of else None)
            for v in self.inputs("person")
            if v.spec.type != "date" and v.name not in birth_dates
        )

    @cached_property
    def answer_names(self) -> frozenset[str]:
        """Every answer a household can give: inputs, ages and birth dates."""
        return frozenset(
            [name for entity in self.answer_fields.values() for name, _, _ in entity]
            + [name for field in self.age_fields for name in field[:2]]
        )

    @cached_property
    def plain_person_answers(self) -> tuple[str, ...]:
        """The person inputs that are neither an age nor a birth date (`compiled.unknown_answers`
        reads those two together)."""
        aged = {name for field in self.age_fields for name in field[:2]}
        return tuple(name for name, _, _ in self.answer_fields["person"] if name not in aged)

    def ages(self) -> list[Variable]:
        """Variables that follow from a birth date (years first, then months)."""
        return self._ages

    @cached_property
    def _ages(self) -> list[Variable]:
        found = [v for v in self.by_name.values() if v.spec.age_of is not None]
        return sorted(found, key=lambda v: v.spec.age_of.unit != "years")  # type: ignore[union-attr]

    def commune_variable(self) -> Variable | None:
        """The household's commune of residence, which territories are checked against."""
        return self._commune

    @cached_property
    def _commune(self) -> Variable | None:
        return next((v for v in self.by_name.values() if v.spec.type == "commune"), None)


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

    for index, spec in specs.values():
        if spec.age_of is not None:
            birth = specs.get(spec.age_of.birth_date)
            if birth is None or birth[1].type != "date" or birth[1].entity != spec.entity:
                errors.append(
                    document.error(
                        ("variables", index, "age_of", "birth_date"),
                        f'"{spec.age_of.birth_date}" is not a date variable of the same entity',
                    )
                )
    communes = [name for name, (_, spec) in specs.items() if spec.type == "commune"]
    if len(communes) > 1 or any(specs[n][1].entity != "household" for n in communes):
        errors.append(
            document.error(("variables",), "at most one commune variable, a household input")
        )

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
        for name in sorted(order, key=lambda n: _age_first(specs[n][1]))
    }
    order = list(variables)
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
            elif specs[name][1].type == "date":
                errors.append(
                    document.error(
                        path,
                        f'"{name}" is a date; read the age it gives (a variable with "age_of")',
                    )
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
    graph = {name: set().union(*(p.names for p in parts[name] if p is not None)) for name in specs}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = list(reversed(exc.args[1]))
        return document.error(
            ("variables", specs[cycle[0]][0], "name"),
            "cycle among derived variables: " + " -> ".join(cycle),
        )


def _recompute_inputs(order: list[str], variables: dict[str, Variable]) -> dict[str, Variable]:
    """Each derived variable's inputs are the input variables it reads, however indirectly."""
    result: dict[str, Variable] = {}
    for name in order:
        variable = variables[name]
        if variable.spec.is_input and variable.spec.age_of is None:
            result[name] = variable
            continue
        inputs = frozenset().union(*(result[r].inputs for r in variable.reads))
        if variable.spec.age_of is not None:
            inputs |= {variable.spec.age_of.birth_date} | variable.inputs
            years = [
                v.name
                for v in result.values()
                if v.spec.age_of
                and v.spec.age_of.unit == "years"
                and v.spec.age_of.birth_date == variable.spec.age_of.birth_date
            ]
            inputs |= frozenset(years)
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
        if variable.entity != entity or variable.formula is None or variable.spec.aggregate:
            continue
        level = 1 + max((level_of.get(r, -1) for r in variable.reads), default=-1)
        level_of[name] = level
        levels.setdefault(level, []).append(variable)
    return tuple(tuple(levels[level]) for level in sorted(levels))


def _age_first(spec: VariableSpec) -> tuple[bool, bool]:
    """Ages read nothing: they come first, years before months (months follow from years)."""
    return (spec.age_of is None, spec.age_of is not None and spec.age_of.unit != "years")
