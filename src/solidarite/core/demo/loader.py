"""Load every part of the demo data, in dependency order, and say what the operator can use.

The demo only ever writes to a database it created itself: never with production settings (DEBUG
off), never into a database that holds data it did not create (real people, real organisations).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from solidarite.accounts.models import Organisation
from solidarite.cases.models import Person
from solidarite.core.demo import accounts, caseload, costing, payments, plans
from solidarite.core.models import DemoInstallation
from solidarite.schemes.services import get_catalog
from solidarite.territory.exchange import import_places
from solidarite.territory.files import TERRITORY_DIR
from solidarite.territory.loading import load_territory


class DemoRefused(Exception):
    """The demo would touch a database that is not its own."""


def check_demo_allowed() -> None:
    """Raise DemoRefused unless this database is empty or the demo's own, with DEBUG on."""
    if not settings.DEBUG:
        raise DemoRefused(
            _(
                "Données de démonstration refusées : les réglages de production sont actifs "
                "(DEBUG désactivé). La démonstration ne se charge qu'en local (make run)."
            )
        )
    users = get_user_model().objects
    if DemoInstallation.objects.exists():
        demo_names = {a.username for a in accounts.ACCOUNTS}
        strangers = users.exclude(username__in=demo_names).filter(is_superuser=False).count()
        foreign = Organisation.objects.exclude(
            code__in=accounts.codes() | plans.pilot_codes() | set(get_catalog().organisations)
        )
        if strangers or foreign.exists():
            raise DemoRefused(
                _(
                    "Données de démonstration refusées : cette base contient des comptes ou des "
                    "organisations que la démonstration n'a pas créés (%(n)d compte(s), "
                    "%(m)d organisation(s)). Les comptes de démonstration n'entrent jamais dans "
                    "une organisation réelle."
                )
                % {"n": strangers, "m": foreign.count()}
            )
        return
    if _earlier_demo():
        return
    if users.exists() or Organisation.objects.exists() or Person.objects.exists():
        raise DemoRefused(
            _(
                "Données de démonstration refusées : cette base contient déjà des données qui ne "
                "viennent pas de la démonstration. Utilisez une base vide (par exemple "
                "DATABASE_URL vers un nouveau fichier SQLite)."
            )
        )


def _earlier_demo() -> bool:
    """A demo database made before the marker existed: every account is a demo account (their
    addresses end in @demo.invalid, which no real address does) and every organisation is one
    the demo creates."""
    users = get_user_model().objects
    known = accounts.codes() | plans.pilot_codes() | set(get_catalog().organisations)
    return (
        users.exists()
        and not users.exclude(email__endswith=accounts.DEMO_EMAIL_DOMAIN).exists()
        and not Organisation.objects.exclude(code__in=known).exists()
    )


@transaction.atomic
def load_demo() -> str:
    """Load the demo data and return the text to print: the demo accounts and their roles."""
    check_demo_allowed()
    DemoInstallation.objects.get_or_create(pk=1)
    loaded = accounts.load()
    loaded_plans = plans.load()
    lines = ["Comptes de démonstration (mot de passe : " + accounts.DEMO_PASSWORD + ") :"]
    lines += [f"  {a.username:<12} {a.role.label} — {a.organisation}" for a in loaded]
    lines.append(f"Plans : {', '.join(p.slug for p in loaded_plans)}")
    territory = load_territory()
    places, services = import_places(TERRITORY_DIR / "places.json")
    lines.append(
        f"Territoire : {territory.areas} zones, {territory.figures} chiffres ; "
        f"annuaire : {places} lieux, {services} services"
    )
    people = caseload.load()
    lines.append(f"Accompagnement : {people} jeunes fictifs orientés vers l'aide aux jeunes")
    payments.load()
    lines.append("Finances : lots des mois passés validés, stock d'aides en nature")
    scenarios = costing.load()
    lines.append(f"Chiffrage : {scenarios} scénarios calculés (RMG de Chenôve, aide jeunes)")
    return "\n".join(str(line) for line in lines)
