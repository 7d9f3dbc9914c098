"""Answered, else computed: an input with `when_unanswered` reads the resident's answer when
there is one and what the engine computes (a national right) when there is none, the same on
one household and in a population, and a catalog that misuses it is refused with its reason."""

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidarite.rules.catalog import Catalog, load_catalog
from solidarite.rules.errors import CatalogError
from tests.rules.minicatalog import SCHEME, VARIABLES, write_catalog

DATE = dt.date(2024, 3, 1)

MINIMUM_INPUT = """\
  - name: percoit_minimum
    entity: person
    type: bool
    label: {fr: Perçoit le minimum, en: Receives the minimum}
    question: {fr: "Minimum ?", en: "Minimum?"}
    when_unanswered: adulte AND minimum__eligible
  - name: adulte
    entity: person
    type: bool
    label: {fr: Adulte, en: Adult}
    formula: age >= 18
  - name: sans_minimum
    entity: person
    type: bool
    label: {fr: Sans minimum, en: Without the minimum}
    formula: NOT percoit_minimum
"""

# The national right the fallback reads: a household minimum under 500 EUR of resources.
MINIMUM = SCHEME.replace("id: aide", "id: minimum").replace(
    "values: {2020-01-01: 1000, 2024-01-01: 1200}", "values: {2020-01-01: 500}"
)

# A municipal aid for those who do not receive it: directly, and through a derived variable.
TOP_UP = """\
id: {id}
version: 1
title: {{fr: Aide, en: Aid}}
summary: {{fr: Une aide, en: An aid}}
provider: ccas-test
territory: {{codes: ["25056"], label: {{fr: Besançon, en: Besançon}}}}
entity: person
periodicity: monthly
start: 2020-01-01
conditions:
  - id: sans_minimum
    label: {{fr: Sans le minimum, en: Without the minimum}}
    expression: {expression}
amount:
  expression: "100"
intake: {{mode: application}}
how_to_apply: {{fr: Au CCAS, en: At the CCAS}}
sources: [{{seed: 000_b3d004416527df4a.txt, section: Test}}]
"""


def _catalog(root: Path, variables: str = VARIABLES + MINIMUM_INPUT, **schemes: str) -> Catalog:
    texts = {
        "minimum": MINIMUM,
        "direct": TOP_UP.format(id="direct", expression="NOT percoit_minimum"),
        "derived": TOP_UP.format(id="derived", expression="sans_minimum"),
    } | schemes
    return load_catalog(write_catalog(root, variables, texts))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return _catalog(tmp_path_factory.mktemp("answered_else_computed"))


def _household(revenus: float | None, answer: bool | None, age: int = 30) -> dict[str, Any]:
    person: dict[str, Any] = {"age": age}
    if revenus is not None:
        person["revenus"] = revenus
    if answer is not None:
        person["percoit_minimum"] = answer
    return {"household": {"commune": "25056"}, "persons": [person]}


def _eligible(catalog: Catalog, household: dict[str, Any], scheme_id: str) -> bool | None:
    return catalog.evaluate(household, DATE).get(scheme_id, 0).eligible


@pytest.mark.parametrize("scheme_id", ["direct", "derived"])
def test_without_an_answer_the_computed_right_is_read(catalog: Catalog, scheme_id: str) -> None:
    # 200 EUR of resources: the minimum is computed as received, so the aid is not open.
    assert _eligible(catalog, _household(200, None), scheme_id) is False
    # 800 EUR: no minimum computed, the aid is open.
    assert _eligible(catalog, _household(800, None), scheme_id) is True
    # A child never receives the minimum in its own name.
    assert _eligible(catalog, _household(200, None, age=10), scheme_id) is True


@pytest.mark.parametrize("scheme_id", ["direct", "derived"])
def test_an_answer_overrules_the_computed_right(catalog: Catalog, scheme_id: str) -> None:
    assert _eligible(catalog, _household(200, False), scheme_id) is True
    assert _eligible(catalog, _household(800, True), scheme_id) is False


def test_an_undecided_computed_right_leaves_the_aid_undecided_with_its_questions(
    catalog: Catalog,
) -> None:
    result = catalog.evaluate(_household(None, None), DATE).get("direct", 0)
    assert result.eligible is None
    # Either answer decides: the resources (through the computed minimum) or the answer itself.
    assert {"revenus", "percoit_minimum"} <= set(result.unknown_variables)


