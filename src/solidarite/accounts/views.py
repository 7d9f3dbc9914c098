"""Sign-in, the user's own account, and the administrators' view of organisations and members."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from solidarite.accounts import permissions
from solidarite.accounts.http import AuthenticatedRequest
from solidarite.accounts.models import Membership, Organisation
from solidarite.audit.services import record_access


class SolidariteLoginView(auth_views.LoginView):
    """Django's login view; throttling of failed attempts is django-axes' job."""

    redirect_authenticated_user = True


@login_required
def my_account(request: AuthenticatedRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/my_account.html", {"memberships": memberships})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_organisations(request.user):
        raise Http404
    members = Membership.objects.select_related("user").order_by("user__last_name", "role")
    organisations = Organisation.objects.prefetch_related(Prefetch("memberships", queryset=members))
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """A member's profile is personal data: refused reads answer 404, granted reads are logged."""
    member = User.objects.filter(pk=member_id).first()
    if member is None or not permissions.can_view_member(request.user, member):
        raise Http404
    record_access(request, member)
    memberships = Membership.objects.filter(user=member).select_related("organisation")
    return render(
        request, "accounts/member_detail.html", {"member": member, "memberships": memberships}
    )
