"""One permission function per action, used by views, templates and the API alike.

Each function takes the acting user first and answers a plain bool. Superusers (the operator who
installs the platform) hold every permission; everyone else gets what their memberships grant.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from solidarite.accounts import acting
from solidarite.accounts.roles import Role

AnyUser = User | AnonymousUser
_ROLES_CACHE = "_solidarite_roles"


def _memberships(user: User) -> Any:
    """The user's memberships within the organisation they act for (all of them outside a
    request, where services are called with explicit organisations)."""
    memberships = user.memberships.all()
    acting_id = acting.organisation_id(user)
    if acting_id is not None:
        memberships = memberships.filter(organisation=acting_id)
    return memberships


def user_roles(user: AnyUser) -> frozenset[str]:
    """The roles a user holds in the organisation they act for, read once per request-bound
    user object."""
    if not isinstance(user, User) or not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = frozenset(_memberships(user).values_list("role", flat=True))
        setattr(user, _ROLES_CACHE, cached)
    return cached


def _is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def _has_any_role(user: AnyUser, *roles: Role) -> bool:
    return _is_superuser(user) or bool(user_roles(user) & {role.value for role in roles})


def organisations_with_role(user: User, *roles: Role) -> Any:
    """The organisations (as a subquery) where the user holds one of `roles`, within the
    organisation they act for."""
    return _memberships(user).filter(role__in=[r.value for r in roles]).values("organisation")


def can_view_audit(user: AnyUser) -> bool:
    """The access log and change history hold traces of personal files: admins only."""
    return _has_any_role(user, Role.ADMIN)


def can_manage_organisations(user: AnyUser) -> bool:
    """Seeing every organisation and its members is an administration task."""
    return _has_any_role(user, Role.ADMIN)


def can_view_member(user: AnyUser, member: User) -> bool:
    """A member's profile: the member themself, or an admin of one of the member's organisations."""
    if not isinstance(user, User):
        return False
    if user.pk == member.pk or user.is_superuser:
        return True
    from solidarite.accounts.models import Membership

    admin_orgs = organisations_with_role(user, Role.ADMIN)
    return Membership.objects.filter(user=member, organisation__in=admin_orgs).exists()


def can_view_own_account(user: AnyUser) -> bool:
    """Every signed-in user sees their own account and memberships."""
    return bool(user.is_authenticated)


def can_use_pilot_workspace(user: AnyUser) -> bool:
    """Plan pilots (and the operator) have a workspace listing the measures they pilot."""
    return _has_any_role(user, Role.PLAN_PILOT)


def can_update_measure(user: AnyUser, measure: Any) -> bool:
    """A measure is updated by its pilots: a named pilot user, or a plan pilot of a piloting
    organisation."""
    if not isinstance(user, User):
        return False
    if user.is_superuser or measure.pilot_users.filter(pk=user.pk).exists():
        return True
    pilot_orgs = organisations_with_role(user, Role.PLAN_PILOT)
    return bool(measure.pilot_organisations.filter(pk__in=pilot_orgs).exists())


def can_record_meeting(user: AnyUser, plan: Any) -> bool:
    """Meetings of a plan's bodies are recorded by the pilots of that plan's measures."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    pilot_orgs = organisations_with_role(user, Role.PLAN_PILOT)
    return bool(
        plan.axes.filter(measures__pilot_organisations__in=pilot_orgs).exists()
        or plan.axes.filter(measures__pilot_users=user).exists()
    )


def can_refer(user: AnyUser) -> bool:
    """Referring partners (and case workers) refer people to a scheme."""
    return _has_any_role(user, Role.REFERRING_PARTNER, Role.CASE_WORKER)


def can_view_referral(user: AnyUser, referral: Any) -> bool:
    """The referring organisation's partners see their own referrals' status; the case workers
    of the scheme's provider see the referral to decide it."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    partner_orgs = organisations_with_role(user, Role.REFERRING_PARTNER, Role.CASE_WORKER)
    if partner_orgs.filter(organisation=referral.organisation_id).exists():
        return True
    return can_decide_referral(user, referral)


def can_decide_referral(user: AnyUser, referral: Any) -> bool:
    """Case workers of the organisation that provides the scheme decide its referrals."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    from solidarite.accounts.providers import provider_code

    code = provider_code(referral.scheme_id)
    if code is None:
        return False
    return bool(
        organisations_with_role(user, Role.CASE_WORKER).filter(organisation__code=code).exists()
    )


def is_referring_organisation(user: AnyUser, referral: Any) -> bool:
    """The user refers for the organisation that sent this referral: it sees the name and
    birth year of the person it referred itself, answers, withdraws and writes notes."""
    if not isinstance(user, User):
        return False
    return bool(
        organisations_with_role(user, Role.REFERRING_PARTNER, Role.CASE_WORKER)
        .filter(organisation=referral.organisation_id)
        .exists()
    )


def can_write_referral_note(user: AnyUser, referral: Any) -> bool:
    return is_referring_organisation(user, referral) or can_decide_referral(user, referral)


def can_view_person_details(user: AnyUser, referral: Any) -> bool:
    """A partner sees the status of its referrals, never more than what it sent; the deciding
    case worker sees the person."""
    return can_decide_referral(user, referral)


