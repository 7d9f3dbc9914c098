"""Partner referrals: the partner follows its own, the provider's case workers decide, every
transition is logged, refused reads are 404, duplicates are flagged and never merged."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.cases import transitions
from solidarite.cases.models import Person, Referral, ReferralStatus
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db
SCHEME = "aide_jeunes_besancon"


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def mission_locale() -> Organisation:
    return OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)


def _form(**changes: str) -> dict[str, str]:
    data = {
        "first_name": "Camille",
        "last_name": "Exemple",
        "birth_date": "2005-04-02",
        "commune_code": "25056",
        "scheme_id": SCHEME,
        "reason": "Sans ressource depuis la fin de sa formation",
        "consent": "on",
        "consent_date": "2026-11-20",
    }
    data.update(changes)
    return data


def _refer(client: Client, partner, **changes: str) -> Referral:  # type: ignore[no-untyped-def]
    client.force_login(partner)
    response = client.post(reverse("cases_referral_create"), _form(**changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Referral.objects.latest("pk")


def test_a_partner_refers_and_the_provider_is_notified_without_personal_data(
    client: Client,
    ccas: Organisation,
    mission_locale: Organisation,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(client, partner)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.consent_recorded_by == partner
    assert [t.to_status for t in referral.transitions.all()] == ["submitted"]
    assert mail.outbox[0].to == [worker.email]
    assert "Camille" not in mail.outbox[0].body


def test_the_partner_sees_its_own_person_and_status_and_other_partners_get_404(
    client: Client, ccas: Organisation, mission_locale: Organisation
) -> None:
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    page = client.get(reverse("cases_referral", args=[referral.pk])).content.decode()
    assert "Transmise" in page
    # The name and birth year of the person it referred itself, never the birth date.
    assert "Camille" in page
    assert f"en {referral.person.birth_date.year}" in page
    assert referral.person.birth_date.strftime("%d/%m/%Y") not in page
    assert "Sans ressource" not in page  # the reason is for the case worker
    log = AccessLog.objects.get()
    assert (log.user, log.object_pk) == (partner, str(referral.person_id))

    client.force_login(user_with_role(Role.REFERRING_PARTNER))
    assert client.get(reverse("cases_referral", args=[referral.pk])).status_code == 404
    assert client.get(reverse("cases_referral", args=[referral.pk + 999])).status_code == 404
    assert "Camille" not in client.get(reverse("cases_referrals")).content.decode()
    client.force_login(user_with_role(Role.VIEWER, ccas))
    assert client.get(reverse("cases_referral", args=[referral.pk])).status_code == 404


def test_the_case_worker_reads_logs_and_decides(
    client: Client, ccas: Organisation, mission_locale: Organisation
) -> None:
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    referral = _refer(client, partner)
    worker = user_with_role(Role.CASE_WORKER, ccas)
    client.force_login(worker)
    page = client.get(reverse("cases_referral", args=[referral.pk])).content.decode()
    assert "Camille Exemple" in page
    assert AccessLog.objects.get().object_pk == str(referral.person_id)
    mail.outbox.clear()
    client.post(reverse("cases_referral_decide", args=[referral.pk, "accepter"]), {"why": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert mail.outbox[0].to == [partner.email]
    # a decided referral cannot be decided again
    client.post(
        reverse("cases_referral_decide", args=[referral.pk, "refuser"]),
        {"why": "non", "confirmed": "1"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert [t.to_status for t in referral.transitions.all()] == ["submitted", "accepted"]


def test_a_case_worker_of_another_organisation_cannot_decide(
    client: Client, ccas: Organisation, mission_locale: Organisation
) -> None:
    referral = _refer(client, user_with_role(Role.REFERRING_PARTNER, mission_locale))
    client.force_login(user_with_role(Role.CASE_WORKER))
    url = reverse("cases_referral_decide", args=[referral.pk, "accepter"])
    assert client.post(url).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_refusal_needs_a_reason_and_the_log_keeps_it(
    ccas: Organisation, mission_locale: Organisation, client: Client
) -> None:
    referral = _refer(client, user_with_role(Role.REFERRING_PARTNER, mission_locale))
    worker = user_with_role(Role.CASE_WORKER, ccas)
    with pytest.raises(transitions.TransitionError, match="motif"):
        transitions.move(referral, ReferralStatus.REFUSED, worker, "  ")
    moved = transitions.move(referral, ReferralStatus.MORE_INFORMATION, worker, "Quelle adresse ?")
    moved = transitions.move(moved, ReferralStatus.SUBMITTED, worker)
    moved = transitions.move(moved, ReferralStatus.REFUSED, worker, "Perçoit la Garantie jeunes")
    log = [(t.from_status, t.to_status, t.why, t.by) for t in moved.transitions.all()]
    assert log[-1] == ("submitted", "refused", "Perçoit la Garantie jeunes", worker)
    with pytest.raises(transitions.TransitionError):
        transitions.move(moved, ReferralStatus.ACCEPTED, worker)


def test_a_possible_duplicate_is_flagged_and_never_merged(
    client: Client, ccas: Organisation, mission_locale: Organisation
) -> None:
    partner = user_with_role(Role.REFERRING_PARTNER, mission_locale)
    _refer(client, partner)
    response = client.post(reverse("cases_referral_create"), _form(first_name="camille"))
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert Referral.objects.count() == 1
    _refer(client, partner, first_name="camille", confirm_new_person="1")
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Ce champ est obligatoire"),
        ({"birth_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "dans le futur"),
        ({"commune_code": "Besançon"}, "5 caractères"),
        ({"scheme_id": "rmg_chenove"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_referrals_are_refused_next_to_the_field(
    client: Client,
    ccas: Organisation,
    mission_locale: Organisation,
    changes: dict[str, str],
    message: str,
) -> None:
    client.force_login(user_with_role(Role.REFERRING_PARTNER, mission_locale))
    response = client.post(reverse("cases_referral_create"), _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_only_partners_and_case_workers_refer(client: Client) -> None:
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(reverse("cases_referral_create")).status_code == 404
    assert client.get(reverse("cases_referrals")).status_code == 404
