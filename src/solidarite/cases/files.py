"""The file state machine as data: each transition names its source states, its target, who may
make it and what it logs. `move` is the only code that assigns a file's status; views and
templates ask `available` which steps to offer instead of re-deriving them.

The steps with money effects (signing, suspension, resumption, exit) are driven from
`solidarite.contracts.workflow`, which sits above this app and the payments app.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from solidarite.accounts import permissions
from solidarite.accounts.providers import provider_of
from solidarite.cases.models import CaseFile, FileStatus, FileTransition, Referral
from solidarite.cases.transitions import TransitionError
from solidarite.rules.results import SchemeResult

Who = Callable[[User | AnonymousUser, CaseFile], bool]


@dataclass(frozen=True)
class FileStep:
    """One allowed transition of a file."""

    name: str
    sources: frozenset[FileStatus]
    target: FileStatus
    label: str | Promise
    who: Who
    # The daily job (no user) may make this step; every other step needs a person.
    by_system: bool = False
    needs_reason: bool = False


_DECIDE: Who = permissions.can_decide_file
STEPS: dict[str, FileStep] = {
    step.name: step
    for step in (
        FileStep(
            "eligible",
            frozenset({FileStatus.UNDER_REVIEW}),
            FileStatus.ELIGIBLE,
            _lazy("Déclarer éligible"),
            _DECIDE,
        ),
        FileStep(
            "ineligible",
            frozenset({FileStatus.UNDER_REVIEW}),
            FileStatus.INELIGIBLE,
            _lazy("Déclarer non éligible"),
            _DECIDE,
        ),
        FileStep(
            "sign",
            frozenset({FileStatus.ELIGIBLE}),
            FileStatus.CONTRACT_SIGNED,
            _lazy("Faire signer le contrat"),
            _DECIDE,
        ),
        FileStep(
            "wait",
            frozenset({FileStatus.CONTRACT_SIGNED}),
            FileStatus.WAITING_LIST,
            _lazy("Mettre en liste d'attente"),
            _DECIDE,
        ),
        FileStep(
            "start",
            frozenset({FileStatus.CONTRACT_SIGNED, FileStatus.WAITING_LIST}),
            FileStatus.ACTIVE,
            _lazy("Démarrer"),
            _DECIDE,
        ),
        FileStep(
            "suspend",
            frozenset({FileStatus.ACTIVE}),
            FileStatus.SUSPENDED,
            _lazy("Suspendre"),
            _DECIDE,
            needs_reason=True,
        ),
        FileStep(
            "resume",
            frozenset({FileStatus.SUSPENDED}),
            FileStatus.ACTIVE,
            _lazy("Reprendre"),
            _DECIDE,
        ),
        FileStep(
            "close",
            frozenset({FileStatus.ACTIVE, FileStatus.SUSPENDED, FileStatus.WAITING_LIST}),
            FileStatus.CLOSED,
            _lazy("Clore (sortie du dispositif)"),
            permissions.can_follow_file,  # the referent records the exit too
            by_system=True,
        ),
    )
}


def available(user: User | AnonymousUser, file: CaseFile) -> dict[str, FileStep]:
    """The steps this user may make on this file now, by name (for templates)."""
    return {
        name: step
        for name, step in STEPS.items()
        if file.status in step.sources and step.who(user, file)
    }


def lock(file: CaseFile) -> CaseFile:
    """The file re-read under a row lock: every decision is checked on the locked row."""
    return CaseFile.objects.select_for_update().get(pk=file.pk)


def move(file: CaseFile, name: str, by: User | None, why: str = "", **fields: Any) -> CaseFile:
    """Make step `name` on the locked file: check the source state and who makes it, write the
    transition row, then the new status and `fields`. Must run inside a transaction."""
    step = STEPS[name]
    if file.status not in step.sources:
        raise TransitionError(
            _("Un dossier « %(status)s » ne peut pas faire cette étape (%(step)s).")
            % {"status": file.get_status_display(), "step": step.label}
        )
    if by is None and not step.by_system:
        raise TransitionError(_("Cette étape est faite par une personne, jamais automatiquement."))
    if by is not None and not step.who(by, file):
        raise TransitionError(_("Vous n'avez pas le droit de faire cette étape sur ce dossier."))
    if step.needs_reason and not why.strip():
        raise TransitionError(_("Indiquez le motif."))
    FileTransition.objects.create(
        file=file, from_status=file.status, to_status=step.target, by=by, why=why
    )
    file.status = step.target
    for field, value in fields.items():
        setattr(file, field, value)
    file.save()
    return file


@transaction.atomic
def open_file(referral: Referral, by: User) -> CaseFile:
    """An accepted referral opens the person's file for the scheme, under review, in the
    organisation that provides the scheme (found by its code)."""
    provider = provider_of(referral.scheme_id)
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
    locked = lock(file)
    if engine.eligible is not eligible and not justification.strip():
        raise TransitionError(
            _(
                "La décision diffère du résultat du moteur (ou celui-ci est incomplet) : "
                "une justification écrite est obligatoire."
            )
        )
    return move(
        locked,
        "eligible" if eligible else "ineligible",
        by,
        justification,
        decision_snapshot=engine.to_dict(),
        decision_inputs=json.loads(json.dumps(inputs, default=float)) if inputs else None,
        scheme_version=engine.version,
        override_justification=justification if engine.eligible is not eligible else "",
    )


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
        raise TransitionError(
            _("Cette personne n'est pas référente dans l'organisation du dossier.")
        )
    locked = lock(file)
    if locked.status == FileStatus.CLOSED:
        raise TransitionError(_("Un dossier clos ne change plus de référent·e."))
    locked.referent = referent
    locked.save(update_fields=["referent"])
    return locked
