"""Issue 17, item 8: the backup routine of docs/deploy.md restores. On PostgreSQL, the demo
database is dumped with pg_dump (custom format), restored with pg_restore into a new database,
and the restored copy has the same rows, and its encrypted IBANs still decrypt with the keys
(kept apart from the dumps)."""

import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from solidarite.core.demo.loader import load_demo
from solidarite.payments import crypto
from tests.support.postgres import find_bindir

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
TABLES = (
    "cases_person",
    "cases_casefile",
    "payments_payment",
    "payments_bankaccount",
    "audit_accesslog",
    "auditlog_logentry",
    "plans_measure",
)


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # fixed table names
        counts[table] = cursor.fetchone()[0]
    return counts


def test_a_dump_of_the_demo_restores_whole_and_its_ibans_decrypt(
    settings: Any, tmp_path: Path
) -> None:
    settings.DEBUG = True
    load_demo()
    bindir = find_bindir()
    assert bindir is not None
    db = connection.settings_dict
    where = ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    dump = tmp_path / "solidarite.dump"
    subprocess.run(
        [str(bindir / "pg_dump"), *where, "--format=custom", f"--file={dump}", db["NAME"]],
        check=True,
        capture_output=True,
    )
    with connection.cursor() as cursor:
        before = _counts(cursor)
        cursor.execute("DROP DATABASE IF EXISTS restored_copy")
        cursor.execute("CREATE DATABASE restored_copy")
    try:
        subprocess.run(
            [str(bindir / "pg_restore"), *where, "--dbname=restored_copy", str(dump)],
            check=True,
            capture_output=True,
        )
        with (
            psycopg.connect(
                host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="restored_copy"
            ) as restored,
            restored.cursor() as cursor,
        ):
            assert _counts(cursor) == before
            assert before["payments_bankaccount"] > 0
            cursor.execute("SELECT iban_encrypted, iban_masked FROM payments_bankaccount")
            for token, masked in cursor.fetchall():
                iban = crypto.decrypt(token)
                assert iban.startswith("FR")
                assert iban[-3:] == masked[-3:]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS restored_copy")
