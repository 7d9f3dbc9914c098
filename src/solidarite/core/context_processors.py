from django.http import HttpRequest

from solidarite.core.navigation import entries_for


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_entries": entries_for(request.user)}
