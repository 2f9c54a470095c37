"""Fixtures in flaskr's style: ``app``, ``client``, ``runner`` and factories, every one run against SQLite
and against the PostgreSQL server that ``make test`` starts (``KIN_TEST_POSTGRES_URL``)."""

import copy
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from flask import Flask
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from sqlalchemy import column, delete, table

from server import create_app
from server.auth.models import User
from server.auth.passwords import hash_password
from server.auth.reset import MAIL_THREAD
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.columns import utcnow
from server.extensions import db, limiter
from server.jobs import THREAD_PREFIX

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
    "OPRF_SEED": "test-oprf-seed-that-is-long-enough-to-derive-keys",
    "SUPPRESSION_SEED": "test-suppression-seed-that-is-long-enough-to-key-hashes",
    "PASSWORD_HASH_PROFILE": "CHEAPEST",
    "PUBLIC_URL": "http://localhost",
}
PASSWORD = "correct horse battery"


# the longest runs (minutes each): collected first, so that under xdist they start at once on every process
# instead of leaving one process working alone through them at the end
LONG_RUNS = ("tests/server/fuzz/", "tests/sync/test_convergence.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_RUNS))


def postgres_admin_url() -> str:
    """The PostgreSQL server every API and sync test also runs on; its absence is a failure that names it, never a
    skip (a quarter of the suite would silently not run)."""
    url = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("PostgreSQL is missing: KIN_TEST_POSTGRES_URL is not set. Run the suite with `make test`, or "
                    "`bash scripts/with-postgres.sh .venv/bin/pytest ...`, which start a throwaway server.")
    return url


def empty_database_uri(backend: str, folder) -> str:
    """A new, empty database on ``backend``: a file in ``folder``, or a database on the test server."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'kin.sqlite3'}"
    admin = postgres_admin_url()
    name = f"kin_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def app_at_revision(backend: str, folder, revision: str):
    """An app on a new database of ``backend`` migrated up to ``revision`` only: to put data in as it was then and
    test what a later migration makes of it. A generator for a fixture: it yields the app, then lets go of the
    database's connections."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_uri(backend, folder)})
    with app.app_context():
        upgrade(revision=revision)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_uri(request, tmp_path_factory):
    """A database migrated to the head revision, made once per backend for the session."""
    uri = empty_database_uri(request.param, tmp_path_factory.mktemp(request.param))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


def build_app(database_uri: str, instance_path) -> Flask:
    # a folder of its own: uploads and the demo's address book never land in the checkout
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri, "INSTANCE_PATH": str(instance_path)})


def empty(app: Flask) -> None:
    """Delete every row the test left, and let go of the database's connections."""
    background_finished()
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.close()
        all_returned(db.engine.pool)
        db.engine.dispose()


BACKGROUND = (THREAD_PREFIX, MAIL_THREAD)  # the names of the threads a request starts


def background_finished(within: float = 60) -> None:
    """Wait for the background work the test started in threads (jobs without Redis, reset e-mails): an upload's
    job goes on to build the match tags after the test saw the import succeed, and left running it would write
    beside the deletes below and into the next test, and hand its connection back to a pool already disposed."""
    deadline = time.monotonic() + within
    while (running := [thread for thread in threading.enumerate() if thread.name.startswith(BACKGROUND)]) \
            and time.monotonic() < deadline:
        running[0].join(max(0.0, deadline - time.monotonic()))  # one may start another: look again
    assert not running, f"background threads still running {within:.0f} s after the test ended: {running}"


def all_returned(pool, within: float = 10) -> None:
    """Wait for every connection the test checked out to come back (a request in a thread of the test may still
    be finishing): a connection returned only after ``dispose`` goes back to the old pool, which nothing closes,
    and the garbage collector fails some later test with its ResourceWarning, far from the one that left it."""
    held = getattr(pool, "checkedout", lambda: 0)
    deadline = time.monotonic() + within
    while held() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not held(), f"{held()} database connection(s) still checked out when the test ended"


