"""gunicorn's settings: gunicorn reads this file from the folder it starts in
(`gunicorn solidarite.wsgi --workers N` at the repository's root, docs/deploy.md).

Each worker serves one request at a time in its own thread and keeps a client's connection open
between its requests (HTTP keep-alive, `solidarite/core/gunicorn_worker.py`): closing it after
every answer cost the simulator's API a third of its throughput under load, and handing requests
to a pool of threads only made them take turns on Python's interpreter lock
(`benchmarks/simulate_api.py`, docs/performance.md). Run about one worker per core
(`--workers`). Django, the engine and its caches are safe to share between threads, so gunicorn's
own `gthread` worker still works (`--worker-class gthread --threads 4`). Any setting can be
changed at launch, or with `GUNICORN_CMD_ARGS`.
"""

from typing import Any

worker_class = "solidarite.core.gunicorn_worker.KeptAliveWorker"
keepalive = 5  # seconds a connection waits idle for its next request
# A worker serves one request at a time, so gunicorn restarts it if one takes longer than this
# (its default, 30 s, could cut a population import of 20 MB, the largest the costing accepts).
timeout = 120


def post_worker_init(worker: object) -> None:
    """Load the catalog before the worker's first request, then freeze what it holds: Python's
    collector then never walks Django, the catalog and its compiled functions again (it walked
    them on each full collection, a twelfth of an open household's answer in-process)."""
    import gc

    from solidarite.schemes.services import get_catalog

    get_catalog().program  # noqa: B018  (compiled now rather than on the first complete answer)
    gc.collect()
    gc.freeze()


def child_exit(server: object, worker: Any) -> None:
    """A worker has exited: its slot in the workers' shared connection counts is free (run by
    gunicorn's arbiter, which made them)."""
    from solidarite.core.gunicorn_worker import COUNTS

    COUNTS.release(worker.pid)
