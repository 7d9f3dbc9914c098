"""Sign, start, suspend, resume and close a file, each step with its payment effects in the same
transaction, under the file's row lock (lock order: batch, file, payments, envelope).

A contract starts at most one month back and three months ahead of today (Paris time): outside
those bounds, a catch-up decision approved by a second person is required, and the payments it
creates are marked as a catch-up in the batch that pays them.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarite.cases import files
from solidarite.cases.models import CaseFile, ExitReason, FileStatus, FileTransition
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import document
from solidarite.core import clock
from solidarite.payments import envelopes, schedules
from solidarite.payments.models import CatchUp, Payment, PaymentStatus
from solidarite.schemes.services import get_catalog

MONTHS_BACK = 1
MONTHS_AHEAD = 3


def start_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The contract start dates allowed without a catch-up decision."""
    return today - relativedelta(months=MONTHS_BACK), today + relativedelta(months=MONTHS_AHEAD)


def approved_catch_up(file: CaseFile, start: dt.date) -> CatchUp | None:
    return (
        CatchUp.objects.filter(file=file, starts_on=start, approved_by__isnull=False)
        .order_by("-approved_at")
        .first()
    )


def _check_start(file: CaseFile, start: dt.date) -> CatchUp | None:
    low, high = start_bounds(clock.today())
    if low <= start <= high:
        return None
    catch_up = approved_catch_up(file, start)
    if catch_up is None:
        raise TransitionError(
            _(
                "Un contrat commence entre le %(low)s et le %(high)s. Pour le %(start)s, "
                "demandez un rattrapage : une autre personne doit l'approuver."
            )
            % {
                "low": f"{low:%d/%m/%Y}",
                "high": f"{high:%d/%m/%Y}",
                "start": f"{start:%d/%m/%Y}",
            }
        )
    return catch_up


@transaction.atomic
def request_catch_up(file: CaseFile, by: User, starts_on: dt.date, reason: str) -> CatchUp:
    """A case worker asks to start a contract outside the usual bounds, with a reason."""
    if not reason.strip():
        raise TransitionError(_("Un rattrapage doit être motivé."))
    locked = files.lock(file)
    if locked.status not in (FileStatus.ELIGIBLE, FileStatus.WAITING_LIST):
        raise TransitionError(_("Un rattrapage se demande avant le démarrage du contrat."))
    return CatchUp.objects.create(file=locked, starts_on=starts_on, reason=reason, requested_by=by)


@transaction.atomic
def approve_catch_up(catch_up: CatchUp, by: User) -> CatchUp:
    """A second person approves (the database refuses the requester)."""
    locked = CatchUp.objects.select_for_update().get(pk=catch_up.pk)
    if locked.approved_by_id is not None:
        raise TransitionError(_("Ce rattrapage est déjà approuvé."))
    if locked.requested_by_id == by.pk:
        raise TransitionError(
            _("Un rattrapage est approuvé par une autre personne que celle qui l'a demandé.")
        )
    locked.approved_by = by
    locked.approved_at = clock.now()
    locked.save(update_fields=["approved_by", "approved_at"])
    FileTransition.objects.create(
        file=locked.file,
        from_status=locked.file.status,
        to_status=locked.file.status,
        by=by,
        why=_("Rattrapage approuvé : début au %(d)s (%(why)s)")
        % {"d": f"{locked.starts_on:%d/%m/%Y}", "why": locked.reason},
    )
    return locked


@transaction.atomic
def sign_contract(file: CaseFile, by: User, signed_on: dt.date, signatories: str) -> CaseFile:
    """Signing commits the whole payment schedule against the scheme's envelope. If it does not
    fit, the signing is refused (nothing is written) or, when the scheme says so, the file waits
    on the waiting list until money is released."""
    locked = files.lock(file)
    catch_up = _check_start(locked, signed_on)
    locked = files.move(
        locked,
        "sign",
        by,
        contract_signed_on=signed_on,
        contract_signatories=signatories,
        contract_text=document.contract(locked, signed_on, signatories).as_text(),
    )
    try:
        return _start(locked, by, signed_on, catch_up)
    except envelopes.EnvelopeExhausted as exc:
        if not exc.waiting_list:
            raise TransitionError(_("Signature refusée. %(why)s") % {"why": exc}) from exc
        return files.move(locked, "wait", by, str(exc))
    except (envelopes.NoEnvelope, envelopes.NotProvider) as exc:
        raise TransitionError(_("Signature refusée. %(why)s") % {"why": exc}) from exc


