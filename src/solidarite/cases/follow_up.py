"""Support once the contract is signed: diagnostic, action plan, appointments, workshops.

Each function checks the file can still be followed (active or suspended: a closed file is
read-only), runs in one transaction and raises FollowUpError with a message for the user.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models import (
    Action,
    ActionStatus,
    Appointment,
    AppointmentStatus,
    Attendance,
    CaseFile,
    Diagnostic,
    DiagnosticEntry,
    Domain,
    FileNote,
    FileStatus,
    Objective,
    Workshop,
    WorkshopRegistration,
)
from solidarite.core import clock
from solidarite.territory.models import Place

FOLLOWED = (FileStatus.ACTIVE, FileStatus.SUSPENDED)


class FollowUpError(Exception):
    """A step the file's state or the workshop's capacity does not allow."""


def _followed(file: CaseFile) -> None:
    if file.status not in FOLLOWED:
        raise FollowUpError(
            _(
                "Le dossier est « %(status)s » : l'accompagnement commence à la signature du "
                "contrat et s'arrête à la sortie."
            )
            % {"status": file.get_status_display()}
        )


@dataclass(frozen=True)
class Need:
    domain: Domain
    level: int
    notes: str = ""


@transaction.atomic
def save_diagnostic(file: CaseFile, by: User, made_on: dt.date, needs: list[Need]) -> Diagnostic:
    """The entry diagnostic: one per file, its entries replaced when it is revised."""
    _followed(file)
    diagnostic, _created = Diagnostic.objects.update_or_create(
        file=file, defaults={"made_on": made_on, "made_by": by}
    )
    diagnostic.entries.all().delete()
    DiagnosticEntry.objects.bulk_create(
        DiagnosticEntry(diagnostic=diagnostic, domain=n.domain, level=n.level, notes=n.notes)
        for n in needs
    )
    return diagnostic


@transaction.atomic
def add_objective(file: CaseFile, by: User, domain: Domain, title: str) -> Objective:
    _followed(file)
    return Objective.objects.create(file=file, domain=domain, title=title, created_by=by)


@transaction.atomic
def add_action(
    objective: Objective,
    title: str,
    domain: Domain,
    due_on: dt.date,
    responsible_user: User | None = None,
    responsible_organisation: Organisation | None = None,
    place: Place | None = None,
) -> Action:
    """An action is carried by a named referent or by a partner organisation, never by nobody."""
    _followed(objective.file)
    if responsible_user is None and responsible_organisation is None:
        raise FollowUpError(_("Indiquez qui porte l'action : un·e référent·e ou un partenaire."))
    return Action.objects.create(
        objective=objective,
        title=title,
        domain=domain,
        due_on=due_on,
        responsible_user=responsible_user,
        responsible_organisation=responsible_organisation,
        place=place,
    )


@transaction.atomic
def set_action_status(action: Action, status: ActionStatus, today: dt.date) -> Action:
    _followed(action.objective.file)
    action.status = status
    action.completed_on = today if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "completed_on"])
    return action


@transaction.atomic
def book_appointment(
    file: CaseFile,
    referent: User,
    starts_at: dt.datetime,
    duration_minutes: int,
    place: str,
    reminder_agreed: bool = False,
) -> Appointment:
    """A reminder is only agreed for a person who gave an address: nothing else could carry it."""
    _followed(file)
    if reminder_agreed and not file.person.email:
        raise FollowUpError(
            _("Pas de rappel possible : la personne n'a pas donné d'adresse électronique.")
        )
    return Appointment.objects.create(
        file=file,
        referent=referent,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        reminder_agreed=reminder_agreed,
        cancel_token=secrets.token_urlsafe(24) if reminder_agreed else "",
    )


def add_note(file: CaseFile, author: User, text: str, appointment: Appointment | None) -> FileNote:
    _followed(file)
    return FileNote.objects.create(file=file, author=author, text=text, appointment=appointment)


@transaction.atomic
def record_appointment(appointment: Appointment, status: AppointmentStatus) -> Appointment:
    """Held or missed is only known once the time has come; planned ones can be cancelled."""
    if status in (AppointmentStatus.HELD, AppointmentStatus.MISSED) and (
        appointment.starts_at > clock.now()
    ):
        raise FollowUpError(_("Ce rendez-vous n'a pas encore eu lieu."))
    appointment.status = status
    appointment.save(update_fields=["status"])
    return appointment


@transaction.atomic
def register(workshop: Workshop, file: CaseFile) -> WorkshopRegistration:
    """Registrations are counted under a row lock on the workshop: capacity is never exceeded,
    even when two referents register the last place at once."""
    if file.status != FileStatus.ACTIVE:
        raise FollowUpError(_("Seul un dossier actif peut être inscrit à un atelier."))
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.organisation_id != file.organisation_id:
        raise FollowUpError(_("Cet atelier est proposé par une autre organisation."))
    if locked.registrations.filter(file=file).exists():
        raise FollowUpError(_("Cette personne est déjà inscrite à cet atelier."))
    if locked.registrations.count() >= locked.capacity:
        raise FollowUpError(_("L'atelier est complet (%(n)d places).") % {"n": locked.capacity})
    try:
        with transaction.atomic():
            return WorkshopRegistration.objects.create(workshop=locked, file=file)
    except IntegrityError as exc:
        raise FollowUpError(_("Cette personne est déjà inscrite à cet atelier.")) from exc


@transaction.atomic
def record_attendance(
    registration: WorkshopRegistration, attendance: Attendance
) -> WorkshopRegistration:
    """Present, excused or absent is only known once the workshop has started."""
    if attendance != Attendance.REGISTERED and registration.workshop.starts_at > clock.now():
        raise FollowUpError(
            _("Les présences se notent une fois l'atelier commencé (le %(date)s).")
            % {
                "date": formats.date_format(
                    timezone.localtime(registration.workshop.starts_at), "j F Y, H:i"
                )
            }
        )
    registration.attendance = attendance
    registration.save(update_fields=["attendance"])
    return registration
