"""Benchmark of `POST /api/v1/simulate` under load, printing one Markdown table.

    .venv/bin/python benchmarks/simulate_api.py [--workers 2] [--connections 50] [--seconds 20]

Starts gunicorn on a free loopback port (SQLite in a temporary folder, production-like settings),
then Debian's `wrk` (apt-get install wrk) with 50 concurrent connections posting a household that
leaves some schemes undecided, so every answer carries explanations and deciding variables.
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

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
BODY = {
    "household": {"commune_residence": "25056"},
    "persons": [{"age": 19, "revenus_mensuels": 0}, {"age": 45, "percoit_rsa": True}],
    "date": "2024-03-01",
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
        port = _free_port()
        server = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "solidarite.wsgi",
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
            script = Path(var) / "post.lua"
            script.write_text(LUA % json.dumps(BODY))
            warm = [
                "wrk",
                "-t2",
                "-c10",
                "-d3s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/api/v1/simulate",
            ]
            subprocess.run(warm, check=True, capture_output=True)
            run = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    f"http://127.0.0.1:{port}/api/v1/simulate",
                ],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    line = next(row for row in run.stdout.splitlines() if row.startswith("RESULT"))
    requests, errors, _, p50, p95, p99, rps = line.split()[1:]
    print("| workers | connections | requests/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {args.workers} | {args.connections} | {float(rps):.0f} | {float(p50) / 1000:.1f} ms | "
        f"{float(p95) / 1000:.1f} ms | {float(p99) / 1000:.1f} ms | {errors} of {requests} |"
    )


if __name__ == "__main__":
    main()
