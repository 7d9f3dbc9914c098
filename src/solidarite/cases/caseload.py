"""The referent's caseload and dashboard: querysets with a fixed number of SQL queries whatever
the page size (related rows are joined or annotated, never fetched per row)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from solidarite.accounts import permissions
from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import Role
from solidarite.cases.models import (
    Action,
    Appointment,
    AppointmentStatus,
    CaseFile,
    FileStatus,
    Referral,
    ReferralStatus,
    Workshop,
)
from solidarite.cases.models.support import OPEN_ACTION_STATUSES

ENDING_SOON_DAYS = 30


def visible_files(user: User) -> QuerySet[CaseFile]:
    """Files run by an organisation where the user is referent or case worker (their team). A
    referent who left the organisation sees none of its files, even those still naming them."""
    files = with_current_referent(CaseFile.objects.select_related("person", "referent"))
    if user.is_superuser:
        return files
    teams = permissions.organisations_with_role(user, Role.REFERENT, Role.CASE_WORKER)
    return files.filter(organisation__in=teams)


def with_current_referent(files: QuerySet[CaseFile]) -> QuerySet[CaseFile]:
    """Annotate whether the named referent still belongs to the file's organisation (one
    subquery): a referent who left is shown as "no referent"."""
    from solidarite.accounts.models import Membership

    member = Membership.objects.filter(
        user=OuterRef("referent"),
        organisation=OuterRef("organisation"),
        role__in=[Role.REFERENT, Role.CASE_WORKER],
    )
    return files.annotate(referent_is_member=Exists(member))


def overdue_actions(today: dt.date) -> QuerySet[Action]:
    return Action.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)


def with_overdue(files: QuerySet[CaseFile], today: dt.date) -> QuerySet[CaseFile]:
    """Annotate each file with whether one of its actions is overdue (one subquery, no N+1)."""
    late = overdue_actions(today).filter(
        objective__file=OuterRef("pk"),
        objective__file__status__in=[FileStatus.ACTIVE, FileStatus.SUSPENDED],
    )
    return files.annotate(has_overdue=Exists(late))


@dataclass(frozen=True)
class CaseloadFilters:
    scheme_id: str = ""
    status: str = ""
    area: str = ""
    overdue: bool = False
    mine: bool = False


def caseload(user: User, filters: CaseloadFilters, today: dt.date) -> QuerySet[CaseFile]:
    files = with_overdue(visible_files(user), today)
    if filters.scheme_id:
        files = files.filter(scheme_id=filters.scheme_id)
    if filters.status:
        files = files.filter(status=filters.status)
    if filters.area:
        files = files.filter(person__area=filters.area)
    if filters.overdue:
        files = files.filter(has_overdue=True)  # type: ignore[misc]
    if filters.mine:
        files = files.filter(referent=user)
    return files.order_by("person__last_name", "person__first_name", "pk")


@dataclass(frozen=True)
class Dashboard:
    overdue_actions: list[Action]
    missed_appointments: list[Appointment]
    to_record: list[Appointment]
    upcoming: list[Appointment]
    ending_soon: list[CaseFile]
    workshops: list[Workshop]

    def people_shown(self) -> list[Any]:
        """The persons the dashboard names, for the access log."""
        files = [a.objective.file for a in self.overdue_actions]
        files += [a.file for a in (*self.missed_appointments, *self.to_record, *self.upcoming)]
        files += self.ending_soon
        return [f.person for f in files]


def dashboard(user: User, now: dt.datetime) -> Dashboard:
    """What needs the referent today, on their own files."""
    today = now.date()
    mine = CaseFile.objects.filter(referent=user)
    open_files = mine.filter(status__in=[FileStatus.ACTIVE, FileStatus.SUSPENDED])
    appointments = Appointment.objects.filter(referent=user).select_related("file__person")
    return Dashboard(
        overdue_actions=list(
            overdue_actions(today)
            .filter(objective__file__in=open_files)
            .select_related("objective__file__person")
        ),
        missed_appointments=list(
            appointments.filter(
                status=AppointmentStatus.MISSED,
                starts_at__gte=now - dt.timedelta(days=60),
                file__in=open_files,
            )
        ),
        to_record=list(appointments.filter(status=AppointmentStatus.PLANNED, starts_at__lt=now)),
        upcoming=list(
            appointments.filter(status=AppointmentStatus.PLANNED, starts_at__gte=now)[:20]
        ),
        ending_soon=list(
            open_files.filter(ends_on__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
            .select_related("person")
            .order_by("ends_on")
        ),
        workshops=list(
            Workshop.objects.filter(
                organisation__in=permissions.organisations_with_role(
                    user, Role.REFERENT, Role.CASE_WORKER
                ),
                starts_at__gte=now - dt.timedelta(days=7),
            )[:10]
        ),
    )


def referral_queue(user: User) -> tuple[QuerySet[Referral], frozenset[str]]:
    """Referrals the user sent (partner) or decides (provider's case worker), and the schemes the
    user decides, so that rows need no permission query each."""
    from solidarite.schemes.services import get_catalog

    partner_orgs = permissions.organisations_with_role(
        user, Role.REFERRING_PARTNER, Role.CASE_WORKER
    )
    providers = set(
        Organisation.objects.filter(
            pk__in=permissions.organisations_with_role(user, Role.CASE_WORKER)
        ).values_list("code", flat=True)
    )
    decided = frozenset(
        s.id
        for s in get_catalog().schemes.values()
        if user.is_superuser or s.spec.provider in providers
    )
    referrals = Referral.objects.select_related("organisation")
    if not user.is_superuser:
        referrals = referrals.filter(Q(organisation__in=partner_orgs) | Q(scheme_id__in=decided))
    return referrals, decided


def waiting(referrals: QuerySet[Referral], decided: frozenset[str]) -> QuerySet[Referral]:
    return referrals.filter(status=ReferralStatus.SUBMITTED, scheme_id__in=decided)
