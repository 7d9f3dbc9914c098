from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "solidarite.cases"
    verbose_name = "Accompagnement"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from solidarite.cases.models import Person, Referral

        auditlog.register(Person)
        auditlog.register(Referral)
