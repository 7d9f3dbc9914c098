"""Issue 16, item 9: the social needs analysis per area, compared along QPV, commune and EPCI,
with source and year under every figure, the platform's own activity with small counts masked,
a CSV export, a printable report organised by public; plan measures cite indicators."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.territory import needs
from solidarite.territory.models import Area, Level
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db


def _planoise() -> Area:
    return Area.objects.get(level=Level.QUARTIER, code="besancon-planoise")


def test_planoise_is_compared_with_its_qpv_commune_and_epci(territory: Any) -> None:
    chain = [(a.level, a.code) for a in needs.chain(_planoise())]
    assert chain == [
        ("quartier", "besancon-planoise"),
        ("qpv", "QN02503M"),
        ("commune", "25056"),
        ("epci", "242500361"),
    ]
    rows = {r.code: r for r in needs.indicator_rows(_planoise())}
    poverty = {c.area.code: c.figure.value for c in rows["poverty_rate_60"].cells if c.figure}
    assert poverty["QN02503M"] == 55.0
    assert "25056" in poverty
    assert poverty["25056"] < poverty["QN02503M"]


def test_the_page_shows_source_and_year_under_every_figure(territory: Any, client: Client) -> None:
    page = client.get("/territoire/quartier/besancon-planoise/").content.decode()
    assert "Taux de pauvreté à 60 %" in page
    assert page.count('class="source"') >= 5
    assert "Filosofi" in page or "filosofi" in page
    assert "<svg" in page
    assert "<table" in page
    assert "Activité de la plateforme" not in page  # aggregated activity is for staff


def test_activity_masks_counts_under_five(territory: Any, client: Client) -> None:
    ccas = OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)
    for n in range(3):
        active_file(ccas, first_name=f"P{n}", area="Planoise")
    activity = needs.activity(_planoise())
    assert activity is not None
    assert activity.files == "< 5"
    assert activity.paid_eur == ""  # an amount over fewer than 5 files is not shown
    for n in range(3, 6):
        active_file(ccas, first_name=f"P{n}", area="Planoise")
    activity = needs.activity(_planoise())
    assert activity is not None
    assert activity.files == "6"
    client.force_login(user_with_role(Role.VIEWER, ccas))
    page = client.get("/territoire/qpv/QN02503M/").content.decode()
    assert "Activité de la plateforme" in page


def test_the_csv_export_carries_value_unit_year_and_source(territory: Any, client: Client) -> None:
    response = client.get("/territoire/qpv/QN02503M/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    poverty = [
        r for r in rows if r["indicator"] == "poverty_rate_60" and r["area_code"] == "QN02503M"
    ]
    assert poverty
    assert poverty[0]["value"] == "55.0"
    assert poverty[0]["source"]
    assert {r["public"] for r in rows} >= {"difficulty", "young"}


def test_the_report_is_organised_by_public_and_names_the_gaps(
    territory: Any, client: Client
) -> None:
    page = client.get("/territoire/commune/25056/rapport/").content.decode()
    for heading in ("Familles", "Jeunes", "Personnes âgées", "Personnes en situation de handicap"):
        assert heading in page
    # No published figure for disabled people in the shipped data: said, not hidden.
    assert "pas une absence de besoin" in page


def test_a_measure_cites_a_figure_on_its_public_page(territory: Any, client: Client) -> None:
    from solidarite.paths import CATALOG_DIR
    from solidarite.plans.loader import load_plans

    load_plans(CATALOG_DIR / "plans")
    page = client.get("/plans/pacte_jeunesse_planoise/mesures/10/").content.decode()
    assert "Ce que dit le territoire" in page
    assert "Taux d&#x27;emploi" in page
    assert "38.1" in page
