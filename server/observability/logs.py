"""One JSON object per log line, with the request's id on every line logged while it is answered.

The request line (``kin.request``) says what was asked and how it went by the route's rule (``/api/campaigns/
<int:campaign_id>/voters``), never the path or its query string, and who asked by ids only.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_jwt_extended import get_jwt_identity

REQUEST_ID_HEADER = "X-Request-Id"
# a proxy's id is kept only when it is hex and dashes (a UUID, nginx's $request_id): such an id cannot carry a name
WELL_FORMED_ID = re.compile(r"[0-9a-fA-F-]{16,64}")
# libraries that would log personal data below WARNING (SQLAlchemy: its statements' parameters), whatever the level
QUIET = ("sqlalchemy", "faker", "urllib3")
# what a record carries that is not ours to print: logging's own attributes
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
request_log = logging.getLogger("kin.request")


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, the request id when there is a request, and any
    ``extra`` fields the caller passed."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "pid": record.process,
                "message": record.getMessage()}
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        line.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(level: str) -> None:
    """Send every logger's records to stderr as JSON lines at ``level`` (once per process; gunicorn's config does
    the same for its own loggers, see server/gunicorn_conf.py)."""
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    if not app.testing:  # pytest keeps its own handlers on the root logger to capture records
        configure(app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    """Take the proxy's request id (only behind a trusted proxy, which sets it: deploy/Caddyfile), else make one."""
    given = request.headers.get(REQUEST_ID_HEADER, "") if current_app.config["TRUSTED_PROXIES"] else ""
    g.request_id = given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    """Log the request line and hand the request id back, so that a volunteer's report can be found in the logs."""
    if "request_id" not in g:  # a request refused before any before_request ran
        return response
    response.headers[REQUEST_ID_HEADER] = g.request_id
    request_log.info("request", extra=request_fields(response.status_code))
    return response


def elapsed_seconds() -> float:
    return time.perf_counter() - g.request_started


def route() -> str:
    """The rule that answered (ids left as placeholders), or "unmatched"."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def request_fields(status: int) -> dict:
    """The request line's fields: never the path, the query string, a body or a header's value."""
    fields = {"request_id": g.request_id, "method": request.method, "route": route(), "status": status,
              "duration_ms": round(elapsed_seconds() * 1000, 1)}
    campaign_id = (request.view_args or {}).get("campaign_id")
    if isinstance(campaign_id, int):
        fields["campaign_id"] = campaign_id
    user_id = _user_id()
    if user_id is not None:
        fields["user_id"] = user_id
    return fields


def _user_id() -> int | None:
    """The signed-in caller's id, from the token the route checked; none where the route checked none."""
    try:
        identity = get_jwt_identity()
    except RuntimeError:  # the route verified no token
        return None
    return int(identity) if isinstance(identity, str) and identity.isdigit() else None
