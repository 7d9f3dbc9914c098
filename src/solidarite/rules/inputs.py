"""Check and shape the inputs of an evaluation: one household as a dict, or a population as frames.

A missing answer is null (unknown). Anything else that does not fit a variable is refused with the
field named, before any evaluation runs.
"""

from collections.abc import Mapping
from typing import Any

import polars as pl

from solidarite.rules.errors import InputError, RuleError
from solidarite.rules.validation import suggestion
from solidarite.rules.variables import Variable, VariableSet

HOUSEHOLD_ID = "household_id"
PERSON_INDEX = "person_index"


def coerce_value(variable: Variable, value: Any) -> Any:
    """The value as the variable's type; raises ValueError with a plain explanation."""
    if value is None:
        return None
    spec = variable.spec
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expects true or false, got {value!r}")
        return value
    if spec.type in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expects a number, got {value!r}")
        if spec.type == "int" and value != int(value):
            raise ValueError(f"expects a whole number, got {value!r}")
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(f"must be at least {spec.minimum:g}, got {value!r}")
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(f"must be at most {spec.maximum:g}, got {value!r}")
        return int(value) if spec.type == "int" else float(value)
    if not isinstance(value, str):
        raise ValueError(f"expects text, got {value!r}")
    if spec.values is not None and value not in spec.values:
        raise ValueError(f"expects one of {', '.join(spec.values)}, got {value!r}")
    return value


def household_frames(
    variables: VariableSet, household: Mapping[str, Any], source: str = "household"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One household `{"household": {...}, "persons": [{...}, ...]}` as two one-household frames."""
    errors: list[RuleError] = []
    unexpected = sorted(set(household) - {"household", "persons"})
    for key in unexpected:
        errors.append(RuleError(source, None, key, 'expected only "household" and "persons"'))
    household_values = _check_entity(
        variables, "household", household.get("household") or {}, "household", source, errors
    )
    persons_raw = household.get("persons") or []
    if not isinstance(persons_raw, list):
        errors.append(RuleError(source, None, "persons", "expects a list of persons"))
        persons_raw = []
    persons_values = [
        _check_entity(variables, "person", person, f"persons[{i}]", source, errors)
        for i, person in enumerate(persons_raw)
    ]
    if errors:
        raise InputError(errors)
    return _one_household_frames(variables, household_values, persons_values)


def _one_household_frames(
    variables: VariableSet, household: dict[str, Any], persons: list[dict[str, Any]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    household_inputs = variables.inputs("household")
    person_inputs = variables.inputs("person")
    households = pl.DataFrame(
        [(0, *(household.get(v.name) for v in household_inputs))],
        schema={HOUSEHOLD_ID: pl.Int64} | {v.name: v.dtype for v in household_inputs},
        orient="row",
    )
    persons_frame = pl.DataFrame(
        [(0, i, *(person.get(v.name) for v in person_inputs)) for i, person in enumerate(persons)],
        schema={HOUSEHOLD_ID: pl.Int64, PERSON_INDEX: pl.Int64}
        | {v.name: v.dtype for v in person_inputs},
        orient="row",
    )
    return households, persons_frame


def _check_entity(
    variables: VariableSet,
    entity: str,
    values: Any,
    prefix: str,
    source: str,
    errors: list[RuleError],
) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        errors.append(RuleError(source, None, prefix, "expects an object of answers"))
        return {}
    inputs = {v.name: v for v in variables.inputs(entity)}
    checked: dict[str, Any] = {}
    for name, value in values.items():
        field = f"{prefix}.{name}"
        variable = variables.by_name.get(name)
        if variable is None or variable.entity != entity:
            where = f"not a {entity} variable" if variable else "unknown variable"
            errors.append(RuleError(source, None, field, where + suggestion(name, inputs)))
        elif name not in inputs:
            errors.append(
                RuleError(source, None, field, "is computed by the engine; give its inputs instead")
            )
        else:
            try:
                checked[name] = coerce_value(variable, value)
            except ValueError as exc:
                errors.append(RuleError(source, None, field, str(exc)))
    return checked


def population_frames(
    variables: VariableSet, households: pl.DataFrame, persons: pl.DataFrame, source: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check a population's columns and types; missing input columns are unknown (null)."""
    errors: list[RuleError] = []
    shaped = []
    for entity, frame, keys in (
        ("household", households, [HOUSEHOLD_ID]),
        ("person", persons, [HOUSEHOLD_ID]),
    ):
        shaped.append(_shape_frame(variables, entity, frame, keys, source, errors))
    if errors:
        raise InputError(errors)
    household_frame, person_frame = shaped
    if PERSON_INDEX not in person_frame.columns:
        person_frame = person_frame.with_columns(
            pl.int_range(pl.len()).over(HOUSEHOLD_ID).cast(pl.Int64).alias(PERSON_INDEX)
        )
    return household_frame, person_frame


def _shape_frame(
    variables: VariableSet,
    entity: str,
    frame: pl.DataFrame,
    keys: list[str],
    source: str,
    errors: list[RuleError],
) -> pl.DataFrame:
    inputs = {v.name: v for v in variables.inputs(entity)}
    for key in keys:
        if key not in frame.columns:
            errors.append(RuleError(source, None, key, f"the {entity} table needs a {key} column"))
    columns: list[pl.Expr] = [pl.col(k).cast(pl.Int64) for k in keys if k in frame.columns]
    if PERSON_INDEX in frame.columns and entity == "person":
        columns.append(pl.col(PERSON_INDEX).cast(pl.Int64))
    for name, variable in inputs.items():
        if name not in frame.columns:
            columns.append(pl.lit(None, variable.dtype).alias(name))
            continue
        try:
            frame.select(pl.col(name).cast(variable.dtype, strict=True))
        except Exception:
            bad = frame.with_row_index("row").filter(
                pl.col(name).cast(variable.dtype, strict=False).is_null()
                & pl.col(name).is_not_null()
            )
            where = f" (row {bad['row'][0] + 1}: {bad[name][0]!r})" if bad.height else ""
            errors.append(
                RuleError(source, None, name, f"expects {variable.spec.type} values{where}")
            )
            continue
        if variable.spec.values is not None:
            outside = frame.filter(
                pl.col(name).is_not_null() & ~pl.col(name).is_in(variable.spec.values)
            )
            if outside.height:
                errors.append(
                    RuleError(
                        source,
                        None,
                        name,
                        f"expects one of {', '.join(variable.spec.values)}, "
                        f"got {outside[name][0]!r}",
                    )
                )
        columns.append(pl.col(name).cast(variable.dtype))
    return frame.select(columns) if not errors else frame
