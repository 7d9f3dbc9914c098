"""Change history of the models that hold personal data (django-auditlog)."""

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model


def register_models() -> None:
    """Keep every change of a user account and of a membership; never store the password hash."""
    from solidarite.accounts.models import Membership

    auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
    auditlog.register(Membership)
