"""gunicorn's worker for Solidarité: one request at a time per worker, connections kept open.

gunicorn's `sync` worker serves one request at a time in the worker's own thread, which suits
Python code that computes (the simulator's answers): threads in one process only take turns on
the interpreter lock. But it closes the connection after every answer, and opening one per
request cost the simulator's API a third of its throughput (docs/performance.md). Its `gthread`
worker keeps connections open, but hands each request from its main thread to a thread pool and
back: with two threads, the three threads' turns on the lock made a request's wait uneven (under
50 clients, a p99 of 107-124 ms against 49-84 ms here, same run) and cost CPU.

This worker keeps `gthread`'s connections (kept open `keepalive` seconds, waiting in its poller
without holding anything) and serves each request in its main thread, in the order the
connections became readable. Behind the reverse proxy of docs/deploy.md, which sends gunicorn
whole requests, a request never waits on a slow client; a request that takes longer than
gunicorn's `timeout` gets the worker restarted, as with `sync`. Concurrency comes from the
number of workers (`--workers`), and `threads` is not used.

New connections: the workers share one listening socket, and a kept connection stays with the
worker that accepted it, so how they are shared out lasts. `gthread` accepted whenever the socket
was readable: one worker took 48 of 50 clients that connected at once (counted with `ss -tnp`),
and they queued behind one core while the other served two. Accepting only between requests
still left splits as uneven as 18 and 32. So the workers keep their numbers of open connections
in memory they share (`SharedCounts`, made by gunicorn's arbiter before it forks them), and a
worker that has more than another leaves new connections to the others, for `PATIENCE` at most:
when every worker is busy, refusing for good would leave a new client waiting.
"""

import ctypes
import multiprocessing
import os
import selectors
import time
from collections import deque
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

PATIENCE = 0.02  # seconds a worker with more connections than another leaves new ones


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SharedCounts:
    """Each worker's number of open connections, one slot per worker (its process id and its
    count), in memory that the processes forked after it is made share."""

    def __init__(self, slots: int = 64) -> None:
        context = multiprocessing.get_context("fork")
        self.slots = slots
        self.table = context.RawArray(ctypes.c_long, 2 * slots)
        self.lock = context.Lock()

    def claim(self, pid: int) -> int | None:
        """A free slot for the worker `pid` (a slot whose worker has exited is free, and so is
        one left under the same id by an earlier process), or None when there is none: that
        worker then accepts like gunicorn's own."""
        with self.lock:
            for slot in range(self.slots):
                owner = self.table[2 * slot]
                if owner in (0, pid) or not _alive(owner):
                    self.table[2 * slot], self.table[2 * slot + 1] = pid, 0
                    return slot
        return None

    def release(self, pid: int) -> None:
        """The worker `pid` has exited (gunicorn's `child_exit` hook, in the arbiter)."""
        with self.lock:
            for slot in range(self.slots):
                if self.table[2 * slot] == pid:
                    self.table[2 * slot], self.table[2 * slot + 1] = 0, 0

    def set(self, slot: int, count: int) -> None:
        self.table[2 * slot + 1] = count  # written by the slot's own worker only

    def fewer_elsewhere(self, slot: int, count: int) -> bool:
        """Whether another worker alive has fewer than `count` connections open."""
        for other in range(self.slots):
            pid = self.table[2 * other]
            if pid and other != slot and self.table[2 * other + 1] < count and _alive(pid):
                return True
        return False


# Made when gunicorn's arbiter loads this module (it resolves `worker_class` before forking).
COUNTS = SharedCounts()


class KeptAliveWorker(ThreadWorker):  # type: ignore[misc]
    """Set in `gunicorn.conf.py`. Every method runs in the worker's main thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.counts = COUNTS
        self.slot: int | None = None  # in `counts`, claimed once forked
        self._nr_conns = 0
        super().__init__(*args, **kwargs)
        self.refusing_since: float | None = None  # leaving new connections to others since
        self.serving = False
        # Connections whose next request was already read with the last one (pipelined): served
        # at the loop's next turn, after the connections that became readable meanwhile.
        self.pipelined: deque[Any] = deque()

    @property
    def nr_conns(self) -> int:
        """gunicorn's count of this worker's open connections, shared with the other workers."""
        return self._nr_conns

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._nr_conns = value
        if self.slot is not None:
            self.counts.set(self.slot, value)

    def init_process(self) -> None:
        self.slot = self.counts.claim(os.getpid())
        super().init_process()  # runs the loop

    def enqueue_req(self, conn: Any) -> None:
        """A connection has a request to serve (gunicorn calls this when one is readable, and
        for a new connection)."""
        if self.serving:  # from `finish_request`: the next request is already read
            self.pipelined.append(conn)
        elif not conn.initialized and not conn.data_ready:
            self._wait_for_first_request(conn)
        else:
            self._serve(conn)

    def _serve(self, conn: Any) -> None:
        self.serving = True
        try:
            done: Future[Any] = Future()
            done.set_result(self.handle(conn))
            self.finish_request(conn, done)  # kept open (back in the poller) or closed
        finally:
            self.serving = False

    def _wait_for_first_request(self, conn: Any) -> None:
        """A new connection waits in the poller, as `gthread` keeps one that sent nothing yet
        (closed after `keepalive` seconds if it never does)."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        """One turn of the loop: the readable connections, then the pipelined requests that
        were waiting before it (a client that pipelines many requests gets one a turn)."""
        waiting = len(self.pipelined)
        if waiting:
            timeout = 0
        elif self.refusing_since is not None:
            timeout = min(timeout, PATIENCE)  # the next turn looks at the counts again
        super().wait_for_and_dispatch_events(timeout)
        for _ in range(waiting):
            self._serve(self.pipelined.popleft())

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        self.refusing_since = None  # one taken after its patience: it waits again for the next
        if self._leave_new_connections():
            super().set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        """gunicorn's loop enables accepting at each turn while the worker is under its
        connection limit: here only while no other worker has fewer connections open, or once
        `PATIENCE` has passed."""
        super().set_accept_enabled(enabled and not self._leave_new_connections())

    def _leave_new_connections(self) -> bool:
        if self.slot is None or not self.counts.fewer_elsewhere(self.slot, self.nr_conns):
            self.refusing_since = None
            return False
        now = time.monotonic()
        if self.refusing_since is None:
            self.refusing_since = now
        return now - self.refusing_since < PATIENCE
