"""Plans: files validated precisely, loaded idempotently, progress computed, pilots only update
their measures, every change kept, public pages and exports without personal data."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from solidarite.accounts.models import Organisation
from solidarite.accounts.permissions import can_update_measure
from solidarite.accounts.roles import Role
from solidarite.cli import main
from solidarite.core.demo import plans as demo_plans
from solidarite.paths import CATALOG_DIR
from solidarite.plans.files import load_plan_files
from solidarite.plans.models import Measure, Meeting, Milestone, Plan, Status
from solidarite.plans.progress import weighted_progress
from solidarite.rules.catalog import load_catalog
from solidarite.rules.errors import CatalogError
from tests.factories import UserFactory, user_with_role

CHENOVE = "chenove_10_mesures"


def test_the_three_plans_of_the_seeds_are_valid() -> None:
    _statuses, plans = load_plan_files(CATALOG_DIR / "plans")
    by_id = {p.id: p for p in plans}
    assert set(by_id) == {CHENOVE, "pacte_jeunesse_planoise", "urgence_solidarites_besancon"}
    planoise = [m.number for a in by_id["pacte_jeunesse_planoise"].axes for m in a.measures]
    assert planoise[:4] == ["10", "11", "12", "13"]
    assert planoise[-1] == "56"
    assert len(planoise) == 30
    assert sum(len(a.measures) for a in by_id[CHENOVE].axes) == 10


def _copy_plans(tmp_path: Path) -> Path:
    for source in (CATALOG_DIR / "plans").glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("status: realisee", "status: finie", 'axes[0].measures[0].status: unknown status "finie"'),
        (
            "schemes: [rmg_chenove]",
            "schemes: [rmg]",
            'unknown scheme "rmg"; did you mean rmg_chenove',
        ),
        ('number: "2"', 'number: "1"', "duplicate measure number: 1"),
        ('{date: "2021-03-22"', '{date: "2021-13-22"', "date: Input should be a valid date"),
        ("title:\n  fr: Les 10", "titre:\n  fr: Les 10", "titre: unknown field"),
    ],
)
def test_a_broken_plan_file_is_refused_with_file_line_and_field(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    folder = _copy_plans(tmp_path)
    path = folder / f"{CHENOVE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_plan_files(folder, set(load_catalog(CATALOG_DIR).schemes))
    messages = [str(e) for e in caught.value.errors]
    assert any(expected in m and f"{CHENOVE}.yaml:" in m for m in messages), messages


def test_plans_check_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["plans", "check"]) == 0
    assert "plans OK: 3 plans" in capsys.readouterr().out
    folder = _copy_plans(tmp_path)
    (folder / "statuses.yaml").write_text("statuses: [", encoding="utf-8")
    assert main(["plans", "check", "--dir", str(folder)]) == 1
    assert "statuses.yaml:1: YAML syntax error" in capsys.readouterr().err


@pytest.fixture
def loaded(db: None) -> list[Plan]:
    return demo_plans.load()


def test_loading_twice_changes_nothing_and_keeps_pilot_updates(loaded: list[Plan]) -> None:
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="9")
    measure.progress = 90
    measure.save()
    counts = (Plan.objects.count(), Measure.objects.count(), Milestone.objects.count())
    demo_plans.load()
    assert (Plan.objects.count(), Measure.objects.count(), Milestone.objects.count()) == counts
    assert Measure.objects.get(pk=measure.pk).progress == 90


def test_chenove_progress_matches_its_report(loaded: list[Plan]) -> None:
    measures = list(Measure.objects.filter(axis__plan__slug=CHENOVE).select_related("status"))
    progress = weighted_progress(measures)
    assert progress.measures == 10
    assert progress.done == 8
    assert progress.by_status == {"realisee": 8, "en_cours": 2}
    assert progress.percent == pytest.approx((8 * 100 + 2 * 60) / 10)


def test_progress_is_weighted(loaded: list[Plan]) -> None:
    done, started = Measure.objects.filter(axis__plan__slug=CHENOVE).select_related("status")[:2]
    done.progress, started.progress = 100, 0
    done.weight, started.weight = 3, 1
    assert weighted_progress([done, started]).percent == 75.0


def test_public_page_shows_the_report_and_exports(client: Client, loaded: list[Plan]) -> None:
    page = client.get(reverse("plans_detail", args=[CHENOVE])).content.decode()
    assert "10 mesures : 100 % engagées, 8 réalisées" in page
    assert "La Maison Sport-Santé de Chenôve est labellisée" in page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("plans_export_csv", args=[CHENOVE])).content.decode())
        )
    )
    assert len(rows) == 10
    assert rows[2]["latest_milestone"] == "Les « nouveaux CM1 » ont reçu leur ordinateur portable"
    data = client.get(reverse("plans_export_json", args=[CHENOVE])).json()
    assert data["done"] == 8
    assert data["by_status"] == {"realisee": 8, "en_cours": 2}


def test_plan_page_has_a_fixed_number_of_queries(
    client: Client,
    loaded: list[Plan],
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_max_num_queries(8):
        client.get(reverse("plans_detail", args=["urgence_solidarites_besancon"]))


def test_only_pilots_update_their_measures(loaded: list[Plan]) -> None:
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="9")
    chenove_ccas = Organisation.objects.get(name="CCAS de Chenôve")
    pilot = user_with_role(Role.PLAN_PILOT, chenove_ccas)
    assert can_update_measure(pilot, measure)
    assert not can_update_measure(user_with_role(Role.PLAN_PILOT), measure)
    assert not can_update_measure(user_with_role(Role.CASE_WORKER, chenove_ccas), measure)
    named = UserFactory()
    measure.pilot_users.add(named)
    assert can_update_measure(named, measure)


def test_a_pilot_update_is_shown_publicly_and_kept_in_history(
    client: Client, loaded: list[Plan]
) -> None:
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="9")
    pilot = user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    client.force_login(pilot)
    done = Status.objects.get(code="realisee")
    response = client.post(
        reverse("plans_measure_update", args=[measure.pk]),
        {
            "status": done.pk,
            "progress": "100",
            "milestone_date": "2023-01-10",
            "milestone_text": "Ouverture du logement d'urgence",
        },
    )
    assert response.status_code == 302
    # A draft until published: the public page has not changed yet.
    public = client.get(reverse("plans_detail", args=[CHENOVE])).content.decode()
    assert "Ouverture du logement d&#x27;urgence" not in public
    measure.refresh_from_db()
    assert measure.progress == 60
    assert measure.draft is not None
    client.post(reverse("plans_measure_publish", args=[measure.pk]))
    measure.refresh_from_db()
    assert measure.draft is None
    entry = LogEntry.objects.get_for_object(measure).latest("timestamp")
    assert entry.actor == pilot
    assert entry.changes_dict["progress"] == ["60", "100"]
    client.logout()
    page = client.get(reverse("plans_detail", args=[CHENOVE])).content.decode()
    assert "10 mesures : 100 % engagées, 9 réalisées" in page
    assert "Ouverture du logement d&#x27;urgence" in page
    assert pilot.last_name not in page  # the public page names no one


def test_someone_else_gets_404_and_bad_input_changes_nothing(
    client: Client, loaded: list[Plan]
) -> None:
    measure = Measure.objects.get(axis__plan__slug=CHENOVE, number="9")
    client.force_login(user_with_role(Role.PLAN_PILOT))
    url = reverse("plans_measure_update", args=[measure.pk])
    assert client.post(url, {"status": "1", "progress": "100"}).status_code == 404
    client.force_login(
        user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    )
    response = client.post(
        url, {"status": measure.status.pk, "progress": "140", "milestone_text": "sans date"}
    )
    assert response.status_code == 200
    assert "inférieure ou égale à 100" in response.content.decode()
    assert "remplissez les deux ou aucun" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).progress == 60


def test_workspace_lists_the_pilots_measures(client: Client, loaded: list[Plan]) -> None:
    pilot = user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    client.force_login(pilot)
    page = client.get(reverse("plans_workspace")).content.decode()
    assert "La création d&#x27;un logement d&#x27;urgence pour accueillir les victimes" in page
    assert "Maison Sport-Santé pour développer" not in page  # piloted by the city, not the CCAS
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(reverse("plans_workspace")).status_code == 404


def test_a_pilot_records_a_meeting_and_sees_stale_measures(
    client: Client, loaded: list[Plan]
) -> None:
    plan = Plan.objects.get(slug=CHENOVE)
    pilot = user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    client.force_login(pilot)
    body = plan.bodies.get()
    measure = Measure.objects.get(axis__plan=plan, number="7")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    response = client.post(
        reverse("plans_meeting_create", args=[CHENOVE]),
        {
            "body": body.pk,
            "date": yesterday.isoformat(),
            "attendees": "Élus, CCAS",
            "decisions": "Ouverture de France Services confirmée",
            "measures_updated": [measure.pk],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert list(meeting.measures_updated.all()) == [measure]
    Measure.objects.filter(axis__plan=plan, number="9").update(
        updated_at=timezone.now() - dt.timedelta(days=30)
    )
    page = client.get(reverse("plans_workspace")).content.decode()
    assert "1 mesure(s) non mise(s) à jour depuis la dernière réunion" in page
    assert "9 — La création d&#x27;un logement d&#x27;urgence" in page


def test_only_the_plans_pilots_record_meetings(client: Client, loaded: list[Plan]) -> None:
    client.force_login(user_with_role(Role.PLAN_PILOT))
    assert client.get(reverse("plans_meeting_create", args=[CHENOVE])).status_code == 404
    client.force_login(
        user_with_role(Role.PLAN_PILOT, Organisation.objects.get(name="CCAS de Chenôve"))
    )
    response = client.post(reverse("plans_meeting_create", args=[CHENOVE]), {"date": "hier"})
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_paraphrased_title_is_caught_against_its_source(tmp_path: Path) -> None:
    """Issue 18: titles on the public page are the council's words. `plans check --seeds`
    compares each title with its source document (../shared/seeds in development)."""
    from solidarite.plans.files import titles_not_in_seeds

    _statuses, plans = load_plan_files(CATALOG_DIR / "plans")
    chenove = next(p for p in plans if p.id == CHENOVE)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    words = [m.title.replace("'", "\u2019") for a in chenove.axes for m in a.measures]
    (seeds / chenove.source.seed).write_text("\n".join(words[:-1]) + "\n10 Autre chose\n")
    assert titles_not_in_seeds([chenove], seeds) == [
        f"{CHENOVE} 10: {words[-1].replace(chr(0x2019), chr(39))}"
    ]
