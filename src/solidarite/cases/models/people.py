"""People and their households. Only the fields a case needs; every change is historised."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarite.accounts.models import commune_code_validator


class Household(models.Model):
    """The people who live together; the address and area are those of its members."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Foyer {self.pk}"


class Relationship(models.TextChoices):
    APPLICANT = "applicant", _("Personne accompagnée")
    SPOUSE = "spouse", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Autre membre du foyer")


class Person(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    commune_code = models.CharField(
        _("code commune"), max_length=5, validators=[commune_code_validator]
    )
    area = models.CharField(_("quartier"), max_length=100, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    relationship = models.CharField(
        _("lien dans le foyer"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.APPLICANT,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the retention policy (or an erasure) anonymised the person: nothing identifies
    # them any more; the row stays for the indicators and the payments kept by law.
    anonymised_on = models.DateField(_("anonymisée le"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name", "birth_date"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
