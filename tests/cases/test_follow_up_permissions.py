"""Who may read and act on support data. Refused reads are 404, exactly like a file that does not
exist, so a guessed URL reveals nothing; every allowed read of a file is access-logged."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.audit.models import AccessLog
from solidarite.cases.models import CaseFile, Domain, Objective, Workshop
from tests.factories import OrganisationFactory, UserFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db

ACTORS = (
    "assigned_referent",
    "team_referent",
    "case_worker",
    "other_referent",
    "other_case_worker",
    "partner",
    "viewer",
    "finance",
    "operator",
)
FOLLOWERS = {"assigned_referent", "team_referent", "case_worker", "operator"}


@pytest.fixture
def world() -> dict[str, object]:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    other = OrganisationFactory(name="CCAS de Chenôve", kind=OrganisationKind.CCAS)
    partner_org = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    users: dict[str, User] = {
        "assigned_referent": user_with_role(Role.REFERENT, ccas),
        "team_referent": user_with_role(Role.REFERENT, ccas),
        "case_worker": user_with_role(Role.CASE_WORKER, ccas),
        "other_referent": user_with_role(Role.REFERENT, other),
        "other_case_worker": user_with_role(Role.CASE_WORKER, other),
        "partner": user_with_role(Role.REFERRING_PARTNER, partner_org),
        "viewer": user_with_role(Role.VIEWER, ccas),
        "finance": user_with_role(Role.FINANCE, ccas),
        "operator": UserFactory(is_superuser=True),
    }
    file = active_file(ccas, users["assigned_referent"])
    workshop = Workshop.objects.create(
        organisation=ccas,
        title="Atelier",
        domain=Domain.OTHER,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="CCAS",
        capacity=5,
    )
    return {"users": users, "file": file, "workshop": workshop, "ccas": ccas}


def _as(client: Client, world: dict[str, object], actor: str) -> CaseFile:
    client.force_login(world["users"][actor])  # type: ignore[index]
    return world["file"]  # type: ignore[return-value]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", ["cases_file", "cases_diagnostic"])
def test_reading_a_file(client: Client, world, actor: str, page: str) -> None:  # type: ignore[no-untyped-def]
    file = _as(client, world, actor)
    response = client.get(reverse(page, args=[file.pk]))
    assert response.status_code == (200 if actor in FOLLOWERS else 404)
    logged = AccessLog.objects.filter(object_type="cases.casefile", object_pk=str(file.pk))
    assert logged.count() == (1 if actor in FOLLOWERS else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_writing_the_action_plan(client: Client, world, actor: str) -> None:  # type: ignore[no-untyped-def]
    file = _as(client, world, actor)
    response = client.post(
        reverse("cases_add_objective", args=[file.pk]), {"domain": "health", "title": "Bilan"}
    )
    assert response.status_code == (302 if actor in FOLLOWERS else 404)
    assert Objective.objects.count() == (1 if actor in FOLLOWERS else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_assigning_the_referent(client: Client, world, actor: str) -> None:  # type: ignore[no-untyped-def]
    file = _as(client, world, actor)
    new = world["users"]["team_referent"]  # type: ignore[index]
    response = client.post(reverse("cases_set_referent", args=[file.pk]), {"referent": new.pk})
    allowed = actor in {"case_worker", "operator"}
    assert response.status_code == (302 if allowed else 404)
    file.refresh_from_db()
    assert (file.referent == new) is allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_reading_a_workshop_attendance_sheet(client: Client, world, actor: str) -> None:  # type: ignore[no-untyped-def]
    _as(client, world, actor)
    workshop = world["workshop"]
    response = client.get(reverse("cases_workshop", args=[workshop.pk]))  # type: ignore[attr-defined]
    assert response.status_code == (200 if actor in FOLLOWERS else 404)


@pytest.mark.parametrize("actor", ACTORS)
def test_caseload_dashboard_and_indicators(client: Client, world, actor: str) -> None:  # type: ignore[no-untyped-def]
    _as(client, world, actor)
    casework = actor not in {"partner", "viewer", "finance"}
    for name in ("cases_dashboard", "cases_caseload", "cases_workshops"):
        assert client.get(reverse(name)).status_code == (200 if casework else 404), name
    indicators = actor not in {"partner", "finance"}
    assert client.get(reverse("cases_indicators")).status_code == (200 if indicators else 404)


def test_other_organisations_files_are_not_in_the_caseload(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    _as(client, world, "other_referent")
    assert "Camille Exemple" not in client.get(reverse("cases_caseload")).content.decode()
    _as(client, world, "team_referent")
    assert "Camille Exemple" in client.get(reverse("cases_caseload")).content.decode()


def test_a_guessed_file_url_answers_like_a_missing_one(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    file = _as(client, world, "other_referent")
    refused_url = reverse("cases_file", args=[file.pk])
    missing_url = reverse("cases_file", args=[file.pk + 1000])
    refused, missing = client.get(refused_url), client.get(missing_url)
    assert refused.status_code == missing.status_code == 404

    # the same page but for its own address (the language switcher comes back to it)
    def page(response, url: str) -> str:  # type: ignore[no-untyped-def]
        text = response.content.decode().replace(url, "URL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", text)

    same = page(refused, refused_url)
    assert same == page(missing, missing_url)
    assert "Page introuvable" in same


def test_signed_out_visitors_are_sent_to_the_login_page(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    file = world["file"]
    for url in (reverse("cases_file", args=[file.pk]), reverse("cases_dashboard")):  # type: ignore[attr-defined]
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
