"""Areas, their figures, and the places and services of the directory.

Every place and every figure hangs on an area. Places are described with the data·inclusion
vocabulary (thématiques, publics, frais, modes d'accueil) plus the local kinds it lacks; their
hours are OpenStreetMap `opening_hours` expressions, checked when they are saved.
"""

import re
from urllib.parse import urlparse

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    COMMUNE = "commune", _("Commune")
    QPV = "qpv", _("Quartier prioritaire (QPV)")
    QUARTIER = "quartier", _("Quartier")
    IRIS = "iris", _("IRIS")


class Area(models.Model):
    """A commune, an EPCI, a priority district, a quartier or an IRIS.

    `parent` is the area the figures are compared with (commune for anything below it, EPCI for a
    commune); `qpv` is the priority district a quartier holds, when it holds one.
    """

    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    departement = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qpv = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="quartiers"
    )
    quartier = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="iris"
    )
    quartier_inferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="area_unique_code"),
            models.CheckConstraint(condition=models.Q(level__in=Level.values), name="area_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def commune(self) -> "Area | None":
        """The commune this area is in (itself for a commune)."""
        if self.level == Level.COMMUNE:
            return self
        if self.level in (Level.QPV, Level.QUARTIER, Level.IRIS):
            return self.parent
        return None


UNIT_LABELS = {
    "% of 18-24": _("% des 18-24 ans"),
    "% of active 15-24": _("% des actifs de 15-24 ans"),
    "% of active 15-64": _("% des actifs de 15-64 ans"),
    "% of disposable income": _("% du revenu disponible"),
    "% of families": _("% des familles"),
    "% of households": _("% des ménages"),
    "% of persons": _("% des personnes"),
    "% of population": _("% de la population"),
    "% of population 15-64 (presumed)": _("% des 15-64 ans (base supposée)"),
    "EUR/year per consumption unit": _("€ par an et par unité de consommation"),
    "allocataires": _("allocataires"),
    "households": _("ménages"),
    "persons": _("personnes"),
    "ratio": _("ratio"),
}


class Figure(models.Model):
    """One published figure of one area: a value, its unit, year and source (one row of the
    shipped CSV files)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(max_length=80)
    value = models.FloatField()
    unit = models.CharField(max_length=120)
    year = models.CharField(max_length=60)
    source = models.CharField(max_length=500)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator", "-year"]
        indexes = [models.Index(fields=["area", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    @property
    def unit_label(self) -> str:
        """The unit in the reader's language (the files write units in English)."""
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def citation(self) -> str:
        """The source as a reader cites it ("Insee, Filosofi 2021"); the row's full provenance
        (the copy it was read from) stays in `source` and in the CSV export."""
        note, source = self.note.lower(), self.source.lower()
        years = re.findall(r"\d{4}", self.year)
        year = years[-1] if years else ""
        derived = " (calculé)" if note.startswith("derived") else ""
        if "filosofi" in note or "filosofi" in source:
            return f"Insee, Filosofi {year}{derived}".replace("  ", " ")
        if "comparateur" in note or "dossier complet" in note or "(insee rp)" in note:
            return f"Insee, recensement {year}{derived}".strip()
        if "analyse_qpv" in source:
            return "Observatoire des quartiers prioritaires (compilation ANCT / Insee, QPV 2024)"
        host = urlparse(self.source).netloc
        return host or self.source


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PROFESSIONALS = "professionals", _("Professionnels connectés")
    CONFIDENTIAL = "confidential", _("Confidentiel")


class PlaceKind(models.TextChoices):
    """Local kinds of place: data·inclusion describes services, not these."""

    FRANCE_SERVICES = "france_services", _("France Services")
    CCAS_ANTENNE = "ccas_antenne", _("Antenne sociale du CCAS")
    CCAS_SERVICE = "ccas_service", _("Service du CCAS")
    MAISON_DE_QUARTIER = "maison_de_quartier", _("Maison de quartier")
    EPICERIE_SOLIDAIRE = "epicerie_solidaire", _("Épicerie solidaire")
    RESSOURCERIE = "ressourcerie", _("Ressourcerie")
    BOUTIQUE_SOLIDAIRE = "boutique_solidaire", _("Boutique solidaire")
    ACCUEIL_DE_JOUR = "accueil_de_jour", _("Accueil de jour")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    PERMANENCE = "permanence", _("Permanence")
    BUS = "bus", _("Service itinérant")
    HEBERGEMENT_URGENCE = "hebergement_urgence", _("Hébergement d'urgence")


class Place(models.Model):
    """A structure of the directory (data·inclusion `Structure`) with our local fields."""

    identifier = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    source = models.CharField(max_length=100)
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type de lieu"), max_length=32, choices=PlaceKind.choices)
    description = models.TextField(_("description"), blank=True)
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="places_in_commune")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="places"
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    accessibility_url = models.URLField(_("accessibilité (Acceslibre)"), blank=True, max_length=500)
    opening_hours = models.CharField(
        _("horaires (format OpenStreetMap)"), max_length=500, blank=True
    )
    note = models.TextField(_("précisions"), blank=True)
    closed_from = models.DateField(_("fermeture temporaire du"), null=True, blank=True)
    closed_until = models.DateField(_("au"), null=True, blank=True)
    closure_message = models.CharField(_("message de fermeture"), max_length=300, blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    front_door = models.CharField(_("contact d'accueil"), max_length=300, blank=True)
    front_door_telephone = models.CharField(max_length=30, blank=True)
    readers = models.JSONField(default=list, blank=True)
    operator_code = models.CharField(max_length=64, blank=True)
    networks = models.JSONField(default=list, blank=True)
    fictitious = models.BooleanField(_("lieu fictif"), default=False)
    updated_on = models.DateField(_("mis à jour le"))
    last_verified = models.DateField(_("vérifié le"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values), name="place_visibility"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PlaceKind.values), name="place_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service a place offers (data·inclusion `Service`), and the schemes it delivers."""

    identifier = models.CharField(max_length=200, unique=True)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"))
    thematiques = models.JSONField(default=list)
    publics = models.JSONField(default=list)
    kind = models.CharField(_("type de service"), max_length=32, blank=True)
    fee = models.CharField(_("frais"), max_length=16, blank=True)
    fee_details = models.CharField(max_length=300, blank=True)
    reception_modes = models.JSONField(default=list)
    eligibility_zone = models.JSONField(default=list)
    mobilisation_modes = models.JSONField(default=list)
    opening_hours = models.CharField(max_length=500, blank=True)
    schemes = models.JSONField(default=list, blank=True)
    updated_on = models.DateField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stop(models.Model):
    """One stop of a mobile service (the services bus): where it stands, when (OSM hours)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="stops")
    opening_hours = models.CharField(max_length=200)

    class Meta:
        ordering = ["place", "position"]

    def __str__(self) -> str:
        return self.label
