"""The referent's dashboard and caseload, the case worker's queue, and evaluation indicators."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from solidarite.accounts import permissions, providers
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_list_access
from solidarite.cases import caseload, indicators
from solidarite.cases.models import CaseFile, ExitReason, ExitSituation
from solidarite.cases.support_forms import CaseloadFilterForm, IndicatorsForm, PersonSearchForm
from solidarite.core import panels
from solidarite.core.csv_export import SafeWriter
from solidarite.reporting import trends
from solidarite.schemes.services import get_catalog, translated


def _schemes(referral_only: bool = False) -> list[tuple[str, str]]:
    return [
        (s.id, translated(s.spec.title))
        for s in get_catalog().schemes.values()
        if not referral_only or s.spec.intake.mode == "referral"
    ]


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_view_caseload(request.user):
        raise Http404
    board = caseload.dashboard(request.user, timezone.now())
    record_list_access(request, board.people_shown(), "pk")
    referrals, decided = caseload.referral_queue(request.user)
    return render(
        request,
        "cases/dashboard.html",
        {
            "board": board,
            "waiting": caseload.waiting(referrals, decided).count(),
            "panels": panels.for_dashboard(request),
            "can_refer": permissions.can_refer(request.user),
        },
    )


@login_required
def caseload_list(request: AuthenticatedRequest) -> HttpResponse:
    """Filters and paging in the query string (no personal data in it: codes and flags only)."""
    if not permissions.can_view_caseload(request.user):
        raise Http404
    form = CaseloadFilterForm(_schemes(), request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = caseload.CaseloadFilters(
        scheme_id=data.get("scheme_id", ""),
        status=data.get("status", ""),
        area=data.get("area", ""),
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )
    files = caseload.caseload(request.user, filters, timezone.localdate())
    search = PersonSearchForm(request.POST if request.method == "POST" else None)
    if search.is_bound and search.is_valid():
        files = search.apply(files)
    page = Paginator(files, data.get("per_page") or 25).get_page(request.GET.get("page"))
    record_list_access(request, page.object_list, "person_id")
    titles = dict(_schemes())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/caseload.html",
        {
            "form": form,
            "search": search,
            "page": page,
            "rows": [(f, titles.get(f.scheme_id, f.scheme_id)) for f in page.object_list],
            "query": query.urlencode(),
        },
    )


@login_required
def indicators_page(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_view_case_indicators(request.user):
        raise Http404
    today = timezone.localdate()
    schemes = _schemes(referral_only=True)
    if not request.user.is_superuser:
        # A viewer sees the indicators of the schemes their own organisation provides.
        own = set(providers.schemes_provided_by(_member_organisations(request)))
        schemes = [(key, label) for key, label in schemes if key in own]
    if not schemes:
        return render(request, "cases/indicators.html", {"form": None, "result": None})
    busiest = (
        CaseFile.objects.filter(scheme_id__in=[key for key, _label in schemes])
        .values_list("scheme_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "scheme_id")
        .first()
    )
    scheme_id = busiest[0] if busiest else schemes[0][0]
    defaults = {"scheme_id": scheme_id, "start": today.replace(month=1, day=1), "end": today}
    form = IndicatorsForm(schemes, request.GET or None, initial=defaults)
    result = None
    months: list[trends.Month] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        period = indicators.Period(data["scheme_id"], data["start"], data["end"], data["area"])
        result = indicators.compute(period).published()
        months = trends.monthly(period)
        if request.GET.get("format") == "csv":
            return _csv(period, result)
    exits = [(label, result.exits[value]) for value, label in ExitReason.choices] if result else []
    situations = (
        [(label, result.situations[value]) for value, label in ExitSituation.choices]
        if result
        else []
    )
    return render(
        request,
        "cases/indicators.html",
        {
            "form": form,
            "result": result,
            "exits": exits,
            "situations": situations,
            "months": months,
            "chart": trends.chart(months),
            "total_paid": trends.total_paid(months),
        },
    )


def _member_organisations(request: AuthenticatedRequest) -> Any:
    return permissions.organisations_with_role(request.user, *Role)


def _csv(period: indicators.Period, result: indicators.Published) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"indicateurs-{period.scheme_id}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = SafeWriter(response)
    writer.writerow(["scheme", "start", "end", "area", "indicator", "value"])
    for code, value in result.rows():
        writer.writerow([period.scheme_id, period.start, period.end, period.area, code, value])
    return response
