"""The case file: one per person and scheme, from review to exit."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models.people import Person
from solidarite.cases.models.referrals import Referral, Transition


class FileStatus(models.TextChoices):
    UNDER_REVIEW = "under_review", _("En instruction")
    ELIGIBLE = "eligible", _("Éligible")
    INELIGIBLE = "ineligible", _("Non éligible")
    CONTRACT_SIGNED = "contract_signed", _("Contrat signé")
    WAITING_LIST = "waiting_list", _("En liste d'attente")
    ACTIVE = "active", _("Actif")
    SUSPENDED = "suspended", _("Suspendu")
    CLOSED = "closed", _("Clos")


class ExitReason(models.TextChoices):
    MAX_DURATION = "max_duration", _("Durée maximale atteinte")
    EMPLOYMENT = "employment", _("Emploi")
    TRAINING = "training", _("Formation")
    MOVED_AWAY = "moved_away", _("Déménagement")
    OWN_CHOICE = "own_choice", _("Choix de la personne")
    NON_COMPLIANCE = "non_compliance", _("Non-respect du contrat")
    OTHER = "other", _("Autre")


class ExitSituation(models.TextChoices):
    """Where the person stands when leaving: what the evaluation indicators count."""

    LASTING_JOB = "lasting_job", _("Emploi durable (CDI, CDD de 6 mois ou plus)")
    SHORT_JOB = "short_job", _("Emploi de courte durée")
    TRAINING = "training", _("En formation")
    JOB_SEEKING = "job_seeking", _("En recherche d'emploi")
    OTHER_SCHEME = "other_scheme", _("Relayé·e par un autre dispositif")
    UNKNOWN = "unknown", _("Situation inconnue")


class CaseFile(models.Model):
    """One file per person and scheme, from review to exit."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="files")
    scheme_id = models.CharField(_("dispositif"), max_length=64)
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="file"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="files")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
    )
    status = models.CharField(
        max_length=20, choices=FileStatus.choices, default=FileStatus.UNDER_REVIEW
    )
    scheme_version = models.PositiveIntegerField(null=True, blank=True)
    decision_snapshot = models.JSONField(null=True, blank=True)
    decision_inputs = models.JSONField(null=True, blank=True)
    override_justification = models.TextField(blank=True)
    contract_signed_on = models.DateField(null=True, blank=True)
    contract_signatories = models.CharField(max_length=300, blank=True)
    contract_text = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    exit_situation = models.CharField(
        _("situation à la sortie"), max_length=20, choices=ExitSituation.choices, blank=True
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scheme_id"], name="file_one_per_person_scheme"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FileStatus.values), name="file_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(exit_reason=""),
                name="file_closed_has_exit_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} — {self.get_status_display()}"

    @property
    def current_referent(self) -> Any:
        """The named referent while they belong to the file's organisation, else None."""
        if self.referent_id is None:
            return None
        member = getattr(self, "referent_is_member", None)
        if member is None:
            from solidarite.accounts.models import Membership

            member = Membership.objects.filter(
                user=self.referent_id,
                organisation=self.organisation_id,
                role__in=["referent", "case_worker"],
            ).exists()
        return self.referent if member else None


class FileTransition(Transition):
    file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=FileStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=FileStatus.choices)
