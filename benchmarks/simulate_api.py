"""Benchmark of `POST /api/v1/simulate` under load, printing one Markdown table.

    .venv/bin/python benchmarks/simulate_api.py [--workers 2] [--connections 50] [--seconds 20]

Starts gunicorn on a free loopback port with the repository's `gunicorn.conf.py` (threaded workers
that keep connections open; SQLite in a temporary folder, production-like settings),
then Debian's `wrk` (apt-get install wrk) with 50 concurrent connections posting one household,
once per row: `open` leaves most answers unknown (the interval engine and the search for the
deciding questions), `complete` answers everything (the compiled evaluator, explanations
included).
Traffic stays on 127.0.0.1 and the run stops by itself. Never part of the test suite.
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
NO = {
    "percoit_rsa": False,
    "percoit_garantie_jeunes": False,
    "percoit_are": False,
    "percoit_aah": False,
    "etudiant": False,
    "eleve_cm1_chenove": False,
    "agent_municipal_chenove": False,
}
BODIES = {
    # A first page: most answers unknown, so the interval engine answers and searches the
    # questions that would decide each open result (national rights included).
    "open": {
        "household": {"commune_residence": "25056"},
        "persons": [{"age": 19, "revenus_mensuels": 0}, {"age": 45, "percoit_rsa": True}],
        "date": "2024-03-01",
    },
    # The last page: every answer given, so the compiled evaluator answers the whole catalog.
    "complete": {
        "household": {
            "commune_residence": "25056",
            "duree_residence_mois": 24,
            "statut_logement": "locataire",
            "percoit_aide_logement": True,
            "tranche_imposition": "tranche_0",
        },
        "persons": [
            {
                **NO,
                "role": "demandeur",
                "age": 19,
                "revenus_mensuels": 0,
                "revenus_activite_mensuels": 0,
            },
            {
                **NO,
                "role": "autre_membre",
                "age": 45,
                "revenus_mensuels": 650,
                "revenus_activite_mensuels": 650,
            },
        ],
        "date": "2024-03-01",
    },
}
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[%s]]
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%f %%f %%f %%f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--household", choices=("open", "complete", "both"), default="both")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "SOLIDARITE_VAR_DIR": var,
            "DEBUG": "false",
            "POLARS_MAX_THREADS": "1",  # one engine thread per worker: the workers share 2 cores
            # Production refuses to start without its secrets: throwaway ones for this run.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SOLIDARITE_FIELD_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        rows = [
            _row(bin_dir, env, Path(var), name, body, args)
            for name, body in BODIES.items()
            if args.household in (name, "both")
        ]
    print("| household | workers | connections | requests/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name, line in rows:
        requests, errors, _, p50, p95, p99, rps = line.split()[1:]
        print(
            f"| {name} | {args.workers} | {args.connections} | {float(rps):.0f} | "
            f"{float(p50) / 1000:.1f} ms | {float(p95) / 1000:.1f} ms | "
            f"{float(p99) / 1000:.1f} ms | {errors} of {requests} |"
        )


def _row(
    bin_dir: Path,
    env: dict[str, str],
    var: Path,
    name: str,
    body: dict[str, Any],
    args: argparse.Namespace,
) -> tuple[str, str]:
    """One household's row, on a gunicorn of its own: requests a slow row left queued must
    not count against the next one."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "solidarite.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        return _load(port, var, name, body, args.connections, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _load(
    port: int, var: Path, name: str, body: dict[str, Any], connections: int, seconds: int
) -> tuple[str, str]:
    """Warm up, then `connections` clients posting `body` for `seconds`: wrk's RESULT line."""
    script = var / f"post-{name}.lua"
    script.write_text(LUA % json.dumps(body))
    url = f"http://127.0.0.1:{port}/api/v1/simulate"
    subprocess.run(
        ["wrk", "-t2", "-c10", "-d3s", "-s", str(script), url], check=True, capture_output=True
    )
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return name, next(row for row in run.stdout.splitlines() if row.startswith("RESULT"))


if __name__ == "__main__":
    main()
