"""gunicorn's threaded worker, leaving new connections to a worker with a free thread.

The workers share one listening socket, and a connection kept alive stays with the worker that
accepted it. gunicorn's `gthread` worker accepts whenever the socket is readable, busy or not:
when 50 clients connected at once, one worker took 48 of them and the other 2 (counted with
`ss -tnp`), so 48 clients queued behind one core while the other served two, and the
simulator's p95 moved between 33 and 67 ms from run to run (docs/performance.md). Here a worker
whose threads are all busy leaves a new connection to another worker, as a sync worker does, so
connections spread by how fast each worker answers. It waits at most `PATIENCE` for one: when
every worker stays busy (their own clients keep them so), refusing for good would leave a new
client waiting for seconds. Set in `gunicorn.conf.py`.
"""

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

PATIENCE = 0.02  # seconds a busy worker leaves a waiting connection to the others


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Touched by the worker's main thread only (gunicorn runs these methods there).
        self.in_flight = 0  # requests handed to the threads and not finished
        self.refusing_since: float | None = None  # busy, and not accepting, since

    def accept(self, listener: Any) -> None:
        self.refusing_since = None  # a busy worker takes one, then waits again
        super().accept(listener)

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)
        if self._leave_new_connections():
            super().set_accept_enabled(False)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled: bool) -> None:
        """gunicorn's loop enables accepting whenever the worker is under its connection
        limit (it asks again at each turn while not accepting): here only while a thread is
        free, or once `PATIENCE` has passed."""
        super().set_accept_enabled(enabled and not self._leave_new_connections())

    def _leave_new_connections(self) -> bool:
        if self.in_flight < self.cfg.threads:
            self.refusing_since = None
            return False
        now = time.monotonic()
        if self.refusing_since is None:
            self.refusing_since = now
        return now - self.refusing_since < PATIENCE
