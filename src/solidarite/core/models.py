"""What the platform records about itself."""

from django.db import models


class DemoInstallation(models.Model):
    """Written by the first `solidarite demo load`, on an empty database: its presence says the
    data here is the demo's, so a later load may top it up. A database without it that holds
    any data is real, and the demo never touches it."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Démonstration installée le {self.created_at:%d/%m/%Y}"


class HealthProbe(models.Model):
    """/healthz writes a row here and rolls it back: a database that can be read but not
    written (file gone, disk full, read-only) is not healthy."""

    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}"
