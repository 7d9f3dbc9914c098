"""A second Django handler for the resident simulator's endpoint, with only the middleware it needs.

`POST /api/v1/simulate` is anonymous and stateless: no session, no user, no form, no database read
or write. Running it through the site's whole middleware (sessions, authentication, messages, the
audit log's signal hooks, login lockout, the acting organisation) cost about a third of each answer
under load and gave it nothing. It keeps what protects it: the security headers, the body guard
(size and JSON type), the frame and content-security policies. It has no language to choose: the
answer gives every label in French and English (`{"fr": ..., "en": ...}`) and its error messages are
the API's, so Django's `LocaleMiddleware` (5 % of an answer's time in a worker) only added headers
that said otherwise. Its answer is JSON, never a document: its policies are the strictest and the
same for every answer (`ApiPolicyMiddleware`), written once rather than built per response. Its URLs
are the simulator's only (`solidarite.core.lean_urls`): resolving one path does not walk the site's.
It sends no request signal: their receivers only tidy database and cache connections it never opens
(`SimulatorHandler.serve`)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import ResolverMatch, get_resolver, set_script_prefix, set_urlconf

SIMULATOR_PATH = "/api/v1/simulate"
SIMULATOR_URLCONF = "solidarite.core.lean_urls"
SIMULATOR_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Around the guard, so that its refusals (413, 415) get the policies and a length too.
    "solidarite.core.lean.ApiPolicyMiddleware",
    "solidarite.core.middleware.ApiBodyGuardMiddleware",
]
# A JSON answer loads nothing and is framed by no one.
API_POLICY = (
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ApiPolicyMiddleware:
    """The frame and content-security policies of a JSON answer (`API_POLICY`), and its length.

    The site's `CommonMiddleware` gives every whole answer its `Content-Length`; without it,
    gunicorn sent the simulator's answers in chunks, and the empty chunk that ends them was one
    more write to the socket per answer (and one more wake-up of the client)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in API_POLICY:
            response.headers.setdefault(header, value)
        if not response.streaming and "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))
        return response


class SimulatorHandler(WSGIHandler):
    """Django's WSGI handler built with SIMULATOR_MIDDLEWARE instead of settings.MIDDLEWARE,
    resolving SIMULATOR_URLCONF instead of the site's URLs."""

    _match: ResolverMatch | None = None

    def serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The handler as a WSGI application: Django's `WSGIHandler.__call__` without its
        request signals (`request_started`, `request_finished`). Their receivers close the
        database connections that are too old or broken and reset the cache connections, and
        an answer of the simulator opens neither: it reads the catalog, never the database
        (`tests/api/test_simulator_handler` holds every kind of answer to no query). Sending
        them cost 9-12 % of a request in-process. The site's next request in the same thread
        still closes what is obsolete before it starts."""
        set_script_prefix(get_script_name(environ))
        request = self.request_class(environ)
        response = self.get_response(request)
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [
                *response.items(),
                *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
            ],
        )
        if not isinstance(response, HttpResponse):  # streamed (none of the simulator's answers)
            return response  # closed by the server, as Django's are
        # What closing the response would free: the request's uploaded files (a JSON body has
        # none). The bytes are sent as they are.
        request.close()
        return [response.content]

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = SIMULATOR_URLCONF
        return super().get_response(request)

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """The simulator's one URL, resolved once: `dispatch` sends only that path here, and
        walking the URL list again for each answer cost 2 % of it in-process. The match is
        never changed once made (Django only reads it)."""
        if request.path_info != SIMULATOR_PATH:
            return super().resolve_request(request)
        set_urlconf(SIMULATOR_URLCONF)
        if self._match is None:
            self._match = get_resolver(SIMULATOR_URLCONF).resolve(SIMULATOR_PATH)
        request.resolver_match = self._match
        return self._match

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
