"""The home page and the health check."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from solidarite.accounts.models import Membership
from solidarite.core.models import HealthProbe


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user_id=request.user.pk).select_related("organisation")
        if request.user.is_authenticated
        else Membership.objects.none()
    )
    return render(request, "core/home.html", {"memberships": memberships})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database can be read and written, 503 otherwise: what a load balancer
    needs. The write is rolled back; nothing accumulates."""
    try:
        with transaction.atomic():
            HealthProbe.objects.create()
            transaction.set_rollback(True)
    except Exception:  # any database failure means "not healthy", never a 500
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
