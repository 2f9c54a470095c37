"""Long work off the request: an RQ worker when ``KIN_REDIS_URL`` is set, else a thread in this process.

Jobs are named by import path and take plain arguments (ids), so both runners can start them.
"""

import importlib
import threading

from flask import Flask, current_app, has_app_context

QUEUE = "kin"


def enqueue(job: str, *args) -> None:
    """Run ``job`` ("package.module:function") with ``args`` in the background."""
    app = current_app._get_current_object()
    if app.config["REDIS_URL"]:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            run, job, *args, job_timeout=app.config["JOB_TIMEOUT_SECONDS"])
    else:
        threading.Thread(target=_run_in, args=(app, job, args), name=f"kin-job-{job}", daemon=True).start()


def run(job: str, *args):
    """Call a job by name inside an app context (an RQ worker process has none of its own)."""
    if not has_app_context():
        from server import create_app

        with create_app().app_context():
            return run(job, *args)
    module, _, name = job.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


def _run_in(app: Flask, job: str, args: tuple) -> None:
    with app.app_context():
        run(job, *args)


def work(app: Flask) -> None:
    """Process queued jobs until stopped (``flask kin worker``)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(app.config["REDIS_URL"])
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work()
