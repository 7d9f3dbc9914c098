"""Load a catalog folder and evaluate it: the public surface of the rules engine."""

import datetime as dt
import graphlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from solidarite.rules import compiled, compiled_results
from solidarite.rules import household as household_engine
from solidarite.rules import population as population_engine
from solidarite.rules.errors import CatalogError, EvaluationError, RuleError
from solidarite.rules.explain import Evaluation, explain_all, explain_all_json
from solidarite.rules.inputs import InputModels, input_models, population_frames, validated
from solidarite.rules.members import Members
from solidarite.rules.model import (
    OrganisationsFile,
    OrganisationSpec,
    ParameterValue,
    SchemeSpec,
    TestFile,
    VariablesFile,
)
from solidarite.rules.results import HouseholdResult, SchemeResult
from solidarite.rules.schemes import OtherScheme, Resolved, Scheme, compile_scheme
from solidarite.rules.territory import Communes, load_communes
from solidarite.rules.validation import parse_document, suggestion
from solidarite.rules.variables import VariableSet, compile_variables
from solidarite.rules.yaml_source import SourceDocument, read_yaml

Overrides = Mapping[str, ParameterValue]
Values = Mapping[str, Mapping[str, Resolved]]
Env = dict[str, Any]
R = TypeVar("R")


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
    communes: Communes
    order: tuple[str, ...]  # schemes in an order where each comes after the schemes it reads

    def provider_name(self, scheme_id: str) -> str:
        """The display name of the organisation that provides the scheme."""
        return self.organisations[self.schemes[scheme_id].spec.provider].name

    @cached_property
    def ordered(self) -> tuple[Scheme, ...]:
        return tuple(self.schemes[scheme_id] for scheme_id in self.order)

    @cached_property
    def space(self) -> household_engine.Domains:
        """What each unknown answer can be, and the answers worth trying."""
        return household_engine.domains(self.variables, self.communes, self.ordered)

    @cached_property
    def models(self) -> InputModels:
        """The typed input model every household and population row goes through."""
        return input_models(self.variables, self.communes)

    def values_at(
        self, date: dt.date, by_scheme: Mapping[str, Mapping[str, ParameterValue]]
    ) -> dict[str, dict[str, Resolved]]:
        """Every scheme's parameter values at `date` under a scenario (cached: most
        evaluations share both; callers never change the result)."""
        key = (date, tuple(sorted((k, tuple(sorted(v.items()))) for k, v in by_scheme.items())))
        found = self._values_cache.get(key)
        if found is None:
            if len(self._values_cache) > 256:
                self._values_cache.clear()
            found = self._values_cache[key] = {
                scheme.id: scheme.parameter_values(date, by_scheme.get(scheme.id, {}))
                for scheme in self.ordered
            }
        return found

    @cached_property
    def _values_cache(self) -> dict[Any, dict[str, dict[str, Resolved]]]:
        return {}

    def evaluate(
        self,
        household: Any,
        date: dt.date | None = None,
        overrides: Overrides | None = None,
        source: str = "household",
        questions: bool = True,
        fast: bool = True,
        only: Iterable[str] | None = None,
    ) -> HouseholdResult:
        """Every scheme for one household `{"household": {...}, "persons": [...]}` (with
        `only`, at least those schemes and the schemes they read: a payment schedule needs its
        scheme, not the catalog).

        With `questions` (the default) each undecided result lists the unknown answers that
        can still change it; without, that search (which tries answers) is skipped. When every
        answer any scheme reads is known, a compiled function answers (`fast=False` forces the
        interval engine: the tests compare both)."""
        date = date or dt.date.today()
        answers, persons, values, unknown = self._inputs(household, date, overrides, source)
        order = self.ordered if only is None else self._order_for(frozenset(only), unknown)
        program = self.program if only is None else self._program_for(order)
        if fast and program.applies_to(self.variables, unknown):
            # Every answer the schemes can read is known: the compiled fast path.
            found = compiled_results.results(self, program, answers, persons, date, values, order)
            if found is not None:
                return HouseholdResult(date, tuple(sorted(found, key=self._result_order)))
        # The interval engine, for households with unknown answers (and the tests).
        results = self._explained(order, answers, persons, date, values, questions, explain_all)
        return HouseholdResult(date, tuple(sorted(results, key=self._result_order)))

    def answer(
        self,
        household: Any,
        date: dt.date | None = None,
        overrides: Overrides | None = None,
        source: str = "household",
    ) -> dict[str, Any]:
        """`evaluate(...).to_dict()`, the API's answer, written without the result objects
        (building them and then turning each into a dict took longer than the evaluation): from
        the compiled function's values when it answers, else by `explain_all_json`. The dicts share
        their constant parts with later answers, some already written as JSON
        (`orjson.Fragment`): serialise them with orjson, never change them."""
        date = date or dt.date.today()
        answers, persons, values, unknown = self._inputs(household, date, overrides, source)
        found = None
        if self.program.applies_to(self.variables, unknown):
            found = compiled_results.answer(self, self.program, answers, persons, date, values)
        if found is None:
            found = self._explained(
                self.ordered, answers, persons, date, values, True, explain_all_json
            )
        found.sort(key=self._answer_order)
        return {
            "date": date.isoformat(),
            "results": found,
            "deciding_variables": sorted(
                {name for result in found for name in result["unknown_variables"]}
            ),
        }

    def _inputs(
        self, household: Any, date: dt.date, overrides: Overrides | None, source: str
    ) -> tuple[Env, list[Env], Values, frozenset[str]]:
        """The answers validated, the parameter values on `date`, and the answers unknown."""
        by_scheme = self.scheme_overrides(overrides or {})
        answers, persons = validated(self.models, self.variables, household, source)
        values = self.values_at(date, by_scheme)
        return answers, persons, values, compiled.unknown_answers(self.variables, answers, persons)

    def _explained(
        self,
        order: tuple[Scheme, ...],
        answers: Env,
        persons: list[Env],
        date: dt.date,
        values: Values,
        questions: bool,
        write: Callable[[Evaluation], list[R]],
    ) -> list[R]:
        """Each scheme's result for the household, written by `write` (`explain_all`, or
        `explain_all_json` for the API's answer), in the engine's order; with `questions`,
        each open result lists the unknown answers deciding it."""
        state = household_engine.run(
            self.variables, order, self.space, answers, persons, date, values
        )
        deciding = (
            household_engine.deciding(
                self.variables, order, self.space, answers, persons, date, values, state
            )
            if questions
            else {}
        )
        return write(Evaluation(self, state, values, date, deciding))

    def _answer_order(self, result: dict[str, Any]) -> tuple[int, int]:
        return self._position[result["scheme"]], result["person_index"] or 0

    def _result_order(self, result: SchemeResult) -> tuple[int, int]:
        return self._position[result.scheme_id], result.person_index or 0

    @cached_property
    def program(self) -> compiled.Program:
        """The catalog as one Python function, for households whose answers are all known."""
        return compiled.build(self.variables, self.ordered)

    def _order_for(self, only: frozenset[str], unknown: frozenset[str]) -> tuple[Scheme, ...]:
        """The schemes `only` needs, in order: with the national rights behind an
        answered-else-computed input only when it is unanswered (kept per answered set)."""
        answered = self._answered_else - unknown
        found = self._orders.get((only, answered))
        if found is None:
            if len(self._orders) > 1024:
                self._orders.clear()
            needed = household_engine.needed_schemes(self.schemes, set(only), answered)
            found = tuple(scheme for scheme in self.ordered if scheme.id in needed)
            self._orders[(only, answered)] = found
        return found

    @cached_property
    def _orders(self) -> dict[tuple[frozenset[str], frozenset[str]], tuple[Scheme, ...]]:
        return {}

    @cached_property
    def _answered_else(self) -> frozenset[str]:
        return frozenset(v.name for v in self.variables.by_name.values() if v.spec.when_unanswered)

    def _program_for(self, schemes: tuple[Scheme, ...]) -> compiled.Program:
        """The compiled function of a part of the catalog (`evaluate(only=...)`), built once."""
        key = tuple(scheme.id for scheme in schemes)
        found = self._programs.get(key)
        if found is None:
            found = self._programs[key] = compiled.build(self.variables, schemes)
        return found

    @cached_property
    def _programs(self) -> dict[tuple[str, ...], compiled.Program]:
        return {}

    @cached_property
    def _position(self) -> dict[str, int]:
        return {scheme_id: index for index, scheme_id in enumerate(self.schemes)}

    def evaluate_population(
        self,
        households: pl.DataFrame,
        persons: pl.DataFrame,
        date: dt.date | None = None,
        overrides: Overrides | None = None,
        source: str = "population",
        only: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """One row per household: `<scheme>__eligible`, `<scheme>__amount` and, for person
        schemes, `<scheme>__beneficiaries`; with `only`, for those schemes and the schemes they
        read (a costing evaluates what it costs, not the whole catalog)."""
        households, persons, members = self._population(households, persons, source)
        complete = complete_columns(households) | complete_columns(persons)
        absent = absent_columns(households) | absent_columns(persons)
        date = date or dt.date.today()
        values = self.values_at(date, self.scheme_overrides(overrides or {}))
        schemes = self.ordered
        if only is not None:
            # An answered-else-computed column with every answer given needs no fallback: a
            # population that says who receives RSA does not compute the RSA for it.
            # (An empty column is both complete and absent: absent wins, as in the plan.)
            needed = household_engine.needed_schemes(self.schemes, set(only), complete - absent)
            schemes = tuple(scheme for scheme in self.ordered if scheme.id in needed)
        return population_engine.evaluate(
            self.variables,
            schemes,
            self.space,
            households,
            persons,
            members,
            date,
            values,
            complete,
            absent,
        )

    def household_variables(
        self, households: pl.DataFrame, persons: pl.DataFrame, date: dt.date | None = None
    ) -> pl.DataFrame:
        """Every household variable (aggregates, consumption units...) per household: its value
        where the answers decide it, null otherwise."""
        households, persons, members = self._population(households, persons, "population")
        return population_engine.household_variables(
            self.variables,
            self.space,
            households,
            persons,
            members,
            date or dt.date.today(),
            complete_columns(households) | complete_columns(persons),
            absent_columns(households) | absent_columns(persons),
        )

    def _population(
        self, households: pl.DataFrame, persons: pl.DataFrame, source: str
    ) -> tuple[pl.DataFrame, pl.DataFrame, Members]:
        """The frames checked and typed, and each person's household row."""
        households, persons = population_frames(
            self.models, self.variables, households, persons, source
        )
        return households, persons, Members.of(households, persons, source)

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


def complete_columns(frame: pl.DataFrame) -> frozenset[str]:
    """Columns with no missing answer: the population plan treats them as known values."""
    counts = frame.null_count().row(0, named=True)
    return frozenset(name for name, nulls in counts.items() if nulls == 0)


def absent_columns(frame: pl.DataFrame) -> frozenset[str]:
    """Columns with no answer at all (missing from the file)."""
    counts = frame.null_count().row(0, named=True)
    return frozenset(name for name, nulls in counts.items() if nulls == frame.height)


def load_catalog(directory: Path | str) -> Catalog:
    """Load and check `variables.yaml`, `schemes/*.yaml` and `tests/*.yaml` under `directory`.

    Every problem in every file is collected; if there is any, nothing loads (CatalogError).
    """
    directory = Path(directory)
    errors: list[RuleError] = []
    variables = _load_variables(directory / "variables.yaml", errors)
    organisations = _load_organisations(directory / "organisations.yaml", errors)
    communes = load_communes(directory / "territory" / "communes.csv", errors)
    schemes = (
        _load_schemes(directory / "schemes", variables, organisations, communes, errors)
        if variables
        else {}
    )
    order = _scheme_order(schemes, errors)
    tests = _load_tests(directory / "tests", schemes, errors)
    if errors or variables is None:
        raise CatalogError(errors)
    return Catalog(directory, variables, schemes, tests, organisations, communes, order)


def _scheme_order(schemes: Mapping[str, Scheme], errors: list[RuleError]) -> tuple[str, ...]:
    """Household schemes, then person schemes, each after the schemes it reads; a cycle is an
    error naming the file and the expression that closes it."""
    # A scheme that failed to compile is not in `schemes`: its own error is already reported.
    graph = {
        scheme_id: set(scheme.reads_schemes) & schemes.keys()
        for scheme_id, scheme in schemes.items()
    }
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = list(reversed(exc.args[1]))
        first = schemes[cycle[0]]
        field = next(
            (
                f"conditions[{i}].expression"
                for i, c in enumerate(first.conditions)
                if cycle[1] in c.formula.schemes
            ),
            "amount.expression",
        )
        errors.append(
            RuleError(first.file, None, field, "cycle among schemes: " + " -> ".join(cycle))
        )
        return ()
    return tuple(sorted(order, key=lambda scheme_id: schemes[scheme_id].spec.entity != "household"))


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
    for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
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
    communes: Communes,
    errors: list[RuleError],
) -> dict[str, Scheme]:
    specs: list[tuple[SourceDocument, SchemeSpec]] = []
    for document in _documents(folder, errors):
        spec = parse_document(document, SchemeSpec)
        if isinstance(spec, list):
            errors += spec
        else:
            specs.append((document, spec))
    others = {spec.id: OtherScheme(spec.entity, spec.amount is not None) for _, spec in specs}
    schemes: dict[str, Scheme] = {}
    for document, spec in specs:
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
        scheme = compile_scheme(document, spec, variables, communes, others)
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
