"""One typed input model, built once from the catalog, for every way a household comes in.

The API's request body, `rules eval`'s JSON file, a case file's answers and each row of a
population file are checked by the same pydantic models: one optional, strictly typed field per
input variable, with its range and allowed values. A missing answer is unknown; anything else
that does not fit is refused with the field named, before any evaluation runs.
"""

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictStr,
    ValidationError,
    WithJsonSchema,
    create_model,
)

from solidarite.rules.errors import InputError, RuleError
from solidarite.rules.territory import Communes
from solidarite.rules.validation import suggestion
from solidarite.rules.variables import VariableSet

HOUSEHOLD_ID = "household_id"
PERSON_INDEX = "person_index"
MAX_PERSONS = 50  # a household file; the API keeps its own lower limit
MAX_BYTES = 1_000_000
MAX_DEPTH = 5  # {"persons": [{"age": 3}]} is 3 deep


def _whole_number(value: object) -> object:
    """JSON's integers include 42.0; text and true/false are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expects a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("expects a whole number")
        return int(value)
    return value


def date_is_text(value: object) -> object:
    """A date is written YYYY-MM-DD; a bare number is refused rather than read as a timestamp."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("expects a date written YYYY-MM-DD")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Finite = Annotated[StrictFloat, Field(allow_inf_nan=False)]
DateText = Annotated[dt.date, BeforeValidator(date_is_text)]
_SCALAR: dict[str, Any] = {
    "bool": StrictBool,
    "int": WholeNumber,
    "float": Finite,
    "text": Annotated[StrictStr, Field(max_length=200)],
    "date": DateText,
}


def answers_model(
    variables: VariableSet, communes: Communes, entity: str, name: str
) -> type[BaseModel]:
    """One optional, strictly typed field per input variable: the OpenAPI description lists
    every question, and anything else is refused with the field named."""
    fields: dict[str, Any] = {}
    for variable in variables.inputs(entity):
        spec = variable.spec
        kind: Any
        if spec.values:
            kind = Literal[tuple(spec.values)]
        elif spec.type == "commune":
            kind = Literal[tuple(sorted(communes.codes))]
        else:
            kind = _SCALAR[spec.type]
        if spec.type in ("int", "float"):
            described: dict[str, Any] = {"type": "integer" if spec.type == "int" else "number"}
            if spec.minimum is not None:
                described["minimum"] = spec.minimum
            if spec.maximum is not None:
                described["maximum"] = spec.maximum
            kind = Annotated[
                kind, Field(ge=spec.minimum, le=spec.maximum), WithJsonSchema(described)
            ]
        description = spec.question.en if spec.question else spec.label.en
        fields[variable.name] = (kind | None, Field(default=None, description=description))
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


@dataclass(frozen=True)
class InputModels:
    household: type[BaseModel]
    person: type[BaseModel]
    payload: type[BaseModel]
    commune_codes: frozenset[str]


def input_models(variables: VariableSet, communes: Communes) -> InputModels:
    household = answers_model(variables, communes, "household", "HouseholdAnswersIn")
    person = answers_model(variables, communes, "person", "PersonAnswersIn")
    payload = create_model(
        "HouseholdIn",
        __config__=ConfigDict(extra="forbid"),
        household=(household, Field(default_factory=household)),
        persons=(list[person], Field(default_factory=list, max_length=MAX_PERSONS)),  # type: ignore[valid-type]
    )
    return InputModels(household, person, payload, communes.codes)


@dataclass(frozen=True)
class Checked:
    """A household's answers already checked by pydantic models: the API's body model holds the
    catalog's own (`api.schemas.SimulateIn`), and checking them again cost 4 % of an answer."""

    household: BaseModel
    persons: list[BaseModel]


