"""Organisations and memberships: access is decided by the role a user holds in an organisation."""

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.roles import OrganisationKind, Role

commune_code_validator = RegexValidator(
    r"^(\d{5}|2[AB]\d{3})$",
    _("Un code commune INSEE a 5 caractères, par exemple 25056 (Besançon) ou 2A004."),
)


organisation_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,63}$",
    _(
        "Un code d'organisation s'écrit en minuscules, chiffres et tirets "
        "(par exemple ccas-de-besancon)."
    ),
)


def code_for(name: str) -> str:
    """The code an organisation gets from its first name (it keeps it if renamed)."""
    return slugify(name)[:64].strip("-") or "organisation"


class ImmutableCodeError(Exception):
    """An organisation's code is its identity: schemes and permissions rely on it."""


class Organisation(models.Model):
    """A CCAS, a city department, an association, a Mission locale... that users work for.

    `code` is the stable identity (schemes name their provider by it); `name` is for display and
    may change. Nothing ever matches an organisation by its name.
    """

    code = models.CharField(
        _("code"), max_length=64, unique=True, validators=[organisation_code_validator]
    )
    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    commune_code = models.CharField(
        _("code commune (INSEE)"), max_length=5, validators=[commune_code_validator]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(code=""), name="organisation_code_not_empty"
            ),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stored_code = self.__dict__.get("code") if self.pk else None

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_code is not None and self.code != self._stored_code:
            raise ImmutableCodeError(
                _("Le code d'une organisation ne change jamais (%(code)s).")
                % {"code": self._stored_code}
            )
        super().save(*args, **kwargs)
        self._stored_code = self.code


class Membership(models.Model):
    """One role of one user in one organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
