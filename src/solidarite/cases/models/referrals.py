"""Partner referrals and the abstract transition log shared by referrals and files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models.people import Person


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Transmise")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    MORE_INFORMATION = "more_information", _("Informations demandées")
    WITHDRAWN = "withdrawn", _("Retirée")


class Referral(models.Model):
    """A partner's referral of a person to a scheme, with the person's recorded consent."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    scheme_id = models.CharField(_("dispositif"), max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    reason = models.TextField(_("motif"))
    consent_date = models.DateField(_("date du consentement"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} — {self.get_status_display()}"


class Transition(models.Model):
    """Who moved an object from which status to which, when and why. Never edited."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    why = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        from_status = getattr(self, "from_status", "") or "∅"
        return f"{from_status} -> {getattr(self, 'to_status', '')}"


class ReferralNote(models.Model):
    """A message on a referral, between the partner who sent it and the case workers who decide
    it (both read them; a file's own notes are never shown to the partner)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("note"), max_length=2000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} — {self.author}"


class ReferralTransition(Transition):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
