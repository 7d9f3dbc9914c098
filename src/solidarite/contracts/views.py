"""The file page and the contract workflow's actions: decision, signing (with catch-up),
suspension, resumption, exit, start from the waiting list. The steps offered are those the file
state machine says this user may make now."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.audit.services import record_access
from solidarite.cases import files, follow_up
from solidarite.cases.caseload import with_current_referent
from solidarite.cases.decision import (
    NationalRight,
    check_situation,
    decision_questions,
    file_situation,
    rights_questions,
)
from solidarite.cases.models import CaseFile, ExitReason, ExitSituation, FileStatus
from solidarite.cases.support_views import follow_up_context
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import document, workflow
from solidarite.core import clock, confirm
from solidarite.payments.file_views import payments_context
from solidarite.payments.models import CatchUp
from solidarite.privacy.activity import last_activity
from solidarite.rules.results import SchemeResult
from solidarite.schemes.services import get_catalog, translated
from solidarite.simulator.answers import key_text
from solidarite.simulator.forms import DONT_KNOW, QuestionsForm


class DecisionExtra(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_lazy("Décision"),
        choices=[("oui", _lazy("Éligible")), ("non", _lazy("Non éligible"))],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_lazy("Justification (obligatoire si la décision diffère du moteur)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContractForm(forms.Form):
    signed_on = forms.DateField(
        label=_lazy("Date de signature"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    signatories = forms.CharField(label=_lazy("Signataires"), max_length=300)


class CatchUpForm(forms.Form):
    starts_on = forms.DateField(
        label=_lazy("Début du contrat demandé"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_lazy("Motif du rattrapage"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_lazy("Motif de sortie"), choices=ExitReason.choices)
    situation = forms.ChoiceField(
        label=_lazy("Situation à la sortie"), choices=ExitSituation.choices
    )
    details = forms.CharField(label=_lazy("Précisions"), required=False)


def _questions_form(file: CaseFile, data: Any = None) -> QuestionsForm:
    """The decision's questions; those asked only to estimate the national rights are optional
    and start at "Je ne sais pas"."""
    form = QuestionsForm(decision_questions(file), data)
    optional = rights_questions(file)
    for question in form.questions:
        if question.variable.name in optional:
            field = form.fields[key_text(question.key)]
            field.required = False
            if question.variable.spec.type in ("bool", "enum"):
                field.initial = DONT_KNOW
    return form


def _file(request: AuthenticatedRequest, pk: int, decide: bool = False) -> CaseFile:
    file = (
        with_current_referent(CaseFile.objects.select_related("person", "organisation", "referent"))
        .filter(pk=pk)
        .first()
    )
    check = permissions.can_decide_file if decide else permissions.can_view_file
    if file is None or not check(request.user, file):
        raise Http404
    return file


@login_required
def file_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    record_access(request, file)
    return _render_file(request, file)


def _render_file(
    request: AuthenticatedRequest,
    file: CaseFile,
    questions_form: QuestionsForm | None = None,
    decision_form: DecisionExtra | None = None,
    check: SchemeResult | None = None,
    national: list[NationalRight] | None = None,
) -> HttpResponse:
    """The file page; after "Vérifier" or a form error, with the answers as typed and the
    engine's answer beside the person's national rights, nothing saved. Once decided, the
    national rights estimated from the answers of the decision."""
    if national is None and file.decision_inputs:
        national = check_situation(file.scheme_id, file.decision_inputs, clock.today())[1]
    return render(
        request,
        "cases/file_detail.html",
        {
            "check": check,
            "national": national,
            "file": file,
            "scheme": translated(get_catalog().schemes[file.scheme_id].spec.title),
            "can_decide": permissions.can_decide_file(request.user, file),
            "steps": files.available(request.user, file),
            "last_activity": last_activity(file.person, clock.today()),
            "start_bounds": workflow.start_bounds(clock.today()),
            "catch_up_form": CatchUpForm(),
            "catch_ups": CatchUp.objects.filter(file=file).select_related(
                "requested_by", "approved_by"
            ),
            "questions_form": questions_form or _questions_form(file),
            "decision_form": decision_form or DecisionExtra(),
            "contract_form": ContractForm(initial={"signed_on": clock.today()}),
            "close_form": CloseForm(),
            "suspend_form": SuspendForm(),
            "transitions": file.transitions.select_related("by"),
            "Status": FileStatus,
            "can_follow": permissions.can_follow_file(request.user, file)
            and file.status in follow_up.FOLLOWED,
            **follow_up_context(request, file),
            **payments_context(request, file),
        },
    )


@login_required
@require_POST
def file_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, decide=True)
    questions_form = _questions_form(file, request.POST)
    decision_form = DecisionExtra(request.POST)
    verifying = "verify" in request.POST
    if not questions_form.is_valid():
        messages.error(request, _("Répondez à chaque question (ou « Je ne sais pas »)."))
        return _render_file(request, file, questions_form, decision_form)
    today = clock.today()
    situation = file_situation(file, questions_form.answers(), today)
    engine, national = check_situation(file.scheme_id, situation, today)
    if verifying or not decision_form.is_valid():
        # "Vérifier": the engine's answer beside the answers as typed; nothing is saved.
        if not verifying:
            messages.error(request, _("Choisissez une décision."))
        kept = DecisionExtra(initial=request.POST) if verifying else decision_form
        return _render_file(request, file, questions_form, kept, engine, national)
    try:
        files.decide_eligibility(
            file,
            request.user,
            decision_form.cleaned_data["eligible"],
            engine,
            decision_form.cleaned_data["justification"],
            inputs=situation,
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect("cases_file", pk=pk)


@login_required
@require_POST
def file_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, decide=True)
    form = ContractForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de signature et les signataires."))
        return redirect("cases_file", pk=pk)
    try:
        workflow.sign_contract(
            file, request.user, form.cleaned_data["signed_on"], form.cleaned_data["signatories"]
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("cases_file", pk=pk)


@login_required
@require_POST
def file_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case worker or the referent records the exit (the step table says who)."""
    file = _file(request, pk)
    if "close" not in files.available(request.user, file):
        raise Http404
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le motif et la situation à la sortie."))
        return redirect("cases_file", pk=pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            _("Clore le dossier"),
            workflow.exit_consequences(file, clock.today()),
            _("Confirmer la sortie du dispositif"),
            reverse("cases_file", args=[pk]),
        )
    try:
        workflow.close(
            file,
            request.user,
            ExitReason(form.cleaned_data["reason"]),
            form.cleaned_data["details"],
            situation=form.cleaned_data["situation"],
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("cases_file", pk=pk)


class SuspendForm(forms.Form):
    why = forms.CharField(label=_lazy("Motif"), max_length=500)


@login_required
@require_POST
def file_suspend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Suspend an active file (with a reason) or resume a suspended one."""
    file = _file(request, pk, decide=True)
    form = SuspendForm(request.POST)
    try:
        if file.status == FileStatus.SUSPENDED:
            workflow.resume(file, request.user, request.POST.get("why", ""))
        elif form.is_valid():
            workflow.suspend(file, request.user, form.cleaned_data["why"])
        else:
            messages.error(request, _("Indiquez le motif de la suspension."))
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("cases_file", pk=pk)


@login_required
def file_contract(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The signed contract as frozen at signature, or, before signing, the draft to print and
    read with the person (`?telecharger=1` downloads it as a standalone page)."""
    file = _file(request, pk)
    record_access(request, file)
    draft = None if file.contract_text else document.contract(file)
    response = render(
        request,
        "cases/contract.html",
        {"file": file, "draft": draft, "download": "telecharger" in request.GET},
    )
    if "telecharger" in request.GET:
        name = "contrat-signe" if file.contract_text else "projet-de-contrat"
        response["Content-Disposition"] = f'attachment; filename="{name}-{file.pk}.html"'
    return response


@login_required
@require_POST
def start_waiting(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, decide=True)
    try:
        workflow.start_from_waiting_list(file, request.user, clock.today())
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Le dossier démarre : son échéancier est engagé."))
    return redirect("cases_file", pk=pk)


@login_required
@require_POST
def catch_up_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, decide=True)
    form = CatchUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de début et le motif du rattrapage."))
        return redirect("cases_file", pk=pk)
    try:
        workflow.request_catch_up(
            file, request.user, form.cleaned_data["starts_on"], form.cleaned_data["reason"]
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rattrapage demandé : une autre personne doit l'approuver."))
    return redirect("cases_file", pk=pk)


@login_required
@require_POST
def catch_up_approve(request: AuthenticatedRequest, pk: int, catch_up_pk: int) -> HttpResponse:
    file = _file(request, pk, decide=True)
    catch_up = CatchUp.objects.filter(pk=catch_up_pk, file=file).first()
    if catch_up is None:
        raise Http404
    try:
        workflow.approve_catch_up(catch_up, request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Rattrapage approuvé : le contrat peut commencer à cette date.")
        )
    return redirect("cases_file", pk=pk)
