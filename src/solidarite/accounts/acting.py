"""The organisation a user acts for.

A user may belong to several organisations (a referent of the CCAS who also sits on a partner
association). Each request acts for exactly one of them: chosen once in the session, shown in the
header, and every permission is computed within it. Nothing uses "the first membership".
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from solidarite.accounts.models import Organisation

SESSION_KEY = "solidarite_acting_organisation"
_ATTRIBUTE = "_solidarite_acting_organisation"
_SEVERAL = "_solidarite_several_organisations"
# Pages a user with several organisations reaches before choosing one.
_BEFORE_CHOOSING = ("choose_organisation", "logout", "set_language", "healthz")


def organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation bound to this user object for the current request, if any."""
    value: int | None = getattr(user, _ATTRIBUTE, None)
    return value


def has_several(user: User | AnonymousUser) -> bool:
    """Whether the user belongs to several organisations (known once the request is bound)."""
    return bool(getattr(user, _SEVERAL, False))


def bind(user: User, organisation_pk: int | None) -> None:
    """Scope this user object (and so every permission check on it) to one organisation."""
    setattr(user, _ATTRIBUTE, organisation_pk)
    if hasattr(user, "_solidarite_roles"):
        delattr(user, "_solidarite_roles")


def organisations_of(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user).distinct().order_by("name"))


def current(request: HttpRequest) -> Organisation | None:
    """The organisation the request acts for (for the header)."""
    pk = organisation_id(request.user)
    return Organisation.objects.filter(pk=pk).first() if pk is not None else None


class ActingOrganisationMiddleware:
    """Bind the request's user to the organisation chosen in the session (or their only one);
    a user with several organisations and no choice yet is sent to choose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            ids = set(user.memberships.values_list("organisation_id", flat=True))
            setattr(user, _SEVERAL, len(ids) > 1)
            chosen = request.session.get(SESSION_KEY)
            if chosen in ids:
                bind(user, chosen)
            elif len(ids) == 1:
                bind(user, next(iter(ids)))
            elif len(ids) > 1:
                bind(user, -1)  # acts for nobody until they choose
                if not self._may_pass(request):
                    return redirect("choose_organisation")
        return self.get_response(request)

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        from django.urls import Resolver404, resolve

        if request.path.startswith(("/static/", "/api/")):
            return True
        try:
            return resolve(request.path_info).url_name in _BEFORE_CHOOSING
        except Resolver404:
            return True
