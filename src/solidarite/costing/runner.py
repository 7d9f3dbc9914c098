"""Run a scenario for the pages: queue it, let the worker compute it, cancel it.

The worker (`manage.py db_worker`, started by `make run`) calls `execute`, which checks the
run's state between steps: a cancelled run stops at the next step, a failure keeps its reason
for the page. Results are aggregates only (every small cell hidden by the summary).
"""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarite.core import clock
from solidarite.costing.models import ACTIVE, CostingRun, RunStatus, Scenario
from solidarite.microsim.evaluation import Cancelled, run_scenario
from solidarite.microsim.scenario import ScenarioSpec, scenario_from_dict
from solidarite.rules.catalog import Catalog
from solidarite.rules.errors import RulesError
from solidarite.schemes.services import get_catalog

logger = logging.getLogger(__name__)


def catalog() -> Catalog:
    return get_catalog()


def spec_of(scenario: Scenario) -> ScenarioSpec:
    data: dict[str, Any] = dict(scenario.spec) | {
        "name": scenario.name,
        "population": scenario.population.population_ref(),
    }
    return scenario_from_dict(data, catalog(), f"scenario {scenario.pk}")


def queue(scenario: Scenario, user: Any) -> CostingRun:
    """A new run, unless one is already waiting or running (a double click queues one)."""
    from solidarite.costing.tasks import run_costing

    with transaction.atomic():
        Scenario.objects.select_for_update().get(pk=scenario.pk)
        running = scenario.runs.filter(status__in=ACTIVE).first()
        if running is not None:
            return running
        run = CostingRun.objects.create(scenario=scenario, requested_by=user)
    result = run_costing.enqueue(run.pk)
    CostingRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def cancel(run: CostingRun) -> bool:
    """Mark a waiting or running run as cancelled; the worker stops at its next step."""
    return bool(
        CostingRun.objects.filter(pk=run.pk, status__in=ACTIVE).update(
            status=RunStatus.CANCELLED, finished_at=timezone.now()
        )
    )


def execute(run_id: int) -> None:
    started = CostingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, step="population"
    )
    if not started:
        return  # cancelled before it started, or already taken
    run = CostingRun.objects.select_related("scenario__population", "scenario__reference").get(
        pk=run_id
    )

    def progress(fraction: float, step: str) -> None:
        updated = CostingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            progress=max(0.0, min(1.0, fraction)), step=step
        )
        if not updated:
            raise Cancelled

    try:
        spec = spec_of(run.scenario)
        reference = run.scenario.reference
        reference_spec = spec_of(reference) if reference is not None else None
        if reference_spec is not None and reference_spec.population != spec.population:
            _finish(
                run_id,
                RunStatus.FAILED,
                error=_("Le scénario de référence doit porter sur la même population."),
            )
            return
        results = run_scenario(catalog(), spec, reference_spec, progress)
        results["scenario"]["computed_on"] = clock.today().isoformat()
    except Cancelled:
        return
    except RulesError as exc:
        _finish(run_id, RunStatus.FAILED, error=str(exc))
    except Exception as exc:  # the page shows a reason; the log keeps the traceback
        logger.exception("costing run %s failed", run_id)
        _finish(
            run_id,
            RunStatus.FAILED,
            error=_("Erreur interne pendant le calcul (%(kind)s) ; l'exploitant a le détail.")
            % {"kind": exc.__class__.__name__},
        )
    else:
        _finish(run_id, RunStatus.DONE, results=results)


def _finish(run_id: int, status: str, **fields: Any) -> None:
    CostingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), progress=1.0, **fields
    )
