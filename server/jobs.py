"""Long work off the request: an RQ worker when ``KIN_REDIS_URL`` is set, else a thread in this process.

Jobs are named by import path ("package.module:function") and take plain arguments (ids), so both runners
can start them.
"""

import importlib
import threading

from flask import Flask, current_app

QUEUE = "kin"
THREAD_PREFIX = "kin-job-"  # a job's thread without Redis: "kin-job-" and the job's name


def enqueue(job: str, *args) -> None:
    """Run ``job`` with ``args`` in the background."""
    app = current_app._get_current_object()
    if app.config["REDIS_URL"]:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            run_in_new_app, job, *args, job_timeout=app.config["JOB_TIMEOUT_SECONDS"])
    else:
        threading.Thread(target=_run_in, args=(app, job, args), name=f"{THREAD_PREFIX}{job}", daemon=True).start()


def workers() -> int:
    """How many RQ workers listen on Kin's queue (0 without Redis)."""
    app = current_app._get_current_object()
    if not app.config["REDIS_URL"]:
        return 0
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(app.config["REDIS_URL"])
    return Worker.count(connection=connection, queue=Queue(QUEUE, connection=connection))


def run_in_new_app(job: str, *args):
    """RQ's entry point: RQ forks a process per job, which gets an app (and database pool) of its own."""
    from server import create_app

    with create_app().app_context():
        return _call(job, args)


def _run_in(app: Flask, job: str, args: tuple) -> None:
    with app.app_context():
        _call(job, args)


def _call(job: str, args: tuple):
    module, _, name = job.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


def work(app: Flask, burst: bool = False) -> None:
    """Process queued jobs until stopped, or until the queue is empty with ``burst``."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
