"""Two organisations and their people, the setting of every reproduced attack."""

import datetime as dt
from typing import Any

import pytest

from solidarite.accounts.models import Organisation
from solidarite.accounts.roles import OrganisationKind, Role
from tests.factories import OrganisationFactory, user_with_role

SIGNED = dt.date(2026, 3, 10)


@pytest.fixture
def ccas() -> Organisation:
    """The provider of aide_jeunes_besancon (code ccas-de-besancon)."""
    return OrganisationFactory(name="CCAS de Besançon", kind=OrganisationKind.CCAS)


@pytest.fixture
def chenove() -> Organisation:
    return OrganisationFactory(name="CCAS de Chenôve", kind=OrganisationKind.CCAS)


@pytest.fixture
def people(ccas: Organisation, chenove: Organisation) -> dict[str, Any]:
    return {
        "worker": user_with_role(Role.CASE_WORKER, ccas),
        "second_worker": user_with_role(Role.CASE_WORKER, ccas),
        "referent": user_with_role(Role.REFERENT, ccas),
        "preparer": user_with_role(Role.FINANCE, ccas),
        "treasurer": user_with_role(Role.FINANCE, ccas),
        "admin": user_with_role(Role.ADMIN, ccas),
        "viewer": user_with_role(Role.VIEWER, ccas),
        "chenove_finance": user_with_role(Role.FINANCE, chenove),
        "chenove_admin": user_with_role(Role.ADMIN, chenove),
        "chenove_viewer": user_with_role(Role.VIEWER, chenove),
    }
