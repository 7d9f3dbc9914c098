"""Suite-wide fixtures: the database under test, the browser, and the no-skip rule of CI.

`make test` runs pytest twice: on SQLite (every test), then with SOLIDARITE_TEST_DB=postgres on
a throwaway PostgreSQL (every test that touches the database). Tests marked `postgres_only` run in
the second pass only. Under CI=true a skipped test fails the run: nothing may be silently left out.
"""

import contextlib
import os
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.postgres import find_bindir, running_postgres

ON_POSTGRES = os.environ.get("SOLIDARITE_TEST_DB") == "postgres"
IN_CI = os.environ.get("CI", "").lower() == "true"
DB_FIXTURES = {"db", "transactional_db", "live_server"}

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db")) or bool(fixtures & DB_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        keep = [i for i in items if _uses_database(i) and not i.get_closest_marker("browser")]
    else:
        keep = [i for i in items if not i.get_closest_marker("postgres_only")]
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> Iterator[None]:
    """Point the test database at a throwaway PostgreSQL in the PostgreSQL pass."""
    if not ON_POSTGRES:
        yield
        return
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    from django.conf import settings

    with running_postgres(bindir) as server:
        settings.DATABASES["default"].update(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "postgres",
                "USER": server.user,
                "PASSWORD": "",
                "HOST": server.host,
                "PORT": str(server.port),
                "CONN_MAX_AGE": 0,
            }
        )
        _forget_connection_made_before_the_switch()
        yield


def _forget_connection_made_before_the_switch() -> None:
    """A wrapper created before the settings changed keeps its backend class (SQLite) even with
    PostgreSQL settings: drop it so that the next use builds a PostgreSQL one."""
    from django.db import connections

    connections.close_all()
    with contextlib.suppress(AttributeError):
        del connections["default"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is the production hasher (tested in test_settings); tests hash with a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _costing_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("costing")


@pytest.fixture(autouse=True)
def _costing_files_in_a_temporary_folder(settings: Any, _costing_dir: Any) -> None:
    """Costing populations are written under the test session's temporary folder, not var/."""
    settings.COSTING_DIR = _costing_dir


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped)} skipped test(s) fail the run: " + ", ".join(_skipped),
            red=True,
        )


@pytest.fixture(autouse=True)
def _french_by_default() -> Iterator[None]:
    """The test client activates a request's language in the test thread; reset it each test."""
    from django.utils import translation

    with translation.override("fr"):
        yield


PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Move the clock (every "today" of the platform) to a Paris date and time:
    `clock(dt.date(2026, 1, 15))` is noon in Paris that day, `clock(day, hour=0, minute=30)` just
    after midnight; `tick=True` lets time run on from there (to order concurrent events)."""
    import datetime as dt

    def move(day: dt.date, hour: int = 12, minute: int = 0, tick: bool = False) -> dt.datetime:
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
        time_machine.move_to(moment, tick=tick)
        return moment

    return move
