"""Each permission function, with an allowed and a refused user."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from solidarite.accounts import permissions
from solidarite.accounts.permissions import AnyUser
from solidarite.accounts.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "check", [permissions.can_view_audit, permissions.can_manage_organisations]
)
def test_admin_only_actions(check: Callable[[AnyUser], bool]) -> None:
    assert check(user_with_role(Role.ADMIN))
    assert check(UserFactory(is_superuser=True))
    for role in Role:
        if role is not Role.ADMIN:
            assert not check(user_with_role(role)), role
    assert not check(AnonymousUser())


def test_can_view_member_allows_self_and_admins_of_the_members_organisation() -> None:
    organisation = OrganisationFactory()
    member = user_with_role(Role.REFERENT, organisation)
    admin_same_org = user_with_role(Role.ADMIN, organisation)
    admin_other_org = user_with_role(Role.ADMIN)
    colleague = user_with_role(Role.CASE_WORKER, organisation)

    assert permissions.can_view_member(member, member)
    assert permissions.can_view_member(admin_same_org, member)
    assert not permissions.can_view_member(admin_other_org, member)
    assert not permissions.can_view_member(colleague, member)
    assert not permissions.can_view_member(AnonymousUser(), member)


def test_can_view_own_account_needs_a_signed_in_user() -> None:
    assert permissions.can_view_own_account(UserFactory())
    assert not permissions.can_view_own_account(AnonymousUser())


def test_roles_are_read_once_per_user_object(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = MembershipFactory(role=Role.FINANCE).user
    with django_assert_num_queries(1):
        assert permissions.user_roles(user) == {"finance"}
        assert permissions.user_roles(user) == {"finance"}
