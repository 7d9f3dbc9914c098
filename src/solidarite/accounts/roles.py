"""The roles a member holds in an organisation, and the kinds of organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CCAS = "ccas", _("CCAS / CIAS")
    CITY_DEPARTMENT = "city_department", _("Service municipal")
    ASSOCIATION = "association", _("Association")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    MAISON_DE_QUARTIER = "maison_de_quartier", _("Maison de quartier")
    PUBLIC_BODY = "public_body", _("Autre organisme public")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    CASE_WORKER = "case_worker", _("Instructeur·rice")
    REFERENT = "referent", _("Référent·e")
    REFERRING_PARTNER = "referring_partner", _("Partenaire prescripteur")
    FINANCE = "finance", _("Finances")
    PLAN_PILOT = "plan_pilot", _("Pilote de mesure")
    VIEWER = "viewer", _("Lecteur·rice")
