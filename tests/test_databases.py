"""The PostgreSQL pass really runs on PostgreSQL (a wrapper built before the switch once kept
running SQLite with PostgreSQL settings)."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_the_database_it_announces() -> None:
    expected = "postgresql" if os.environ.get("SOLIDARITE_TEST_DB") == "postgres" else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
