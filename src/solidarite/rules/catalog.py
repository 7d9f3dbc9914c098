"""Load a catalog folder and evaluate it: the public surface of the rules engine."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from solidarite.rules import evaluate as engine
from solidarite.rules.errors import CatalogError, EvaluationError, RuleError
from solidarite.rules.inputs import PERSON_INDEX, household_frames, population_frames
from solidarite.rules.model import (
    Labels,
    OrganisationsFile,
    OrganisationSpec,
    ParameterValue,
    SchemeSpec,
    TestFile,
    VariablesFile,
)
from solidarite.rules.results import ConditionResult, HouseholdResult, SchemeResult, status_of
from solidarite.rules.schemes import Formula, Scheme, compile_scheme
from solidarite.rules.validation import parse_document, suggestion
from solidarite.rules.variables import VariableSet, compile_variables
from solidarite.rules.yaml_source import SourceDocument, read_yaml

Overrides = Mapping[str, ParameterValue]


@dataclass(frozen=True)
class LoadedTests:
    document: SourceDocument
    file: TestFile


@dataclass(frozen=True)
class Catalog:
    directory: Path
    variables: VariableSet
    schemes: Mapping[str, Scheme]
    tests: tuple[LoadedTests, ...]
    organisations: Mapping[str, OrganisationSpec]

    def provider_name(self, scheme_id: str) -> str:
        """The display name of the organisation that provides the scheme."""
        return self.organisations[self.schemes[scheme_id].spec.provider].name

    def evaluate(
        self,
        household: Mapping[str, Any],
        date: dt.date | None = None,
        overrides: Overrides | None = None,
        source: str = "household",
    ) -> HouseholdResult:
        """Every scheme for one household `{"household": {...}, "persons": [...]}`."""
        date = date or dt.date.today()
        by_scheme = self.scheme_overrides(overrides or {})
        households, persons = household_frames(self.variables, household, source)
        schemes = list(self.schemes.values())
        household_plan, person_plan = engine.one_household_plans(
            self.plan, households.lazy(), persons.lazy(), date, by_scheme
        )
        # A one-row query gains nothing from the optimiser and pays ~1.5 ms for it.
        household_rows, person_rows = pl.collect_all(
            [household_plan, person_plan], optimizations=pl.QueryOptFlags.none()
        )
        missing = _missing_inputs(self.variables, household)
        results = []
        household_row = household_rows.row(0, named=True)
        person_dicts = person_rows.to_dicts()
        for scheme in schemes:
            values = scheme.parameter_values(date, by_scheme.get(scheme.id, {}))
            if scheme.spec.entity == "household":
                results.append(
                    _scheme_result(
                        self.variables, scheme, household_row, None, values, missing, date
                    )
                )
            else:
                for row in person_dicts:
                    results.append(
                        _scheme_result(
                            self.variables, scheme, row, row[PERSON_INDEX], values, missing, date
                        )
                    )
        return HouseholdResult(date, tuple(results), missing)

    def evaluate_population(
        self,
        households: pl.DataFrame,
        persons: pl.DataFrame,
        date: dt.date | None = None,
        overrides: Overrides | None = None,
        source: str = "population",
    ) -> pl.DataFrame:
        """One row per household: `<scheme>__eligible`, `<scheme>__amount` and, for person
        schemes, `<scheme>__beneficiaries`."""
        households, persons = population_frames(self.variables, households, persons, source)
        return self.population_plan(households.lazy(), persons.lazy(), date, overrides).collect()

    def population_plan(
        self,
        households: pl.LazyFrame,
        persons: pl.LazyFrame,
        date: dt.date | None = None,
        overrides: Overrides | None = None,
    ) -> pl.LazyFrame:
        """The lazy query behind `evaluate_population`, for callers that stream or sink it."""
        return engine.population_plan(
            self.plan,
            households,
            persons,
            date or dt.date.today(),
            self.scheme_overrides(overrides or {}),
        )

    @cached_property
    def plan(self) -> engine.Plan:
        """Every expression of the catalog, built once."""
        return engine.build_plan(self.variables, list(self.schemes.values()))

    def scheme_overrides(self, overrides: Overrides) -> dict[str, dict[str, ParameterValue]]:
        """`{"scheme.parameter": value}` checked and grouped by scheme: a scenario."""
        errors: list[RuleError] = []
        grouped: dict[str, dict[str, ParameterValue]] = {}
        for key, value in overrides.items():
            scheme_id, _, name = key.partition(".")
            scheme = self.schemes.get(scheme_id)
            if scheme is None:
                message = f'unknown scheme "{scheme_id}"' + suggestion(scheme_id, self.schemes)
            elif name not in scheme.parameters:
                known = ", ".join(scheme.parameters) or "none"
                message = f"unknown parameter; the parameters of {scheme_id} are: {known}"
            else:
                try:
                    value = scheme.parameters[name].coerce(value)
                except ValueError as exc:
                    errors.append(RuleError("overrides", None, key, str(exc)))
                else:
                    grouped.setdefault(scheme_id, {})[name] = value
                continue
            errors.append(RuleError("overrides", None, key, message))
        if errors:
            raise EvaluationError(errors)
        return grouped


def _missing_inputs(
    variables: VariableSet, household: Mapping[str, Any]
) -> dict[str, tuple[int | None, ...]]:
    """Unknown inputs: household ones as (None,), person ones with the members that lack them."""
    answers = household.get("household") or {}
    persons = household.get("persons") or []
    missing: dict[str, tuple[int | None, ...]] = {
        v.name: (None,) for v in variables.inputs("household") if answers.get(v.name) is None
    }
    for variable in variables.inputs("person"):
        lacking = tuple(i for i, p in enumerate(persons) if p.get(variable.name) is None)
        if lacking:
            missing[variable.name] = lacking
    return missing


def _deciding(
    variables: VariableSet,
    formula: Formula,
    person_index: int | None,
    missing: dict[str, tuple[int | None, ...]],
) -> set[str]:
    """The formula's unknown inputs that concern this household or this member."""
    found = set()
    person_variables = [v for v in formula.variables if variables.by_name[v].entity == "person"]
    direct_person_inputs = frozenset().union(
        *(variables.by_name[v].inputs for v in person_variables)
    )
    for name in formula.inputs:
        lacking = missing.get(name)
        if not lacking:
            continue
        own_member_only = person_index is not None and name in direct_person_inputs
        if not own_member_only or person_index in lacking:
            found.add(name)
    return found


