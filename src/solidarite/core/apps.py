from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "solidarite.core"
    verbose_name = "Solidarité"
