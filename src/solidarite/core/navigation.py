"""The navigation bar: one entry per page family, shown when its permission function allows."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from solidarite.accounts import permissions
from solidarite.accounts.permissions import AnyUser


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    allowed: Callable[[AnyUser], bool]


def _everyone(user: AnyUser) -> bool:
    return True


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("Accueil"), "home", _everyone),
    NavEntry(_("Simulateur"), "simulator_start", _everyone),
    NavEntry(_("Plans"), "plans_list", _everyone),
    NavEntry(_("Annuaire"), "territory_directory", _everyone),
    NavEntry(_("Territoire"), "territory_areas", _everyone),
    NavEntry(_("Espace pilote"), "plans_workspace", permissions.can_use_pilot_workspace),
    NavEntry(_("Accompagnement"), "cases_dashboard", permissions.can_view_caseload),
    NavEntry(_("Orientations"), "cases_referrals", permissions.can_refer),
    NavEntry(_("Indicateurs"), "cases_indicators", permissions.can_view_case_indicators),
    NavEntry(_("Finances"), "payments_dashboard", permissions.can_manage_payments),
    NavEntry(_("Aides en nature"), "payments_stock", permissions.can_manage_aid_in_kind),
    NavEntry(_("Chiffrage"), "costing_index", permissions.can_view_costing),
    NavEntry(_("Mon compte"), "my_account", permissions.can_view_own_account),
    NavEntry(_("Organisations"), "organisation_list", permissions.can_manage_organisations),
    NavEntry(_("Journal d'audit"), "audit_access_log", permissions.can_view_audit),
    NavEntry(_("Données personnelles"), "privacy_search", permissions.can_manage_privacy),
)


def entries_for(user: AnyUser) -> list[dict[str, str]]:
    return [
        {"label": str(entry.label), "url": reverse(entry.url_name)}
        for entry in ENTRIES
        if entry.allowed(user)
    ]
