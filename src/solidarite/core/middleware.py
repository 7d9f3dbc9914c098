"""Response headers and request guards that every page needs."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

API_PREFIX = "/api/"
JSON_TYPES = ("application/json",)


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in user may show people: no browser, proxy or shared computer
    keeps a copy (Cache-Control: no-store). Public pages keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": [{"loc": ["body"], "msg": message}]}, status=status)


class ApiBodyGuardMiddleware:
    """The API answers JSON, errors included: a body over the size limit (413) or not declared
    as JSON (415) is refused here, before any view reads it, with the same error shape as the
    API's validation errors (never Django's HTML error page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.method in ("POST", "PUT", "PATCH"):
            limit = settings.SOLIDARITE_API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _error(400, "invalid Content-Length header")
            if length > limit:
                return _error(413, f"request body too large: {length} bytes, limit {limit}")
            content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            if length and content_type not in JSON_TYPES:
                return _error(
                    415, f"send the body as application/json (got {content_type or 'none'})"
                )
        return self.get_response(request)
