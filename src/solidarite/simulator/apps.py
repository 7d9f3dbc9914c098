from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "solidarite.simulator"
    verbose_name = "Simulateur"
