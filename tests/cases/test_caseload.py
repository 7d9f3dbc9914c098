"""Caseload and referral queue: filters, paging, and a number of SQL queries that does not grow
with the page size; the dashboard surfaces overdue actions."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases import follow_up, services
from solidarite.cases.models import Domain, FileStatus
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db
SCHEME = "aide_jeunes_besancon"


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def referent(ccas: Organisation) -> User:
    return user_with_role(Role.REFERENT, ccas)  # type: ignore[no-any-return]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _overdue(file, referent: User) -> None:  # type: ignore[no-untyped-def]
    objective = follow_up.add_objective(file, referent, Domain.JOB_SEARCH, "Emploi")
    follow_up.add_action(
        objective, "CV", Domain.JOB_SEARCH, dt.date.today() - dt.timedelta(days=3), referent
    )


def test_caseload_query_count_does_not_depend_on_page_size(
    client: Client, ccas: Organisation, referent: User
) -> None:
    for i in range(60):
        file = active_file(ccas, referent, first_name=f"Prénom{i:02d}")
        if i % 3 == 0:
            _overdue(file, referent)
    client.force_login(referent)
    url = reverse("cases_caseload")
    small = _queries(client, f"{url}?per_page=10")
    large = _queries(client, f"{url}?per_page=50")
    assert small == large
    page = client.get(f"{url}?per_page=50").content.decode()
    assert page.count('class="overdue">action en retard') == 17  # Prénom00, 03, ... 48
    assert "60 dossiers" in page


def test_caseload_filters(client: Client, ccas: Organisation, referent: User) -> None:
    other = user_with_role(Role.REFERENT, ccas)
    planoise = active_file(ccas, referent, first_name="Alpha", area="Planoise")
    active_file(ccas, other, first_name="Bravo", area="Battant")
    late = active_file(ccas, referent, first_name="Charlie", area="Battant")
    _overdue(late, referent)
    planoise.status = FileStatus.SUSPENDED
    planoise.save()
    client.force_login(referent)
    url = reverse("cases_caseload")

    def names(query: str) -> set[str]:
        page = client.get(f"{url}?{query}").content.decode()
        return {n for n in ("Alpha", "Bravo", "Charlie") if f"{n} Exemple" in page}

    assert names("") == {"Alpha", "Bravo", "Charlie"}
    assert names("area=Battant") == {"Bravo", "Charlie"}
    assert names("status=suspended") == {"Alpha"}
    assert names("overdue=on") == {"Charlie"}
    assert names("mine=on") == {"Alpha", "Charlie"}
    assert names(f"scheme_id={SCHEME}&area=Planoise") == {"Alpha"}
    assert names("scheme_id=rmg_chenove") == set()


def test_caseload_paging(client: Client, ccas: Organisation, referent: User) -> None:
    for i in range(12):
        active_file(ccas, referent, first_name=f"Prénom{i:02d}")
    client.force_login(referent)
    first = client.get(reverse("cases_caseload") + "?per_page=10").content.decode()
    second = client.get(reverse("cases_caseload") + "?per_page=10&page=2").content.decode()
    assert "Page 1 sur 2" in first
    assert "Prénom00 Exemple" in first
    assert "Prénom11 Exemple" not in first
    assert "Prénom11 Exemple" in second


def test_referral_queue_query_count_does_not_depend_on_its_length(
    client: Client, ccas: Organisation
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    partner = user_with_role(Role.REFERRING_PARTNER, OrganisationFactory(name="Mission locale"))
    org = partner.memberships.get().organisation

    def refer(n: int) -> None:
        for i in range(n):
            services.submit_referral(
                partner,
                org,
                services.PersonData(f"P{i}", "Exemple", dt.date(2004, 1, 1), "25056"),
                SCHEME,
                "Motif",
                dt.date.today(),
            )

    client.force_login(worker)
    url = reverse("cases_referrals") + "?a_instruire=1"
    refer(3)
    few = _queries(client, url)
    refer(30)
    many = _queries(client, url)
    assert few == many
    assert client.get(url).content.decode().count("à instruire") == 33


def test_dashboard_lists_overdue_actions_and_files_ending_soon(
    client: Client, ccas: Organisation, referent: User
) -> None:
    late = active_file(ccas, referent, first_name="Retard")
    _overdue(late, referent)
    active_file(
        ccas,
        referent,
        first_name="Bientôt",
        started_on=dt.date.today() - dt.timedelta(days=350),
    )
    active_file(ccas, referent, first_name="Tranquille")
    client.force_login(referent)
    page = client.get(reverse("cases_dashboard")).content.decode()
    overdue = page.split('id="overdue-title"')[1].split("</section>")[0]
    ending = page.split('id="ending-title"')[1].split("</section>")[0]
    assert "Retard Exemple" in overdue
    assert "Tranquille" not in overdue
    assert "Bientôt Exemple" in ending
    assert "Retard" not in ending
