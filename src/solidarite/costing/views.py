"""The `/chiffrage/` pages: populations, scenarios, runs, results, comparison, council note.

Everything is scoped to the organisations the user holds a costing role in (finance officers
and plan pilots build and run, elected viewers read). Results are aggregates with small cells
already hidden: no page reads a person.
"""

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import acting, permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.core.csv_export import SafeWriter
from solidarite.costing import charts, runner
from solidarite.costing.forms import ImportPopulationForm, ScenarioForm, SyntheticPopulationForm
from solidarite.costing.models import (
    CostingPopulation,
    CostingRun,
    PopulationKind,
    RunStatus,
    Scenario,
)
from solidarite.microsim.importing import import_population
from solidarite.microsim.results import OUTSIDE_QPV
from solidarite.microsim.scenario import scenario_from_dict
from solidarite.microsim.store import build_synthetic
from solidarite.microsim.targets import ASSUMPTIONS
from solidarite.rules.errors import RulesError

COSTING_ROLES = (Role.FINANCE, Role.PLAN_PILOT, Role.VIEWER)


def _organisations(request: AuthenticatedRequest, build: bool = False) -> Any:
    """The organisations whose costings the user reads (or builds); 404 for anyone else."""
    allowed = permissions.can_build_costing if build else permissions.can_view_costing
    if not allowed(request.user):
        raise Http404
    if request.user.is_superuser:
        return Organisation.objects.values("pk")
    roles = (Role.FINANCE, Role.PLAN_PILOT) if build else COSTING_ROLES
    return permissions.organisations_with_role(request.user, *roles)


def _owner(request: AuthenticatedRequest) -> int:
    pk = acting.organisation_id(request.user)
    if pk is None:
        raise Http404
    return pk


def _scenario(request: AuthenticatedRequest, pk: int, build: bool = False) -> Scenario:
    return get_object_or_404(
        Scenario.objects.select_related("population", "reference"),
        pk=pk,
        organisation__in=_organisations(request, build),
    )


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    mine = _organisations(request)
    scenarios = list(Scenario.objects.filter(organisation__in=mine).select_related("population"))
    latest = {
        run.scenario_id: run
        for run in CostingRun.objects.filter(scenario__in=scenarios).order_by("pk")
    }
    return render(
        request,
        "costing/index.html",
        {
            "populations": CostingPopulation.objects.filter(organisation__in=mine),
            "rows": [(s, latest.get(s.pk)) for s in scenarios],
            "can_build": permissions.can_build_costing(request.user),
        },
    )


@login_required
def population_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    population = get_object_or_404(
        CostingPopulation, pk=pk, organisation__in=_organisations(request)
    )
    return render(
        request,
        "costing/population.html",
        {
            "population": population,
            "calibration": population.description.get("calibration", []),
            "assumptions": _assumptions(population.description),
        },
    )


def _assumptions(description: dict[str, Any]) -> list[dict[str, str]]:
    return [ASSUMPTIONS[key] for key in description.get("assumptions", []) if key in ASSUMPTIONS]


@login_required
def population_create(request: AuthenticatedRequest) -> HttpResponse:
    _organisations(request, build=True)
    form = SyntheticPopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owner = _owner(request)
        folder = uuid.uuid4().hex
        data = form.cleaned_data
        try:
            description = build_synthetic(
                data["commune"],
                data["seed"],
                data["households"],
                Path(settings.COSTING_DIR) / folder,
            )
        except RulesError as exc:
            messages.error(request, str(exc))
        else:
            population = CostingPopulation.objects.create(
                organisation_id=owner,
                name=description["name"],
                kind=PopulationKind.SYNTHETIC,
                commune=data["commune"],
                seed=data["seed"],
                households=description["households"],
                folder=folder,
                description=description,
                created_by=request.user,
            )
            messages.success(request, _("Population construite et calibrée."))
            return redirect("costing_population", population.pk)
    return render(request, "costing/population_form.html", {"form": form, "import": False})


@login_required
def population_import(request: AuthenticatedRequest) -> HttpResponse:
    _organisations(request, build=True)
    form = ImportPopulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        owner = _owner(request)
        upload = form.cleaned_data["file"]
        folder = uuid.uuid4().hex
        target = Path(settings.COSTING_DIR) / folder
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / f"{Path(upload.name).stem[:60] or 'population'}{suffix}"
            with source.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                stored = import_population(
                    runner.catalog(), source, target, form.cleaned_data["name"]
                )
            except RulesError as exc:
                shutil.rmtree(target, ignore_errors=True)
                for error in exc.errors:
                    form.add_error("file", str(error))
            else:
                population = CostingPopulation.objects.create(
                    organisation_id=owner,
                    name=form.cleaned_data["name"],
                    kind=PopulationKind.IMPORTED,
                    households=stored.households.height,
                    folder=folder,
                    description=stored.description,
                    created_by=request.user,
                )
                messages.success(request, _("Population importée."))
                return redirect("costing_population", population.pk)
    return render(request, "costing/population_form.html", {"form": form, "import": True})


