"""Unbound extensions, bound to an app in ``init_app``; models import ``db`` from here."""

import functools
import uuid
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, g
from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from psycopg.types.array import ListBinaryDumper
from sqlalchemy import MetaData, any_, bindparam, event, func, insert, select
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


@event.listens_for(Engine, "connect")
def _binary_arrays(dbapi_connection, _record):
    """psycopg sends a list in text by default, running a regular expression over every item to quote it: 36 µs
    for each JSON value of an ``insert_many`` column, where the binary format packs it in 5. Every push sends its
    rows as arrays, so on PostgreSQL lists go in binary."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)


def upsert(table, connection=None):
    """An INSERT that takes ``ON CONFLICT`` clauses, in the dialect of ``connection`` (by default the session's;
    both databases have them)."""
    name = (connection or db.session.connection()).dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[name](table)


def insert_many(table, rows: list[dict], returning: tuple[str, ...] = (), on_conflict=None, session=None) -> list:
    """Insert rows (dicts with the same keys) in the session's transaction, in one statement whatever their number,
    and give back the ``returning`` columns of each inserted row (in no particular order on PostgreSQL). There it is
    ``INSERT … SELECT … FROM unnest(one array per column)``: the same short text for 1 or 1,000 rows, so psycopg
    and SQLAlchemy reuse their parse of it and PostgreSQL plans it once, where an executemany sends (and PostgreSQL
    parses and plans) one statement per row, Kin's statements being unprepared for pgbouncer's sake, and a
    multi-row VALUES is a new text for every number of rows. A column with one value in every row (a push's
    campaign, owner, times and flags: most of its columns) is sent once, not as an array: psycopg packs each item
    of an array in Python, and PostgreSQL unnests it (bench/sync_load.py: Kin's CPU an op fell by about a sixth).
    A duplicate key fails the statement as either would.

    ``on_conflict(statement)`` (a module-level function: the statement is built once per table and function) adds
    an ``ON CONFLICT`` clause to the dialect's INSERT; no two rows may then share the conflict's key."""
    if not rows:
        return []
    session = session or db.session
    columns, dialect = tuple(rows[0]), session.connection().dialect.name
    if dialect == "postgresql":
        same = tuple(name for name in columns if _same_in_every_row(rows, name))
        if len(same) == len(columns) and len(rows) > 1:  # identical rows: one array still has to make them
            same = same[1:]
        statement = _unnest_insert(table, columns, same, returning, on_conflict)
        rows = {name: rows[0][name] if name in same else [row[name] for row in rows] for name in columns}
    else:
        statement = on_conflict(sqlite.insert(table)) if on_conflict else insert(table)
        statement = statement.returning(*(table.c[name] for name in returning)) if returning else statement
    result = session.execute(statement, rows)
    return result.all() if returning else []


# values compared only within their own type: 1 == True and {"a": 1} == {"a": True} in Python, not in a column
_SCALARS = (str, int, bool, float, uuid.UUID, datetime, date, type(None))


def _same_in_every_row(rows: list[dict], name: str) -> bool:
    first = rows[0][name]
    kind = type(first)
    return kind in _SCALARS and all(type(row[name]) is kind and row[name] == first for row in rows)


@functools.lru_cache(maxsize=256)
def _unnest_insert(table, columns: tuple[str, ...], same: tuple[str, ...], returning: tuple[str, ...], on_conflict):
    """``INSERT … SELECT``: the ``same`` columns each one parameter, the others unnested from one array each."""
    # one dimension: a JSON list in a row is one item of its column's array, not a second dimension
    arrays = [bindparam(name, type_=postgresql.ARRAY(table.c[name].type, dimensions=1))
              for name in columns if name not in same]
    new = func.unnest(*arrays).table_valued(*(name for name in columns if name not in same)).render_derived(
        name="new") if arrays else None
    values = [bindparam(name, type_=table.c[name].type) if name in same else new.c[name] for name in columns]
    statement = postgresql.insert(table).from_select(columns, select(*values))
    statement = on_conflict(statement) if on_conflict else statement
    return statement.returning(*(table.c[name] for name in returning)) if returning else statement


def prepared(build):
    """Decorate ``build(connection)``, which makes a statement, to make it once per kind of database and hand back
    that one after: a statement every push runs is not built again each time (an upsert's ``excluded`` alone copies
    every column of its table)."""
    made = {}

    def statement(connection=None):
        connection = connection or db.session.connection()
        name = connection.dialect.name
        if name not in made:
            made[name] = build(connection)
        return made[name]
    return statement


def one_of_param(column, name: str, connection=None):
    """``one_of`` with the values bound at execution, as ``name``, for a ``prepared`` statement."""
    if (connection or db.session.connection()).dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def one_of(column, values, connection=None):
    """``column IN values``; on PostgreSQL ``column = ANY(array)``: one statement text however many values, so
    SQLAlchemy and psycopg reuse their work on it instead of redoing it for every list length."""
    values = list(values)
    if (connection or db.session.connection()).dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


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
