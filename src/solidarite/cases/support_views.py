"""Follow-up on the file page: household, referent, diagnostic, action plan, appointments and
workshop registrations. Every POST checks can_follow_file (404 otherwise) and redirects back."""

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access
from solidarite.cases import follow_up, reminders
from solidarite.cases.files import assign_referent
from solidarite.cases.models import (
    Action,
    ActionStatus,
    Appointment,
    AppointmentStatus,
    CaseFile,
    Domain,
    Household,
    Person,
    Relationship,
    Workshop,
)
from solidarite.cases.support_forms import (
    ActionForm,
    ActionStatusForm,
    AppointmentForm,
    AppointmentStatusForm,
    DiagnosticForm,
    FileNoteForm,
    MemberForm,
    ObjectiveForm,
    ReferentForm,
    RegistrationForm,
)
from solidarite.cases.transitions import TransitionError
from solidarite.core import clock
from solidarite.core.form_errors import errors_text
from solidarite.territory.directory import card

FileView = Callable[[AuthenticatedRequest, CaseFile], None]


def _followed_file(request: AuthenticatedRequest, pk: int) -> CaseFile:
    file = CaseFile.objects.select_related("person").filter(pk=pk).first()
    if file is None or not permissions.can_follow_file(request.user, file):
        raise Http404
    return file


def file_post(view: FileView) -> Callable[[AuthenticatedRequest, int], HttpResponse]:
    """POST only, signed in, allowed to follow the file; errors become messages, never a 500."""

    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        file = _followed_file(request, pk)
        try:
            view(request, file)
        except (follow_up.FollowUpError, TransitionError) as exc:
            messages.error(request, str(exc))
        return redirect("cases_file", pk=pk)

    return wrapper


def referents_of(file: CaseFile) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__organisation=file.organisation_id,
            memberships__role__in=[Role.REFERENT, Role.CASE_WORKER],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def open_workshops(file: CaseFile) -> QuerySet[Workshop]:
    return Workshop.objects.filter(
        organisation=file.organisation_id, starts_at__gte=timezone.now() - dt.timedelta(days=1)
    ).exclude(registrations__file=file)


def _form_error(request: AuthenticatedRequest, form: forms.BaseForm) -> None:
    detail = errors_text(form)
    messages.error(request, _("Le formulaire contient des erreurs : %(d)s") % {"d": detail})


