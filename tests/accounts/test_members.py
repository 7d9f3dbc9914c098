"""An organisation's admin manages its members in the application (issue 18): invite by email
(the invitation carries a link to choose a password, never a password), change a role, remove;
every change is in the change history; the last admin stays; another organisation is out of
reach."""

import re
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Membership
from solidarite.accounts.roles import OrganisationKind, Role
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db


def _invite(client: Client, url: str, organisation: int) -> None:
    client.post(
        url,
        {
            "action": "invite",
            "organisation": organisation,
            "email": "nadia.exemple@ville.example",
            "first_name": "Nadia",
            "last_name": "Exemple",
            "role": Role.REFERENT,
        },
    )


def test_an_admin_invites_changes_a_role_and_removes_a_member(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    admin = user_with_role(Role.ADMIN, ccas)
    client.force_login(admin)
    url = reverse("organisation_list")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, url, ccas.pk)
    invited = get_user_model().objects.get(email="nadia.exemple@ville.example")
    assert not invited.has_usable_password()
    membership = Membership.objects.get(user=invited, organisation=ccas)
    assert membership.role == Role.REFERENT
    (message,) = mail.outbox
    link = re.search(r"https?://\S+(/comptes/mot-de-passe/nouveau/\S+)", message.body)
    assert link is not None
    form = client.get(link.group(1), follow=True).content.decode()
    assert "new_password1" in form  # the link works: the invited person chooses a password
    assert "CCAS de Besançon" in message.body
    client.post(url, {"action": "role", "membership": membership.pk, "role": Role.CASE_WORKER})
    membership.refresh_from_db()
    assert membership.role == Role.CASE_WORKER
    client.post(url, {"action": "remove", "membership": membership.pk})
    assert not Membership.objects.filter(user=invited).exists()
    actions = set(
        LogEntry.objects.filter(content_type__model="membership", actor=admin).values_list(
            "action", flat=True
        )
    )
    assert actions == {LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE}


def test_the_last_admin_stays_and_another_organisation_is_out_of_reach(client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    chenove = OrganisationFactory(name="CCAS de Chenôve", kind=OrganisationKind.CCAS)
    admin = user_with_role(Role.ADMIN, ccas)
    own = Membership.objects.get(user=admin)
    stranger = Membership.objects.get(user=user_with_role(Role.CASE_WORKER, chenove))
    client.force_login(admin)
    url = reverse("organisation_list")
    response = client.post(url, {"action": "remove", "membership": own.pk}, follow=True)
    assert "au moins un·e administrateur·rice" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    assert client.post(url, {"action": "remove", "membership": stranger.pk}).status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()
    _invite(client, url, chenove.pk)
    assert not Membership.objects.filter(
        organisation=chenove, user__email__startswith="nadia"
    ).exists()