def _start(file: CaseFile, by: User, start: dt.date, catch_up: CatchUp | None) -> CaseFile:
    spec = get_catalog().schemes[file.scheme_id].spec
    months = spec.max_duration_months
    ends_on = start + relativedelta(months=months) if months else None
    if schedules.pays_monthly(file.scheme_id):
        payments = schedules.create_schedule(file, by, start)
        if catch_up is not None:
            Payment.objects.filter(pk__in=[p.pk for p in payments]).update(catch_up=catch_up)
    return files.move(file, "start", by, started_on=start, ends_on=ends_on)


@transaction.atomic
def start_from_waiting_list(file: CaseFile, by: User, start: dt.date) -> CaseFile:
    """When money has been released, a waiting file starts (its schedule from `start`)."""
    locked = files.lock(file)
    catch_up = _check_start(locked, start)
    try:
        return _start(locked, by, start, catch_up)
    except (envelopes.EnvelopeExhausted, envelopes.NoEnvelope, envelopes.NotProvider) as exc:
        raise TransitionError(_("Toujours en attente. %(why)s") % {"why": exc}) from exc


@transaction.atomic
def suspend(file: CaseFile, by: User, why: str) -> CaseFile:
    """Nothing more is paid: scheduled payments are held, and leave any prepared batch."""
    locked = files.move(files.lock(file), "suspend", by, why)
    schedules.hold(locked, by)
    return locked


@transaction.atomic
def resume(file: CaseFile, by: User, why: str = "") -> CaseFile:
    locked = files.lock(file)
    suspended = (
        locked.transitions.filter(to_status=FileStatus.SUSPENDED).order_by("-at", "-pk").first()
    )
    suspended_on = clock.today() if suspended is None else timezone.localdate(suspended.at)
    locked = files.move(locked, "resume", by, why)
    schedules.resume(locked, by, suspended_on, clock.today())
    return locked


@transaction.atomic
def close(
    file: CaseFile,
    by: User | None,
    reason: ExitReason,
    why: str = "",
    on: dt.date | None = None,
    situation: str = "",
) -> CaseFile:
    """Exit: payments due after the exit date are cancelled (and leave any prepared batch), their
    money back in the envelope. `situation` is where the person stands (ExitSituation)."""
    closed_on = on or clock.today()
    locked = files.move(
        files.lock(file),
        "close",
        by,
        why,
        exit_reason=reason,
        closed_on=closed_on,
        exit_situation=situation,
    )
    schedules.cancel_after(locked, by, closed_on)
    return locked


def exit_consequences(file: CaseFile, on: dt.date) -> list[str]:
    """What an exit on `on` will do, in words, for the confirmation page."""
    later = [
        p
        for p in Payment.objects.filter(file=file).exclude(
            status__in=[PaymentStatus.PAID, PaymentStatus.CANCELLED]
        )
        if p.due_on > on
    ]
    total = sum((p.amount for p in later), Decimal(0))
    lines = [
        _("Le dossier est clos : l'accompagnement et le plan d'actions s'arrêtent."),
        _("Le dossier ne pourra plus être modifié."),
    ]
    if later:
        lines.insert(
            1,
            _(
                "%(n)d échéance(s) postérieure(s) à la sortie (%(total)s €) seront annulées et "
                "leur montant rendu à l'enveloppe, y compris dans un lot préparé."
            )
            % {"n": len(later), "total": f"{total:.2f}"},
        )
    return lines


def close_expired(today: dt.date) -> list[CaseFile]:
    """The daily command: files that reached the scheme's maximum duration are closed."""
    expired = CaseFile.objects.filter(
        status__in=[FileStatus.ACTIVE, FileStatus.SUSPENDED], ends_on__lte=today
    )
    return [
        close(file, None, ExitReason.MAX_DURATION, _("Durée maximale atteinte"), on=file.ends_on)
        for file in expired
    ]