@file_post
def set_referent(request: AuthenticatedRequest, file: CaseFile) -> None:
    if not permissions.can_assign_referent(request.user, file):
        raise Http404
    form = ReferentForm(referents_of(file), request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    assign_referent(file, request.user, form.cleaned_data["referent"])
    messages.success(request, _("Référent·e enregistré·e."))


@file_post
def add_member(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    head = file.person
    with transaction.atomic():
        if head.household_id is None:
            head.household = Household.objects.create()
            head.save(update_fields=["household"])
        Person.objects.create(
            **{k: form.cleaned_data[k] for k in ("first_name", "last_name", "birth_date")},
            relationship=Relationship(form.cleaned_data["relationship"]),
            household=head.household,
            address=head.address,
            commune_code=head.commune_code,
            area=head.area,
        )
    messages.success(request, _("Membre du foyer ajouté."))


@file_post
def add_objective(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = ObjectiveForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    data = form.cleaned_data
    follow_up.add_objective(file, request.user, Domain(data["domain"]), data["title"])
    messages.success(request, _("Objectif ajouté."))


@file_post
def add_action(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = ActionForm(file.objectives.all(), referents_of(file), request.POST, prefix="action")
    if not form.is_valid():
        return _form_error(request, form)
    data = form.cleaned_data
    follow_up.add_action(
        data["objective"],
        data["title"],
        Domain(data["domain"]),
        data["due_on"],
        data["responsible_user"],
        data["responsible_organisation"],
        data["place"],
    )
    messages.success(request, _("Action ajoutée."))


@login_required
@require_POST
def action_status(request: AuthenticatedRequest, pk: int, action_pk: int) -> HttpResponse:
    file = _followed_file(request, pk)
    action = Action.objects.filter(pk=action_pk, objective__file=file).first()
    form = ActionStatusForm(request.POST)
    if action is None:
        raise Http404
    if form.is_valid():
        try:
            follow_up.set_action_status(
                action, ActionStatus(form.cleaned_data["status"]), timezone.localdate()
            )
        except follow_up.FollowUpError as exc:
            messages.error(request, str(exc))
    return redirect("cases_file", pk=pk)


@file_post
def book_appointment(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = AppointmentForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    data = form.cleaned_data
    follow_up.book_appointment(
        file,
        file.referent or request.user,
        data["starts_at"],
        data["duration_minutes"],
        data["place"],
        data["reminder_agreed"],
    )
    messages.success(request, _("Rendez-vous ajouté à l'agenda."))


@file_post
def add_note(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = FileNoteForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    appointment = None
    if form.cleaned_data["appointment"]:
        appointment = Appointment.objects.filter(
            pk=form.cleaned_data["appointment"], file=file
        ).first()
        if appointment is None:
            raise Http404
    follow_up.add_note(file, request.user, form.cleaned_data["text"], appointment)
    messages.success(request, _("Note ajoutée."))


@login_required
@require_POST
def appointment_status(request: AuthenticatedRequest, pk: int, appointment_pk: int) -> HttpResponse:
    file = _followed_file(request, pk)
    appointment = Appointment.objects.filter(pk=appointment_pk, file=file).first()
    if appointment is None:
        raise Http404
    form = AppointmentStatusForm(request.POST)
    if form.is_valid():
        try:
            follow_up.record_appointment(
                appointment, AppointmentStatus(form.cleaned_data["status"])
            )
        except follow_up.FollowUpError as exc:
            messages.error(request, str(exc))
    return redirect("cases_file", pk=pk)


@file_post
def register_workshop(request: AuthenticatedRequest, file: CaseFile) -> None:
    form = RegistrationForm(open_workshops(file), request.POST)
    if not form.is_valid():
        return _form_error(request, form)
    follow_up.register(form.cleaned_data["workshop"], file)
    messages.success(request, _("Inscription enregistrée."))


@login_required
def diagnostic(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The entry diagnostic: every domain on one page, each with a level and notes."""
    file = _followed_file(request, pk)
    record_access(request, file)
    existing = getattr(file, "diagnostic", None)
    initial: dict[str, object] = {"made_on": timezone.localdate()}
    if existing is not None:
        initial["made_on"] = existing.made_on
        for entry in existing.entries.all():
            initial[f"level_{entry.domain}"] = entry.level
            initial[f"notes_{entry.domain}"] = entry.notes
    form = DiagnosticForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        needs = [
            follow_up.Need(
                Domain(value),
                form.cleaned_data[f"level_{value}"],
                form.cleaned_data[f"notes_{value}"],
            )
            for value in Domain.values
        ]
        try:
            follow_up.save_diagnostic(file, request.user, form.cleaned_data["made_on"], needs)
        except follow_up.FollowUpError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Diagnostic enregistré."))
            return redirect("cases_file", pk=pk)
    return render(request, "cases/diagnostic_form.html", {"file": file, "form": form})


def follow_up_context(request: AuthenticatedRequest, file: CaseFile) -> dict[str, object]:
    """Everything the file page shows about support, each family in one query."""
    objectives = file.objectives.prefetch_related(
        "actions__responsible_user",
        "actions__responsible_organisation",
        "actions__place__commune",
        "actions__place__area",
        "actions__place__services",
        "actions__place__stops__area",
    )
    household = (
        Person.objects.filter(household=file.person.household_id).exclude(pk=file.person.pk)
        if file.person.household_id
        else Person.objects.none()
    )
    diagnostic = getattr(file, "diagnostic", None)
    referents = referents_of(file)
    return {
        "household": household,
        "diagnostic": diagnostic,
        "diagnostic_entries": diagnostic.entries.all() if diagnostic else [],
        "objectives": objectives,
        # Each action's place as this user may see it (a confidential address stays hidden).
        "action_places": {
            action.pk: card(request.user, action.place)
            for objective in objectives
            for action in objective.actions.all()
            if action.place is not None
        },
        "appointments": file.appointments.select_related("referent").prefetch_related(
            "notes__author"
        ),
        "file_notes": file.notes.filter(appointment__isnull=True).select_related("author"),
        "note_form": FileNoteForm(),
        "registrations": file.registrations.select_related("workshop"),
        "can_assign": permissions.can_assign_referent(request.user, file),
        "referent_form": ReferentForm(referents, initial={"referent": file.referent_id}),
        "member_form": MemberForm(),
        "objective_form": ObjectiveForm(),
        "action_form": ActionForm(
            objectives,
            referents,
            initial={"responsible_user": file.referent_id},
            prefix="action",
        ),
        "action_statuses": ActionStatus.choices,
        "appointment_form": AppointmentForm(),
        "appointment_statuses": AppointmentStatus.choices,
        "registration_form": RegistrationForm(open_workshops(file)),
        "today": timezone.localdate(),
    }


@require_http_methods(["GET", "POST"])
def cancel_appointment(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a reminder: the person cancels without an account. The page shows when and
    where, never a name; a used or unknown link says so plainly."""
    appointment = Appointment.objects.filter(
        cancel_token=token, status=AppointmentStatus.PLANNED, starts_at__gt=clock.now()
    ).first()
    if request.method == "POST" and appointment is not None:
        reminders.cancel_by_person(token, clock.now())
        return render(request, "cases/appointment_cancel.html", {"done": True})
    return render(request, "cases/appointment_cancel.html", {"appointment": appointment})
