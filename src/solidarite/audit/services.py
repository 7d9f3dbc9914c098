"""Recording reads of personal data. Views and API endpoints call `record_access` once per read."""

from django.db import models
from django.http import HttpRequest

from solidarite.audit.models import AccessLog


def _channel(request: HttpRequest) -> str:
    """The page or endpoint by its route name, never its full path: URLs may carry identifiers."""
    match = request.resolver_match
    if match is not None and match.view_name:
        return match.view_name
    return request.path.split("?", 1)[0][:200]


def record_access(request: HttpRequest, obj: models.Model) -> AccessLog:
    """Log that the request's user read `obj` (a person or an object about a person)."""
    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        user=user,
        object_type=obj._meta.label_lower,
        object_pk=str(obj.pk),
        via=_channel(request),
    )