def _scheme_result(
    variables: VariableSet,
    scheme: Scheme,
    row: dict[str, Any],
    person_index: int | None,
    values: dict[str, ParameterValue | None],
    missing: dict[str, tuple[int | None, ...]],
    date: dt.date,
) -> SchemeResult:
    in_force = scheme.in_force(date)
    if not in_force:
        return _not_in_force(scheme, person_index, date)
    eligible: bool | None = row[engine.eligible_column(scheme.id)]
    amount = row.get(engine.amount_column(scheme.id)) if scheme.amount is not None else None
    conditions = tuple(
        ConditionResult(c.id, c.label, status_of(row[engine.condition_column(scheme.id, c.id)]))
        for c in scheme.conditions
    )
    deciding: set[str] = set()
    if eligible is None:
        for condition, result in zip(scheme.conditions, conditions, strict=True):
            if result.status == "unknown":
                deciding |= _deciding(variables, condition.formula, person_index, missing)
    if eligible is not False and amount is None and scheme.amount is not None:
        deciding |= _deciding(variables, scheme.amount, person_index, missing)
    return SchemeResult(
        scheme_id=scheme.id,
        version=scheme.spec.version,
        person_index=person_index,
        in_force=True,
        eligible=eligible,
        amount=amount,
        conditions=conditions,
        parameters=values,
        unknown_variables=tuple(sorted(deciding)),
    )


def _not_in_force(scheme: Scheme, person_index: int | None, date: dt.date) -> SchemeResult:
    """Before its start or after its end a scheme gives nothing, and says why."""
    start, end = scheme.spec.start.isoformat(), scheme.spec.end
    period_fr = f"à partir du {start}" + (f" et jusqu'au {end.isoformat()}" if end else "")
    period_en = f"from {start}" + (f" until {end.isoformat()}" if end else "")
    label = Labels(
        fr=f"Le dispositif est en vigueur à cette date ({period_fr})",
        en=f"The scheme is in force on this date ({period_en})",
    )
    return SchemeResult(
        scheme_id=scheme.id,
        version=scheme.spec.version,
        person_index=person_index,
        in_force=False,
        eligible=False,
        amount=0.0 if scheme.amount is not None else None,
        conditions=(ConditionResult("in_force", label, "failed"),),
        parameters={},
        unknown_variables=(),
    )


