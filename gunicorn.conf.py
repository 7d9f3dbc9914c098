"""gunicorn's settings: gunicorn reads this file from the folder it starts in
(`gunicorn solidarite.wsgi --workers N` at the repository's root, docs/deploy.md).

Threaded workers keep a client's connection open between its requests (HTTP keep-alive); a sync
worker closes it after every answer, and opening a connection per request cost the simulator's
API a third of its throughput under load (`benchmarks/simulate_api.py`, docs/performance.md).
Two threads per worker: a second thread reads the next request while the first computes, and more
threads only wait for Python's interpreter lock (8 threads doubled the p95 latency). Django, the
engine and its caches are safe to share between threads. Any setting can be changed at launch
(`--threads 4`, or `GUNICORN_CMD_ARGS`).
"""

# gthread, leaving a new connection to a worker with a free thread for up to 20 ms
# (solidarite/core/gunicorn_worker.py)
worker_class = "solidarite.core.gunicorn_worker.BalancedThreadWorker"
threads = 2
keepalive = 5  # seconds a connection waits idle for its next request


def post_worker_init(worker: object) -> None:
    """Load the catalog before the worker's first request, then freeze what it holds: Python's
    collector then never walks Django, the catalog and its compiled functions again (it walked
    them on each full collection, a twelfth of an open household's answer in-process)."""
    import gc

    from solidarite.schemes.services import get_catalog

    get_catalog().program  # noqa: B018  (compiled now rather than on the first complete answer)
    gc.collect()
    gc.freeze()
