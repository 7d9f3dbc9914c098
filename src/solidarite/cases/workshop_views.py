"""Collective workshops: created by an organisation's referents, attendance taken on the list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access
from solidarite.cases import follow_up
from solidarite.cases.models import Attendance, Workshop, WorkshopRegistration
from solidarite.cases.support_forms import AttendanceForm, WorkshopForm


def _organisations(request: AuthenticatedRequest) -> list[Organisation]:
    if request.user.is_superuser:
        return list(Organisation.objects.all())
    teams = permissions.organisations_with_role(request.user, Role.REFERENT, Role.CASE_WORKER)
    return list(Organisation.objects.filter(pk__in=teams))


@login_required
def workshop_list(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_manage_workshops(request.user):
        raise Http404
    organisations = _organisations(request)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and organisations and form.is_valid():
        workshop = form.save(commit=False)
        workshop.organisation = organisations[0]
        workshop.save()
        messages.success(request, _("Atelier créé."))
        return redirect("cases_workshop", pk=workshop.pk)
    workshops = Workshop.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )
    return render(
        request,
        "cases/workshop_list.html",
        {"workshops": workshops.order_by("-starts_at")[:100], "form": form},
    )


def _workshop(request: AuthenticatedRequest, pk: int) -> Workshop:
    workshop = Workshop.objects.filter(pk=pk).first()
    if workshop is None or not permissions.can_run_workshop(request.user, workshop):
        raise Http404
    return workshop


@login_required
def workshop_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The attendance sheet names people: reading it is logged like reading a file."""
    workshop = _workshop(request, pk)
    record_access(request, workshop)
    registrations = workshop.registrations.select_related("file__person")
    return render(
        request,
        "cases/workshop_detail.html",
        {
            "workshop": workshop,
            "registrations": registrations,
            "attendance_choices": Attendance.choices,
            "places_left": workshop.capacity - len(registrations),
        },
    )


@login_required
@require_POST
def workshop_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One submit records the whole sheet; unknown registrations are ignored, not created."""
    workshop = _workshop(request, pk)
    updated = 0
    try:
        with transaction.atomic():
            for registration in WorkshopRegistration.objects.filter(workshop=workshop):
                form = AttendanceForm(
                    {"attendance": request.POST.get(f"attendance-{registration.pk}")}
                )
                if form.is_valid() and form.cleaned_data["attendance"] != registration.attendance:
                    follow_up.record_attendance(
                        registration, Attendance(form.cleaned_data["attendance"])
                    )
                    updated += 1
    except follow_up.FollowUpError as exc:
        messages.error(request, str(exc))
        return redirect("cases_workshop", pk=pk)
    messages.success(request, _("Présences enregistrées (%(n)d modifiée(s)).") % {"n": updated})
    return redirect("cases_workshop", pk=pk)
