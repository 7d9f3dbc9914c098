from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "solidarite.payments"
    verbose_name = "Paiements et aides en nature"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from solidarite.payments import models

        auditlog.register(models.Envelope, exclude_fields=["committed"])
        auditlog.register(models.PaymentBatch)
        auditlog.register(models.BankAccount, exclude_fields=["iban_encrypted"])
