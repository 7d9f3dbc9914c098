"""Workflows of referrals, each in one transaction, with notifications by email."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from solidarite.accounts.models import Membership, Organisation
from solidarite.accounts.roles import Role
from solidarite.cases.models import Household, Person, Referral, ReferralStatus, ReferralTransition
from solidarite.schemes.services import get_catalog


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    birth_date: dt.date
    commune_code: str
    phone: str = ""
    email: str = ""
    address: str = ""
    area: str = ""


def possible_duplicates(data: PersonData) -> list[Person]:
    """Same name and birth date: shown to the user, never merged silently."""
    return list(
        Person.objects.filter(
            first_name__iexact=data.first_name.strip(),
            last_name__iexact=data.last_name.strip(),
            birth_date=data.birth_date,
        )
    )


@transaction.atomic
def submit_referral(
    by: User,
    organisation: Organisation,
    person: PersonData | Person,
    scheme_id: str,
    reason: str,
    consent_date: dt.date,
    notify: bool = True,
) -> Referral:
    if not isinstance(person, Person):
        person = Person.objects.create(**person.__dict__, household=Household.objects.create())
    referral = Referral.objects.create(
        person=person,
        scheme_id=scheme_id,
        organisation=organisation,
        referred_by=by,
        reason=reason,
        consent_date=consent_date,
        consent_recorded_by=by,
    )
    ReferralTransition.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.SUBMITTED, by=by
    )
    if notify:
        transaction.on_commit(lambda: _notify_case_workers(referral))
    return referral


def _notify_case_workers(referral: Referral) -> None:
    """No personal data in the email: the case worker opens the queue to read the referral."""
    provider = get_catalog().schemes[referral.scheme_id].spec.provider
    recipients = list(
        Membership.objects.filter(organisation__code=provider, role=Role.CASE_WORKER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if recipients:
        send_mail(
            _("Solidarité : nouvelle orientation"),
            _("Une nouvelle orientation attend votre décision dans la file des orientations."),
            None,
            recipients,
        )


def notify_referrer(referral: Referral, link: str) -> None:
    """Tell the partner its referral moved, with a link to it: the email names no one (an email
    travels and is kept where we do not control it)."""
    if referral.referred_by.email:
        send_mail(
            _("Solidarité : votre orientation a changé de statut"),
            _(
                "Le statut d'une de vos orientations est maintenant : %(status)s.\n\n"
                "La consulter (connexion nécessaire) : %(link)s"
            )
            % {"status": referral.get_status_display(), "link": link},
            None,
            [referral.referred_by.email],
        )


def notify_deciders(referral: Referral, link: str) -> None:
    """Tell the case workers of the scheme's provider that a referral awaits them again."""
    from solidarite.accounts.models import Membership
    from solidarite.accounts.providers import provider_code
    from solidarite.accounts.roles import Role

    code = provider_code(referral.scheme_id)
    emails = sorted(
        set(
            Membership.objects.filter(role=Role.CASE_WORKER, organisation__code=code)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if emails:
        send_mail(
            _("Solidarité : une orientation attend votre décision"),
            _("Le partenaire a complété une orientation.\n\nLa consulter : %(link)s")
            % {"link": link},
            None,
            emails,
        )
