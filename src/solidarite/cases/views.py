"""Referrals: partners refer and follow their own; case workers decide. Refused reads are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Membership
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access
from solidarite.cases import files, services, transitions
from solidarite.cases.forms import DecisionForm, ReferralForm
from solidarite.cases.models import Referral, ReferralStatus
from solidarite.schemes.services import get_catalog, translated


def _visible_referrals(request: AuthenticatedRequest) -> list[Referral]:
    user = request.user
    partner_orgs = permissions.organisations_with_role(
        user, Role.REFERRING_PARTNER, Role.CASE_WORKER
    )
    providers = Membership.objects.filter(user=user, role=Role.CASE_WORKER).values_list(
        "organisation__name", flat=True
    )
    schemes = [s.id for s in get_catalog().schemes.values() if s.spec.provider in set(providers)]
    visible = Referral.objects.select_related("organisation")
    if not user.is_superuser:
        visible = visible.filter(Q(organisation__in=partner_orgs) | Q(scheme_id__in=schemes))
    return list(visible)


@login_required
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    if not (permissions.can_refer(request.user) or request.user.is_superuser):
        raise Http404
    rows = [
        {
            "referral": r,
            "scheme": translated(get_catalog().schemes[r.scheme_id].spec.title),
            "decide": permissions.can_decide_referral(request.user, r),
        }
        for r in _visible_referrals(request)
    ]
    return render(request, "cases/referral_list.html", {"rows": rows})


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
    try:
        referral = transitions.move(
            referral, targets[decision], request.user, form.cleaned_data.get("why", "")
        )
    except transitions.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        services.notify_referrer(referral)
        messages.success(request, _("Décision enregistrée."))
        if referral.status == ReferralStatus.ACCEPTED:
            return redirect("cases_file", pk=files.open_file(referral, request.user).pk)
    return redirect("cases_referral", pk=pk)
