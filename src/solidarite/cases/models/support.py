"""What happens during support: the entry diagnostic, the action plan (objectives -> actions),
individual appointments and collective workshops with their attendance."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models.files import CaseFile


class Domain(models.TextChoices):
    """The needs listed by the youth scheme's deliberation (seeds 000/001, last section)."""

    HEALTH = "health", _("Santé")
    SPORT_CULTURE = "sport_culture", _("Sport et culture")
    CITIZENSHIP = "citizenship", _("Citoyenneté")
    CONFIDENCE = "confidence", _("Confiance et estime de soi")
    JOB_SEARCH = "job_search", _("Recherche d'emploi")
    MOBILITY = "mobility", _("Mobilité")
    COMPANY_DISCOVERY = "company_discovery", _("Découverte des entreprises")
    OTHER = "other", _("Autre")


class NeedLevel(models.IntegerChoices):
    NONE = 0, _("Pas de besoin")
    LIGHT = 1, _("Besoin léger")
    STRONG = 2, _("Besoin important")
    PRIORITY = 3, _("Priorité")


class Diagnostic(models.Model):
    """The entry diagnostic, one per file; its entries say the level of need per domain."""

    file = models.OneToOneField(CaseFile, on_delete=models.CASCADE, related_name="diagnostic")
    made_on = models.DateField(_("date du diagnostic"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Diagnostic {self.made_on:%d/%m/%Y}"


class DiagnosticEntry(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="entries")
    domain = models.CharField(max_length=30, choices=Domain.choices)
    level = models.PositiveSmallIntegerField(choices=NeedLevel.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "domain"], name="diagnostic_one_per_domain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} : {self.get_level_display()}"


class Objective(models.Model):
    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="objectives")
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices)
    title = models.CharField(_("objectif"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    ABANDONED = "abandoned", _("Abandonnée")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """A free-text step towards an objective, carried by the referent or by a partner."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("responsable (référent·e)"),
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("responsable (partenaire)"),
    )
    due_on = models.DateField(_("échéance"))
    # Where the action happens (a France Services desk, an épicerie): the directory's place, so
    # the file shows its address and next opening instead of a free-text contact.
    place = models.ForeignKey(
        "territory.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("lieu (annuaire)"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsible_user__isnull=False)
                | models.Q(responsible_organisation__isnull=False),
                name="action_has_a_responsible",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    HELD = "held", _("Honoré")
    MISSED = "missed", _("Manqué")
    CANCELLED = "cancelled", _("Annulé")


class FileNote(models.Model):
    """A note of the file's team, on the file or on one appointment: who wrote it and when.
    Read by the file's case workers and referents only, never by the referring partner."""

    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="notes")
    appointment = models.ForeignKey(
        "Appointment", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("note"), max_length=4000)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} — {self.author}"


class Appointment(models.Model):
    """An individual interview on the referent's agenda."""

    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="appointments")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=45)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PLANNED,
    )
    # A reminder goes only to a person who gave an address and agreed to receive one.
    reminder_agreed = models.BooleanField(_("rappel par courriel accepté"), default=False)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    # The link in the reminder that lets the person cancel without an account.
    cancel_token = models.CharField(max_length=64, blank=True, db_index=True)
    cancelled_by_person_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["referent", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AppointmentStatus.values),
                name="appointment_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%d/%m/%Y %H:%M}"


class Workshop(models.Model):
    """A collective session run by an organisation, open to the files it follows."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workshops"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices)
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("nombre de places"))

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="workshop_capacity")
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    PRESENT = "present", _("Présent·e")
    EXCUSED = "excused", _("Excusé·e")
    ABSENT = "absent", _("Absent·e")


class WorkshopRegistration(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="registrations")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.REGISTERED
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "file"], name="registration_once"),
            models.CheckConstraint(
                condition=models.Q(attendance__in=Attendance.values),
                name="registration_attendance_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} — {self.get_attendance_display()}"
