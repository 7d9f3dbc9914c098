"""Referrals: partners refer and follow their own; case workers decide. Refused reads are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import acting, permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Membership
from solidarite.accounts.providers import UnknownProvider
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access, record_list_access
from solidarite.cases import caseload, files, services, transitions
from solidarite.cases.forms import (
    DecisionForm,
    ReferralForm,
    ReferralNoteForm,
    ReferralReplyForm,
)
from solidarite.cases.models import Referral, ReferralNote, ReferralStatus
from solidarite.cases.support_forms import PersonSearchForm
from solidarite.core import confirm
from solidarite.schemes.services import get_catalog, translated


@login_required
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    """Partners follow what they sent; case workers get their queue ("à instruire" first by
    default with ?a_instruire=1). A fixed number of queries whatever the page size."""
    if not (permissions.can_refer(request.user) or request.user.is_superuser):
        raise Http404
    referrals, decided = caseload.referral_queue(request.user)
    referrals = referrals.select_related("person")
    to_decide = request.GET.get("a_instruire") == "1"
    if to_decide:
        referrals = caseload.waiting(referrals, decided)
    search = PersonSearchForm(request.POST if request.method == "POST" else None)
    if search.is_bound and search.is_valid():
        referrals = search.apply(referrals)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    record_list_access(request, page.object_list, "person_id")
    titles = {s.id: translated(s.spec.title) for s in get_catalog().schemes.values()}
    own_orgs = set(
        permissions.organisations_with_role(
            request.user, Role.REFERRING_PARTNER, Role.CASE_WORKER
        ).values_list("organisation", flat=True)
    )
    rows = [
        {
            "referral": r,
            "scheme": titles.get(r.scheme_id, r.scheme_id),
            "decide": r.scheme_id in decided,
            "own": r.organisation_id in own_orgs,
        }
        for r in page.object_list
    ]
    awaiting = referrals.filter(
        organisation__in=own_orgs, status=ReferralStatus.MORE_INFORMATION
    ).count()
    return render(
        request,
        "cases/referral_list.html",
        {
            "rows": rows,
            "awaiting": awaiting,
            "page": page,
            "to_decide": to_decide,
            "decides": bool(decided),
            "search": search,
        },
    )


@login_required
def referral_create(request: AuthenticatedRequest) -> HttpResponse:
    membership = (
        Membership.objects.filter(
            user=request.user, role__in=[Role.REFERRING_PARTNER, Role.CASE_WORKER]
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    form = ReferralForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.PersonData(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            birth_date=data["birth_date"],
            commune_code=data["commune_code"],
            area=data["area"],
            phone=data["phone"],
            email=data["email"],
        )
        duplicates = services.possible_duplicates(person)
        if duplicates and "confirm_new_person" not in request.POST:
            messages.warning(
                request,
                _(
                    "Une personne du même nom et de la même date de naissance existe déjà. "
                    "Vérifiez, puis confirmez pour créer une nouvelle fiche."
                ),
            )
        else:
            services.submit_referral(
                request.user,
                membership.organisation,
                person,
                data["scheme_id"],
                data["reason"],
                data["consent_date"],
            )
            messages.success(request, _("L'orientation a été transmise."))
            return redirect("cases_referrals")
    return render(
        request, "cases/referral_form.html", {"form": form, "duplicates": bool(duplicates)}
    )


def _link(request: AuthenticatedRequest, referral: Referral) -> str:
    return request.build_absolute_uri(reverse("cases_referral", args=[referral.pk]))


OPEN_FOR_PARTNER = (ReferralStatus.SUBMITTED, ReferralStatus.MORE_INFORMATION)


@login_required
def referral_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.select_related("person", "organisation").filter(pk=pk).first()
    if referral is None or not permissions.can_view_referral(request.user, referral):
        raise Http404
    show_person = permissions.can_view_person_details(request.user, referral)
    # The partner sees the name and birth year of the person it referred itself, no more.
    own = permissions.is_referring_organisation(request.user, referral)
    if show_person or own:
        record_access(request, referral.person)
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "scheme": translated(get_catalog().schemes[referral.scheme_id].spec.title),
            "show_person": show_person,
            "own": own,
            "can_decide": permissions.can_decide_referral(request.user, referral)
            and referral.status == ReferralStatus.SUBMITTED,
            "can_reply": own and referral.status == ReferralStatus.MORE_INFORMATION,
            "can_withdraw": own and referral.status in OPEN_FOR_PARTNER,
            "can_note": permissions.can_write_referral_note(request.user, referral),
            "form": DecisionForm(),
            "note_form": ReferralNoteForm(),
            "reply_form": ReferralReplyForm(),
            "notes": referral.notes.select_related("author", "organisation"),
            "transitions": referral.transitions.select_related("by"),
        },
    )


def _own_referral(request: AuthenticatedRequest, pk: int) -> Referral:
    referral = Referral.objects.filter(pk=pk).first()
    if referral is None or not permissions.is_referring_organisation(request.user, referral):
        raise Http404
    return referral


@login_required
@require_POST
def referral_reply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The partner answers a request for information: the referral goes back to the case
    workers' queue with the answer in its history."""
    referral = _own_referral(request, pk)
    form = ReferralReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez votre réponse avant de l'envoyer."))
        return redirect("cases_referral", pk=pk)
    try:
        referral = transitions.move(
            referral, ReferralStatus.SUBMITTED, request.user, form.cleaned_data["answer"]
        )
    except transitions.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        services.notify_deciders(referral, _link(request, referral))
        messages.success(request, _("Réponse envoyée : l'orientation est de nouveau à instruire."))
    return redirect("cases_referral", pk=pk)


