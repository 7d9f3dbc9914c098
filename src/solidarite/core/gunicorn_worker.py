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
worker that accepted it. A worker accepts only between requests, so a busy one leaves new clients
to the others. (`gthread` accepted whenever the socket was readable, busy or not: one worker took
48 of 50 clients that connected at once, counted with `ss -tnp`.) Holding a worker back after
each new connection until its first request was served balanced them better but delayed the
others' first requests: the p99 rose from 52-71 ms to 129-379 ms, so it is not done.
"""

import selectors
import time
from collections import deque
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class KeptAliveWorker(ThreadWorker):  # type: ignore[misc]
    """Set in `gunicorn.conf.py`. Every method runs in the worker's main thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serving = False
        # Connections whose next request was already read with the last one (pipelined): served
        # at the loop's next turn, after the connections that became readable meanwhile.
        self.pipelined: deque[Any] = deque()

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
        super().wait_for_and_dispatch_events(0 if waiting else timeout)
        for _ in range(waiting):
            self._serve(self.pipelined.popleft())
