from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "solidarite.plans"
    verbose_name = "Plans et mesures"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from solidarite.plans.models import Measure, Milestone

        # Every change of a measure or a milestone keeps who, when, old -> new.
        auditlog.register(Measure, include_fields=["status", "progress", "title", "description"])
        auditlog.register(Milestone)
