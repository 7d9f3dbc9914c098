from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "solidarite.api"
    verbose_name = "API"
