"""Typical households (cas types) evaluated beside a costed population, as LexImpact shows them.

They live in the population's commune and are evaluated with the scenario's parameters by the
one-household engine, so that the totals come with what they mean for a given family.
"""

from typing import Any

from solidarite.microsim.scenario import ScenarioSpec
from solidarite.paths import CATALOG_DIR
from solidarite.rules.catalog import Catalog
from solidarite.rules.errors import EvaluationError, RuleError
from solidarite.rules.yaml_source import read_yaml

TYPICAL_FILE = CATALOG_DIR / "costing" / "typical_households.yaml"


def typical_specs() -> list[dict[str, Any]]:
    document = read_yaml(TYPICAL_FILE)
    if isinstance(document, RuleError):
        raise EvaluationError([document])
    return list(document.data["typical_households"])


def typical_households(
    catalog: Catalog, spec: ScenarioSpec, population: dict[str, Any]
) -> list[dict[str, Any]]:
    commune = population.get("commune") or "autre"
    rows = []
    for typical in typical_specs():
        household = {
            "household": {**typical["household"], "commune_residence": commune},
            "persons": typical["persons"],
        }
        result = catalog.evaluate(
            household, spec.date, spec.overrides, source=str(TYPICAL_FILE), questions=False
        )
        amounts: dict[str, float | None] = {}
        for scheme_result in result.results:
            if scheme_result.scheme_id not in spec.schemes:
                continue
            amount = scheme_result.amount if scheme_result.eligible else 0.0
            previous = amounts.get(scheme_result.scheme_id) or 0.0
            amounts[scheme_result.scheme_id] = (
                None if scheme_result.eligible is None else previous + float(amount or 0.0)
            )
        rows.append({"id": typical["id"], "label": typical["label"], "amounts": amounts})
    return rows
