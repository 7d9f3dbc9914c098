"""Recording reads of personal data. Views and API endpoints call `record_access` once per read."""

from collections.abc import Iterable
from typing import Any

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


def _attribute(item: object, path: str) -> object:
    for part in path.split("."):
        item = getattr(item, part)
    return item


def record_list_access(
    request: HttpRequest, items: Iterable[object], person_id_path: str = "person_id"
) -> AccessLog | None:
    """Log one page view of a list of people: one row naming every person shown (ids read at
    `person_id_path` on each item). Nothing is written for an empty list."""
    ids = sorted({int(str(_attribute(item, person_id_path))) for item in items})
    if not ids:
        return None
    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        user=user,
        object_type="cases.person",
        object_pk="",
        shown_pks="," + ",".join(str(i) for i in ids) + ",",
        via=_channel(request),
    )


def reads_of_person(person_pk: int) -> Any:
    """Every logged read of a person: their own pages and the lists that showed them."""
    from django.db.models import Q

    return AccessLog.objects.filter(
        Q(object_type="cases.person", object_pk=str(person_pk))
        | Q(shown_pks__contains=f",{person_pk},")
    )
