"""Read-only pages over the audit trail, for administrators only."""

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from solidarite.accounts.permissions import can_view_audit
from solidarite.audit.models import AccessLog

PAGE_SIZE = 50


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise Http404
    rows = AccessLog.objects.select_related("user")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page})


@login_required
def change_history(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise Http404
    rows = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/change_history.html", {"page": page})