@login_required
def scenario_create(request: AuthenticatedRequest) -> HttpResponse:
    mine = _organisations(request, build=True)
    catalog = runner.catalog()
    form = ScenarioForm(catalog, mine, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.spec_data()
        population: CostingPopulation = form.cleaned_data["population"]
        checked = data | {
            "name": form.cleaned_data["name"],
            "population": population.population_ref(),
        }
        try:
            scenario_from_dict(checked, catalog, _("scénario"))
        except RulesError as exc:
            for error in exc.errors:
                form.add_error(
                    None, f"{error.field}: {error.message}" if error.field else error.message
                )
        else:
            scenario = Scenario.objects.create(
                organisation_id=_owner(request),
                name=form.cleaned_data["name"],
                population=population,
                reference=form.cleaned_data["reference"],
                spec=data,
                created_by=request.user,
            )
            messages.success(request, _("Scénario enregistré : lancez le calcul."))
            return redirect("costing_scenario", scenario.pk)
    return render(request, "costing/scenario_form.html", {"form": form})


def _results_context(run: CostingRun | None) -> dict[str, Any]:
    if run is None or run.status != RunStatus.DONE or not run.results:
        return {}
    results = run.results
    return {
        "results": results,
        "scheme_rows": list(results["schemes"].items()),
        # Results stored before the national rights were evaluated have no "national" entry.
        "national_rows": [
            (scheme_id, s) for scheme_id, s in results["schemes"].items() if s.get("national")
        ],
        "take_up_chart": charts.take_up_bars(results),
        "decile_chart": charts.decile_bars(results),
        "assumptions": [ASSUMPTIONS[k] for k in results.get("assumptions", {}) if k in ASSUMPTIONS],
        "outside_qpv": OUTSIDE_QPV,
    }


@login_required
def scenario_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    run = scenario.latest_run()
    last_done = (
        run
        if run is not None and run.status == RunStatus.DONE
        else scenario.runs.filter(status=RunStatus.DONE).first()
    )
    return render(
        request,
        "costing/scenario.html",
        {
            "scenario": scenario,
            "run": run,
            "refresh": run is not None and run.active,
            "can_build": permissions.can_build_costing(request.user),
            **_results_context(last_done),
        },
    )


@login_required
@require_POST
def scenario_run(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, build=True)
    run = runner.queue(scenario, request.user)
    if run.status == RunStatus.FAILED:
        messages.error(request, _("Le calcul a échoué : %(reason)s") % {"reason": run.error})
    return redirect("costing_scenario", scenario.pk)


@login_required
@require_POST
def run_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, build=True)
    with transaction.atomic():
        run = scenario.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()
        if run is not None and runner.cancel(run):
            messages.success(request, _("Calcul annulé."))
        else:
            messages.info(request, _("Aucun calcul en cours à annuler."))
    return redirect("costing_scenario", scenario.pk)


def _done(scenario: Scenario) -> CostingRun:
    run = scenario.runs.filter(status=RunStatus.DONE).first()
    if run is None or not run.results:
        raise Http404
    return run


@login_required
def scenario_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    results: dict[str, Any] = _done(scenario).results or {}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chiffrage-{scenario.pk}.csv"'
    writer = SafeWriter(response)
    writer.writerow(["section", "cle", "indicateur", "valeur"])
    for row in flat_rows(results):
        writer.writerow(row)
    return response


def flat_rows(results: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """Every figure of the results as (section, key, indicator, value); a hidden cell is
    written as "secret"."""
    rows: list[tuple[str, str, str, Any]] = []

    def shown(value: Any) -> Any:
        return "secret" if value is None else value

    for scheme_id, figures in results["schemes"].items():
        for name, value in figures.items():
            if isinstance(value, int | float) or value is None:
                rows.append(("dispositif", scheme_id, name, shown(value)))
        for name, value in (figures.get("envelope") or {}).items():
            rows.append(("enveloppe", scheme_id, name, shown(value)))
    for name, value in results["total"].items():
        rows.append(("total", "", name, value))
    for name, value in results["poverty"].items():
        rows.append(("pauvrete", "", name, value))
    for section, cells in (
        ("decile", results["deciles"]),
        ("commune", results["areas"]["commune"]),
        ("iris", results["areas"]["iris"]),
        ("qpv", results["areas"]["qpv"]),
        ("type_menage", results["household_types"]),
    ):
        for cell in cells:
            for name in ("households", "households_helped", "monthly_amount", "share_of_income"):
                rows.append((section, str(cell["key"]), name, shown(cell[name])))
    for level, figures in results["uncertainty"]["take_up"].items():
        for name, value in figures.items():
            rows.append(("recours", level, name, value))
    for seed, figures in results["uncertainty"]["seeds"].items():
        for name, value in figures.items():
            rows.append(("graine", seed, name, value))
    return rows


@login_required
def scenario_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    context = _results_context(_done(scenario))
    return render(request, "costing/note.html", {"scenario": scenario, **context})


@login_required
def compare(request: AuthenticatedRequest) -> HttpResponse:
    mine = _organisations(request)
    ids = [int(v) for v in request.GET.getlist("s") if v.isdigit()][:6]
    chosen = Scenario.objects.filter(organisation__in=mine, pk__in=ids)
    columns = []
    for scenario in chosen:
        run = scenario.runs.filter(status=RunStatus.DONE).first()
        if run is not None and run.results:
            columns.append((scenario, run.results))
    return render(
        request,
        "costing/compare.html",
        {
            "columns": columns,
            "all": Scenario.objects.filter(organisation__in=mine),
            "chosen": {s.pk for s, _ in columns},
        },
    )
