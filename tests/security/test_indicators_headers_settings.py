"""Issue 11, items 12-14: small counts never single a person out, a viewer reads only their own
organisation's indicators, personal pages are never cached, the API answers JSON to any body,
/healthz notices a database it cannot write, and production refuses to start half-configured."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from solidarite.accounts.models import Organisation
from solidarite.cases.indicators import Period, compute, count_text
from tests.factories import active_file

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCHEME = "aide_jeunes_besancon"
FERNET = "bWFkZS11cC1mb3ItdGhlLXRlc3Qtb25seS0zMi1ieXRlcz0="


# 12. Small counts never single out a person -------------------------------------------------


@pytest.mark.parametrize(("count", "shown"), [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5")])
def test_counts_under_five_read_less_than_five(count: int, shown: str) -> None:
    assert count_text(count) == shown


def test_derived_shares_over_fewer_than_five_files_are_hidden(ccas: Organisation) -> None:
    for n in range(3):
        active_file(ccas, first_name=f"P{n}", started_on=dt.date(2026, 1, 5))
    period = Period(SCHEME, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    raw = compute(period)
    assert raw.active == 3
    assert raw.regular_share is not None
    published = raw.published()
    assert published.active == "< 5"
    assert published.regular_share is None
    for n in range(3, 6):
        active_file(ccas, first_name=f"P{n}", started_on=dt.date(2026, 1, 5))
    published = compute(period).published()
    assert published.active == "6"
    assert published.regular_share is not None


def test_a_viewer_reads_only_their_own_organisations_indicators(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    for n in range(6):
        active_file(ccas, first_name=f"P{n}", started_on=dt.date(2026, 1, 5))
    query = f"?scheme_id={SCHEME}&start=2026-01-01&end=2026-03-31"
    client.force_login(people["chenove_viewer"])
    page = client.get(reverse("cases_indicators") + query).content.decode()
    assert 'data-indicator="active"' not in page
    csv_answer = client.get(reverse("cases_indicators") + query + "&format=csv")
    assert "active_files" not in csv_answer.content.decode()
    client.force_login(people["viewer"])
    page = client.get(reverse("cases_indicators") + query).content.decode()
    assert '<td data-indicator="active">6</td>' in page


# 13. Headers and health ----------------------------------------------------------------------


def test_pages_of_a_signed_in_user_are_never_stored(
    client: Client, ccas: Organisation, people: dict[str, Any]
) -> None:
    file = active_file(ccas)
    client.force_login(people["worker"])
    for url in (reverse("cases_file", args=[file.pk]), reverse("cases_caseload"), "/"):
        cache = client.get(url)["Cache-Control"]
        assert "no-store" in cache, url
        assert "private" in cache, url


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        (b"{" + b" " * (5 * 1024 * 1024) + b"}", "application/json", 413, "too large"),
        (b"household=1", "application/x-www-form-urlencoded", 415, "application/json"),
        (b"not json at all", "application/json", 400, ""),
        (b'{"persons": [{"age": NaN}]}', "application/json", 422, ""),
    ],
)
def test_a_bad_api_body_gets_a_json_error_naming_the_problem(
    client: Client, body: bytes, content_type: str, status: int, words: str
) -> None:
    response = client.post("/api/v1/simulate", data=body, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    detail = json.loads(response.content)["detail"]
    assert detail
    assert all("msg" in item for item in detail)
    assert words in detail[0]["msg"]


def test_healthz_is_green_on_a_writable_database(client: Client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_red_when_the_database_cannot_be_written(client: Client) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        response = client.get(reverse("healthz"))
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET default_transaction_read_only = off")
            else:
                cursor.execute("PRAGMA query_only = OFF")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def _environment(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "SOLIDARITE_FIELD_KEYS"}
    }
    env.update({"SOLIDARITE_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "testserver"})
    env.update(changes)
    return env


def test_healthz_is_red_when_the_sqlite_file_is_gone(tmp_path: Path) -> None:
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='solidarite.settings'; "
        "django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    env = _environment(
        tmp_path, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'db.sqlite3'}"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.startswith("503"), result.stdout + result.stderr


# 14. Production refuses to start half-configured ---------------------------------------------


@pytest.mark.parametrize(
    ("given", "missing"),
    [({}, "SECRET_KEY"), ({"SECRET_KEY": "x" * 50}, "SOLIDARITE_FIELD_KEYS")],
)
def test_production_refuses_to_start_without_its_keys(
    tmp_path: Path, given: dict[str, str], missing: str
) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_environment(tmp_path, DEBUG="false", **given),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # nothing generated in its place
    assert not (tmp_path / "field_key").exists()


def test_production_starts_with_its_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_environment(
            tmp_path, DEBUG="false", SECRET_KEY="x" * 50, SOLIDARITE_FIELD_KEYS=FERNET
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
