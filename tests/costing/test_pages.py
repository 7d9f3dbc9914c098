"""The /chiffrage/ pages: build, run through the task queue's worker, read, cancel, export.

Runs go through the database task back-end and its real worker (`db_worker --batch`), as
`make run` does; every organisation sees only its own costings.
"""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from solidarite.accounts.roles import Role
from solidarite.costing.models import CostingPopulation, CostingRun, RunStatus, Scenario
from tests.factories import OrganisationFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _work() -> None:
    """The worker `make run` starts, processing what is queued and stopping."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01")


@pytest.fixture
def finance() -> Any:
    return user_with_role(Role.FINANCE)


def _population(client: Client, households: int = 1500) -> CostingPopulation:
    response = client.post(
        reverse("costing_population_create"),
        {"commune": "21166", "seed": "1", "households": str(households)},
    )
    assert response.status_code == 302
    return CostingPopulation.objects.latest("pk")


def _scenario_form(population: CostingPopulation, **changes: str) -> dict[str, str]:
    data = {
        "name": "RMG 60 %",
        "date": "2026-06-01",
        "population": str(population.pk),
        "cost__rmg_chenove": "on",
        "param__rmg_chenove__seuil_par_uc": "1158",
        "param__rmg_chenove__duree_residence_minimum_mois": "6",
        "takeup__rmg_chenove__low": "30",
        "takeup__rmg_chenove__central": "50",
        "takeup__rmg_chenove__high": "70",
        "takeup__rmg_chenove__source": "Hypothèse",
    }
    return data | changes


def test_a_finance_officer_builds_runs_and_reads_a_scenario(finance: Any) -> None:
    client = _client(finance)
    population = _population(client)
    page = client.get(reverse("costing_population", args=[population.pk]))
    assert "Rapport de calibrage" in page.content.decode()
    assert "median_disposable_income_per_cu" in page.content.decode()

    response = client.post(reverse("costing_scenario_create"), _scenario_form(population))
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    # Only the changed parameter is an override; the residence stays the catalog's.
    assert scenario.spec["overrides"] == {"rmg_chenove.seuil_par_uc": 1158.0}
    assert scenario.spec["take_up"]["rmg_chenove"]["central"] == 0.5

    client.post(reverse("costing_scenario_run", args=[scenario.pk]))
    # A double click queues nothing more.
    client.post(reverse("costing_scenario_run", args=[scenario.pk]))
    run = CostingRun.objects.get()
    assert run.status == RunStatus.QUEUED
    assert "refresh" in client.get(reverse("costing_scenario", args=[scenario.pk])).content.decode()

    _work()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.results is not None
    assert run.results["schemes"]["rmg_chenove"]["monthly_cost"] > 0
    html = client.get(reverse("costing_scenario", args=[scenario.pk])).content.decode()
    assert "Par décile de niveau de vie" in html
    # Issue 14, item 5: the national rights the engine estimates beside the municipal aid.
    assert "Ce que les droits nationaux comblent déjà" in html
    assert "Part du manque déjà comblée" in html
    assert "<svg" in html
    assert "Cas types" in html

    csv = client.get(reverse("costing_scenario_csv", args=[scenario.pk])).content.decode()
    assert "dispositif,rmg_chenove,monthly_cost," in csv
    note = client.get(reverse("costing_scenario_note", args=[scenario.pk])).content.decode()
    assert "Hypothèses et sources" in note
    assert "rmg_chenove.seuil_par_uc = 1158" in note
    assert "Filosofi 2021" in note

    compare = client.get(reverse("costing_compare") + f"?s={scenario.pk}").content.decode()
    assert "Côte à côte" in compare


def test_an_invalid_parameter_is_refused_with_its_reason(finance: Any) -> None:
    client = _client(finance)
    population = _population(client)
    response = client.post(
        reverse("costing_scenario_create"),
        _scenario_form(population, **{"takeup__rmg_chenove__low": "90"}),
    )
    assert response.status_code == 200
    assert "low &lt;= central &lt;= high" in response.content.decode()
    response = client.post(
        reverse("costing_scenario_create"),
        _scenario_form(population, **{"param__rmg_chenove__seuil_par_uc": "-5"}),
    )
    assert "rmg_chenove.seuil_par_uc" in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_cancelled_run_is_not_computed(finance: Any) -> None:
    client = _client(finance)
    population = _population(client)
    client.post(reverse("costing_scenario_create"), _scenario_form(population))
    scenario = Scenario.objects.get()
    client.post(reverse("costing_scenario_run", args=[scenario.pk]))
    client.post(reverse("costing_run_cancel", args=[scenario.pk]))
    _work()
    run = CostingRun.objects.get()
    assert run.status == RunStatus.CANCELLED
    assert run.results is None


def test_a_failure_shows_its_reason(finance: Any) -> None:
    client = _client(finance)
    chenove = _population(client)
    other = _population(client, households=1000)
    client.post(reverse("costing_scenario_create"), _scenario_form(chenove, name="A"))
    first = Scenario.objects.get(name="A")
    client.post(
        reverse("costing_scenario_create"),
        _scenario_form(other, name="B", reference=str(first.pk)),
    )
    second = Scenario.objects.get(name="B")
    client.post(reverse("costing_scenario_run", args=[second.pk]))
    _work()
    run = second.runs.get()
    assert run.status == RunStatus.FAILED
    page = client.get(reverse("costing_scenario", args=[second.pk])).content.decode()
    assert "même population" in page


def test_each_organisation_sees_only_its_own_and_viewers_only_read(finance: Any) -> None:
    client = _client(finance)
    population = _population(client)
    client.post(reverse("costing_scenario_create"), _scenario_form(population))
    scenario = Scenario.objects.get()
    client.post(reverse("costing_scenario_run", args=[scenario.pk]))
    _work()

    organisation = finance.memberships.get().organisation
    viewer = _client(user_with_role(Role.VIEWER, organisation))
    assert viewer.get(reverse("costing_scenario", args=[scenario.pk])).status_code == 200
    assert viewer.post(reverse("costing_scenario_run", args=[scenario.pk])).status_code == 404
    assert viewer.get(reverse("costing_scenario_create")).status_code == 404

    stranger = _client(user_with_role(Role.FINANCE, OrganisationFactory()))
    for name in ("costing_scenario", "costing_scenario_csv", "costing_scenario_note"):
        assert stranger.get(reverse(name, args=[scenario.pk])).status_code == 404
    assert scenario.name not in stranger.get(reverse("costing_index")).content.decode()
    case_worker = _client(user_with_role(Role.CASE_WORKER, organisation))
    assert case_worker.get(reverse("costing_index")).status_code == 404


def test_an_import_with_a_bad_row_names_it_and_creates_nothing(
    finance: Any, tmp_path: Path
) -> None:
    client = _client(finance)
    content = (
        b"household_id,commune_residence,duree_residence_mois,role,age,revenus_mensuels\n"
        b"1,21166,24,demandeur,30,800\n"
        b"2,21166,24,demandeur,30,beaucoup\n"
    )
    response = client.post(
        reverse("costing_population_import"),
        {"name": "fichier", "file": SimpleUploadedFile("menages.csv", content, "text/csv")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "menages.csv:3" in html
    assert "revenus_mensuels" in html
    assert not CostingPopulation.objects.exists()

    good = content.replace(b"beaucoup", b"0")
    response = client.post(
        reverse("costing_population_import"),
        {"name": "fichier", "file": SimpleUploadedFile("menages.csv", good, "text/csv")},
    )
    assert response.status_code == 302
    assert CostingPopulation.objects.get().households == 2
