"""An organisation's administrators manage its members in the application: invite by email,
change a role, remove. Each change is in the change history (memberships are audit-logged with
who made the change); an administrator cannot remove the organisation's last administrator."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from solidarite.accounts.models import Membership, Organisation
from solidarite.accounts.roles import Role


class MemberError(Exception):
    """A change the organisation's rules do not allow; the message says why."""


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organisation=membership.organisation_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def invite(
    request: HttpRequest,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
) -> Membership:
    """Add a member: an existing account by its email, or a new one without a password, who
    receives the link to choose it (the password-reset email: no password ever travels)."""
    email = email.strip().lower()
    users = get_user_model().objects
    user = users.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = users.create_user(
            username=email, email=email, first_name=first_name, last_name=last_name
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, added = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if not added:
        raise MemberError(_("Cette personne a déjà ce rôle dans l'organisation."))
    if created:
        transaction.on_commit(lambda: _send_invitation(request, user, organisation))
    return membership


def _send_invitation(request: HttpRequest, user: User, organisation: Organisation) -> None:
    """A link to choose a password (Django's password-reset token: single use, expires)."""
    context = {
        "organisation": organisation.name,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == role:
        return locked
    if _last_admin(locked):
        raise MemberError(_("L'organisation garde au moins un·e administrateur·rice."))
    if Membership.objects.filter(
        user=locked.user_id, organisation=locked.organisation_id, role=role
    ).exists():
        raise MemberError(_("Cette personne a déjà ce rôle dans l'organisation."))
    locked.role = role
    locked.save(update_fields=["role"])
    return locked


@transaction.atomic
def remove(membership: Membership) -> None:
    """Access ends at once: permissions read memberships on every request."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if _last_admin(locked):
        raise MemberError(_("L'organisation garde au moins un·e administrateur·rice."))
    locked.delete()
