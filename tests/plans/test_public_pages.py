"""Issue 18, public plan pages: no raw identifiers or raw amounts, a progress that says how it is
computed, the date of the last update, the live figures of a measure's schemes with small counts
masked, public meeting decisions, and a history that reads in words."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.core.demo import plans as demo_plans
from solidarite.plans.models import Measure, Meeting, Plan, Status
from solidarite.schemes.services import get_catalog
from tests.factories import active_file, user_with_role

pytestmark = pytest.mark.django_db
CHENOVE = "chenove_10_mesures"


@pytest.fixture
def loaded(db: None) -> list[Plan]:
    return demo_plans.load()


def test_no_raw_ids_or_raw_amounts_on_public_pages(client: Client, loaded: list[Plan]) -> None:
    ids = set(get_catalog().schemes)
    for plan in loaded:
        pages = [client.get(reverse("plans_detail", args=[plan.slug])).content.decode()]
        for measure in Measure.objects.filter(axis__plan=plan):
            pages.append(
                client.get(
                    reverse("plans_measure", args=[plan.slug, measure.number])
                ).content.decode()
            )
        for page in pages:
            assert not [i for i in ids if re.search(rf"[>\s]{i}[<\s,]", page)], plan.slug
            assert not re.search(r"\d{4,},\d\d €", page)  # "200000,00 €"
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="3")
    page = client.get(reverse("plans_measure", args=[CHENOVE, "3"])).content.decode()
    assert "200\u00a0000 €" in page or "200 000 €" in page or "200,000 €" in page
    assert measure.schemes == ["chromebook_cm1_chenove"]
    assert "Un Chromebook" in page or "Chromebook" in page


def test_progress_says_how_it_is_computed_and_when_updated(
    client: Client, loaded: list[Plan]
) -> None:
    page = client.get(reverse("plans_detail", args=[CHENOVE])).content.decode()
    assert "Comment il est calculé" in page
    assert "Dernière mise à jour" in page


def test_a_measures_schemes_show_live_figures_with_small_counts_masked(
    client: Client, loaded: list[Plan]
) -> None:
    ccas = Organisation.objects.get(name="CCAS de Chenôve")
    for n in range(3):
        active_file(ccas, first_name=f"P{n}", scheme_id="mutuelle_municipale_chenove")
    page = client.get(reverse("plans_measure", args=[CHENOVE, "1"])).content.decode()
    assert "Les aides de cette mesure, en chiffres" in page
    assert "&lt; 5" in page
    assert "non affiché (moins de 5 dossiers)" in page


def test_public_meeting_decisions_are_listed_and_private_ones_are_not(
    client: Client, loaded: list[Plan]
) -> None:
    plan = Plan.objects.get(slug=CHENOVE)
    body = plan.bodies.get()
    Meeting.objects.create(
        body=body, date=dt.date(2023, 3, 1), decisions="Décision publique", public=True
    )
    Meeting.objects.create(body=body, date=dt.date(2023, 6, 1), decisions="Décision interne")
    page = client.get(reverse("plans_detail", args=[CHENOVE])).content.decode()
    assert "Comités de suivi" in page
    assert "Décision publique" in page
    assert "Décision interne" not in page


def test_the_history_reads_in_words(client: Client, loaded: list[Plan]) -> None:
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="9")
    pilot = user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    client.force_login(pilot)
    before = measure.status
    done = Status.objects.get(code="realisee")
    client.post(
        reverse("plans_measure_update", args=[measure.pk]),
        {"status": done.pk, "progress": "100", "milestone_date": "", "milestone_text": ""},
    )
    client.post(reverse("plans_measure_publish", args=[measure.pk]))
    page = client.get(reverse("plans_measure", args=[CHENOVE, "9"])).content.decode()
    assert f"Statut : {before.label_fr} → {done.label_fr}" in page
    assert "Avancement : 60 % → 100 %" in page
