"""Sign-in, the user's own account, and the administrators' view of organisations and members."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from solidarite.accounts import acting, members, permissions, throttle
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Membership, Organisation
from solidarite.accounts.permissions import user_roles
from solidarite.accounts.roles import Role
from solidarite.audit.services import record_access


class SolidariteLoginView(auth_views.LoginView):
    """Django's login view. django-axes locks a (username, address) pair after repeated
    failures, so an attacker elsewhere cannot lock a victim out; on top, one address that fails
    too often (whatever the usernames) is refused for a while (HTTP 429)."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.address_blocked(request):
            return render(request, "registration/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        self.request.session.pop(acting.SESSION_KEY, None)
        return super().form_valid(form)


@login_required
def my_account(request: AuthenticatedRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/my_account.html", {"memberships": memberships})


class InviteForm(forms.Form):
    email = forms.EmailField(label=_lazy("Adresse électronique"))
    first_name = forms.CharField(label=_lazy("Prénom"), max_length=150)
    last_name = forms.CharField(label=_lazy("Nom"), max_length=150)
    role = forms.ChoiceField(label=_lazy("Rôle"), choices=Role.choices)


def _administered(request: HttpRequest) -> Any:
    organisations = Organisation.objects.all()
    if not request.user.is_superuser:
        # An organisation's admin manages that organisation only.
        organisations = organisations.filter(
            pk__in=permissions.organisations_with_role(request.user, Role.ADMIN)  # type: ignore[arg-type]
        )
    return organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisation's members and roles; its admins invite, change roles and remove."""
    if not permissions.can_manage_organisations(request.user):
        raise Http404
    administered = _administered(request)
    if request.method == "POST":
        _member_action(request, administered)
        return redirect("organisation_list")
    members = Membership.objects.select_related("user").order_by("user__last_name", "role")
    organisations = administered.prefetch_related(Prefetch("memberships", queryset=members))
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": [
                (organisation, InviteForm(auto_id=f"invite-{organisation.pk}-%s"))
                for organisation in organisations
            ],
            "roles": Role.choices,
        },
    )


def _member_action(request: HttpRequest, administered: Any) -> None:
    action = request.POST.get("action")
    try:
        if action == "invite":
            organisation = administered.filter(pk=request.POST.get("organisation")).first()
            form = InviteForm(request.POST)
            if organisation is None or not form.is_valid():
                messages.error(request, _("Indiquez l'adresse, le nom, le prénom et le rôle."))
                return
            data = form.cleaned_data
            members.invite(
                request,
                organisation,
                data["email"],
                data["first_name"],
                data["last_name"],
                Role(data["role"]),
            )
            messages.success(request, _("Membre ajouté·e ; une invitation est envoyée si besoin."))
            return
        membership = Membership.objects.filter(
            pk=request.POST.get("membership", ""), organisation__in=administered
        ).first()
        if membership is None:
            raise Http404
        if action == "role" and request.POST.get("role") in Role.values:
            members.change_role(membership, Role(request.POST["role"]))
            messages.success(request, _("Rôle modifié."))
        elif action == "remove":
            members.remove(membership)
            messages.success(request, _("Membre retiré·e : son accès s'arrête aussitôt."))
    except members.MemberError as exc:
        messages.error(request, str(exc))


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """A member's profile is personal data: refused reads answer 404, granted reads are logged."""
    member = User.objects.filter(pk=member_id).first()
    if member is None or not permissions.can_view_member(request.user, member):
        raise Http404
    record_access(request, member)
    memberships = Membership.objects.filter(user=member).select_related("organisation")
    if request.user.pk != member.pk and not request.user.is_superuser:
        # An admin sees the member's roles in the organisation they administer, no other.
        memberships = memberships.filter(
            organisation__in=permissions.organisations_with_role(request.user, Role.ADMIN)  # type: ignore[arg-type]
        )
    return render(
        request, "accounts/member_detail.html", {"member": member, "memberships": memberships}
    )


@login_required
def choose_organisation(request: AuthenticatedRequest) -> HttpResponse:
    """A member of several organisations chooses the one they act for; kept in the session and
    shown in the header. Every permission is then computed within it."""
    organisations = acting.organisations_of(request.user)
    if request.method == "POST":
        chosen = next(
            (o for o in organisations if str(o.pk) == request.POST.get("organisation")), None
        )
        if chosen is None:
            messages.error(request, _("Choisissez une de vos organisations."))
        else:
            request.session[acting.SESSION_KEY] = chosen.pk
            messages.success(request, _("Vous agissez pour %(name)s.") % {"name": chosen.name})
            return redirect("home")
    return render(
        request,
        "accounts/choose_organisation.html",
        {"organisations": organisations, "current": acting.organisation_id(request.user)},
    )


# Where each role starts its day: the page with what awaits it.
START_PAGES: tuple[tuple[Role, str, str], ...] = (
    (Role.CASE_WORKER, "cases_referrals", "?a_instruire=1"),
    (Role.REFERENT, "cases_dashboard", ""),
    (Role.REFERRING_PARTNER, "cases_referrals", ""),
    (Role.FINANCE, "payments_dashboard", ""),
    (Role.PLAN_PILOT, "plans_workspace", ""),
    (Role.VIEWER, "cases_indicators", ""),
    (Role.ADMIN, "organisation_list", ""),
)


@login_required
def start(request: AuthenticatedRequest) -> HttpResponse:
    """After login: the page of the user's first role in the organisation they act for (a
    partner lands on its own referrals, with what awaits its answer first)."""
    roles = user_roles(request.user)
    for role, url_name, query in START_PAGES:
        if role.value in roles:
            return redirect(reverse(url_name) + query)
    return redirect("home")
