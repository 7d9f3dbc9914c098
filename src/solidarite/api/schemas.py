"""Request and response shapes of the API, as pydantic models (django-ninja schemas)."""

import datetime as dt
from typing import Annotated, Any, Literal

import polars as pl
from ninja import Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictStr,
    create_model,
    field_validator,
)

from solidarite.rules.catalog import Catalog
from solidarite.rules.inputs import date_is_text
from solidarite.rules.schemes import LARGEST_OVERRIDE
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
    # "contribution": the amount is what the household pays (the CSS's participation, 0 when
    # free), not money it receives.
    amount_kind: Literal["paid", "contribution"] | None


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
    type: Literal["bool", "int", "float", "enum", "text", "date", "commune"]
    unit: str | None
    label: LabelsOut
    question: LabelsOut | None
    group: str
    values: list[str] | None
    minimum: float | None
    maximum: float | None
    derived: bool


def _parameters_model(catalog: Catalog) -> type[BaseModel]:
    """Scenario overrides, one optional field per parameter, named "<scheme>.<parameter>"."""
    fields: dict[str, Any] = {}
    for scheme in catalog.schemes.values():
        for name, parameter in scheme.parameters.items():
            if parameter.is_scale:
                continue  # a scale changes in its scheme file, not by an override
            kind: Any = {pl.Boolean: StrictBool, pl.String: StrictStr}.get(
                type(parameter.dtype), StrictFloat
            )
            if kind is StrictFloat:
                # The same range the engine checks (no negative amount unless declared).
                minimum = 0.0 if parameter.spec.minimum is None else parameter.spec.minimum
                maximum = (
                    LARGEST_OVERRIDE
                    if parameter.spec.maximum is None
                    else min(parameter.spec.maximum, LARGEST_OVERRIDE)
                )
                kind = Annotated[
                    StrictFloat,
                    Field(ge=max(minimum, -LARGEST_OVERRIDE), le=maximum, allow_inf_nan=False),
                ]
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
# The engine's own input model, built once from the catalog: the API does not write it twice.
HouseholdIn = _CATALOG.models.household
PersonIn = _CATALOG.models.person
ScenarioIn = _parameters_model(_CATALOG)
_SCENARIO_OR_NONE: Any = ScenarioIn | None


SimulateIn = create_model(
    "SimulateIn",
    __config__=ConfigDict(extra="forbid"),
    __doc__="A household: answers about the household and each member; missing = unknown.",
    __validators__={"date_is_text": field_validator("date", mode="before")(date_is_text)},
    household=(HouseholdIn, Field(default_factory=HouseholdIn)),
    persons=(list[PersonIn], Field(default_factory=list, max_length=20)),  # type: ignore[valid-type]
    date=(dt.date | None, Field(default=None, description="YYYY-MM-DD; today when absent")),
    # None when the body has no scenario (most answers): building the empty model of about a
    # hundred fields, then reading it back, cost 7 µs of each answer.
    parameters=(
        _SCENARIO_OR_NONE,
        Field(default=None, description="Scenario overrides; the values in force when absent"),
    ),
)


class ConditionResultOut(Schema):
    id: str
    label: LabelsOut
    status: Literal["passed", "failed", "unknown"]


class ExplainedOut(Schema):
    name: str
    kind: Literal["variable", "parameter", "scale", "scheme"]
    label: LabelsOut
    unit: str | None
    value: bool | float | str | None = None
    minimum: float | None = None
    maximum: float | None = None
    assumption: bool
    source: str | None
    bracket: int | None


class SchemeResultOut(Schema):
    scheme: str
    version: int
    person_index: int | None
    in_force: bool
    eligible: bool | None
    amount: float | None
    conditions: list[ConditionResultOut]
    parameters: dict[str, Any]
    unknown_variables: list[str]
    amount_range: list[float] | None
    explanation: list[ExplainedOut]
    assumptions: list[str]


class SimulateOut(Schema):
    date: dt.date
    results: list[SchemeResultOut]
    deciding_variables: list[str]


class ErrorItem(Schema):
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]
