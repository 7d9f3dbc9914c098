"""The file formats of the catalog, as pydantic models: structure and types only.

Meaning (names that exist, result types, cycles) is checked afterwards by `compile`.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Entity = Literal["person", "household"]
VariableType = Literal["bool", "int", "float", "enum", "text", "date", "commune"]
ParameterValue = bool | int | float | str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(Strict):
    """The same text in French (first) and English."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Aggregate(Strict):
    """A household variable computed over its members: `sum` of `of` where `where` holds."""

    function: Literal["count", "sum", "min", "max"]
    of: str | None = None
    where: str | None = None

    @model_validator(mode="after")
    def _of_needed(self) -> "Aggregate":
        if self.function != "count" and not self.of:
            raise ValueError(f'"{self.function}" needs "of": the person expression to aggregate')
        if self.function == "count" and self.of:
            raise ValueError('"count" counts members; use "where" to choose them, not "of"')
        return self


class AgeOf(Strict):
    """An age derived from a birth date at the evaluation date, so a dated evaluation ages people:
    in whole years or whole months."""

    birth_date: Identifier
    unit: Literal["years", "months"]


class VariableSpec(Strict):
    name: Identifier
    entity: Entity
    type: VariableType
    unit: str | None = None
    label: Labels
    question: Labels | None = None
    help: Labels | None = None
    group: Literal["household", "ages", "situation", "resources", "housing"] = "situation"
    values: list[str] | None = None
    value_labels: dict[str, Labels] | None = None
    minimum: float | None = None
    maximum: float | None = None
    formula: str | None = None
    aggregate: Aggregate | None = None
    age_of: AgeOf | None = None
    # "Answered, else computed": what a scheme reads when the resident has not answered (a
    # national right the engine computes), e.g. `parent AND rsa__eligible` for "receives RSA".
    when_unanswered: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "VariableSpec":
        if self.when_unanswered is not None and (
            not self.is_input or self.type != "bool" or self.entity != "person"
        ):
            raise ValueError('"when_unanswered" is for a person input of type bool')
        if self.formula and self.aggregate:
            raise ValueError("a variable has a formula or an aggregate, not both")
        if self.age_of and (self.formula or self.aggregate or self.type != "int"):
            raise ValueError('"age_of" is for an int variable with no formula or aggregate')
        if self.type == "date" and (self.formula or self.aggregate or self.entity != "person"):
            raise ValueError("a date is a person input (a birth date)")
        if self.aggregate and self.entity != "household":
            raise ValueError("only a household variable can aggregate over its members")
        if self.type == "enum" and not self.values:
            raise ValueError('an enum variable lists its allowed "values"')
        if self.type != "enum" and self.values:
            raise ValueError('"values" is only for enum variables')
        if self.is_input and self.question is None and self.age_of is None:
            raise ValueError('an input variable needs the "question" to ask a resident (fr, en)')
        return self

    @property
    def is_input(self) -> bool:
        """Asked of a resident (an age may be asked and also follows from a birth date)."""
        return self.formula is None and self.aggregate is None and self.question is not None


class VariablesFile(Strict):
    variables: list[VariableSpec] = Field(min_length=1)


class Bracket(Strict):
    """From `threshold` (included) up to the next bracket's threshold: `value` is the amount
    given (single-amount scale) or the rate applied to that slice (marginal scale)."""

    threshold: float = Field(ge=0, allow_inf_nan=False)
    value: float = Field(allow_inf_nan=False)


class ScaleSpec(Strict):
    """A barème: which expression it applies to, and how its brackets combine."""

    type: Literal["single", "marginal"]
    base: str = Field(min_length=1)


