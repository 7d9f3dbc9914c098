"""The file: opened by an accepted referral, decided with the engine's explanation, contract,
exit; the maximum duration is enforced by the daily command."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile, ExitReason, FileStatus, Referral
from tests.cases.test_referrals import _form
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db

ANSWERS = {
    "percoit_rsa__0": "non",
    "percoit_garantie_jeunes__0": "non",
    "percoit_are__0": "non",
    "revenus_mensuels__0": "0",
}


@pytest.fixture
def setup(client: Client, clock):  # type: ignore[no-untyped-def]
    clock(dt.date(2026, 1, 20))  # contracts start within a month of today: fix today
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    partner = user_with_role(Role.REFERRING_PARTNER, OrganisationFactory(name="Mission locale"))
    worker = user_with_role(Role.CASE_WORKER, ccas)
    client.force_login(partner)
    client.post(
        reverse("cases_referral_create"), _form(birth_date="2005-01-15", consent_date="2026-01-15")
    )
    referral = Referral.objects.get()
    client.force_login(worker)
    response = client.post(reverse("cases_referral_decide", args=[referral.pk, "accepter"]))
    file = CaseFile.objects.get()
    assert response["Location"] == reverse("cases_file", args=[file.pk])
    return {"ccas": ccas, "partner": partner, "worker": worker, "file": file}


def test_accepting_a_referral_opens_one_file_under_review(setup) -> None:  # type: ignore[no-untyped-def]
    file = setup["file"]
    assert file.status == FileStatus.UNDER_REVIEW
    assert file.organisation == setup["ccas"]
    assert [t.to_status for t in file.transitions.all()] == ["under_review"]


def test_whole_path_decision_contract_exit(client: Client, setup) -> None:  # type: ignore[no-untyped-def]
    file = setup["file"]
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "Cette personne perçoit-elle le RSA" in page
    assert AccessLog.objects.filter(object_type="cases.casefile").count() == 1

    client.post(reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "eligible": "oui"})
    file.refresh_from_db()
    assert file.status == FileStatus.ELIGIBLE
    assert file.scheme_version == 1
    assert file.decision_snapshot["eligible"] is True
    assert file.override_justification == ""

    client.post(
        reverse("cases_file_sign", args=[file.pk]),
        {"signed_on": "2026-01-31", "signatories": "Camille Exemple, Bruno Exemple (CCAS)"},
    )
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    assert file.ends_on == dt.date(2027, 1, 31)
    contract = client.get(reverse("cases_file_contract", args=[file.pk])).content.decode()
    assert "CONTRAT D&#x27;ENGAGEMENT" in contract
    assert "12 mois au plus" in contract

    close = reverse("cases_file_close", args=[file.pk])
    exit_data = {"reason": ExitReason.EMPLOYMENT, "situation": "short_job"}
    page = client.post(close, exit_data).content.decode()
    assert "12 échéance(s) postérieure(s) à la sortie" in page  # what will happen, first
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    client.post(close, {**exit_data, "confirmed": "1"})
    file.refresh_from_db()
    assert (file.status, file.exit_reason) == (FileStatus.CLOSED, ExitReason.EMPLOYMENT)
    log = [t.to_status for t in file.transitions.all()]
    assert log == ["under_review", "eligible", "contract_signed", "active", "closed"]


def test_deciding_against_the_engine_needs_a_justification(client: Client, setup) -> None:  # type: ignore[no-untyped-def]
    file = setup["file"]
    url = reverse("cases_file_decide", args=[file.pk])
    client.post(url, {**ANSWERS, "revenus_mensuels__0": "300", "eligible": "oui"})
    file.refresh_from_db()
    assert file.status == FileStatus.UNDER_REVIEW
    client.post(
        url,
        {
            **ANSWERS,
            "revenus_mensuels__0": "300",
            "eligible": "oui",
            "justification": "Ressource ponctuelle, terminée le mois dernier",
        },
    )
    file.refresh_from_db()
    assert file.status == FileStatus.ELIGIBLE
    assert file.decision_snapshot["eligible"] is False
    assert file.override_justification.startswith("Ressource ponctuelle")


def test_the_partner_and_others_never_see_the_file(client: Client, setup) -> None:  # type: ignore[no-untyped-def]
    file = setup["file"]
    for user in (
        setup["partner"],
        user_with_role(Role.CASE_WORKER),
        user_with_role(Role.VIEWER, setup["ccas"]),
    ):
        client.force_login(user)
        assert client.get(reverse("cases_file", args=[file.pk])).status_code == 404
    client.force_login(user_with_role(Role.REFERENT, setup["ccas"]))
    assert client.get(reverse("cases_file", args=[file.pk])).status_code == 200
    assert (
        client.post(
            reverse("cases_file_close", args=[file.pk]), {"reason": "employment"}
        ).status_code
        == 404
    )


def test_the_daily_command_closes_files_at_their_maximum_duration(
    client: Client, setup, clock
) -> None:  # type: ignore[no-untyped-def]
    clock(dt.date(2025, 1, 12))
    file = setup["file"]
    client.post(reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "eligible": "oui"})
    client.post(
        reverse("cases_file_sign", args=[file.pk]), {"signed_on": "2025-01-10", "signatories": "X"}
    )
    call_command("close_expired_files", "--date", "2026-01-09")
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    call_command("close_expired_files", "--date", "2026-01-10")
    file.refresh_from_db()
    assert (file.status, file.exit_reason) == (FileStatus.CLOSED, ExitReason.MAX_DURATION)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ((2026, 1, 31), 1, (2026, 2, 28)),
        ((2024, 1, 31), 1, (2024, 2, 29)),
        ((2026, 3, 15), 12, (2027, 3, 15)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last(
    day: tuple[int, int, int], months: int, expected: tuple[int, int, int]
) -> None:
    assert dt.date(*day) + relativedelta(months=months) == dt.date(*expected)


def test_suspend_needs_a_reason_then_resume(client: Client, setup) -> None:  # type: ignore[no-untyped-def]
    file = setup["file"]
    client.post(reverse("cases_file_decide", args=[file.pk]), {**ANSWERS, "eligible": "oui"})
    client.post(
        reverse("cases_file_sign", args=[file.pk]), {"signed_on": "2026-02-01", "signatories": "X"}
    )
    url = reverse("cases_file_suspend", args=[file.pk])
    client.post(url, {"why": ""})
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    client.post(url, {"why": "Hospitalisation"})
    file.refresh_from_db()
    assert file.status == FileStatus.SUSPENDED
    client.post(url)
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    assert [t.why for t in file.transitions.all()][-2] == "Hospitalisation"