def validated(
    models: InputModels, variables: VariableSet, household: Any, source: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`{"household": {...}, "persons": [...]}` checked: answers by name, None when unknown.
    `Checked` answers are not checked again when their models are this catalog's (another
    catalog's, an older one's, are checked as any household is)."""
    if isinstance(household, Checked):
        answers = _answers(household.household, household.persons)
        if type(household.household) is models.household and all(
            type(person) is models.person for person in household.persons
        ):
            return answers
        household = {"household": answers[0], "persons": answers[1]}
    try:
        parsed = models.payload.model_validate(household)
    except ValidationError as exc:
        raise InputError(
            [_rule_error(variables, source, error) for error in exc.errors()]
        ) from None
    payload: Any = parsed
    return _answers(payload.household, payload.persons)


def _answers(
    household: BaseModel, persons: list[BaseModel]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return (
        household.model_dump(exclude_none=True),
        [person.model_dump(exclude_none=True) for person in persons],
    )


def _rule_error(variables: VariableSet, source: str, error: Any) -> RuleError:
    location = [str(part) for part in error["loc"]]
    field = ".".join(location).replace(".persons.", ".").replace("persons.", "persons[", 1)
    if location[:1] == ["persons"] and len(location) > 1:
        field = f"persons[{location[1]}]" + "".join(f".{p}" for p in location[2:])
    message = _message(error)
    if error["type"] == "extra_forbidden":
        name = location[-1]
        if name in variables.by_name and not variables.by_name[name].spec.is_input:
            message = "is computed by the engine; give its inputs instead"
        else:
            entity = "household" if location[:1] == ["household"] else "person"
            inputs = [v.name for v in variables.inputs(entity)]
            message = "unknown variable" + suggestion(name, inputs)
            if len(location) == 1:
                message = 'expected only "household" and "persons"'
    return RuleError(source, None, field, message)


_MESSAGES = {
    "bool_type": "expects true or false",
    "float_type": "expects a number",
    "int_type": "expects a whole number",
    "string_type": "expects text",
    "finite_number": "expects a finite number",
    "list_type": "expects a list of persons",
    "model_type": "expects an object of answers",
    "dict_type": "expects an object of answers",
    "date_from_datetime_parsing": "expects a date written YYYY-MM-DD",
    "date_parsing": "expects a date written YYYY-MM-DD",
    "date_type": "expects a date written YYYY-MM-DD",
}


def _message(error: Any) -> str:
    """pydantic's error in the engine's words, with the value that was given."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "literal_error":
        message = "expects one of " + str(context.get("expected", "")).replace("'", "")
        message = message.replace(" or ", ", ")
    elif kind == "greater_than_equal":
        message = f"must be at least {float(context['ge']):g}"
    elif kind == "less_than_equal":
        message = f"must be at most {float(context['le']):g}"
    elif kind == "too_long":
        return f"at most {context.get('max_length')} persons in a household"
    elif kind == "value_error":
        message = str(context.get("error", error["msg"]))
    else:
        message = _MESSAGES.get(kind, str(error["msg"]))
    if "input" in error and kind not in ("extra_forbidden", "missing", "model_type"):
        value = error["input"]
        if not isinstance(value, dict | list):
            message += f", got {value!r}"
    return message


# --- raw JSON with limits -----------------------------------------------------------------------
def load_json(data: bytes | str, source: str) -> Any:
    """JSON text within our limits (size, depth, finite numbers); InputError otherwise."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise InputError([RuleError(source, None, "", f"larger than {MAX_BYTES // 1000} kB")])
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise InputError([RuleError(source, None, "", "is not UTF-8 text")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [RuleError(source, exc.lineno, "", f"invalid JSON: {exc.msg} (column {exc.colno})")]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError([RuleError(source, None, "", f"invalid JSON: {exc}")]) from None
    if _depth(value) > MAX_DEPTH:
        raise InputError([RuleError(source, None, "", f"nested deeper than {MAX_DEPTH} levels")])
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _depth(value: Any) -> int:
    """How deeply containers nest (a scalar is 0), counted without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, dict | list):
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            children = current.values() if isinstance(current, dict) else current
            pending += [(child, level) for child in children]
    return deepest


# --- populations --------------------------------------------------------------------------------
def population_frames(
    models: InputModels,
    variables: VariableSet,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    source: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check a population's columns and values; missing input columns are unknown (null).

    Columns are checked as a whole with Polars; the first row that fails is then put through
    the same pydantic model as a household from the API, so the message is the same."""
    errors: list[RuleError] = []
    shaped = [
        _shape_frame(models, variables, entity, frame, source, errors)
        for entity, frame in (("household", households), ("person", persons))
    ]
    if errors:
        raise InputError(errors)
    household_frame, person_frame = shaped
    if PERSON_INDEX not in person_frame.columns:
        person_frame = person_frame.with_columns(_person_index(person_frame[HOUSEHOLD_ID]))
    return household_frame, person_frame


def _person_index(households: pl.Series) -> pl.Series:
    """Each member's rank in its household, in file order. A file sorted by household (the
    usual case) ranks by position; a window over a million households costs a second."""
    if households.null_count() or not households.is_sorted():
        ranks = households.to_frame().select(pl.int_range(pl.len()).over(HOUSEHOLD_ID))
        return ranks.to_series().cast(pl.Int64).alias(PERSON_INDEX)
    ids = households.to_numpy()
    starts = run_starts(ids)
    first = np.repeat(starts, np.diff(starts, append=len(ids)))
    return pl.Series(PERSON_INDEX, np.arange(len(ids), dtype=np.int64) - first)


def run_starts(ids: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Where each run of equal ids begins: in a file sorted by household, each household's
    first member."""
    if not len(ids):
        return np.zeros(0, dtype=np.intp)
    return np.concatenate(([0], np.flatnonzero(ids[1:] != ids[:-1]) + 1))


