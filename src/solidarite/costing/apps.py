from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostingConfig(AppConfig):
    name = "solidarite.costing"
    label = "costing"
    verbose_name = _("Chiffrage")
    default_auto_field = "django.db.models.BigAutoField"
