"""gunicorn started as docs/deploy.md says reads the repository's `gunicorn.conf.py`: workers
that keep a client's connection open between its requests (a real gunicorn, a real socket)."""

import gc
import http.client
import json
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from solidarite.core.gunicorn_worker import COUNTS
from solidarite.schemes.services import get_catalog

ROOT = Path(__file__).resolve().parents[2]
BODY = json.dumps(
    {"household": {"commune_residence": "25056"}, "persons": [{"age": 19}], "date": "2024-03-01"}
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DEBUG": "true", "SOLIDARITE_VAR_DIR": str(tmp_path)}
    env.pop("GUNICORN_CMD_ARGS", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "solidarite.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not listen"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gunicorn_answers_two_requests_on_one_connection(gunicorn: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=60)
    headers = {"Content-Type": "application/json"}
    sockets = []
    for _ in range(2):
        connection.request("POST", "/api/v1/simulate", BODY, headers)
        response = connection.getresponse()
        assert response.status == 200
        # Its length announced: gunicorn sends it whole, not in chunks (`ApiPolicyMiddleware`).
        assert response.getheader("Transfer-Encoding") is None
        length = int(response.getheader("Content-Length", "0"))
        content = response.read()
        assert length == len(content)
        assert json.loads(content)["results"]
        assert response.getheader("Connection", "").lower() != "close"
        assert "Content-Language" not in response.headers  # the simulator's own handler
        sockets.append(connection.sock)
    # A sync worker closes the connection after each answer: http.client would then have
    # opened a second socket for the second request.
    assert sockets[0] is not None
    assert sockets[1] is sockets[0]
    connection.close()


def test_a_worker_loads_the_catalog_and_freezes_it_before_its_first_request() -> None:
    """`post_worker_init`: the catalog is loaded and compiled when the worker starts, and what
    the worker holds then is kept out of the collector's full collections."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    get_catalog.cache_clear()
    try:
        settings["post_worker_init"](None)
        assert get_catalog.cache_info().currsize == 1
        assert "program" in vars(get_catalog())  # the compiled function, built already
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_an_exited_workers_connection_count_is_forgotten() -> None:
    """`child_exit`, run by gunicorn's arbiter: the worker's slot in the shared counts is free."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    pid = os.getpid()
    slot = COUNTS.claim(pid)
    assert slot is not None
    COUNTS.set(slot, 7)
    settings["child_exit"](None, SimpleNamespace(pid=pid))
    assert COUNTS.table[2 * slot] == 0
    assert COUNTS.table[2 * slot + 1] == 0