def _shape_frame(
    models: InputModels,
    variables: VariableSet,
    entity: str,
    frame: pl.DataFrame,
    source: str,
    errors: list[RuleError],
) -> pl.DataFrame:
    inputs = {v.name: v for v in variables.inputs(entity)}
    allowed = set(inputs) | {HOUSEHOLD_ID} | ({PERSON_INDEX} if entity == "person" else set())
    for column in frame.columns:
        if column not in allowed:
            errors.append(
                RuleError(
                    source, None, column, f"unknown {entity} column" + suggestion(column, inputs)
                )
            )
    if HOUSEHOLD_ID not in frame.columns:
        errors.append(
            RuleError(source, None, HOUSEHOLD_ID, f"the {entity} table needs a {HOUSEHOLD_ID}")
        )
        return frame
    columns: list[pl.Expr] = [pl.col(HOUSEHOLD_ID).cast(pl.Int64)]
    if PERSON_INDEX in frame.columns and entity == "person":
        columns.append(pl.col(PERSON_INDEX).cast(pl.Int64))
    model = models.household if entity == "household" else models.person
    checks: dict[str, tuple[pl.Expr, pl.Expr, pl.Expr]] = {}
    for name, variable in inputs.items():
        if name not in frame.columns:
            columns.append(pl.lit(None, variable.dtype).alias(name))
            continue
        given = pl.col(name)
        cast = given.cast(variable.dtype, strict=False)
        typed = frame.schema[name] == variable.dtype  # nothing to convert, nothing can fail to
        bad = given.is_not_null() & cast.is_null()
        # `bad` finds the first failing row; `flags` say whether there is one, with column
        # aggregates where the type allows (a minimum instead of a comparison per row).
        flags: list[pl.Expr] = [] if typed else [bad.any()]
        spec = variable.spec
        if spec.type in ("int", "float"):
            number = given.cast(pl.Float64, strict=False)
            measured = given if typed else number
            bad = bad | number.is_nan() | number.is_infinite()
            if spec.type == "int":
                bad = bad | (number.round(0) != number)
            if spec.minimum is not None:
                bad = bad | (number < spec.minimum)
                flags.append((measured.min() < spec.minimum).fill_null(False))
            if spec.maximum is not None:
                bad = bad | (number > spec.maximum)
                flags.append((measured.max() > spec.maximum).fill_null(False))
            if not typed or frame.schema[name].is_float():
                flags.append((number.is_nan() | number.is_infinite()).any())
            if not typed and spec.type == "int":
                flags.append((number.round(0) != number).any())
        options = spec.values if spec.type == "enum" else None
        if spec.type == "commune":
            options = sorted(models.commune_codes)
        if options is not None:
            outside = given.is_not_null() & ~given.cast(pl.String).is_in(options)
            bad = bad | outside
            flags.append(outside.any())
        checks[name] = (bad, cast, pl.any_horizontal(flags) if flags else pl.lit(False))
        columns.append(cast.alias(name))
    # One pass over the frame for every column's check; rows are looked up only on failure.
    flagged = frame.select([flag.alias(name) for name, (_, _, flag) in checks.items()])
    for name, (bad, cast, _) in checks.items():
        if flagged[name][0]:
            rows = frame.with_row_index("__row").filter(bad).head(1)
            row = rows.with_columns(cast.alias("__cast")).row(0, named=True)
            errors.append(_row_error(model, variables, source, name, row))
    return frame.select(columns) if not errors else frame


def _row_error(
    model: type[BaseModel],
    variables: VariableSet,
    source: str,
    name: str,
    row: Mapping[str, Any],
) -> RuleError:
    value = row[name]
    typed = row["__cast"]
    if typed is not None and not isinstance(value, str | type(typed)):
        typed = None
    if isinstance(typed, float) and not math.isfinite(typed):
        message = f"expects a finite number, got {value!r}"
    elif typed is not None and typed != value:
        # A CSV cell read as its type: the model checks the number, not the text.
        try:
            model.model_validate({name: typed})
            message = f"expects {variables.by_name[name].spec.type} values, got {value!r}"
        except ValidationError as exc:
            message = _message(exc.errors()[0])
    else:
        try:
            model.model_validate({name: value})
            message = f"expects {variables.by_name[name].spec.type} values, got {value!r}"
        except ValidationError as exc:
            message = _message(exc.errors()[0])
    return RuleError(source, int(row["__row"]) + 2, name, message)
