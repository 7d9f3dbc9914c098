"""Run the YAML test cases of the catalog: a household in, eligibility and amounts out."""

import math
from dataclasses import dataclass
from functools import partial

from solidarite.rules.catalog import Catalog, LoadedTests
from solidarite.rules.errors import RulesError
from solidarite.rules.model import TestCase
from solidarite.rules.results import SchemeResult


@dataclass(frozen=True)
class CaseOutcome:
    file: str
    line: int | None
    scheme: str
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.passed:
            return f"ok    {self.scheme}: {self.name}"
        return f"FAIL  {where} {self.scheme}: {self.name}\n" + "\n".join(
            f"      {failure}" for failure in self.failures
        )


def run_test_cases(catalog: Catalog) -> list[CaseOutcome]:
    """Every case of every test file, in file order."""
    return [run_case(catalog, loaded, index, case) for loaded, index, case in all_cases(catalog)]


def all_cases(catalog: Catalog) -> list[tuple[LoadedTests, int, TestCase]]:
    """Each case with its file and position: one pytest item each (see tests/rules)."""
    return [
        (loaded, index, case)
        for loaded in catalog.tests
        for index, case in enumerate(loaded.file.cases)
    ]


def case_id(loaded: LoadedTests, index: int, case: TestCase) -> str:
    """`<scheme>[<n>] <name>`: a failing pytest item names its case."""
    return f"{loaded.file.scheme}[{index}] {case.name}"


def run_case(catalog: Catalog, loaded: LoadedTests, index: int, case: TestCase) -> CaseOutcome:
    scheme_id = loaded.file.scheme
    line = loaded.document.line_of(("cases", index))
    outcome = partial(CaseOutcome, loaded.document.name, line, scheme_id, case.name)
    overrides = {f"{scheme_id}.{name}": value for name, value in case.set.items()}
    try:
        household = {"household": case.household, "persons": case.persons}
        result = catalog.evaluate(household, case.date, overrides, source=loaded.document.name)
        scheme_result = result.get(
            scheme_id, case.person if catalog.schemes[scheme_id].spec.entity == "person" else None
        )
    except (RulesError, KeyError) as exc:
        return outcome((f"cannot evaluate: {exc}",))
    return outcome(tuple(_compare(case, scheme_result)))


def _compare(case: TestCase, got: SchemeResult) -> list[str]:
    expect = case.expect
    failures = []
    if got.eligible != expect.eligible:
        failures.append(
            f"eligible: expected {_show(expect.eligible)}, got {_show(got.eligible)}" + _why(got)
        )
    if "amount" in expect.model_fields_set and not _same_amount(expect.amount, got.amount):
        failures.append(f"amount: expected {_show(expect.amount)}, got {_show(got.amount)}")
    if expect.unknown_variables is not None and sorted(expect.unknown_variables) != list(
        got.unknown_variables
    ):
        failures.append(
            f"unknown_variables: expected {sorted(expect.unknown_variables)}, "
            f"got {list(got.unknown_variables)}"
        )
    return failures


def _same_amount(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is got
    return math.isclose(expected, got, abs_tol=0.005)


def _show(value: object) -> str:
    return (
        "unknown"
        if value is None
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def _why(result: SchemeResult) -> str:
    failed = [c.id for c in result.conditions if c.status == "failed"]
    unknown = [c.id for c in result.conditions if c.status == "unknown"]
    parts = []
    if failed:
        parts.append(f"failed: {', '.join(failed)}")
    if unknown:
        parts.append(f"unknown: {', '.join(unknown)}")
    return f" ({'; '.join(parts)})" if parts else ""
