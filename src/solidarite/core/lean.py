"""A second Django handler for the resident simulator's endpoint, with only the middleware it needs.

`POST /api/v1/simulate` is anonymous and stateless: no session, no user, no form, no database
write. Running it through the site's whole middleware (sessions, authentication, messages, the
audit log's signal hooks, login lockout, the acting organisation) cost about a third of each
answer under load and gave it nothing. It keeps what protects it: the security headers, the
body guard (size and JSON type), the language, the frame and content-security policies.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

SIMULATOR_PATH = "/api/v1/simulate"
SIMULATOR_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "solidarite.core.middleware.ApiBodyGuardMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SimulatorHandler(WSGIHandler):
    """Django's WSGI handler built with SIMULATOR_MIDDLEWARE instead of settings.MIDDLEWARE."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE: swapped for the time of building
        # it, once, when the WSGI module loads (before any request, in one thread).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = SIMULATOR_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def dispatch(site: WSGIApp, simulator: WSGIApp) -> WSGIApp:
    """The simulator's endpoint to its own handler, everything else to the site's."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == SIMULATOR_PATH:
            return simulator(environ, start_response)
        return site(environ, start_response)

    return application
