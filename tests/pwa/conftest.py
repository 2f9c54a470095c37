"""Browser tests: the real app on a local port, driven in Debian's Chromium by Playwright.

Playwright cannot download browsers here, so the launch points at ``/usr/bin/chromium`` and keeps Chromium
from reaching any host but this one (see ../shared/docs/toolchain.md).
"""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from server import create_app
from server.auth.models import User
from server.auth.passwords import hash_password
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.columns import utcnow
from server.extensions import db
from server.matching.tags import tag_new_identifiers
from server.sync_api.models import SyncRecord
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from sync.hlc import Stamp
from tests.conftest import PASSWORD, TEST_CONFIG, empty_database_uri

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


class LiveServer:
    """The app served on 127.0.0.1 in a thread, with helpers to set up what a test needs."""

    def __init__(self, app, url):
        self.app, self.url = app, url

    def campaign(self, name="Rivertown for All") -> int:
        with self.app.app_context():
            campaign = Campaign(name=name)
            db.session.add(campaign)
            db.session.commit()
            return campaign.id

    def invite(self, campaign_id, role=Role.VOLUNTEER) -> str:
        with self.app.app_context():
            invite = Invite(campaign_id=campaign_id, role=role, max_uses=5, expires_at=utcnow() + timedelta(days=1))
            db.session.add(invite)
            db.session.commit()
            return invite.code

    def member(self, campaign_id, email, role=Role.VOLUNTEER, password=PASSWORD, name="Ana Example",
               language="en") -> None:
        with self.app.app_context():
            user = User(email=email, display_name=name, password_hash=hash_password(password), language=language)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(campaign_id=campaign_id, user_id=user.id, role=role))
            db.session.commit()

    def join(self, campaign_id, email, role=Role.VOLUNTEER) -> None:
        """Add an existing account to another campaign."""
        with self.app.app_context():
            user = db.session.execute(select(User).where(User.email == email)).scalar_one()
            db.session.add(Membership(campaign_id=campaign_id, user_id=user.id, role=role))
            db.session.commit()

    def voter(self, campaign_id, first="Maria", last="Lopez") -> str:
        """A voter in the campaign's voter file; returns the public id the API shows."""
        with self.app.app_context():
            voter = Voter(campaign_id=campaign_id, external_id=uuid.uuid4().hex[:12], first_name=first, last_name=last,
                          search_name=f"{first} {last}".lower())
            db.session.add(voter)
            db.session.commit()
            return str(voter.public_id)

    def configure(self, campaign_id, **settings) -> None:
        """Change a campaign's settings, as its owner would."""
        with self.app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            for name, value in settings.items():
                setattr(campaign, name, value)
            db.session.commit()

    def voters_with(self, campaign_id, people, priority=()) -> dict[str, str]:
        """Voters with phones and e-mails, tagged for matching as an import would: people is
        [(first, last, [phone E.164 or e-mail, ...])], priority the first names the campaign targets;
        returns {first name: public id}."""
        with self.app.app_context():
            ids = {}
            for first, last, identifiers in people:
                voter = Voter(campaign_id=campaign_id, external_id=uuid.uuid4().hex[:12], first_name=first,
                              last_name=last, city="Rivertown", birth_year=1990, search_name=f"{first} {last}".lower(),
                              priority=first in priority)
                voter.identifiers = [VoterIdentifier(campaign_id=campaign_id, value=value, kind=(
                    IdentifierKind.EMAIL if "@" in value else IdentifierKind.PHONE)) for value in identifiers]
                db.session.add(voter)
                db.session.flush()
                ids[first] = str(voter.public_id)
            tag_new_identifiers(db.session.get(Campaign, campaign_id), 0)
            db.session.commit()
            return ids

    def push(self, campaign_id, email, ops, password=PASSWORD) -> list[dict]:
        """Push ops through the real sync API, signed in as email on a device of its own; returns the results."""
        client = self.app.test_client()
        token = client.post("/api/auth/login", json={"email": email, "password": password}).json["access_token"]
        device = str(uuid.uuid4())
        now = time.time_ns() // 1_000_000
        body = {"protocol": 1, "device_id": device, "ops": [
            {**op, "op_id": str(uuid.uuid4()), "hlc": Stamp(now, i, device).encode()} for i, op in enumerate(ops)]}
        response = client.post(f"/api/campaigns/{campaign_id}/sync/push", json=body,
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        return response.json["results"]

    def review(self, campaign_id, email, conversation_id, **review) -> dict:
        """An organizer's review of a conversation, through the organizers' API."""
        client = self.app.test_client()
        token = client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json["access_token"]
        response = client.patch(f"/api/campaigns/{campaign_id}/conversations/{conversation_id}", json=review,
                                headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        return response.json

    def relationship(self, campaign_id, email, voter_id, notes="") -> str:
        """One of the volunteer's people, made on another device of theirs; returns its id."""
        entity_id = str(uuid.uuid4())
        fields = {"voter_id": voter_id, "source": "search", **({"notes": notes} if notes else {})}
        [result] = self.push(campaign_id, email, [
            {"entity": "relationship", "entity_id": entity_id, "action": "upsert", "fields": fields}])
        assert result["status"] == "applied", result
        return entity_id

    def synced(self, campaign_id, entity, email) -> list[dict]:
        """The values of every live record of entity the server holds for the person with this e-mail."""
        with self.app.app_context():
            rows = db.session.execute(select(SyncRecord).join(User, User.id == SyncRecord.owner_id).where(
                SyncRecord.campaign_id == campaign_id, SyncRecord.entity == entity, User.email == email,
                SyncRecord.deleted.is_(False))).scalars()
            return [dict(row.values) for row in rows]


def buffered(app):
    """The app with each response read whole before the server writes it. Werkzeug's development server closes a
    response only after draining the socket, which raises when the browser has already dropped the connection
    (a page left mid-download): the static file stayed open, and its ResourceWarning failed whichever test ran
    next. A list has nothing to leave open."""
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return wsgi


def serve(database_uri: str):
    """The app on a database, migrated, served on a free port in a thread until the generator is closed."""
    # the sign-in rate limit has its own API tests; here many tests sign in from one address
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri, "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, app.config["PUBLIC_URL"])
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from serve(empty_database_uri("sqlite", tmp_path_factory.mktemp("live")))


@pytest.fixture(scope="session")
def live_server_postgres(tmp_path_factory):
    """The same on the PostgreSQL server of the run, for the flows that must hold on both databases."""
    yield from serve(empty_database_uri("postgresql", tmp_path_factory.mktemp("live-pg")))


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def page(page):
    """The page fixture, failing the test on any uncaught error in the app's JavaScript."""
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert errors == []


# IndexedDB as the page sees it, read without the app's code (call only once the app has opened its database)
_IDB = """async ([store, write]) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('kin');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const run = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const tx = db.transaction(store, write ? 'readwrite' : 'readonly');
    const result = write ? await run(tx.objectStore(store).put(write)) : await run(tx.objectStore(store).getAll());
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    return result;
  } finally {
    db.close();
  }
}"""


def idb_all(page, store) -> list:
    """Every value in one of the app's IndexedDB stores ('records', 'outbox', 'meta')."""
    return page.evaluate(_IDB, [store, None])


def idb_put(page, store, value) -> None:
    """Write one value (with its key inside it) into one of the app's stores, as if the app had."""
    page.evaluate(_IDB, [store, value])


def vcard(*contacts) -> bytes:
    """A vCard 3.0 file of (name, [phones], [e-mails]) as a phone exports it (CRLF)."""
    cards = []
    for name, phones, emails in contacts:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", f"N:{name.split()[-1]};{name.split()[0]};;;"]
        lines += [f"TEL;TYPE=CELL:{phone}" for phone in phones] + [f"EMAIL;TYPE=HOME:{e}" for e in emails]
        cards.append("\r\n".join([*lines, "END:VCARD"]))
    return ("\r\n".join(cards) + "\r\n").encode()


def sign_in(page, email, password=PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#home").wait_for()


def log_conversation(page, person, channel="At the door", support="2: Leaning support", notes="") -> None:
    """Log one conversation through the screen, and wait until Save has brought the volunteer home."""
    page.locator("#log-link").click()
    page.locator("#log-person-search").fill(person)  # a search: the volunteer types part of the name
    page.locator("#log-person").get_by_label(person, exact=True).check()
    page.get_by_label(channel, exact=True).check()
    page.get_by_label(support, exact=True).check()
    if notes:
        page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save").click()
    page.locator("#home").wait_for()


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition from outside the page. Playwright's wait_for_function polls with eval inside
    the page, which the app's strict CSP (rightly) refuses whenever the condition is not true at once."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)
