from django.http import HttpRequest

from solidarite.accounts import acting
from solidarite.core.navigation import entries_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu, and the organisation the signed-in user acts for (shown in the header)."""
    acting_organisation = None
    several = False
    if request.user.is_authenticated:
        acting_organisation = acting.current(request)
        several = acting.has_several(request.user)
    return {
        "nav_entries": entries_for(request.user),
        "acting_organisation": acting_organisation,
        "several_organisations": several,
    }
