"""Support after the contract: household, referent, diagnostic, action plan, appointments,
workshops; a closed file is read-only; bad input is a message, never a 500 or a partial write."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases import follow_up
from solidarite.cases.files import assign_referent
from solidarite.cases.models import (
    Action,
    ActionStatus,
    Appointment,
    AppointmentStatus,
    Attendance,
    Diagnostic,
    Domain,
    ExitReason,
    Objective,
    Person,
    Workshop,
    WorkshopRegistration,
)
from solidarite.cases.transitions import TransitionError
from solidarite.contracts.workflow import close
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def referent(ccas: Organisation) -> User:
    return user_with_role(Role.REFERENT, ccas)  # type: ignore[no-any-return]


def _post(client: Client, name: str, file_pk: int, data: dict[str, str], *extra: int) -> str:
    response = client.post(reverse(name, args=[file_pk, *extra]), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_diagnostic_covers_every_domain_and_is_revised_in_place(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    data = {"made_on": "2026-11-02"}
    for domain in Domain.values:
        data[f"level_{domain}"] = "0"
    data["level_mobility"] = "3"
    data["notes_mobility"] = "Pas de permis, horaires de bus incompatibles"
    page = client.post(reverse("cases_diagnostic", args=[file.pk]), data, follow=True)
    assert page.redirect_chain == [(reverse("cases_file", args=[file.pk]), 302)]
    text = page.content.decode()
    assert "<td>Priorité</td><td>Pas de permis" in text
    data["level_mobility"] = "1"
    client.post(reverse("cases_diagnostic", args=[file.pk]), data)
    entries = {e.domain: e.level for e in Diagnostic.objects.get(file=file).entries.all()}
    assert len(entries) == len(Domain.values)
    assert entries["mobility"] == 1


def test_diagnostic_with_a_missing_level_is_refused_and_writes_nothing(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    response = client.post(reverse("cases_diagnostic", args=[file.pk]), {"made_on": "2026-11-02"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Diagnostic.objects.exists()


def test_action_plan_objectives_and_actions_across_domains_on_one_view(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    partner = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    client.force_login(referent)
    _post(
        client, "cases_add_objective", file.pk, {"domain": "job_search", "title": "Trouver un CDD"}
    )
    _post(client, "cases_add_objective", file.pk, {"domain": "health", "title": "Bilan de santé"})
    job, health = Objective.objects.filter(file=file).order_by("pk")
    _post(
        client,
        "cases_add_action",
        file.pk,
        {
            "action-objective": str(job.pk),
            "action-title": "Atelier CV",
            "action-domain": "job_search",
            "action-due_on": "2026-12-01",
            "action-responsible_user": str(referent.pk),
        },
    )
    page = _post(
        client,
        "cases_add_action",
        file.pk,
        {
            "action-objective": str(health.pk),
            "action-title": "Rendez-vous CPAM",
            "action-domain": "health",
            "action-due_on": "2026-12-15",
            "action-responsible_organisation": str(partner.pk),
        },
    )
    assert "Atelier CV" in page
    assert "Rendez-vous CPAM" in page
    assert "Mission locale" in page
    assert Action.objects.filter(objective__file=file).count() == 2


def test_an_action_without_responsible_is_refused(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    objective = follow_up.add_objective(file, referent, Domain.MOBILITY, "Permis B")
    client.force_login(referent)
    page = _post(
        client,
        "cases_add_action",
        file.pk,
        {
            "action-objective": str(objective.pk),
            "action-title": "Code",
            "action-domain": "mobility",
            "action-due_on": "2026-12-01",
        },
    )
    assert "Indiquez qui porte l" in page
    assert not Action.objects.exists()


def test_action_status_done_records_the_day(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    objective = follow_up.add_objective(file, referent, Domain.MOBILITY, "Permis B")
    action = follow_up.add_action(
        objective, "Code", Domain.MOBILITY, dt.date(2026, 1, 1), responsible_user=referent
    )
    client.force_login(referent)
    _post(client, "cases_action_status", file.pk, {"status": "done"}, action.pk)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completed_on == timezone.localdate()


def test_appointments_are_booked_on_the_referent_agenda_and_recorded(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    past = timezone.localtime() - dt.timedelta(days=2)
    _post(
        client,
        "cases_book_appointment",
        file.pk,
        {"starts_at": past.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45", "place": "CCAS"},
    )
    appointment = Appointment.objects.get()
    assert appointment.referent == referent
    _post(client, "cases_appointment_status", file.pk, {"status": "missed"}, appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.MISSED
    dashboard = client.get(reverse("cases_dashboard")).content.decode()
    assert "Rendez-vous manqués (1)" in dashboard


def test_a_future_appointment_cannot_be_recorded_as_missed(
    ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    future = follow_up.book_appointment(
        file, referent, timezone.now() + dt.timedelta(days=3), 45, ""
    )
    with pytest.raises(follow_up.FollowUpError, match="pas encore eu lieu"):
        follow_up.record_appointment(future, AppointmentStatus.MISSED)
    assert follow_up.record_appointment(future, AppointmentStatus.CANCELLED).status == "cancelled"


def test_workshop_capacity_is_never_exceeded(ccas: Organisation, referent: User) -> None:
    workshop = Workshop.objects.create(
        organisation=ccas,
        title="Confiance en soi",
        domain=Domain.CONFIDENCE,
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="Maison de quartier",
        capacity=2,
    )
    files = [active_file(ccas, referent, first_name=f"P{i}") for i in range(3)]
    follow_up.register(workshop, files[0])
    with pytest.raises(follow_up.FollowUpError, match="déjà inscrite"):
        follow_up.register(workshop, files[0])
    follow_up.register(workshop, files[1])
    with pytest.raises(follow_up.FollowUpError, match="complet"):
        follow_up.register(workshop, files[2])
    assert WorkshopRegistration.objects.count() == 2


def test_workshop_attendance_sheet(
    client: Client, ccas: Organisation, referent: User, clock
) -> None:  # type: ignore[no-untyped-def]
    clock(dt.date(2026, 11, 25))
    client.force_login(referent)
    response = client.post(
        reverse("cases_workshops"),
        {
            "title": "Découvrir l'entreprise",
            "domain": "company_discovery",
            "starts_at": "2026-12-03T14:00",
            "place": "Planoise",
            "capacity": "12",
        },
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("cases_workshop", args=[workshop.pk])
    file = active_file(ccas, referent)
    _post(client, "cases_register_workshop", file.pk, {"workshop": str(workshop.pk)})
    registration = WorkshopRegistration.objects.get()
    sheet = {f"attendance-{registration.pk}": "present", "attendance-999999": "absent"}
    # Before it starts, nobody is present or absent yet: refused, nothing written.
    page = client.post(
        reverse("cases_workshop_attendance", args=[workshop.pk]), sheet, follow=True
    ).content.decode()
    assert "une fois l&#x27;atelier commencé" in page
    registration.refresh_from_db()
    assert registration.attendance == Attendance.REGISTERED
    clock(dt.date(2026, 12, 3), hour=15)
    client.force_login(referent)  # a week later: a new session
    client.post(reverse("cases_workshop_attendance", args=[workshop.pk]), sheet)
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT


def test_workshop_with_zero_places_is_refused(client: Client, referent: User) -> None:
    client.force_login(referent)
    response = client.post(
        reverse("cases_workshops"),
        {
            "title": "Vide",
            "domain": "other",
            "starts_at": "2026-12-03T14:00",
            "place": "X",
            "capacity": "0",
        },
    )
    assert response.status_code == 200
    assert not Workshop.objects.exists()


def test_household_members_are_added_to_the_person_household(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    page = _post(
        client,
        "cases_add_member",
        file.pk,
        {
            "first_name": "Noé",
            "last_name": "Exemple",
            "birth_date": "2023-02-01",
            "relationship": "child",
        },
    )
    member = Person.objects.get(first_name="Noé")
    assert member.household_id == file.person.household_id
    assert member.area == "Planoise"
    assert "Noé Exemple" in page
    assert "Enfant" in page


def test_referent_is_chosen_among_the_organisation_members(
    ccas: Organisation, referent: User
) -> None:
    worker = user_with_role(Role.CASE_WORKER, ccas)
    outsider = user_with_role(Role.REFERENT, OrganisationFactory())
    file = active_file(ccas, worker)
    assert assign_referent(file, worker, referent).referent == referent
    with pytest.raises(TransitionError):
        assign_referent(file, worker, outsider)


def test_a_closed_file_is_read_only(client: Client, ccas: Organisation, referent: User) -> None:
    file = active_file(ccas, referent)
    close(file, None, ExitReason.EMPLOYMENT)
    file.refresh_from_db()
    with pytest.raises(follow_up.FollowUpError, match="Clos"):
        follow_up.add_objective(file, referent, Domain.HEALTH, "Trop tard")
    client.force_login(referent)
    page = _post(client, "cases_add_objective", file.pk, {"domain": "health", "title": "Trop tard"})
    assert "Clos" in page
    assert not Objective.objects.exists()


def test_a_partner_chosen_to_carry_an_action_is_kept(
    client: Client, ccas: Organisation, referent: User
) -> None:
    """Issue 18: the referent is preselected; choosing a partner must not be lost behind it."""
    file = active_file(ccas, referent)
    partner = OrganisationFactory(name="Mission locale", kind=OrganisationKind.MISSION_LOCALE)
    client.force_login(referent)
    _post(client, "cases_add_objective", file.pk, {"domain": "job_search", "title": "Emploi"})
    objective = Objective.objects.get(file=file)
    page = _post(
        client,
        "cases_add_action",
        file.pk,
        {
            "action-objective": str(objective.pk),
            "action-title": "Atelier CV",
            "action-domain": "job_search",
            "action-due_on": "2026-12-01",
            "action-responsible_user": str(referent.pk),
            "action-responsible_organisation": str(partner.pk),
        },
    )
    action = Action.objects.get()
    assert action.responsible_organisation == partner
    assert "Mission locale" in page