@pytest.fixture(scope="session")
def built_app(database_uri, tmp_path_factory):
    """One app per database for the session: building one (its URL map and OpenAPI document) costs 0.15 s of CPU,
    and about 3,100 tests take an app. ``app`` hands it to each test as if new."""
    return build_app(database_uri, tmp_path_factory.mktemp("instance"))


@pytest.fixture
def app(built_app, tmp_path):
    """The app on the backend's database as a new one would be: the config it was built with (whatever the last
    test changed is put back), an instance folder of its own, and every rate limit's count at zero. Its rows are
    deleted afterwards. A test that changes the app itself (adds a route) takes ``new_app``."""
    built = copy.deepcopy(dict(built_app.config))
    built_app.instance_path = built_app.config["INSTANCE_PATH"] = str(tmp_path / "instance")
    with built_app.app_context():
        limiter.reset()  # the counts live in the extension, which every app of the process shares
    yield built_app
    empty(built_app)
    built_app.config.clear()
    built_app.config.update(built)


@pytest.fixture
def new_app(database_uri, tmp_path):
    """An app of the test's own, for a test that adds a route (Flask refuses that once an app has served)."""
    app = build_app(database_uri, tmp_path / "instance")
    yield app
    empty(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create an account; returns its id. Every user's password is ``PASSWORD`` unless given."""
    counter = iter(range(1, 10_000))

    def make(email=None, password=PASSWORD, display_name="Test Person", language="en") -> int:
        with app.app_context():
            user = User(email=email or f"person{next(counter)}@example.org", password_hash=hash_password(password),
                        display_name=display_name, language=language)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_campaign(app):
    def make(name="Test campaign", **settings) -> int:
        with app.app_context():
            campaign = Campaign(name=name, **settings)
            db.session.add(campaign)
            db.session.commit()
            return campaign.id

    return make


@pytest.fixture
def make_member(app, make_user):
    """Add a (new, unless given) user to a campaign in a role; returns the membership."""

    def make(campaign_id, role=Role.VOLUNTEER, user_id=None, active=True) -> "Member":
        user_id = user_id or make_user()
        with app.app_context():
            membership = Membership(campaign_id=campaign_id, user_id=user_id, role=role, active=active)
            db.session.add(membership)
            db.session.commit()
            return Member(id=membership.id, user_id=user_id, campaign_id=campaign_id, role=role,
                          email=db.session.get(User, user_id).email)

    return make


@pytest.fixture
def make_invite(app):
    def make(campaign_id, role=Role.VOLUNTEER, max_uses=1, expires_in=timedelta(days=7), revoked=False) -> Invite:
        with app.app_context():
            invite = Invite(campaign_id=campaign_id, role=role, max_uses=max_uses, expires_at=utcnow() + expires_in,
                            revoked_at=utcnow() if revoked else None)
            db.session.add(invite)
            db.session.commit()
            db.session.refresh(invite)
            db.session.expunge(invite)
            return invite

    return make


@dataclass(frozen=True)
class Member:
    id: int
    user_id: int
    campaign_id: int
    role: Role
    email: str


@pytest.fixture
def auth_headers(app):
    """Bearer headers for a user id, as the PWA sends them after signing in."""

    def headers(user_id: int) -> dict:
        with app.app_context():
            return {"Authorization": f"Bearer {create_access_token(identity=str(user_id))}"}

    return headers


@pytest.fixture
def login(client):
    """Sign in through the API; returns the JSON session (the refresh cookie stays in ``client``)."""

    def do(email, password=PASSWORD, **environ):
        response = client.post("/api/auth/login", json={"email": email, "password": password},
                               environ_overrides=environ)
        assert response.status_code == 200, response.json
        return response.json

    return do


def insert_as_then(model, **values):
    """A row naming only these columns, with their types, for a database at an older revision: a Core or ORM
    insert of the model's own table would also send the Python defaults of columns added after that revision.
    Returns the row's id."""
    columns = model.__table__.c
    target = table(model.__tablename__, *(column(name, columns[name].type) for name in {*values, "id"}))
    return db.session.execute(target.insert().values(**values).returning(target.c.id)).scalar_one()
