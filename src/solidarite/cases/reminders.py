"""Appointment reminders: an email the day before, to a person who gave an address and agreed,
with a link to cancel. Run by `manage.py send_reminders` from cron (hourly): the platform has no
background task queue, and a reminder an hour late is still a reminder.

The email says when and where, never who: no name, no scheme, nothing that would tell a reader
of the mailbox more than "an appointment".
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from solidarite.cases.follow_up import record_appointment
from solidarite.cases.models import Appointment, AppointmentStatus

AHEAD = dt.timedelta(days=1)


def due(now: dt.datetime) -> "list[int]":
    """Appointments of the next 24 hours that should get a reminder and have not."""
    return list(
        Appointment.objects.filter(
            starts_at__gt=now,
            starts_at__lte=now + AHEAD,
            status=AppointmentStatus.PLANNED,
            reminder_agreed=True,
            reminded_at__isnull=True,
            cancelled_by_person_at__isnull=True,
        )
        .exclude(file__person__email="")
        .values_list("pk", flat=True)
    )


def cancel_url(appointment: Appointment) -> str:
    return settings.SITE_URL + reverse("appointment_cancel", args=[appointment.cancel_token])


def send_due_reminders(now: dt.datetime) -> int:
    """Send each due reminder once, each under its own row lock (two cron runs never send the
    same reminder twice)."""
    sent = 0
    for pk in due(now):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("file__person")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if appointment is None:
                continue
            local = timezone.localtime(appointment.starts_at)
            when = formats.date_format(local, "l j F Y, H:i")
            body = _(
                "Bonjour,\n\nNous vous rappelons votre rendez-vous le %(when)s%(place)s.\n\n"
                "Si vous ne pouvez pas venir, prévenez-nous en l'annulant ici : %(link)s\n"
            ) % {
                "when": when,
                "place": f" ({appointment.place})" if appointment.place else "",
                "link": cancel_url(appointment),
            }
            send_mail(
                _("Rappel : votre rendez-vous de demain"),
                body,
                None,
                [appointment.file.person.email],
            )
            appointment.reminded_at = now
            appointment.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def cancel_by_person(token: str, now: dt.datetime) -> Appointment | None:
    """The person cancels from the link: only a planned appointment still to come."""
    appointment = (
        Appointment.objects.select_for_update()
        .filter(cancel_token=token, status=AppointmentStatus.PLANNED, starts_at__gt=now)
        .first()
        if token
        else None
    )
    if appointment is None:
        return None
    record_appointment(appointment, AppointmentStatus.CANCELLED)
    appointment.cancelled_by_person_at = now
    appointment.save(update_fields=["cancelled_by_person_at"])
    return appointment
