"""Public progress pages (no login, no personal data), exports, and the pilots' workspace."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.roles import Role
from solidarite.core import clock
from solidarite.core.csv_export import SafeDictWriter
from solidarite.plans.figures import scheme_figures
from solidarite.plans.forms import MeasureUpdateForm, MeetingForm
from solidarite.plans.models import Measure, Meeting, Milestone, Plan, Status
from solidarite.plans.progress import weighted_progress
from solidarite.plans.services import discard_draft, publish_draft, save_draft
from solidarite.territory.needs import cited_figures


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _text(obj: Any, field: str) -> str:
    return str(getattr(obj, f"{field}_en" if _english() else f"{field}_fr"))


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related("status", "axis").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("-date", "-pk"))
    )


def _plan_context(plan: Plan) -> dict[str, Any]:
    axes = list(plan.axes.prefetch_related(Prefetch("measures", queryset=_measures())))
    statuses = list(Status.objects.all())
    all_measures = [m for axis in axes for m in axis.measures.all()]
    overall = weighted_progress(all_measures)
    axis_rows = []
    for axis in axes:
        measures = list(axis.measures.all())
        axis_rows.append(
            {
                "axis": axis,
                "title": _text(axis, "title"),
                "progress": weighted_progress(measures),
                "measures": [
                    {
                        "measure": m,
                        "status": _text(m.status, "label"),
                        "latest": next(iter(m.milestones.all()), None),
                    }
                    for m in measures
                ],
            }
        )
    return {
        "plan": plan,
        "updated_at": max((m.updated_at for m in all_measures), default=None),
        "meetings": Meeting.objects.filter(body__plan=plan, public=True).select_related("body"),
        "title": _text(plan, "title"),
        "summary": _text(plan, "summary"),
        "status_note": _text(plan, "status_note"),
        "overall": overall,
        "engaged_percent": round(
            100 * (overall.measures - overall.by_status.get("annoncee", 0)) / overall.measures
        )
        if overall.measures
        else 0,
        "status_counts": [(_text(s, "label"), overall.by_status.get(s.code, 0)) for s in statuses],
        "axes": axis_rows,
    }


def _draft_view(measure: Measure) -> dict[str, Any] | None:
    if not measure.draft:
        return None
    status = Status.objects.filter(pk=measure.draft["status"]).first()
    return {
        "status": _text(status, "label") if status else "",
        "progress": measure.draft["progress"],
        "milestone": measure.draft.get("milestone_text", ""),
        "milestone_date": measure.draft.get("milestone_date", ""),
    }


def _history_line(entry: LogEntry, statuses: dict[str, str]) -> str:
    """A change as a sentence: "Statut : Annoncée → Engagée", never raw ids (`statuses` maps a
    status's primary key to its label)."""
    labels = {
        "status": _("Statut"),
        "progress": _("Avancement"),
        "title": _("Titre"),
        "description": _("Description"),
    }
    parts = []
    for field, (before, after) in entry.changes_dict.items():
        if field == "status":
            before, after = statuses.get(str(before), before), statuses.get(str(after), after)
        elif field == "progress":
            before, after = f"{before} %", f"{after} %"
        parts.append(f"{labels.get(field, field)} : {before} → {after}")
    return " ; ".join(parts)


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = [
        {
            "plan": p,
            "title": _text(p, "title"),
            "progress": weighted_progress(_measures().filter(axis__plan=p)),
        }
        for p in Plan.objects.all()
    ]
    return render(request, "plans/plan_list.html", {"plans": plans})


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    return render(request, "plans/plan_detail.html", _plan_context(plan))


def _export_rows(plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for measure in _measures().filter(axis__plan=plan):
        latest = next(iter(measure.milestones.all()), None)
        rows.append(
            {
                "axis": measure.axis.number,
                "axis_title": _text(measure.axis, "title"),
                "number": measure.number,
                "title": measure.title,
                "horizon": measure.horizon,
                "status": measure.status.code,
                "progress": measure.progress,
                "latest_milestone_date": latest.date.isoformat() if latest else "",
                "latest_milestone": latest.text if latest else "",
            }
        )
    return rows


def plan_export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.csv"'
    rows = _export_rows(plan)
    writer = SafeDictWriter(response, fieldnames=list(rows[0]) if rows else ["number"])
    writer.writeheader()
    writer.writerows(rows)
    return response


def plan_export_json(request: HttpRequest, slug: str) -> JsonResponse:
    plan = get_object_or_404(Plan, slug=slug)
    context = _plan_context(plan)
    return JsonResponse(
        {
            "plan": plan.slug,
            "title": context["title"],
            "progress": context["overall"].percent,
            "measures": context["overall"].measures,
            "done": context["overall"].done,
            "by_status": context["overall"].by_status,
            "axes": [
                {
                    "number": row["axis"].number,
                    "title": row["title"],
                    "progress": row["progress"].percent,
                }
                for row in context["axes"]
            ],
            "items": _export_rows(plan),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def measure_detail(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    measure = get_object_or_404(
        _measures().prefetch_related("indicators__values"), axis__plan__slug=slug, number=number
    )
    can_update = permissions.can_update_measure(request.user, measure)
    history = (
        LogEntry.objects.get_for_object(measure).select_related("actor").order_by("-timestamp")
        if can_update
        else LogEntry.objects.none()
    )
    statuses = {str(s.pk): _text(s, "label") for s in Status.objects.all()} if can_update else {}
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "plan": measure.axis.plan,
            "plan_title": _text(measure.axis.plan, "title"),
            "status": _text(measure.status, "label"),
            "can_update": can_update,
            "history": history,
            "cited": cited_figures(measure.cited_figures),
            "draft": _draft_view(measure) if can_update else None,
            "scheme_figures": scheme_figures(measure.schemes),
            "history_rows": [(entry, _history_line(entry, statuses)) for entry in history],
        },
    )


@login_required
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_use_pilot_workspace(request.user):
        raise Http404
    pilot_orgs = permissions.organisations_with_role(request.user, Role.PLAN_PILOT)
    mine = Q(pilot_organisations__in=pilot_orgs) | Q(pilot_users__pk=request.user.pk)
    measures = list(_measures().filter(mine).distinct().select_related("axis__plan"))
    plan_ids = {m.axis.plan_id for m in measures}
    today = clock.today()
    upcoming = Meeting.objects.filter(body__plan_id__in=plan_ids, date__gte=today).select_related(
        "body"
    )
    last_meeting = (
        Meeting.objects.filter(body__plan_id__in=plan_ids, date__lt=today).order_by("-date").first()
    )
    stale = [m for m in measures if last_meeting and m.updated_at.date() < last_meeting.date]
    plans = Plan.objects.filter(pk__in=plan_ids)
    return render(
        request,
        "plans/workspace.html",
        {
            "measures": measures,
            "upcoming": upcoming,
            "last_meeting": last_meeting,
            "stale": stale,
            "plans": plans,
        },
    )


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None or not permissions.can_record_meeting(request.user, plan):
        raise Http404
    form = MeetingForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("La réunion a été enregistrée."))
        return redirect("plans_workspace")
    heading = f"{_('Enregistrer une réunion')} — {_text(plan, 'title')}"
    return render(request, "plans/form.html", {"form": form, "heading": heading})


@login_required
@require_POST
def measure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish (or discard) the pilot's draft of a measure."""
    measure = _measures().filter(pk=pk).first()
    if measure is None or not permissions.can_update_measure(request.user, measure):
        raise Http404
    if request.POST.get("action") == "discard":
        discard_draft(measure)
        messages.success(request, _("Brouillon abandonné."))
    else:
        publish_draft(measure)
        messages.success(request, _("La mesure a été mise à jour."))
    return redirect("plans_measure", slug=measure.axis.plan.slug, number=measure.number)


def measure_update(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measures().filter(pk=pk).first()
    if measure is None or not permissions.can_update_measure(request.user, measure):
        raise Http404
    form = MeasureUpdateForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        milestone = (
            (data["milestone_date"], data["milestone_text"]) if data.get("milestone_text") else None
        )
        save_draft(measure, data["status"], data["progress"], milestone)
        messages.success(
            request,
            _("Brouillon enregistré : relisez-le, puis publiez-le pour la page publique."),
        )
        return redirect("plans_measure", slug=measure.axis.plan.slug, number=measure.number)
    heading = f"{_('Mettre à jour')} : {measure.number} — {measure.title}"
    return render(request, "plans/form.html", {"form": form, "heading": heading})
