"""Error reports to Sentry when ``KIN_SENTRY_DSN`` is set: the exception, its stack and the route, with nothing a
person typed. ``send_default_pii`` is off, and ``scrub`` removes what the SDK would still send: request bodies,
cookies, the URL, headers outside a short list, and any user field but the id."""

import sentry_sdk
from flask import Flask
from sentry_sdk.integrations.flask import FlaskIntegration

SAFE_HEADERS = frozenset({"accept", "accept-encoding", "accept-language", "content-length", "content-type", "host",
                          "user-agent", "x-request-id"})


def init(app: Flask) -> None:
    sentry_sdk.init(dsn=app.config["SENTRY_DSN"], integrations=[FlaskIntegration()], send_default_pii=False,
                    before_send=scrub, max_request_body_size="never", include_local_variables=False,
                    environment=app.config["ENV"])


def scrub(event: dict, _hint: dict | None = None) -> dict:
    """``event`` without personal data: what Sentry keeps of a request, a user and breadcrumbs."""
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env", "url"):  # a path holds ids, reset and invite codes
            request.pop(key, None)
        request["headers"] = {name: value for name, value in (request.get("headers") or {}).items()
                              if name.lower() in SAFE_HEADERS}
    if "user" in event:
        event["user"] = {"id": event["user"]["id"]} if event["user"] and "id" in event["user"] else {}
    # a log message or a breadcrumb may quote anything: keep where they came from and drop what they say
    event.pop("breadcrumbs", None)
    event.pop("extra", None)
    return event
