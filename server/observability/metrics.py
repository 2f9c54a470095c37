"""Prometheus metrics at ``/metrics``, for a bearer of ``KIN_METRICS_TOKEN`` (404 without one configured).

Under gunicorn every worker writes its counts to files in ``PROMETHEUS_MULTIPROC_DIR`` (server/gunicorn_conf.py sets
it) and a scrape adds them up, whichever worker answers. Labels are routes, methods, status classes and results: never
an id or anything a person typed.
"""

import hmac
import os

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from server.extensions import db
from server.observability.logs import elapsed_seconds, route

REQUEST_SECONDS = Histogram("kin_http_request_duration_seconds", "Time to answer a request.",
                            ("route", "method", "status_class"),
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
SYNC_OPS = Counter("kin_sync_ops_total", "Ops phones pushed, by what became of them.", ("result",))
SYNC_REQUESTS = Counter("kin_sync_requests_total", "Pushes and pulls answered.", ("kind",))
IMPORT_ROWS = Counter("kin_voter_import_rows_total", "Voter-file rows read by imports (rate() gives rows/s).")
REPLICA_READS = Counter("kin_replica_reads_total", "Blocks of reads that could go to the read replica, by where "
                        "they went: a rising primary share means the replica is late or down.", ("source",))
MATCHING_REFUSALS = Counter("kin_matching_quota_refusals_total", "Matching requests refused past the daily quota.")


def init_app(app: Flask) -> None:
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", scrape)


def _observe(response):
    if "request_started" in g:
        REQUEST_SECONDS.labels(route(), request.method, f"{response.status_code // 100}xx").observe(elapsed_seconds())
    return response


def scrape():
    """Every worker's counts in Prometheus's text format, and the state of the imports and of the job queue."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(401)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_StateNow(current_app._get_current_object()))
    return Response(body, content_type=CONTENT_TYPE_LATEST)


class _StateNow(CollectorRegistry):
    """Gauges read at scrape time from the database and Redis, which every worker sees alike."""

    def __init__(self, app: Flask):
        super().__init__(auto_describe=False)
        self.app = app

    def collect(self):
        from server.voters.models import ImportStatus, VoterImport

        running = GaugeMetricFamily("kin_voter_imports_running", "Voter-file imports under way.")
        progress = GaugeMetricFamily("kin_voter_import_progress_ratio",
                                     "Share of the bytes read of every running import's files (0 to 1).")
        try:
            count, read, total = db.session.execute(select(
                func.count(), func.coalesce(func.sum(VoterImport.bytes_read), 0),
                func.coalesce(func.sum(VoterImport.bytes_total), 0),
            ).where(VoterImport.status == ImportStatus.RUNNING)).one()
        except SQLAlchemyError:
            count = read = total = None
        if count is not None:
            running.add_metric([], count)
            progress.add_metric([], read / total if total else 0)
            yield running
            yield progress
        if self.app.config["REDIS_URL"]:
            yield self._queue_length()

    def _queue_length(self):
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        from server.jobs import QUEUE

        queued = GaugeMetricFamily("kin_job_queue_length", "Background jobs waiting in the RQ queue.")
        try:
            queued.add_metric([], len(Queue(QUEUE, connection=Redis.from_url(self.app.config["REDIS_URL"]))))
        except RedisError:
            queued.add_metric([], float("nan"))
        return queued
