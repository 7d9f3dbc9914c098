from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "solidarite.contracts"
    verbose_name = "Contrats"
