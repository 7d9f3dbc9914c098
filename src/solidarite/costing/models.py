"""Costing scenarios of an organisation, the populations they run on, and their runs.

A population's rows live in Parquet files under `settings.COSTING_DIR` (see
`solidarite.microsim.store`); the database keeps what it is and its calibration report. A run
holds its results as JSON: aggregates only, every small cell already hidden.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation


class PopulationKind(models.TextChoices):
    SYNTHETIC = "synthetic", _("Synthétique, calibrée sur la commune")
    IMPORTED = "imported", _("Importée d'un fichier")


class CostingPopulation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("origine"), max_length=16, choices=PopulationKind.choices)
    commune = models.CharField(_("commune"), max_length=5, blank=True)
    seed = models.PositiveIntegerField(_("graine"), default=1)
    households = models.PositiveIntegerField(_("ménages dans l'échantillon"), default=0)
    folder = models.CharField(max_length=200, unique=True)
    description = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PopulationKind.values), name="costing_population_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> Path:
        return Path(settings.COSTING_DIR) / self.folder

    def population_ref(self) -> dict[str, Any]:
        """How a scenario names this population: a synthetic one is rebuilt from its commune
        and seed (so that other seeds give the uncertainty range), an imported one is read."""
        if self.kind == PopulationKind.SYNTHETIC:
            ref: dict[str, Any] = {"commune": self.commune, "seed": self.seed}
            if self.households != self.description.get("weighted_households"):
                ref["households"] = self.households
            return ref
        return {"path": str(self.path)}


class Scenario(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=200)
    population = models.ForeignKey(
        CostingPopulation, on_delete=models.PROTECT, related_name="scenarios"
    )
    # The scenario as `solidarite.microsim.scenario.ScenarioSpec` reads it (date, schemes,
    # overrides, take-up, seeds), checked against the catalog on every save.
    spec = models.JSONField()
    reference = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "name"]

    def __str__(self) -> str:
        return self.name

    def latest_run(self) -> "CostingRun | None":
        return self.runs.order_by("-pk").first()


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")
    CANCELLED = "cancelled", _("Annulé")


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class CostingRun(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("état"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.FloatField(default=0)
    step = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    results = models.JSONField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="costing_run_status"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=1), name="costing_run_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}#{self.pk} {self.status}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        return round(100 * self.progress)
