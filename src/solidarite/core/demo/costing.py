"""The costing scenarios of the seeds, computed at load so that the council note is ready.

Every file of `catalog/costing/scenarios/` becomes a scenario of the CCAS of its commune, on a
synthetic population of that commune (seed 1, census size), and is run once in the process.
"""

from pathlib import Path

from django.conf import settings

from solidarite.accounts.models import Organisation, code_for
from solidarite.costing import runner
from solidarite.costing.models import (
    CostingPopulation,
    CostingRun,
    PopulationKind,
    RunStatus,
    Scenario,
)
from solidarite.microsim.scenario import read_scenario
from solidarite.microsim.store import build_synthetic
from solidarite.paths import CATALOG_DIR

OWNERS = {"21166": "CCAS de Chenôve", "25056": "CCAS de Besançon"}


def _population(organisation: Organisation, commune: str, seed: int) -> CostingPopulation:
    folder = f"demo-{commune}-{seed}"
    found = CostingPopulation.objects.filter(folder=folder).first()
    if found is not None and found.path.exists():
        return found
    description = build_synthetic(commune, seed, None, Path(settings.COSTING_DIR) / folder)
    population, _created = CostingPopulation.objects.update_or_create(
        folder=folder,
        defaults={
            "organisation": organisation,
            "name": description["name"],
            "kind": PopulationKind.SYNTHETIC,
            "commune": commune,
            "seed": seed,
            "households": description["households"],
            "description": description,
        },
    )
    return population


def load() -> int:
    """Create and compute the seed scenarios (idempotent); returns how many there are."""
    catalog = runner.catalog()
    count = 0
    for path in sorted((CATALOG_DIR / "costing" / "scenarios").glob("*.yaml")):
        spec = read_scenario(path, catalog)
        commune = spec.population.commune
        if commune not in OWNERS:
            continue
        organisation = Organisation.objects.get(code=code_for(OWNERS[commune]))
        population = _population(organisation, commune, spec.population.seed)
        data = spec.model_dump(mode="json", exclude={"name", "population", "reference"})
        scenario, _created = Scenario.objects.update_or_create(
            organisation=organisation,
            name=spec.name,
            defaults={"population": population, "spec": data},
        )
        if not scenario.runs.filter(status=RunStatus.DONE).exists():
            run = CostingRun.objects.create(scenario=scenario)
            runner.execute(run.pk)
        count += 1
    return count
