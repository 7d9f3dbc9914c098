"""The simulator's endpoint has its own, shorter middleware chain (`solidarite.core.lean`), as
gunicorn serves it: called here through `solidarite.wsgi.application`, not the test client."""

import io
import json
import sys
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from solidarite.api.simulate import simulate_view
from solidarite.core.lean import SIMULATOR_URLCONF, SimulatorHandler
from solidarite.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)

HOUSEHOLD = {
    "household": {"commune_residence": "25056"},
    "persons": [{"age": 19, "revenus_mensuels": 0}],
    "date": "2024-03-01",
}


def _call(
    method: str,
    path: str,
    body: bytes = b"",
    query: str = "",
    extra: dict[str, str] | None = None,
    close: bool = False,
) -> tuple[str, dict[str, str], bytes]:
    """One request through the WSGI application; with `close`, its answer is then closed as a
    server closes it (not by default: closing a page of the site closes the test's database
    connection, which Django's test client avoids the same way)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        **(extra or {}),
    }
    found: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
        found["status"], found["headers"] = status, dict(headers)

    answer = application(environ, start_response)
    content = b"".join(answer)
    if close and hasattr(answer, "close"):
        answer.close()
    return found["status"], found["headers"], content


def test_the_simulator_answers_with_its_security_headers_and_no_cookie() -> None:
    status, headers, content = _call("POST", "/api/v1/simulate", json.dumps(HOUSEHOLD).encode())
    assert status == "200 OK"
    assert headers["Content-Type"].startswith("application/json")
    assert headers["X-Content-Type-Options"] == "nosniff"
    # A JSON answer loads nothing and is framed by no one: the strictest policy, constant.
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers
    youth = next(r for r in json.loads(content)["results"] if r["scheme"] == "aide_jeunes_besancon")
    assert youth["eligible"] is None  # undecided: the questions follow
    assert "percoit_are" in youth["unknown_variables"]


def test_the_simulator_chooses_no_language_and_answers_in_both() -> None:
    """No language to negotiate: every label comes in French and English, whatever the client
    asks, and no header claims the answer is in one language or varies with the request's."""
    body = json.dumps(HOUSEHOLD).encode()
    answers = []
    for language in ("en", "fr"):
        environ_language = {"HTTP_ACCEPT_LANGUAGE": language}
        status, headers, content = _call("POST", "/api/v1/simulate", body, extra=environ_language)
        assert status == "200 OK"
        assert "Content-Language" not in headers
        assert "Accept-Language" not in headers.get("Vary", "")
        answers.append(content)
    assert answers[0] == answers[1]
    labels = [c["label"] for r in json.loads(answers[0])["results"] for c in r["conditions"]]
    assert labels
    assert all(set(label) == {"fr", "en"} and all(label.values()) for label in labels)


def test_the_simulators_body_guard_still_refuses_a_large_body() -> None:
    body = b'{"household": {}, "persons": [], "x": "' + b"a" * 300_000 + b'"}'
    status, _, content = _call("POST", "/api/v1/simulate", body)
    assert status.startswith("413")
    assert "request body too large" in json.loads(content)["detail"][0]["msg"]


def test_the_simulators_bad_input_is_a_422_naming_the_field() -> None:
    body = json.dumps({"household": {}, "persons": [{"age": "old"}]}).encode()
    status, _, content = _call("POST", "/api/v1/simulate", body)
    assert status.startswith("422")
    assert "age" in json.loads(content)["detail"][0]["loc"]


def test_every_answer_of_the_simulator_announces_its_length() -> None:
    """gunicorn sends an answer without `Content-Length` in chunks, ended by one more write:
    the simulator's handler (which has no `CommonMiddleware`) announces every answer's."""
    calls = [
        ("POST", json.dumps(HOUSEHOLD).encode(), "200"),
        ("POST", b"{not json", "400"),
        ("POST", json.dumps({"persons": [{"age": "old"}]}).encode(), "422"),
        ("GET", b"", "405"),
        ("POST", b'{"x": "' + b"a" * 300_000 + b'"}', "413"),  # refused by the body guard
    ]
    for method, body, expected in calls:
        status, headers, content = _call(method, "/api/v1/simulate", body)
        assert status.startswith(expected)
        assert int(headers["Content-Length"]) == len(content)
        assert headers["X-Frame-Options"] == "DENY"


def test_the_simulators_answers_send_no_request_signal_and_read_no_database() -> None:
    """`SimulatorHandler.serve` skips Django's request signals, whose receivers close the
    database connections: it may only because no answer of the simulator, even a refusal,
    reads the database. The site's pages still send them."""
    sent: list[str] = []

    def started(**kwargs: Any) -> None:
        sent.append("started")

    def finished(**kwargs: Any) -> None:
        sent.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        with CaptureQueriesContext(connection) as queries:
            for method, body, expected in [
                ("POST", json.dumps(HOUSEHOLD).encode(), "200"),
                ("POST", b"{not json", "400"),
                ("POST", json.dumps({"persons": [{"age": "old"}]}).encode(), "422"),
                ("GET", b"", "405"),
                ("POST", b'{"x": "' + b"a" * 300_000 + b'"}', "413"),
            ]:
                status, _, _ = _call(method, "/api/v1/simulate", body, close=True)
                assert status.startswith(expected)
        assert sent == []
        assert len(queries) == 0
        _call("GET", "/api/v1/places", query="q=epicerie")
        assert sent == ["started"]
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)


def test_the_simulators_handler_resolves_its_one_url_once_and_others_as_django_does() -> None:
    """`SimulatorHandler.resolve_request`: the simulator's path gets the match made once (the
    plain view, as Django would resolve it); any other path is resolved in the simulator's URL
    list, where it is not found."""
    handler = SimulatorHandler()
    matches = []
    for _ in range(2):
        request = RequestFactory().post("/api/v1/simulate")
        matches.append(handler.resolve_request(request))
        assert request.resolver_match is matches[-1]
    assert matches[0] is matches[1]
    assert matches[0].func is simulate_view
    assert matches[0].route == resolve("/api/v1/simulate", urlconf=SIMULATOR_URLCONF).route
    other = RequestFactory().get("/api/v1/places")
    other.urlconf = SIMULATOR_URLCONF  # (as `get_response` sets it)
    with pytest.raises(Resolver404):
        handler.resolve_request(other)


def test_every_other_url_keeps_the_sites_middleware() -> None:
    """The directory reads `request.user` (set by the authentication middleware): it answers
    through `application`, so the dispatch sent it to the whole chain."""
    status, _, content = _call("GET", "/api/v1/places", query="q=epicerie")
    assert status == "200 OK"
    assert isinstance(json.loads(content), list)


def test_both_url_lists_serve_the_simulator_by_its_plain_view() -> None:
    """django-ninja describes `/api/v1/simulate`; the plain view serves it, on the simulator's
    handler and on the site's (solidarite/api/simulate.py)."""
    assert resolve("/api/v1/simulate").func is simulate_view
    assert resolve("/api/v1/simulate", urlconf=SIMULATOR_URLCONF).func is simulate_view


def test_the_simulator_refuses_another_method_and_needs_no_csrf_token() -> None:
    status, headers, _ = _call("GET", "/api/v1/simulate")
    assert status.startswith("405")
    assert headers["Allow"] == "POST"
    client = Client(enforce_csrf_checks=True)  # anonymous and stateless: no cookie, no token
    response = client.post("/api/v1/simulate", HOUSEHOLD, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["date"] == "2024-03-01"
