"""Issue 18, partner: it sees the people it referred (name, birth year), answers a request for
information, withdraws a referral, writes notes, lands on its own referrals after login, and
the status emails carry a link but no personal data."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.cases import transitions
from solidarite.cases.models import ReferralNote, ReferralStatus
from tests.cases.test_referrals import _refer, ccas, mission_locale  # noqa: F401
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_partner_answers_a_request_and_the_referral_goes_back_to_the_queue(
    client: Client,
    ccas: Organisation,  # noqa: F811
    mission_locale: Organisation,  # noqa: F811
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    client.force_login(worker)
    client.post(
        reverse("cases_referral_decide", args=[referral.pk, "completer"]),
        {"why": "Quel est son dernier diplôme ?"},
    )
    email = mail.outbox[-1]
    assert reverse("cases_referral", args=[referral.pk]) in email.body
    assert "Camille" not in email.body
    assert "Exemple" not in email.body
    client.force_login(partner)
    listing = client.get(reverse("cases_referrals")).content.decode()
    assert "1 orientation attend votre réponse" in listing
    assert "Camille Exemple" in listing
    assert "(2005)" in listing
    page = client.get(reverse("cases_referral", args=[referral.pk])).content.decode()
    assert "Quel est son dernier diplôme ?" in page
    client.post(reverse("cases_referral_reply", args=[referral.pk]), {"answer": "Un CAP cuisine"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    last = referral.transitions.last()
    assert last is not None
    assert (last.by, last.why) == (partner, "Un CAP cuisine")
    assert mail.outbox[-1].to == [worker.email]
    assert "Camille" not in mail.outbox[-1].body


def test_an_empty_answer_changes_nothing(
    client: Client,
    ccas: Organisation,  # noqa: F811
    mission_locale: Organisation,  # noqa: F811
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    transitions.move(referral, ReferralStatus.MORE_INFORMATION, worker, "Une question")
    client.force_login(partner)
    client.post(reverse("cases_referral_reply", args=[referral.pk]), {"answer": "  "})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.MORE_INFORMATION


def test_the_partner_withdraws_after_confirming(
    client: Client,
    ccas: Organisation,  # noqa: F811
    mission_locale: Organisation,  # noqa: F811
) -> None:
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    url = reverse("cases_referral_withdraw", args=[referral.pk])
    asked = client.post(url).content.decode()
    assert "Le retrait est définitif" in asked
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    client.post(url, {"confirmed": "1"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    # Another partner cannot withdraw (nor see) it.
    other = _refer(client, partner, first_name="Dominique")
    client.force_login(user_with_role(Role.REFERRING_PARTNER))
    assert (
        client.post(
            reverse("cases_referral_withdraw", args=[other.pk]), {"confirmed": "1"}
        ).status_code
        == 404
    )


def test_notes_are_shared_between_the_partner_and_the_deciders_only(
    client: Client,
    ccas: Organisation,  # noqa: F811
    mission_locale: Organisation,  # noqa: F811
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    client.post(reverse("cases_referral_note", args=[referral.pk]), {"text": "Joignable le matin"})
    note = ReferralNote.objects.get()
    assert (note.author, note.organisation) == (partner, mission_locale)
    client.force_login(worker)
    assert (
        "Joignable le matin"
        in client.get(reverse("cases_referral", args=[referral.pk])).content.decode()
    )
    client.force_login(user_with_role(Role.REFERRING_PARTNER))
    assert (
        client.post(reverse("cases_referral_note", args=[referral.pk]), {"text": "x"}).status_code
        == 404
    )
    assert ReferralNote.objects.count() == 1


def test_each_role_lands_where_its_work_waits(
    client: Client,
    ccas: Organisation,  # noqa: F811
    mission_locale: Organisation,  # noqa: F811
) -> None:
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    client.force_login(partner)
    assert client.get(reverse("start"))["Location"] == reverse("cases_referrals")
    client.force_login(user_with_role(Role.CASE_WORKER, ccas))
    assert client.get(reverse("start"))["Location"] == reverse("cases_referrals") + "?a_instruire=1"
    client.force_login(user_with_role(Role.FINANCE, ccas))
    assert client.get(reverse("start"))["Location"] == reverse("payments_dashboard")
