"""Demo organisations of Besançon and Chenôve, and one demo account per role."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from solidarite.accounts.models import Membership, Organisation, code_for
from solidarite.accounts.providers import sync_from_catalog
from solidarite.accounts.roles import OrganisationKind, Role

DEMO_PASSWORD = "demo-solidarite-2026"
# .invalid is reserved (RFC 2606): no real person has an address there.
DEMO_EMAIL_DOMAIN = "@demo.invalid"

ORGANISATIONS: tuple[tuple[str, OrganisationKind, str], ...] = (
    ("CCAS de Besançon", OrganisationKind.CCAS, "25056"),
    ("Ville de Besançon — Direction Emploi Insertion", OrganisationKind.CITY_DEPARTMENT, "25056"),
    ("Mission locale du Grand Besançon", OrganisationKind.MISSION_LOCALE, "25056"),
    ("Maison de quartier de Planoise", OrganisationKind.MAISON_DE_QUARTIER, "25056"),
    ("ADDSEA", OrganisationKind.ASSOCIATION, "25056"),
    ("CCAS de Chenôve", OrganisationKind.CCAS, "21166"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: Role


# Obviously fictitious people: one account per role, so every screen can be tried.
ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "Alice", "Exemple", "CCAS de Besançon", Role.ADMIN),
    DemoAccount("instructeur", "Bruno", "Exemple", "CCAS de Besançon", Role.CASE_WORKER),
    # A second case worker: a contract starting months back (catch-up) is approved by another.
    DemoAccount("instructrice", "Inès", "Exemple", "CCAS de Besançon", Role.CASE_WORKER),
    DemoAccount("referente", "Chloé", "Exemple", "CCAS de Besançon", Role.REFERENT),
    DemoAccount(
        "partenaire", "David", "Exemple", "Mission locale du Grand Besançon", Role.REFERRING_PARTNER
    ),
    DemoAccount("finances", "Emma", "Exemple", "CCAS de Besançon", Role.FINANCE),
    # A second finance officer: a batch is validated by someone other than who prepared it.
    DemoAccount("tresoriere", "Hélène", "Exemple", "CCAS de Besançon", Role.FINANCE),
    DemoAccount(
        "pilote",
        "Farid",
        "Exemple",
        "Ville de Besançon — Direction Emploi Insertion",
        Role.PLAN_PILOT,
    ),
    # Chenôve's finance officer prepares the guaranteed-income scenarios for the council.
    DemoAccount("finances-chenove", "Julien", "Exemple", "CCAS de Chenôve", Role.FINANCE),
    # The elected official reads the indicators of the schemes their organisation provides.
    DemoAccount("lecteur", "Gaëlle", "Exemple", "CCAS de Besançon", Role.VIEWER),
)


def codes() -> set[str]:
    """The codes of the demo's organisations (the catalog's providers among them)."""
    return {code_for(name) for name, _kind, _commune in ORGANISATIONS}


@transaction.atomic
def load() -> list[DemoAccount]:
    sync_from_catalog()
    organisations = {
        name: Organisation.objects.get_or_create(
            code=code_for(name), defaults={"name": name, "kind": kind, "commune_code": commune}
        )[0]
        for name, kind, commune in ORGANISATIONS
    }
    user_model = get_user_model()
    for account in ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}{DEMO_EMAIL_DOMAIN}",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=organisations[account.organisation], role=account.role
        )
    return list(ACCOUNTS)
