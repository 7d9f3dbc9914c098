from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "solidarite.schemes"
    verbose_name = "Dispositifs"
