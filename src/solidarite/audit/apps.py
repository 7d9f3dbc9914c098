from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "solidarite.audit"
    verbose_name = "Journal d'audit"
