"""The referral state machine: one function per transition, each checking its source state and
writing a transition row, in a transaction."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from solidarite.cases.models import Referral, ReferralStatus, ReferralTransition

ALLOWED: dict[str, set[str]] = {
    ReferralStatus.SUBMITTED: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.REFUSED,
        ReferralStatus.MORE_INFORMATION,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.MORE_INFORMATION: {ReferralStatus.SUBMITTED, ReferralStatus.WITHDRAWN},
    ReferralStatus.ACCEPTED: set(),
    ReferralStatus.REFUSED: set(),
    ReferralStatus.WITHDRAWN: set(),
}
NEEDS_REASON = {ReferralStatus.REFUSED, ReferralStatus.MORE_INFORMATION}


class TransitionError(Exception):
    """A transition that the referral's current status does not allow."""


@transaction.atomic
def move(referral: Referral, to_status: ReferralStatus, by: User, why: str = "") -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if to_status not in ALLOWED[locked.status]:
        raise TransitionError(
            _("Une orientation « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": locked.get_status_display(), "to": to_status.label}
        )
    if to_status in NEEDS_REASON and not why.strip():
        raise TransitionError(_("Indiquez le motif : il est transmis au partenaire."))
    ReferralTransition.objects.create(
        referral=locked, from_status=locked.status, to_status=to_status, by=by, why=why
    )
    locked.status = to_status
    locked.save(update_fields=["status"])
    return locked