def test_the_reader_comes_after_the_right_it_reads(catalog: Catalog) -> None:
    assert "minimum" in catalog.schemes["direct"].reads_schemes
    assert catalog.order.index("minimum") < catalog.order.index("direct")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    households=st.lists(
        st.tuples(
            st.none() | st.sampled_from([0.0, 200.0, 499.0, 500.0, 800.0]),
            st.none() | st.booleans(),
            st.sampled_from([10, 17, 18, 30]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_one_household_and_a_population_agree(
    catalog: Catalog, households: list[tuple[float | None, bool | None, int]]
) -> None:
    """Answered and unanswered rows side by side: the population back-end decides per row."""
    frames = (
        pl.DataFrame(
            [{"household_id": i, "commune": "25056"} for i in range(len(households))],
            schema={"household_id": pl.Int64, "commune": pl.String},
        ),
        pl.DataFrame(
            [
                {"household_id": i, "age": age, "revenus": revenus, "percoit_minimum": answer}
                for i, (revenus, answer, age) in enumerate(households)
            ],
            schema={
                "household_id": pl.Int64,
                "age": pl.Int64,
                "revenus": pl.Float64,
                "percoit_minimum": pl.Boolean,
            },
        ),
    )
    population = catalog.evaluate_population(*frames, date=DATE)
    for index, (revenus, answer, age) in enumerate(households):
        alone = catalog.evaluate(_household(revenus, answer, age), DATE)
        row = population.row(index, named=True)
        for scheme_id in ("direct", "derived"):
            assert row[f"{scheme_id}__eligible"] == alone.get(scheme_id, 0).eligible


BROKEN = [
    (
        "not_a_boolean",
        VARIABLES.replace(
            '    question: {fr: "Revenus ?", en: "Income?"}\n',
            '    question: {fr: "Revenus ?", en: "Income?"}\n'
            "    when_unanswered: minimum__eligible\n",
        )
        + MINIMUM_INPUT,
        {},
        '"when_unanswered" is for a person input of type bool',
    ),
    (
        "unknown_scheme",
        VARIABLES + MINIMUM_INPUT.replace("minimum__eligible", "minimun__eligible"),
        {},
        '"percoit_minimum" (when_unanswered in variables.yaml): unknown variable, parameter or '
        'scheme result "minimun__eligible"; did you mean minimum__eligible',
    ),
]


@pytest.mark.parametrize(
    ("variables", "schemes", "message"),
    [pytest.param(v, s, m, id=name) for name, v, s, m in BROKEN],
)
def test_a_misused_when_unanswered_is_refused_with_its_reason(
    tmp_path: Path, variables: str, schemes: dict[str, str], message: str
) -> None:
    with pytest.raises(CatalogError) as raised:
        _catalog(tmp_path, variables, **schemes)
    assert message in str(raised.value)


def test_a_right_that_reads_what_it_decides_is_a_cycle(tmp_path: Path) -> None:
    """The national right itself reading the input computed from it: refused, not looped."""
    person_minimum = (
        MINIMUM.replace("entity: household", "entity: person")
        .replace("expression: ressources < seuil", "expression: NOT sans_minimum")
        .replace("GREATEST(0, seuil - ressources)", "seuil")
    )
    with pytest.raises(CatalogError) as raised:
        _catalog(tmp_path, minimum=person_minimum)
    assert (
        'schemes/minimum.yaml:14: conditions: "percoit_minimum" (when_unanswered in '
        'variables.yaml): "minimum__eligible": a scheme cannot read its own result'
    ) in str(raised.value)


def test_a_population_without_any_member_still_reads_the_fallback(catalog: Catalog) -> None:
    """Found by the property test: with no member at all, every person column is both
    complete and absent; the plan must still evaluate the right the fallback reads."""
    frames = (
        pl.DataFrame(
            [{"household_id": 0, "commune": "25056"}],
            schema={"household_id": pl.Int64, "commune": pl.String},
        ),
        pl.DataFrame(
            [],
            schema={"household_id": pl.Int64, "age": pl.Int64, "percoit_minimum": pl.Boolean},
        ),
    )
    row = catalog.evaluate_population(*frames, date=DATE, only=["direct"]).row(0, named=True)
    assert row["direct__eligible"] is False  # nobody to help
    assert row["direct__beneficiaries"] == 0
