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

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Membership
from solidarite.accounts.providers import UnknownProvider
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access, record_list_access
from solidarite.cases import caseload, files, services, transitions
from solidarite.cases.forms import DecisionForm, ReferralForm
from solidarite.cases.models import Referral, ReferralStatus
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
    to_decide = request.GET.get("a_instruire") == "1"
    if to_decide:
        referrals = caseload.waiting(referrals, decided)
    search = PersonSearchForm(request.POST if request.method == "POST" else None)
    if search.is_bound and search.is_valid():
        referrals = search.apply(referrals)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    record_list_access(request, page.object_list, "person_id")
    titles = {s.id: translated(s.spec.title) for s in get_catalog().schemes.values()}
    rows = [
        {
            "referral": r,
            "scheme": titles.get(r.scheme_id, r.scheme_id),
            "decide": r.scheme_id in decided,
        }
        for r in page.object_list
    ]
    return render(
        request,
        "cases/referral_list.html",
        {
            "rows": rows,
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


@login_required
def referral_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.select_related("person", "organisation").filter(pk=pk).first()
    if referral is None or not permissions.can_view_referral(request.user, referral):
        raise Http404
    show_person = permissions.can_view_person_details(request.user, referral)
    if show_person:
        record_access(request, referral.person)
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "scheme": translated(get_catalog().schemes[referral.scheme_id].spec.title),
            "show_person": show_person,
            "can_decide": permissions.can_decide_referral(request.user, referral)
            and referral.status == ReferralStatus.SUBMITTED,
            "form": DecisionForm(),
            "transitions": referral.transitions.select_related("by"),
        },
    )


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
        services.notify_referrer(referral)
        messages.success(request, _("Décision enregistrée."))
        if file is not None:
            return redirect("cases_file", pk=file.pk)
    return redirect("cases_referral", pk=pk)
