"""Legal holds, organisations' shorter durations, and the record of erasures and exports."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models import Person


class LegalHold(models.Model):
    """A reason to keep a person's data past its retention end, decided by someone, and
    reviewed at a date (after which the hold no longer applies unless renewed)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.TextField(_("motif de conservation"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    review_on = models.DateField(_("à réexaminer le"))

    class Meta:
        ordering = ["-review_on"]
        verbose_name = _("conservation motivée")
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="hold_reason")]

    def __str__(self) -> str:
        return f"Conservation jusqu'au {self.review_on:%d/%m/%Y}"


class RetentionOverride(models.Model):
    """An organisation keeps a kind of record for less than the policy's duration."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_overrides"
    )
    kind = models.CharField(_("type de données"), max_length=40)
    months = models.PositiveIntegerField(_("durée (mois)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="override_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.months}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from solidarite.privacy.policy import KINDS, policy

        if self.kind not in KINDS:
            raise ValidationError({"kind": _("Type de données inconnu.")})
        rule = policy().rule(self.kind)
        if self.months > rule.months:
            raise ValidationError(
                {
                    "months": _(
                        "Une organisation peut raccourcir une durée de conservation, jamais "
                        "l'allonger : %(max)d mois au plus pour ce type de données."
                    )
                    % {"max": rule.months}
                }
            )


class Erasure(models.Model):
    """That a person was erased, when, why and by whom: no personal data, only the former id."""

    person_pk = models.PositiveBigIntegerField()
    reason = models.TextField(_("motif de l'effacement"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    payments_kept = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="erasure_reason")
        ]

    def __str__(self) -> str:
        return f"Effacement #{self.person_pk}"
