"""The access log: who read which person-related object, when, through which page or endpoint."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'accès ne peut pas être modifié.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Le journal d'accès ne peut pas être effacé.")


class AccessLog(models.Model):
    """One read of a person-related object. Rows are written once and never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100)
    object_pk = models.CharField(_("identifiant"), max_length=64)
    # A page that lists people writes one row for the page view, naming every person shown:
    # ",12,15,40," (searchable with contains=",15,").
    shown_pks = models.TextField(_("personnes affichées"), blank=True, default="")
    via = models.CharField(_("page ou point d'API"), max_length=200)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("lecture de données personnelles")
        verbose_name_plural = _("journal des accès")
        indexes = [models.Index(fields=["object_type", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.object_type}#{self.object_pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Le journal d'accès ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Le journal d'accès ne peut pas être effacé.")

    @classmethod
    def purge(cls, rows: "models.QuerySet[AccessLog]") -> int:
        """The only deletion: rows past their retention period (solidarite.privacy)."""
        return models.QuerySet.delete(rows)[0]
