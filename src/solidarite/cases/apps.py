from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "solidarite.cases"
    verbose_name = "Accompagnement"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from solidarite.cases import models

        for model in (
            models.Person,
            models.Referral,
            models.DiagnosticEntry,
            models.Action,
            models.Appointment,
            models.WorkshopRegistration,
        ):
            auditlog.register(model)
        # The contract text and the engine snapshot are stored once and never edited.
        auditlog.register(models.CaseFile, exclude_fields=["contract_text", "decision_snapshot"])
