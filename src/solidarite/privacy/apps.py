from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "solidarite.privacy"
    verbose_name = "Données personnelles"

    def ready(self) -> None:
        from solidarite.privacy import views  # noqa: F401 (registers the dashboard panel)
