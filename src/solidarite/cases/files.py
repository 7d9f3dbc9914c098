"""The file state machine: one function per transition, each checking its source state, writing
a transition row and running in a transaction."""

import calendar
import datetime as dt
import json
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from solidarite.cases.models import CaseFile, ExitReason, FileStatus, FileTransition, Referral
from solidarite.cases.transitions import TransitionError
from solidarite.rules.results import SchemeResult
from solidarite.schemes.services import get_catalog


def _move(
    file: CaseFile, to: FileStatus, by: User | None, why: str = "", **fields: Any
) -> CaseFile:
    FileTransition.objects.create(file=file, from_status=file.status, to_status=to, by=by, why=why)
    file.status = to
    for name, value in fields.items():
        setattr(file, name, value)
    file.save()
    return file


def _locked(file: CaseFile, *allowed: FileStatus) -> CaseFile:
    locked = CaseFile.objects.select_for_update().get(pk=file.pk)
    if locked.status not in allowed:
        raise TransitionError(
            f"Un dossier « {locked.get_status_display()} » ne peut pas faire cette étape."
        )
    return locked


@transaction.atomic
def open_file(referral: Referral, by: User) -> CaseFile:
    """An accepted referral opens the person's file for the scheme, under review."""
    scheme = get_catalog().schemes[referral.scheme_id]
    from solidarite.accounts.models import Organisation

    provider = Organisation.objects.get(name=scheme.spec.provider)
    file, created = CaseFile.objects.get_or_create(
        person=referral.person,
        scheme_id=referral.scheme_id,
        defaults={"referral": referral, "organisation": provider, "referent": by},
    )
    if created:
        FileTransition.objects.create(file=file, to_status=FileStatus.UNDER_REVIEW, by=by)
    return file


