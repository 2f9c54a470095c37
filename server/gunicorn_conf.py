"""gunicorn's settings for Kin (the Procfile, ``make run`` and deploy/kin-web.service pass ``-c``): its own logs as the
app's JSON lines, and Prometheus's per-worker files, cleared when the server starts and when a worker exits.

``gunicorn -c server/gunicorn_conf.py --workers 2 --threads 4 "server:create_app()"``
"""

import os
import tempfile
from pathlib import Path

from gunicorn import glogging

# prometheus_client reads this when it is first imported (by the app, below): set it before
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kin-metrics-")

from server.observability.logs import JsonFormatter  # noqa: E402 (after the metrics directory is known)

# the app logs one line per request with its route and ids (kin.request); gunicorn's own access line, when turned on
# with --access-logfile, is JSON too and carries the same request id
accesslog = None


class JsonLogger(glogging.Logger):
    """gunicorn's error and access logs as JSON lines. An access line has no path (a path holds ids and tokens) and
    no query string: the method, the status, the time taken and the request id the app sent back."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        request_id = dict((name.lower(), value) for name, value in resp.headers).get("x-request-id")
        self.access_log.info("access", extra={
            "method": req.method, "status": resp.status_code, "request_id": request_id,
            "duration_ms": round(request_time.total_seconds() * 1000, 1)})


logger_class = JsonLogger


def on_starting(_server):
    """A new server starts its counts from zero: files left by a previous run would be added in."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(_server, worker):
    """A worker that exits stops counting in the gauges of live processes."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
