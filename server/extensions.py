"""Unbound extensions, bound to an app in ``init_app``; models import ``db`` from here."""

from pathlib import Path

import click
from flask import Flask, g
from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from server.blueprint import SECURITY_SCHEMES
from server.errors import KinApi

# stable constraint names, so Alembic can alter them on SQLite and PostgreSQL alike
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending every statement to the read replica while a ``replica_reads`` block
    (server/replica.py) has set ``READING_REPLICA`` in its info."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.info.get(READING_REPLICA):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


MIGRATIONS = Path(__file__).parent / "migrations"
REPLICA = "replica"  # the read replica's key in SQLALCHEMY_BINDS (server/config.py)
READING_REPLICA = "kin_reads_from_replica"

db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
jwt = JWTManager()
api = KinApi()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()  # the app shell, API answers (matching buckets) and the service worker's precache, smaller


def init_app(app: Flask) -> None:
    """Bind every extension to ``app``."""
    db.init_app(app)
    app.extensions["migrate"] = _Migrations(app)
    app.cli.add_command(_MigrationCommands(app, name="db", help="Upgrade or downgrade the database (Flask-Migrate)."))
    jwt.init_app(app)
    api.init_app(app)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    limiter.init_app(app)
    compress.init_app(app)


class _Migrations:
    """Flask-Migrate's state for the app, made the first time something asks for it (``flask db ...``, or code that
    upgrades): importing Alembic cost every web worker 10 MB for commands no worker runs, and put the export's worker
    over its 100 MB target."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        return getattr(_bound_migrations(self._app), name)


def _bound_migrations(app: Flask):
    """Flask-Migrate's state for ``app``, binding Flask-Migrate (and so importing Alembic) the first time."""
    if isinstance(app.extensions["migrate"], _Migrations):
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)  # puts itself in app.extensions
    return app.extensions["migrate"]


class _MigrationCommands(click.Group):
    """``flask db``: Flask-Migrate's commands, imported when one is asked for (see ``_Migrations``)."""

    def __init__(self, app: Flask, **kwargs):
        super().__init__(callback=self._no_options, **kwargs)
        self._app = app

    @staticmethod
    def _no_options():
        g.directory, g.x_arg = None, ()  # what Flask-Migrate's own group sets from its -d and -x options

    def _commands(self) -> click.Group:
        from flask_migrate.cli import db as commands

        _bound_migrations(self._app)
        return commands

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite ignores foreign keys unless asked, per connection (PostgreSQL always enforces them); WAL lets
    volunteers read while a voter-file import writes."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def upsert(table, connection=None):
    """An INSERT that takes ``ON CONFLICT`` clauses, in the dialect of ``connection`` (by default the session's;
    both databases have them)."""
    name = (connection or db.session.connection()).dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[name](table)


def bulk_insert(table, columns: tuple[str, ...], rows: list[tuple], connection=None) -> None:
    """Insert many rows in the current transaction (of ``connection``, by default the session's): COPY on
    PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = connection or db.session.connection()
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:  # psycopg's C adapter: measured 6x faster than formatting COPY text here
                    copy.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})", rows)