@transaction.atomic
def decide_eligibility(
    file: CaseFile,
    by: User,
    eligible: bool,
    engine: SchemeResult,
    justification: str = "",
    inputs: dict[str, Any] | None = None,
) -> CaseFile:
    """The case worker decides; the engine's explanation and the scheme version are stored.
    Deciding against (or without) the engine's answer needs a written justification."""
    locked = _locked(file, FileStatus.UNDER_REVIEW)
    if engine.eligible is not eligible and not justification.strip():
        raise TransitionError(
            "La décision diffère du résultat du moteur (ou celui-ci est incomplet) : "
            "une justification écrite est obligatoire."
        )
    return _move(
        locked,
        FileStatus.ELIGIBLE if eligible else FileStatus.INELIGIBLE,
        by,
        justification,
        decision_snapshot=engine.to_dict(),
        decision_inputs=json.loads(json.dumps(inputs, default=float)) if inputs else None,
        scheme_version=engine.version,
        override_justification=justification if engine.eligible is not eligible else "",
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def contract_text(file: CaseFile, signed_on: dt.date, signatories: str) -> str:
    """The contract generated from the scheme's description (a per-scheme template)."""
    spec = get_catalog().schemes[file.scheme_id].spec
    duration = f"{spec.max_duration_months} mois au plus" if spec.max_duration_months else "—"
    steps = (
        " (diagnostic à l'entrée, plan d'actions partagé)"
        if spec.intake.diagnostic_required
        else ""
    )
    return (
        f"CONTRAT D'ENGAGEMENT — {spec.title.fr}\n\n"
        f"Entre {spec.provider} et {file.person}, né·e le {file.person.birth_date:%d/%m/%Y}.\n\n"
        f"{spec.summary.fr}\n\n"
        f"La personne s'engage à suivre l'accompagnement proposé{steps}. Durée : {duration}.\n\n"
        f"Signé le {signed_on:%d/%m/%Y} par : {signatories}."
    )


@transaction.atomic
def sign_contract(file: CaseFile, by: User, signed_on: dt.date, signatories: str) -> CaseFile:
    """Signing commits the whole payment schedule against the scheme's envelope. If it does not
    fit, the signing is refused (nothing is written) or, when the scheme says so, the file waits
    on the waiting list until money is released."""
    from solidarite.payments import envelopes

    locked = _locked(file, FileStatus.ELIGIBLE)
    locked = _move(
        locked,
        FileStatus.CONTRACT_SIGNED,
        by,
        contract_signed_on=signed_on,
        contract_signatories=signatories,
        contract_text=contract_text(locked, signed_on, signatories),
    )
    try:
        return _start(locked, by, signed_on)
    except envelopes.EnvelopeExhausted as exc:
        if not exc.waiting_list:
            raise TransitionError(f"Signature refusée. {exc}") from exc
        return _move(locked, FileStatus.WAITING_LIST, by, str(exc))
    except envelopes.NoEnvelope as exc:
        raise TransitionError(f"Signature refusée. {exc}") from exc


def _start(file: CaseFile, by: User, start: dt.date) -> CaseFile:
    from solidarite.payments import schedules

    spec = get_catalog().schemes[file.scheme_id].spec
    months = spec.max_duration_months
    ends_on = add_months(start, months) if months else None
    if schedules.pays_monthly(file.scheme_id):
        schedules.create_schedule(file, by, start)
    return _move(file, FileStatus.ACTIVE, by, started_on=start, ends_on=ends_on)


@transaction.atomic
def start_from_waiting_list(file: CaseFile, by: User, start: dt.date) -> CaseFile:
    """When money has been released, a waiting file starts (its schedule from `start`)."""
    from solidarite.payments import envelopes

    locked = _locked(file, FileStatus.WAITING_LIST)
    try:
        return _start(locked, by, start)
    except (envelopes.EnvelopeExhausted, envelopes.NoEnvelope) as exc:
        raise TransitionError(f"Toujours en attente. {exc}") from exc


@transaction.atomic
def suspend(file: CaseFile, by: User, why: str) -> CaseFile:
    from solidarite.payments import schedules

    locked = _move(_locked(file, FileStatus.ACTIVE), FileStatus.SUSPENDED, by, why)
    schedules.hold(locked, by, dt.date.today())
    return locked


@transaction.atomic
def resume(file: CaseFile, by: User, why: str = "") -> CaseFile:
    from solidarite.payments import schedules

    locked = _move(_locked(file, FileStatus.SUSPENDED), FileStatus.ACTIVE, by, why)
    schedules.resume(locked, by, dt.date.today())
    return locked


@transaction.atomic
def close(
    file: CaseFile,
    by: User | None,
    reason: ExitReason,
    why: str = "",
    on: dt.date | None = None,
) -> CaseFile:
    from solidarite.payments import schedules

    locked = _locked(file, FileStatus.ACTIVE, FileStatus.SUSPENDED, FileStatus.WAITING_LIST)
    closed_on = on or dt.date.today()
    locked = _move(locked, FileStatus.CLOSED, by, why, exit_reason=reason, closed_on=closed_on)
    schedules.cancel_after(locked, by, closed_on)
    return locked


@transaction.atomic
def assign_referent(file: CaseFile, by: User, referent: User) -> CaseFile:
    """The referent must be a referent or case worker of the organisation running the file."""
    from solidarite.accounts.models import Membership
    from solidarite.accounts.roles import Role

    if not Membership.objects.filter(
        user=referent,
        organisation=file.organisation_id,
        role__in=[Role.REFERENT, Role.CASE_WORKER],
    ).exists():
        raise TransitionError("Cette personne n'est pas référente dans l'organisation du dossier.")
    locked = CaseFile.objects.select_for_update().get(pk=file.pk)
    if locked.status == FileStatus.CLOSED:
        raise TransitionError("Un dossier clos ne change plus de référent·e.")
    locked.referent = referent
    locked.save(update_fields=["referent"])
    return locked


def close_expired(today: dt.date) -> list[CaseFile]:
    """The daily command: files that reached the scheme's maximum duration are closed."""
    expired = CaseFile.objects.filter(
        status__in=[FileStatus.ACTIVE, FileStatus.SUSPENDED], ends_on__lte=today
    )
    return [
        close(file, None, ExitReason.MAX_DURATION, "Durée maximale atteinte", on=file.ends_on)
        for file in expired
    ]
