"""Request and response shapes of the API, as pydantic models (django-ninja schemas)."""

import datetime as dt
from typing import Annotated, Any, Literal

import polars as pl
from ninja import Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictStr,
    WithJsonSchema,
    create_model,
    field_validator,
)

from solidarite.rules.catalog import Catalog
from solidarite.schemes.services import get_catalog


class LabelsOut(Schema):
    fr: str
    en: str


class SchemeSummary(Schema):
    id: str
    version: int
    title: LabelsOut
    summary: LabelsOut
    provider: str
    communes: list[str]
    entity: Literal["person", "household"]
    periodicity: str
    start: dt.date
    end: dt.date | None
    max_duration_months: int | None
    intake: Literal["referral", "application", "automatic"]
    pays_money: bool


class ParameterOut(Schema):
    name: str
    label: LabelsOut
    unit: str | None
    values: dict[str, bool | int | float | str]
    source: str | None


class ConditionOut(Schema):
    id: str
    label: LabelsOut
    expression: str


class SchemeDetail(SchemeSummary):
    parameters: list[ParameterOut]
    conditions: list[ConditionOut]
    amount_expression: str | None
    benefit: LabelsOut | None
    envelope_eur: float | None
    capacity_per_year: int | None
    contract_required: bool
    diagnostic_required: bool
    how_to_apply: LabelsOut
    documents: list[LabelsOut]
    contact: str | None
    sources: list[dict[str, Any]]
    assumptions: list[LabelsOut]


class VariableOut(Schema):
    name: str
    entity: Literal["person", "household"]
    type: Literal["bool", "int", "float", "enum", "text"]
    unit: str | None
    label: LabelsOut
    question: LabelsOut | None
    group: str
    values: list[str] | None
    minimum: float | None
    maximum: float | None
    derived: bool


def _whole_number(value: object) -> object:
    """JSON's integers include 42.0; text and true/false are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("expected a whole number")
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]

_SCALAR: dict[str, Any] = {
    "bool": StrictBool,
    "int": WholeNumber,
    "float": StrictFloat,
    "text": StrictStr,
}


def _answers_model(catalog: Catalog, entity: str, name: str) -> type[BaseModel]:
    """One optional, strictly typed field per input variable: the OpenAPI description lists
    every question, and anything else is refused with the field named."""
    fields: dict[str, Any] = {}
    for variable in catalog.variables.inputs(entity):
        spec = variable.spec
        kind: Any = Literal[tuple(spec.values)] if spec.values else _SCALAR[spec.type]
        bounded = kind
        if spec.type in ("int", "float"):
            described: dict[str, Any] = {"type": "integer" if spec.type == "int" else "number"}
            if spec.minimum is not None:
                described["minimum"] = spec.minimum
            if spec.maximum is not None:
                described["maximum"] = spec.maximum
            bounded = Annotated[
                kind, Field(ge=spec.minimum, le=spec.maximum), WithJsonSchema(described)
            ]
        fields[variable.name] = (
            bounded | None,
            Field(default=None, description=spec.question.en if spec.question else spec.label.en),
        )
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _parameters_model(catalog: Catalog) -> type[BaseModel]:
    """Scenario overrides, one optional field per parameter, named "<scheme>.<parameter>"."""
    fields: dict[str, Any] = {}
    for scheme in catalog.schemes.values():
        for name, parameter in scheme.parameters.items():
            kind = {pl.Boolean: StrictBool, pl.String: StrictStr}.get(
                type(parameter.dtype), StrictFloat
            )
            fields[f"{scheme.id}__{name}"] = (
                kind | None,
                Field(
                    default=None, alias=f"{scheme.id}.{name}", description=parameter.spec.label.en
                ),
            )
    return create_model(
        "ScenarioIn", __config__=ConfigDict(extra="forbid", populate_by_name=False), **fields
    )


_CATALOG = get_catalog()
HouseholdIn = _answers_model(_CATALOG, "household", "HouseholdAnswersIn")
PersonIn = _answers_model(_CATALOG, "person", "PersonAnswersIn")
ScenarioIn = _parameters_model(_CATALOG)


def _date_is_text(value: object) -> object:
    """A date is written YYYY-MM-DD; a bare number is refused rather than read as a timestamp."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("expected a date written YYYY-MM-DD")
    return value


SimulateIn = create_model(
    "SimulateIn",
    __config__=ConfigDict(extra="forbid"),
    __doc__="A household: answers about the household and each member; missing = unknown.",
    __validators__={"date_is_text": field_validator("date", mode="before")(_date_is_text)},
    household=(HouseholdIn, Field(default_factory=HouseholdIn)),
    persons=(list[PersonIn], Field(default_factory=list, max_length=20)),  # type: ignore[valid-type]
    date=(dt.date | None, Field(default=None, description="YYYY-MM-DD; today when absent")),
    parameters=(ScenarioIn, Field(default_factory=ScenarioIn)),
)


class ConditionResultOut(Schema):
    id: str
    label: LabelsOut
    status: Literal["passed", "failed", "unknown"]


class SchemeResultOut(Schema):
    scheme: str
    version: int
    person_index: int | None
    in_force: bool
    eligible: bool | None
    amount: float | None
    conditions: list[ConditionResultOut]
    parameters: dict[str, bool | int | float | str | None]
    unknown_variables: list[str]


class SimulateOut(Schema):
    date: dt.date
    results: list[SchemeResultOut]
    deciding_variables: list[str]


class ErrorItem(Schema):
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]
