"""Read-only pages over the audit trail, for administrators only."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from solidarite.accounts.models import Membership
from solidarite.accounts.permissions import can_view_audit, organisations_with_role
from solidarite.accounts.roles import Role
from solidarite.audit.models import AccessLog

PAGE_SIZE = 50


def _members(request: HttpRequest) -> Any:
    """The users an admin may audit: members of the organisations they administer (every user
    for the operator)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    if user.is_superuser:
        return User.objects.values("pk")
    admin_orgs = organisations_with_role(user, Role.ADMIN)
    return Membership.objects.filter(organisation__in=admin_orgs).values("user")


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The reads made by the members of the admin's organisation."""
    if not can_view_audit(request.user):
        raise Http404
    rows = AccessLog.objects.select_related("user").filter(user__in=_members(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page})


@login_required
def change_history(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise Http404
    rows = (
        LogEntry.objects.select_related("actor", "content_type")
        .filter(actor__in=_members(request))
        .order_by("-timestamp")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/change_history.html", {"page": page})
