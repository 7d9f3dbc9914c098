"""The URLs the simulator's handler resolves (`solidarite.core.lean`): its endpoint only."""

from django.urls import URLPattern, URLResolver, include, path

from solidarite.api.views import api

SIMULATOR_ROUTE = "simulate"

_patterns, _app, _namespace = api.urls
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "api/v1/",
        include(([p for p in _patterns if str(p.pattern) == SIMULATOR_ROUTE], _app), _namespace),
    )
]
