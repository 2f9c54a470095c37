"""Configuration: defaults, then ``KIN_*`` environment variables, then the dict a test passes.

Nothing here runs at import time; ``load_config`` is called by the app factory.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask

from server.extensions import REPLICA
from server.mail import check_sender, parse_relay


class Defaults:
    """What a fresh checkout runs with. ``ENV`` is ``production`` unless told otherwise, so a
    forgotten setting fails closed."""

    ENV = "production"
    DATABASE_URL = None  # None means the embedded SQLite file in instance/
    READ_DATABASE_URL = None  # a PostgreSQL streaming replica for reads that may go there (server/replica.py)
    REDIS_URL = None
    SECRET_KEY = None
    PUBLIC_URL = "http://127.0.0.1:5000"
    TRUSTED_PROXIES = 0

    # what an operator watches (docs/operations.md)
    LOG_LEVEL = "INFO"
    METRICS_TOKEN = None  # a bearer token for /metrics; without one /metrics is 404
    SENTRY_DSN = None  # error reports to Sentry; sentry-sdk is imported only when set

    # hide_parameters: a database error's message (in a log line, a Sentry report) never quotes the row's values
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    JWT_TOKEN_LOCATION = ["headers", "cookies"]
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=30)
    JWT_COOKIE_SECURE = True
    JWT_COOKIE_SAMESITE = "Strict"
    JWT_COOKIE_CSRF_PROTECT = True
    JWT_REFRESH_COOKIE_PATH = "/api/auth"
    JWT_REFRESH_CSRF_COOKIE_PATH = "/"
    JWT_SESSION_COOKIE = False  # persistent cookie: the PWA stays signed in for weeks

    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    JOIN_RATE_LIMIT = "10 per minute; 50 per hour"
    INVITE_LOOKUP_RATE_LIMIT = "30 per minute"
    INVITE_DAYS = 14
    # a volunteer's own recruit link (docs/canvassing.md#recruiting-volunteers): how long it works and for how many
    # joins; the phone asks for it again whenever it is online, and gets a new one once a third of its days are left
    RECRUIT_LINK_DAYS = 90
    RECRUIT_LINK_MAX_USES = 100

    # password resets (docs/auth.md): links live RESET_LINK_HOURS; e-mailed ones only with SMTP_URL and MAIL_FROM
    RESET_LINK_HOURS = 24
    SMTP_URL = None  # smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465, smtp://localhost:25 (plain)
    MAIL_FROM = None  # e.g. "Kin <kin@example.org>"; required with SMTP_URL
    SMTP_TIMEOUT_SECONDS = 10
    RESET_REQUEST_RATE_LIMIT = "5 per minute; 20 per hour"  # per address
    RESET_REQUEST_ACCOUNT_RATE_LIMIT = "3 per hour; 10 per day"  # per account: nobody's inbox gets flooded
    RESET_TOKEN_RATE_LIMIT = "10 per minute; 50 per hour"  # per address: reading and using reset links together

    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # any request body but a voter file (a phone's push stays under 1 MB)
    VOTER_FILE_MAX_BYTES = 2 * 1024**3  # an uploaded voter file; the CLI import has no limit
    VOTER_IMPORT_MAX_BAD_SHARE = 0.2  # an import with more rejected rows than this stops and keeps the old file
    VOTER_IMPORT_STALE_MINUTES = 10  # an import silent this long was interrupted (a crash, a restart)
    VOTER_SEARCH_RATE_LIMIT = "30 per minute; 300 per day"  # per volunteer: search is not a way to dump the file
    JOB_TIMEOUT_SECONDS = 4 * 3600
    BASEMAP_MAX_BYTES = 1024**3  # an uploaded basemap (a county from a Protomaps build is tens to hundreds of MB)
    BASEMAP_EXTRACT_MAX_TILES = 4096  # a phone's extract: a few km² take a few hundred tiles over zooms 0 to 15

    # flask-compress: never stream-compress (it leaves a streamed file unclosed); web.py hands it static files
    # as plain bodies instead, so the app shell is compressed too
    COMPRESS_STREAMS = False
    COMPRESS_ALGORITHM = ["br", "gzip"]

    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = None  # Redis when KIN_REDIS_URL is set, else the database (server/ratelimit.py)

    API_TITLE = "Kin API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/vendor/swagger-ui/"


# OPRF_SEED: every campaign's matching key is derived from it; changing it means rotating every campaign's key
# SUPPRESSION_SEED: the suppression list's keys are derived from it; changing it means nobody forgotten is recognised
SECRET_NAMES = ("SECRET_KEY", "OPRF_SEED", "SUPPRESSION_SEED")


class MissingSetting(click.ClickException):
    """A setting the server cannot run without. A ``ClickException``, so that a ``flask`` command says it in one
    sentence and exits 1 (no traceback); under gunicorn it is the reason the worker did not start."""


class BadSetting(MissingSetting):
    """A setting given in a form the server cannot use; the message names it and says what it should be."""


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, ``KIN_*`` environment, test overrides; then derive."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("KIN")
    app.config.update(overrides or {})
    _load_secrets(app)
    _derive(app)


def _load_secrets(app: Flask) -> None:
    """Production refuses to start without its secrets; development keeps generated ones in instance/."""
    missing = [name for name in SECRET_NAMES if not app.config.get(name)]
    if not missing:
        return
    if app.config["ENV"] != "development":
        names = ", ".join(f"KIN_{name}" for name in missing)
        raise MissingSetting(
            f"Missing secret setting(s): {names}. Set them in the environment "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
            "or set KIN_ENV=development to generate them into instance/."
        )
    path = Path(app.instance_path) / "secrets.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    new = {name: secrets.token_urlsafe(48) for name in missing if name not in stored}
    if new:
        stored.update(new)
        path.parent.mkdir(parents=True, exist_ok=True)
        # created owner-only from the start, never readable by others even for a moment
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump(stored, file, indent=2)
    for name in missing:
        app.config[name] = stored[name]


def _derive(app: Flask) -> None:
    """Settings computed from others, so there is one place to set each fact."""
    config = app.config
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        if not config["DATABASE_URL"]:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = database_uri(config["DATABASE_URL"], app.instance_path)
    _unprepared_on_postgresql(config)
    _read_replica(config)
    if not config["RATELIMIT_STORAGE_URI"]:
        # one count per server, whatever the number of processes
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "kin-database://"
    _check_mail(config)
    if config["ENV"] == "development" and config["PUBLIC_URL"].startswith("http://"):
        # browsers drop Secure cookies on plain-HTTP origins; localhost in development is the one exception
        config["JWT_COOKIE_SECURE"] = False


def _read_replica(config) -> None:
    """The replica becomes a second engine (``replica`` in ``SQLALCHEMY_BINDS``) whose every transaction is
    read-only, so nothing can be written through it even if the URL names a server that would take writes."""
    if not config["READ_DATABASE_URL"]:
        return
    uri = database_uri(config["READ_DATABASE_URL"], "")
    if not (uri.startswith("postgresql") and config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")):
        raise BadSetting("KIN_READ_DATABASE_URL: a read replica is a PostgreSQL streaming replica of a PostgreSQL "
                         "KIN_DATABASE_URL, e.g. postgresql://kin@replica.internal/kin.")
    # the primary's engine options (unprepared statements included) apply to it too: Flask-SQLAlchemy gives a
    # bind only its own
    config["SQLALCHEMY_BINDS"] = {**config.get("SQLALCHEMY_BINDS", {}), REPLICA: {
        **config["SQLALCHEMY_ENGINE_OPTIONS"], "url": uri, "execution_options": {"postgresql_readonly": True}}}


def _unprepared_on_postgresql(config) -> None:
    """psycopg sends every statement unprepared (``prepare_threshold=None``), so Kin runs behind pgbouncer in
    transaction pooling, where the next transaction may run on a server connection that never saw the prepared
    statement; on a direct connection this costs nothing measurable (docs/operations.md, section 11)."""
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = config["SQLALCHEMY_ENGINE_OPTIONS"]
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options, "connect_args": {**options.get("connect_args", {}), "prepare_threshold": None}}


def _check_mail(config) -> None:
    """A mail relay that cannot work fails at startup, not when someone first asks for a reset link."""
    if not config["SMTP_URL"]:
        return
    try:
        parse_relay(config["SMTP_URL"])
    except ValueError as exc:
        raise BadSetting(f"KIN_SMTP_URL: {exc}") from exc
    if not config["MAIL_FROM"]:
        raise MissingSetting("KIN_SMTP_URL is set but KIN_MAIL_FROM is not: set the address reset e-mails come "
                             "from, e.g. KIN_MAIL_FROM='Kin <kin@example.org>'.")
    try:
        check_sender(config["MAIL_FROM"])
    except ValueError as exc:
        raise BadSetting(f"KIN_MAIL_FROM: {exc}") from exc


def database_uri(url: str | None, instance_path: str) -> str:
    """Map a database URL to SQLAlchemy's form, with psycopg 3 as the PostgreSQL driver."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'kin.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
