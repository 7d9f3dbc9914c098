"""Issue 18, referent: notes on the file and on each appointment (author, time, team only);
reminders by email the day before to a person who agreed, with a cancellation link, and the
referent sees who was reminded."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from solidarite.cases.models import Appointment, AppointmentStatus, FileNote
from solidarite.cases.reminders import send_due_reminders
from tests.factories import OrganisationFactory, active_file, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ccas() -> Organisation:
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def referent(ccas: Organisation) -> User:
    return user_with_role(Role.REFERENT, ccas)  # type: ignore[no-any-return]


def _book(client: Client, file_pk: int, when: dt.datetime, agreed: bool) -> None:
    data = {
        "starts_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "place": "Antenne Planoise",
    }
    if agreed:
        data["reminder_agreed"] = "on"
    client.post(reverse("cases_book_appointment", args=[file_pk]), data)


def test_notes_on_the_file_and_on_an_appointment_are_for_the_team_only(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    client.post(reverse("cases_add_note", args=[file.pk]), {"text": "Dossier CAF en cours"})
    _book(client, file.pk, timezone.now() + dt.timedelta(days=3), agreed=False)
    appointment = Appointment.objects.get(file=file)
    client.post(
        reverse("cases_add_note", args=[file.pk]),
        {"text": "Apporter l'avis d'imposition", "appointment": str(appointment.pk)},
    )
    notes = FileNote.objects.filter(file=file)
    assert {(n.text, n.author, n.appointment_id) for n in notes} == {
        ("Dossier CAF en cours", referent, None),
        ("Apporter l'avis d'imposition", referent, appointment.pk),
    }
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "Dossier CAF en cours" in page
    assert "avis d&#x27;imposition" in page
    # A partner never reads a file, so never its notes; another organisation neither.
    for outsider in (
        user_with_role(Role.REFERRING_PARTNER),
        user_with_role(Role.REFERENT),
    ):
        client.force_login(outsider)
        assert client.get(reverse("cases_file", args=[file.pk])).status_code == 404
        response = client.post(reverse("cases_add_note", args=[file.pk]), {"text": "intrus"})
        assert response.status_code == 404
    assert not FileNote.objects.filter(text="intrus").exists()


def test_a_note_on_another_files_appointment_is_refused(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    other = active_file(ccas, referent, first_name="Autre")
    client.force_login(referent)
    _book(client, other.pk, timezone.now() + dt.timedelta(days=3), agreed=False)
    foreign = Appointment.objects.get(file=other)
    client.post(
        reverse("cases_add_note", args=[file.pk]), {"text": "x", "appointment": str(foreign.pk)}
    )
    assert not FileNote.objects.exists()


def test_no_reminder_can_be_agreed_without_an_address(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    client.force_login(referent)
    _book(client, file.pk, timezone.now() + dt.timedelta(days=3), agreed=True)
    assert not Appointment.objects.exists()


def test_reminders_go_once_the_day_before_with_a_cancel_link_and_no_name(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    file.person.email = "camille@example.invalid"
    file.person.save()
    client.force_login(referent)
    now = timezone.now()
    _book(client, file.pk, now + dt.timedelta(hours=20), agreed=True)
    _book(client, file.pk, now + dt.timedelta(hours=30), agreed=True)  # the day after
    _book(client, file.pk, now + dt.timedelta(hours=10), agreed=False)  # not agreed
    assert send_due_reminders(now) == 1
    assert send_due_reminders(now) == 0
    call_command("send_reminders")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["camille@example.invalid"]
    assert "Camille" not in email.body
    assert "Exemple" not in email.body
    reminded = Appointment.objects.get(reminded_at__isnull=False)
    assert reverse("appointment_cancel", args=[reminded.cancel_token]) in email.body
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert "envoyé le" in page


def test_the_person_cancels_from_the_link(
    client: Client, ccas: Organisation, referent: User
) -> None:
    file = active_file(ccas, referent)
    file.person.email = "camille@example.invalid"
    file.person.save()
    client.force_login(referent)
    _book(client, file.pk, timezone.now() + dt.timedelta(hours=20), agreed=True)
    appointment = Appointment.objects.get()
    url = reverse("appointment_cancel", args=[appointment.cancel_token])
    anonymous = Client()
    page = anonymous.get(url).content.decode()
    assert "Antenne Planoise" in page
    assert "Camille" not in page
    anonymous.post(url)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by_person_at is not None
    assert "plus valable" in anonymous.get(url).content.decode()
    assert (
        "plus valable" in anonymous.get(url.replace(appointment.cancel_token, "x")).content.decode()
    )
    assert (
        "annulé par la personne"
        in client.get(reverse("cases_file", args=[file.pk])).content.decode()
    )
