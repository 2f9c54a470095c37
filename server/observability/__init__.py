"""What an operator watches: JSON logs with a request id, Prometheus metrics, optional Sentry (docs/operations.md).

Nothing here holds personal data: log lines and metric labels carry ids, routes and counts, never bodies, query
strings, names, phones or e-mails.
"""

from flask import Flask

from server.observability import logs, metrics


def init_app(app: Flask) -> None:
    logs.init_app(app)
    metrics.init_app(app)
    if app.config["SENTRY_DSN"]:
        from server.observability import sentry  # sentry-sdk costs a worker memory; only for those who use it

        sentry.init(app)
