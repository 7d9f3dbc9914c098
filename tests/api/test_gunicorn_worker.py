"""The worker in `gunicorn.conf.py` serves each request in its own thread and keeps connections
open between requests (solidarite/core/gunicorn_worker.py). Exercised on a real gunicorn worker
running its real loop in a thread, with real sockets; only its signal handlers and its WSGI
application (one that records what it serves) are not gunicorn's. The workers' shared connection
counts are read and written by real processes."""

import logging
import multiprocessing
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from solidarite.core import gunicorn_worker
from solidarite.core.gunicorn_worker import KeptAliveWorker, SharedCounts

SLOW = 0.05  # seconds each request takes, so that requests can arrive meanwhile


class _Recorder:
    """A WSGI application answering its path, recording the path and the serving thread."""

    def __init__(self) -> None:
        self.served: list[tuple[str, int]] = []

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        time.sleep(SLOW)
        path = environ["PATH_INFO"]
        self.served.append((path, threading.get_ident()))
        body = path.encode()
        start_response(
            "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]


@pytest.fixture
def served() -> Iterator[tuple[tuple[str, int], _Recorder, threading.Thread]]:
    config = Config()
    config.set("keepalive", 5)
    listener = socket.create_server(("127.0.0.1", 0))
    app = _Recorder()
    worker = KeptAliveWorker(0, os.getppid(), [listener], None, 30, config, Logger(config))
    # What `init_process` sets up, without its signal handlers (only the main thread may).
    worker.wsgi = app
    worker.tpool = worker.get_thread_pool()
    worker.poller = selectors.DefaultSelector()
    worker.method_queue.init()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    yield listener.getsockname(), app, thread
    worker.handle_exit(None, None)
    thread.join(10)
    assert not thread.is_alive()  # it stopped when asked
    worker.tmp.close()
    logging.getLogger("gunicorn.error").handlers.clear()


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode()


def _answers(client: socket.socket, count: int) -> list[bytes]:
    """The bodies of the next `count` answers on a kept connection."""
    client.settimeout(10)
    data = b""
    bodies: list[bytes] = []
    while len(bodies) < count:
        chunk = client.recv(65536)
        assert chunk, "the worker closed the connection"
        data += chunk
        while b"\r\n\r\n" in data:
            head, rest = data.split(b"\r\n\r\n", 1)
            length = int(
                next(
                    line.split(b":")[1]
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            if len(rest) < length:
                break
            bodies.append(rest[:length])
            data = rest[length:]
    return bodies


def test_a_kept_connection_is_answered_again_by_the_workers_own_thread(served: Any) -> None:
    address, app, thread = served
    with socket.create_connection(address) as client:
        for path in ("/one", "/two"):
            client.sendall(_request(path))
            assert _answers(client, 1) == [path.encode()]
    # Both on one connection, and no request went to a pool of threads.
    assert [path for path, _ in app.served] == ["/one", "/two"]
    assert {ident for _, ident in app.served} == {thread.ident}


def test_a_client_that_pipelines_requests_lets_the_others_through(served: Any) -> None:
    """Three requests sent at once on one connection are served one per turn of the loop: a
    request that arrived on another connection meanwhile does not wait behind all three."""
    address, app, _ = served
    with socket.create_connection(address) as greedy, socket.create_connection(address) as other:
        greedy.sendall(_request("/p1") + _request("/p2") + _request("/p3"))
        time.sleep(SLOW / 5)  # while /p1 is being served
        other.sendall(_request("/q1"))
        assert _answers(greedy, 3) == [b"/p1", b"/p2", b"/p3"]
        assert _answers(other, 1) == [b"/q1"]
    order = [path for path, _ in app.served]
    assert order.index("/q1") < order.index("/p3")


def test_a_connection_that_sends_nothing_does_not_hold_the_worker(served: Any) -> None:
    """A new connection waits for its first request in the worker's poller: a client that
    connects and stays silent does not stop the next one from being answered."""
    address, app, _ = served
    with socket.create_connection(address) as silent, socket.create_connection(address) as client:
        client.sendall(_request("/after"))
        started = time.monotonic()
        assert _answers(client, 1) == [b"/after"]
        assert time.monotonic() - started < 2
        silent.settimeout(0.1)
        with pytest.raises(TimeoutError):
            silent.recv(1)  # still open, still waiting: nothing was answered on it
    assert [path for path, _ in app.served] == ["/after"]


@pytest.fixture
def idle() -> Iterator[KeptAliveWorker]:
    """A worker set up as `init_process` does, whose loop the test turns by hand."""
    config = Config()
    listener = socket.create_server(("127.0.0.1", 0))
    worker = KeptAliveWorker(0, os.getppid(), [listener], None, 30, config, Logger(config))
    worker.counts = SharedCounts(4)
    worker.slot = worker.counts.claim(os.getpid())
    worker.poller = selectors.DefaultSelector()
    worker.method_queue.init()
    worker.set_accept_enabled(True)
    yield worker
    for conn in worker.pending_conns:  # the connections it accepted
        conn.close()
    worker.method_queue.close()
    listener.close()
    worker.tmp.close()


def _accepting(worker: KeptAliveWorker) -> bool:
    return any(key.fileobj in worker.sockets for key in worker.poller.get_map().values())


def _other_worker(counts: SharedCounts, connections: int) -> tuple[Any, Any]:
    """Another process holding a slot with `connections` open, until told to stop."""
    context = multiprocessing.get_context("fork")
    ready, stop = context.Event(), context.Event()

    def hold() -> None:
        slot = counts.claim(os.getpid())
        assert slot is not None
        counts.set(slot, connections)
        ready.set()
        stop.wait(30)

    process = context.Process(target=hold)
    process.start()
    assert ready.wait(30)
    return process, stop


def test_a_worker_with_more_connections_leaves_new_ones_for_its_patience(idle: Any) -> None:
    other, stop = _other_worker(idle.counts, connections=0)
    try:
        assert _accepting(idle)  # as many as the other: it takes the next one
        client = socket.create_connection(idle.sockets[0].getsockname())
        idle.accept(idle.sockets[0])
        assert idle.nr_conns == 1
        assert not _accepting(idle)  # the other worker, with none, gets the next
        idle.set_accept_enabled(True)  # the loop's next turn
        assert not _accepting(idle)
        time.sleep(gunicorn_worker.PATIENCE * 1.5)
        idle.set_accept_enabled(True)
        assert _accepting(idle)  # the other worker did not take it: a client is not left waiting
        second = socket.create_connection(idle.sockets[0].getsockname())
        idle.accept(idle.sockets[0])
        assert idle.nr_conns == 2
        assert not _accepting(idle)  # it took that one, and leaves the next to the other again
        client.close()
        second.close()
    finally:
        stop.set()
        other.join(30)


def test_the_counts_are_shared_between_processes_and_free_when_a_worker_exits() -> None:
    counts = SharedCounts(2)
    mine = counts.claim(os.getpid())
    assert mine is not None
    counts.set(mine, 2)
    other, stop = _other_worker(counts, connections=1)
    assert counts.fewer_elsewhere(mine, 2)  # written by the other process, read here
    assert not counts.fewer_elsewhere(mine, 1)
    assert counts.claim(os.getpid() + 10_000_000) is None  # both slots taken
    assert counts.claim(os.getpid()) == mine  # a slot left under an id is that id's again
    counts.set(mine, 2)
    stop.set()
    other.join(30)
    assert not counts.fewer_elsewhere(mine, 2)  # an exited worker counts no more
    assert counts.claim(12345678) is not None  # and its slot is free again
    counts.release(12345678)
    assert counts.table[2 * (1 - mine)] == 0