@login_required
@require_POST
def referral_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _own_referral(request, pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            _("Retirer l'orientation"),
            [
                _("Le CCAS ne l'instruira pas et ne contactera pas la personne à ce titre."),
                _("Le retrait est définitif : il faudrait une nouvelle orientation."),
            ],
            _("Confirmer le retrait"),
            reverse("cases_referral", args=[pk]),
        )
    try:
        transitions.move(
            referral, ReferralStatus.WITHDRAWN, request.user, _("Retirée par le partenaire")
        )
    except transitions.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Orientation retirée."))
    return redirect("cases_referral", pk=pk)


@login_required
@require_POST
def referral_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=pk).first()
    if referral is None or not permissions.can_write_referral_note(request.user, referral):
        raise Http404
    form = ReferralNoteForm(request.POST)
    if form.is_valid():
        organisation = acting.current(request)
        if organisation is None:
            raise Http404
        ReferralNote.objects.create(
            referral=referral,
            author=request.user,
            organisation=organisation,
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("Note ajoutée."))
    else:
        messages.error(request, _("La note est vide ou trop longue (2 000 caractères au plus)."))
    return redirect("cases_referral", pk=pk)


@login_required
@require_POST
def referral_decide(request: AuthenticatedRequest, pk: int, decision: str) -> HttpResponse:
    referral = Referral.objects.filter(pk=pk).first()
    if referral is None or not permissions.can_decide_referral(request.user, referral):
        raise Http404
    targets = {
        "accepter": ReferralStatus.ACCEPTED,
        "refuser": ReferralStatus.REFUSED,
        "completer": ReferralStatus.MORE_INFORMATION,
    }
    if decision not in targets:
        raise Http404
    form = DecisionForm(request.POST)
    form.is_valid()
    if decision == "refuser" and not confirm.confirmed(request):
        return confirm.ask(
            request,
            _("Refuser l'orientation"),
            [
                _("Le partenaire est prévenu du refus, avec le motif indiqué."),
                _("Le refus est définitif : une nouvelle orientation serait nécessaire."),
            ],
            _("Confirmer le refus"),
            reverse("cases_referral", args=[pk]),
        )
    file = None
    try:
        # Accepting opens the file in the same transaction: both happen, or neither.
        with transaction.atomic():
            referral = transitions.move(
                referral, targets[decision], request.user, form.cleaned_data.get("why", "")
            )
            if referral.status == ReferralStatus.ACCEPTED:
                file = files.open_file(referral, request.user)
    except (transitions.TransitionError, UnknownProvider) as exc:
        messages.error(request, str(exc))
    else:
        services.notify_referrer(referral, _link(request, referral))
        messages.success(request, _("Décision enregistrée."))
        if file is not None:
            return redirect("cases_file", pk=file.pk)
    return redirect("cases_referral", pk=pk)
