"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_values(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "production-like-secret-key-1234567890-abcdef",
        "ALLOWED_HOSTS": "solidarite.example.org",
        "SOLIDARITE_HTTPS": "true",
        "SOLIDARITE_VAR_DIR": str(tmp_path),
        "SOLIDARITE_FIELD_KEYS": "bWFkZS11cC1mb3ItdGhlLXRlc3Qtb25seS0zMi1ieXRlcz0=",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
