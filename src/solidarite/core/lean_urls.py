"""The URLs the simulator's handler resolves (`solidarite.core.lean`): its endpoint only, the
plain view that serves it (`solidarite.api.simulate`)."""

from django.urls import URLPattern, URLResolver, path

from solidarite.api.simulate import simulate_view

urlpatterns: list[URLPattern | URLResolver] = [path("api/v1/simulate", simulate_view)]