def load_catalog(directory: Path | str) -> Catalog:
    """Load and check `variables.yaml`, `schemes/*.yaml` and `tests/*.yaml` under `directory`.

    Every problem in every file is collected; if there is any, nothing loads (CatalogError).
    """
    directory = Path(directory)
    errors: list[RuleError] = []
    variables = _load_variables(directory / "variables.yaml", errors)
    organisations = _load_organisations(directory / "organisations.yaml", errors)
    schemes = (
        _load_schemes(directory / "schemes", variables, organisations, errors) if variables else {}
    )
    tests = _load_tests(directory / "tests", schemes, errors)
    if errors or variables is None:
        raise CatalogError(errors)
    return Catalog(directory, variables, schemes, tests, organisations)


def _load_organisations(path: Path, errors: list[RuleError]) -> dict[str, OrganisationSpec]:
    """The providers, by code: schemes name their provider by this code, never by a name that
    an administrator may change."""
    if not path.exists():
        errors.append(
            RuleError(str(path), None, "", "the catalog needs an organisations.yaml file")
        )
        return {}
    document = read_yaml(path)
    if isinstance(document, RuleError):
        errors.append(document)
        return {}
    parsed = parse_document(document, OrganisationsFile)
    if isinstance(parsed, list):
        errors += parsed
        return {}
    by_code: dict[str, OrganisationSpec] = {}
    for index, organisation in enumerate(parsed.organisations):
        if organisation.code in by_code:
            errors.append(
                document.error(
                    ("organisations", index, "code"),
                    f'duplicate organisation code "{organisation.code}"',
                )
            )
        by_code[organisation.code] = organisation
    return by_code


def _documents(folder: Path, errors: list[RuleError]) -> list[SourceDocument]:
    documents = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        document = read_yaml(path)
        if isinstance(document, RuleError):
            errors.append(document)
        else:
            documents.append(document)
    return documents


def _load_variables(path: Path, errors: list[RuleError]) -> VariableSet | None:
    if not path.exists():
        errors.append(RuleError(str(path), None, "", "the catalog needs a variables.yaml file"))
        return None
    document = read_yaml(path)
    if isinstance(document, RuleError):
        errors.append(document)
        return None
    parsed = parse_document(document, VariablesFile)
    if isinstance(parsed, list):
        errors += parsed
        return None
    compiled = compile_variables(document, parsed)
    if isinstance(compiled, list):
        errors += compiled
        return None
    return compiled


def _load_schemes(
    folder: Path,
    variables: VariableSet,
    organisations: Mapping[str, OrganisationSpec],
    errors: list[RuleError],
) -> dict[str, Scheme]:
    schemes: dict[str, Scheme] = {}
    for document in _documents(folder, errors):
        spec = parse_document(document, SchemeSpec)
        if isinstance(spec, list):
            errors += spec
            continue
        if organisations and spec.provider not in organisations:
            errors.append(
                document.error(
                    ("provider",),
                    f'unknown organisation code "{spec.provider}" (see organisations.yaml)'
                    + suggestion(spec.provider, organisations),
                )
            )
            continue
        if spec.id in schemes:
            errors.append(
                document.error(
                    ("id",), f'duplicate scheme id "{spec.id}" (also in {schemes[spec.id].file})'
                )
            )
            continue
        scheme = compile_scheme(document, spec, variables)
        if isinstance(scheme, list):
            errors += scheme
        else:
            schemes[spec.id] = scheme
    return schemes


def _load_tests(
    folder: Path, schemes: Mapping[str, Scheme], errors: list[RuleError]
) -> tuple[LoadedTests, ...]:
    loaded = []
    for document in _documents(folder, errors):
        parsed = parse_document(document, TestFile)
        if isinstance(parsed, list):
            errors += parsed
        elif parsed.scheme not in schemes and schemes:
            errors.append(
                document.error(
                    ("scheme",),
                    f'unknown scheme "{parsed.scheme}"' + suggestion(parsed.scheme, schemes),
                )
            )
        else:
            loaded.append(LoadedTests(document, parsed))
    return tuple(loaded)