class ParameterSpec(Strict):
    """A named value with dated history: its value at a date is the latest on or before it.

    With `scale`, each dated value is a list of brackets and the parameter's value is the scale
    applied to its `base` expression."""

    label: Labels
    unit: str | None = None
    values: dict[dt.date, ParameterValue | list[Bracket]] = Field(min_length=1)
    scale: ScaleSpec | None = None
    source: str | None = None
    assumption: bool = False  # a choice of the council or of the authors, not a legal text
    minimum: float | None = Field(default=None, allow_inf_nan=False)
    maximum: float | None = Field(default=None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _scale_or_value(self) -> "ParameterSpec":
        lists = [isinstance(v, list) for v in self.values.values()]
        if self.scale is not None and not all(lists):
            raise ValueError("every dated value of a scale is a list of brackets")
        if self.scale is None and any(lists):
            raise ValueError('brackets need "scale: {type: single|marginal, base: ...}"')
        for brackets in self.values.values():
            if isinstance(brackets, list):
                thresholds = [b.threshold for b in brackets]
                if not brackets or thresholds != sorted(set(thresholds)):
                    raise ValueError("brackets are listed by strictly increasing threshold")
                if (
                    self.scale
                    and self.scale.type == "marginal"
                    and any(b.value < 0 for b in brackets)
                ):
                    raise ValueError("the rates of a marginal scale are not negative")
        return self


class ConditionSpec(Strict):
    id: Identifier
    label: Labels
    expression: str = Field(min_length=1)


class AmountSpec(Strict):
    expression: str = Field(min_length=1)
    unit: str = "EUR"
    # "paid": money the household receives; "contribution": what it pays for the benefit (the
    # complémentaire santé solidaire's participation, 0 when free).
    kind: Literal["paid", "contribution"] = "paid"


class Envelope(Strict):
    amount: float = Field(gt=0)
    currency: Literal["EUR"] = "EUR"
    label: Labels | None = None
    # What a contract signing that would overrun the envelope does: refused with a message, or
    # put on the scheme's waiting list until money is released.
    when_exhausted: Literal["refuse", "waiting_list"] = "refuse"
    # The last day of the period the envelope was voted for (the scheme's "end" when it has one).
    ends_on: dt.date | None = None


class Capacity(Strict):
    per_year: int = Field(gt=0)
    unit: Labels


class Intake(Strict):
    mode: Literal["referral", "application", "automatic"]
    contract_required: bool = False
    diagnostic_required: bool = False


class SourceRef(Strict):
    """Where a rule comes from: a seed document of the municipality (`seed`, `section`) or, for
    a national scheme, the legal text (`legal`, with its Légifrance `url`)."""

    seed: str | None = None
    legal: str | None = None
    url: str | None = Field(default=None, pattern=r"^https://")
    section: str | None = None
    quote: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> "SourceRef":
        if (self.seed is None) == (self.legal is None):
            raise ValueError('a source is a seed document ("seed") or a legal text ("legal")')
        if self.seed is not None and not self.section:
            raise ValueError('a seed source names its "section"')
        return self


class Territory(Strict):
    """Where a scheme applies: INSEE codes of communes, SIREN codes of EPCIs, départements, or
    "FR" for the whole country (a national scheme, open to residents of any commune)."""

    codes: list[
        Annotated[str, StringConstraints(pattern=r"^(FR|\d{5}|2[AB]\d{3}|\d{9}|\d{2,3}|2[AB])$")]
    ] = Field(min_length=1)
    label: Labels
    # Residence in the territory is a condition of the scheme, added by the engine; false when
    # the territory is where something else happens (a school, an employer), not where one lives.
    residence: bool = True


OrganisationCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class OrganisationSpec(Strict):
    """An organisation that provides schemes, named by a code that never changes."""

    code: OrganisationCode
    name: str = Field(min_length=1, max_length=200)
    kind: Literal[
        "ccas",
        "city_department",
        "association",
        "mission_locale",
        "maison_de_quartier",
        "public_body",
    ]
    commune_code: Annotated[str, StringConstraints(pattern=r"^(\d{5}|2[AB]\d{3})$")]


class OrganisationsFile(Strict):
    organisations: list[OrganisationSpec] = Field(min_length=1)


class SchemeSpec(Strict):
    id: Identifier
    version: int = Field(ge=1)
    title: Labels
    summary: Labels
    provider: OrganisationCode
    # "national": a right of the whole country (RSA, family benefits...), shown first, as an
    # estimate, with the national body that decides; "local": a scheme of the municipality.
    scope: Literal["local", "national"] = "local"
    territory: Territory
    entity: Entity
    periodicity: Literal["monthly", "yearly", "one_off", "in_kind"]
    start: dt.date
    end: dt.date | None = None
    parameters: dict[Identifier, ParameterSpec] = Field(default_factory=dict)
    conditions: list[ConditionSpec] = Field(min_length=1)
    amount: AmountSpec | None = None
    benefit: Labels | None = None
    max_duration_months: int | None = Field(default=None, gt=0)
    envelope: Envelope | None = None
    capacity: Capacity | None = None
    intake: Intake
    how_to_apply: Labels
    documents: list[Labels] = Field(default_factory=list)
    contact: str | None = None
    sources: list[SourceRef] = Field(min_length=1)
    assumptions: list[Labels] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "SchemeSpec":
        if self.amount is None and self.benefit is None:
            raise ValueError(
                'a scheme gives an "amount" (money) or describes its "benefit" (in kind)'
            )
        if self.end is not None and self.end < self.start:
            raise ValueError('"end" comes before "start"')
        if self.envelope is not None:
            last = self.envelope.ends_on or self.end
            if last is None:
                raise ValueError(
                    'an envelope is voted for a period: give "envelope.ends_on" or the '
                    'scheme\'s "end"'
                )
            if last < self.start:
                raise ValueError('"envelope.ends_on" comes before "start"')
        ids = [condition.id for condition in self.conditions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate condition id: {', '.join(duplicates)}")
        return self


class Expectation(Strict):
    """Expected results; `eligible: null` means "unknown" is expected."""

    eligible: bool | None
    amount: float | None = None
    unknown_variables: list[str] | None = None


class TestCase(Strict):
    name: str
    date: dt.date
    household: dict[str, Any] = Field(default_factory=dict)
    persons: list[dict[str, Any]] = Field(default_factory=list)
    person: int = Field(default=0, ge=0)
    set: dict[str, ParameterValue] = Field(default_factory=dict)
    expect: Expectation


class TestFile(Strict):
    scheme: Identifier
    cases: list[TestCase] = Field(min_length=1)
