"""The organisation that provides a scheme, found by the code the catalog names it by.

Permissions, envelopes and files ask here, never by an organisation's display name: renaming
the CCAS changes nothing to who may decide its files.
"""

from typing import Any

from django.core import checks
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from solidarite.accounts.models import Organisation
from solidarite.schemes.services import get_catalog


class UnknownProvider(Exception):
    """The scheme's provider is not an organisation of this installation."""


def provider_code(scheme_id: str) -> str | None:
    scheme = get_catalog().schemes.get(scheme_id)
    return scheme.spec.provider if scheme else None


def provider_of(scheme_id: str) -> Organisation:
    """The provider's organisation record, or UnknownProvider with a message to act on."""
    code = provider_code(scheme_id)
    organisation = Organisation.objects.filter(code=code).first() if code else None
    if organisation is None:
        raise UnknownProvider(
            _(
                "L'organisation qui porte ce dispositif (code « %(code)s ») n'existe pas dans "
                "cette installation : l'exploitant doit lancer « solidarite organisations sync »."
            )
            % {"code": code or scheme_id}
        )
    return organisation


def schemes_provided_by(organisation_ids: Any) -> list[str]:
    """The catalog's schemes whose provider is one of `organisation_ids` (a list or subquery)."""
    codes = set(Organisation.objects.filter(pk__in=organisation_ids).values_list("code", flat=True))
    return [s.id for s in get_catalog().schemes.values() if s.spec.provider in codes]


@transaction.atomic
def sync_from_catalog() -> list[Organisation]:
    """Create the catalog's providers that the database lacks. Existing organisations keep their
    name (an administrator may have renamed them); their code is their identity."""
    created = []
    for spec in get_catalog().organisations.values():
        organisation, was_created = Organisation.objects.get_or_create(
            code=spec.code,
            defaults={"name": spec.name, "kind": spec.kind, "commune_code": spec.commune_code},
        )
        if was_created:
            created.append(organisation)
    return created


@checks.register(checks.Tags.database)
def check_providers_exist(**kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check --database default`: every provider code of the catalog must match an
    organisation, or accepting a referral for its schemes could not open a file."""
    if not kwargs.get("databases"):
        return []
    codes = {s.spec.provider for s in get_catalog().schemes.values()}
    try:
        known = set(Organisation.objects.filter(code__in=codes).values_list("code", flat=True))
    except DatabaseError:
        return []  # not migrated yet: `migrate` reports that itself
    return [
        checks.Error(
            f'The catalog names provider "{code}", which matches no organisation.',
            hint="Run `solidarite organisations sync` (it creates the catalog's providers).",
            id="solidarite.E001",
        )
        for code in sorted(codes - known)
    ]