def can_view_file(user: AnyUser, file: Any) -> bool:
    """A file is seen by the case workers and referents of the organisation that runs it (its
    referent among them, while a member); a referring partner never sees it."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    # Being named referent grants nothing by itself: access ends with the membership.
    return bool(
        organisations_with_role(user, Role.CASE_WORKER, Role.REFERENT)
        .filter(organisation=file.organisation_id)
        .exists()
    )


def can_decide_file(user: AnyUser, file: Any) -> bool:
    """Eligibility, contract and exit are decided by the organisation's case workers."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return bool(
        organisations_with_role(user, Role.CASE_WORKER)
        .filter(organisation=file.organisation_id)
        .exists()
    )


def can_follow_file(user: AnyUser, file: Any) -> bool:
    """Diagnostic, action plan, appointments and workshop registrations: the file's referent and
    the referents and case workers of its organisation (a partner never sees them)."""
    return can_view_file(user, file)


def can_assign_referent(user: AnyUser, file: Any) -> bool:
    """Choosing who follows a file is the organisation's case workers' decision."""
    return can_decide_file(user, file)


def can_view_caseload(user: AnyUser) -> bool:
    """Referents and case workers have a dashboard and a caseload."""
    return _has_any_role(user, Role.REFERENT, Role.CASE_WORKER)


def can_manage_workshops(user: AnyUser) -> bool:
    """Referents and case workers create workshops for their organisation and take attendance."""
    return _has_any_role(user, Role.REFERENT, Role.CASE_WORKER)


def can_run_workshop(user: AnyUser, workshop: Any) -> bool:
    """A workshop's registrations name people: only its organisation's referents and case
    workers see them."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    return bool(
        organisations_with_role(user, Role.CASE_WORKER, Role.REFERENT)
        .filter(organisation=workshop.organisation_id)
        .exists()
    )


def can_view_case_indicators(user: AnyUser) -> bool:
    """Aggregated evaluation indicators, no names: viewers (elected officials), case workers,
    referents and admins."""
    return _has_any_role(user, Role.VIEWER, Role.CASE_WORKER, Role.REFERENT, Role.ADMIN)


def can_manage_payments(user: AnyUser) -> bool:
    """Envelopes, schedules and batches are the finance officers' work."""
    return _has_any_role(user, Role.FINANCE)


def can_build_costing(user: AnyUser) -> bool:
    """Scenarios are built and run by finance officers and plan pilots."""
    return _has_any_role(user, Role.FINANCE, Role.PLAN_PILOT)


def can_view_costing(user: AnyUser) -> bool:
    """Elected viewers read the costings of their organisation beside those who build them."""
    return _has_any_role(user, Role.FINANCE, Role.PLAN_PILOT, Role.VIEWER)


def can_validate_batch(user: AnyUser, batch: Any) -> bool:
    """Four eyes: a finance officer other than the one who prepared the batch."""
    return can_manage_payments(user) and getattr(user, "pk", None) != batch.prepared_by_id


def can_enter_bank_details(user: AnyUser, file: Any) -> bool:
    """The case worker collects the RIB at signing and sees the schedule; finance sees names,
    masked IBANs and amounts in the batches, never the file."""
    return can_decide_file(user, file)


def can_manage_aid_in_kind(user: AnyUser) -> bool:
    """Stock, distributions and loans: the CCAS's case workers and finance officers."""
    return _has_any_role(user, Role.CASE_WORKER, Role.FINANCE)


def can_manage_personal_data(user: AnyUser, person: Any) -> bool:
    """A person's export and erasure are decided by an administrator of an organisation that
    holds data about them: runs one of their files, or made or decides one of their referrals."""
    if not isinstance(user, User):
        return False
    if user.is_superuser:
        return True
    from solidarite.accounts.providers import provider_code

    admin_orgs = organisations_with_role(user, Role.ADMIN)
    if person.files.filter(organisation__in=admin_orgs).exists():
        return True
    if person.referrals.filter(organisation__in=admin_orgs).exists():
        return True
    from solidarite.accounts.models import Organisation

    codes = set(Organisation.objects.filter(pk__in=admin_orgs).values_list("code", flat=True))
    schemes = set(person.referrals.values_list("scheme_id", flat=True))
    return any(provider_code(scheme) in codes for scheme in schemes)


def can_manage_privacy(user: AnyUser) -> bool:
    """The privacy pages (search a person, export, erase): administrators."""
    return _has_any_role(user, Role.ADMIN)


def can_keep_data(user: AnyUser, file: Any) -> bool:
    """A legal hold on a file's person is recorded by its referent or a case worker."""
    return can_follow_file(user, file)


def can_view_professional_places(user: AnyUser) -> bool:
    """Places for professionals (a commission, a staff-only desk) are shown to any logged-in
    member of an organisation, never to the public."""
    return _is_superuser(user) or bool(user_roles(user))


def _acting_code(user: AnyUser) -> str | None:
    organisation = acting.organisation_id(user)
    if organisation is None or not isinstance(user, User):
        return None
    membership = user.memberships.filter(organisation=organisation).first()
    return membership.organisation.code if membership else None


def can_read_confidential_place(user: AnyUser, place: Any) -> bool:
    """The address of a confidential place (a shelter for victims of violence) is read only by
    the roles the place names, in the organisation that runs it. Not even the operator's
    superuser: nobody who does not place people there needs it."""
    if not place.readers or not user_roles(user) & set(place.readers):
        return False
    return bool(place.operator_code) and _acting_code(user) == place.operator_code


def can_edit_places(user: AnyUser) -> bool:
    """Admins and case workers keep their organisation's places up to date."""
    return _has_any_role(user, Role.ADMIN, Role.CASE_WORKER)


def editor_code(user: AnyUser) -> str | None:
    """The organisation code whose places this user verifies (None: every place, superuser)."""
    if _is_superuser(user):
        return None
    return _acting_code(user)
