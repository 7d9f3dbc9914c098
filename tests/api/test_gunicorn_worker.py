"""The worker in `gunicorn.conf.py` leaves a new connection to another worker while its threads
are busy, and waits for one at most `PATIENCE` (solidarite/core/gunicorn_worker.py). Exercised on
a real gunicorn worker object, listening socket and thread pool, without its loop: the loop's
turns are the calls it makes (`set_accept_enabled`, then `accept` when the socket is readable)."""

import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from gunicorn.config import Config

from solidarite.core import gunicorn_worker
from solidarite.core.gunicorn_worker import BalancedThreadWorker


class _Connection:
    """What the worker reads of a connection once its request is answered (closed here)."""

    closed = False

    def close(self, graceful: bool = False) -> None:
        self.closed = True


@pytest.fixture
def worker() -> Iterator[tuple[BalancedThreadWorker, threading.Event]]:
    config = Config()
    config.set("threads", 2)
    listener = socket.create_server(("127.0.0.1", 0))
    worker = BalancedThreadWorker(0, os.getpid(), [listener], None, 30, config, logging)
    worker.poller = selectors.DefaultSelector()
    worker.tpool = ThreadPoolExecutor(2)
    worker.method_queue.init()
    release = threading.Event()
    # A request's handling: busy until released, then the connection is not kept alive.
    worker.handle = lambda conn: release.wait(10) and False
    worker.set_accept_enabled(True)
    yield worker, release
    release.set()
    worker.tpool.shutdown()
    worker.method_queue.run_callbacks(None)  # the answered connections are closed
    worker.method_queue.close()
    listener.close()
    worker.tmp.close()


def _accepting(worker: Any) -> bool:
    return any(key.fileobj in worker.sockets for key in worker.poller.get_map().values())


def _finish_one(worker: Any, release: threading.Event) -> None:
    """A request ends: its completion reaches the main thread (gunicorn's method queue)."""
    release.set()
    time.sleep(0.05)  # the threads answer
    worker.method_queue.run_callbacks(None)
    release.clear()


def test_a_busy_worker_leaves_new_connections_until_a_thread_is_free(worker: Any) -> None:
    worker, release = worker
    worker.enqueue_req(_Connection())
    assert _accepting(worker)  # one thread still free
    worker.enqueue_req(_Connection())
    assert worker.in_flight == 2
    assert not _accepting(worker)
    worker.set_accept_enabled(True)  # the loop's next turn: still busy, still leaves them
    assert not _accepting(worker)
    deadline = time.monotonic() + 5
    while worker.in_flight == 2 and time.monotonic() < deadline:
        _finish_one(worker, release)
    assert worker.in_flight < 2
    worker.set_accept_enabled(True)
    assert _accepting(worker)


def test_a_busy_worker_takes_a_waiting_connection_after_its_patience(worker: Any) -> None:
    worker, _ = worker
    worker.enqueue_req(_Connection())
    worker.enqueue_req(_Connection())
    assert not _accepting(worker)
    time.sleep(gunicorn_worker.PATIENCE * 1.5)
    worker.set_accept_enabled(True)
    assert _accepting(worker)  # every worker busy: a new client is not left waiting for good
    client = socket.create_connection(worker.sockets[0].getsockname())
    worker.accept(worker.sockets[0])
    assert worker.in_flight == 3
    assert not _accepting(worker)  # it took one, and waits again
    client.close()
