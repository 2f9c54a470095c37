"""Browser tests: the real app on a local port, driven in Debian's Chromium by Playwright, and in Debian's WebKitGTK
by Selenium (the ``webkit`` fixture, tests/pwa/webkit.py).

Playwright cannot download browsers here, so the launch points at ``/usr/bin/chromium`` and keeps Chromium
from reaching any host but this one (see ../shared/docs/toolchain.md).
"""

import contextlib
import socket
import threading
import time
import uuid
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import ThreadedWSGIServer

from server import create_app
from server.auth.models import User
from server.auth.passwords import hash_password
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.columns import utcnow
from server.extensions import db
from server.matching.build import build_now
from server.sync_api.models import SyncRecord
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from sync.hlc import Stamp
from tests.conftest import PASSWORD, TEST_CONFIG, empty_database_uri
from tests.pwa.webkit import Display, WebKit, catching_page_errors, require_webkit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# the campaign's voters (as the voter file lists them) and the volunteer's address book (as the phone writes them)
VOTERS = [("Ana", "Lopez", ["+19195550101", "ana.lopez@example.org"]), ("Ben", "Okafor", ["+19195550102"]),
          ("Cleo", "Park", ["cleo@example.net"]), ("Dev", "Shah", ["+19195550104"])]
ADDRESS_BOOK = [("Ana Lopez", ["(919) 555-0101"], ["Ana.Lopez@example.org"]),
                ("Benny O", ["919.555.0102"], []),
                ("Cleo P", [], ["CLEO@example.net"]),
                ("Zoe Private", ["+1 919 555 0199"], ["zoe.private@example.com"]),
                ("Yusuf Hidden", ["919-555-0188"], [])]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


class Listener(ThreadedWSGIServer):
    """Werkzeug's threaded development server on 127.0.0.1, serving in a thread of its own until closed. Closing it
    also drops the connections it holds open: browsers keep theirs alive, and a stopped server must not go on
    answering on them."""

    def __init__(self, wsgi, port=0):
        self.wsgi, self.connections = wsgi, set()
        super().__init__("127.0.0.1", port, wsgi)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def process_request(self, request, client_address):
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.connections.discard(request)
        super().shutdown_request(request)

    def close(self):
        self.shutdown()
        self.thread.join()
        self.server_close()
        for connection in list(self.connections):
            with contextlib.suppress(OSError):  # its handler may have closed it meanwhile
                connection.shutdown(socket.SHUT_RDWR)  # the handler reads the end, closes it and stops


class LiveServer:
    """The app served on 127.0.0.1 in a thread, with helpers to set up what a test needs."""

    def __init__(self, app, url, listener: Listener | None = None):
        self.app, self.url, self.listener = app, url, listener

    @contextlib.contextmanager
    def stopped(self):
        """The server gone, as for a phone with no signal: its port refuses connections until the block ends, then
        it serves again on the same port (the same origin, so a browser's service worker and data still apply)."""
        self.listener.close()
        try:
            yield
        finally:
            self.listener = Listener(self.listener.wsgi, self.listener.server_port)

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
            build_now(db.session.get(Campaign, campaign_id))
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
    # the sign-in rate limit has its own API tests; here many tests sign in from one address. Plain HTTP, so the
    # session cookies are not Secure, as in development (server/config.py): WebKit, unlike Chromium, drops Secure
    # cookies on http://127.0.0.1, and every reload signed the volunteer out.
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri, "LOGIN_RATE_LIMIT": "1000 per minute",
                      "JWT_COOKIE_SECURE": False})
    with app.app_context():
        upgrade()
    listener = Listener(catching_page_errors(buffered(app)))
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{listener.server_port}"
    live = LiveServer(app, app.config["PUBLIC_URL"], listener)
    yield live
    live.listener.close()
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
def volunteer(live_server):
    """A volunteer in a campaign of their own whose voter file has VOTERS (Cleo a priority): (campaign id, e-mail,
    {first name: voter id}). A module may override it with a volunteer of its own."""
    campaign = live_server.campaign(f"Rivertown {time.monotonic_ns()}")
    email = f"vol-{time.monotonic_ns()}@example.org"
    live_server.member(campaign, email, name="Vera Volunteer")
    return campaign, email, live_server.voters_with(campaign, VOTERS, priority={"Cleo"})


@pytest.fixture(scope="session")
def webkit_session(live_server, tmp_path_factory):
    """One WebKit window for the whole run (tests/pwa/webkit.py), on its own Xvfb display."""
    require_webkit()
    display = Display()
    try:
        browser = WebKit(display, live_server.url, tmp_path_factory.mktemp("webkit"))
    except BaseException:
        display.close()
        raise
    yield browser
    browser.quit()
    display.close()


@pytest.fixture
def webkit(webkit_session):
    """The WebKit window with Kin installed and nothing else on it, failing the test on any uncaught error or
    unhandled rejection in the app's pages. The test's page is left afterwards: an app page left open syncs every few
    minutes, and its requests to the live server counted in a later test's memory measurement."""
    webkit_session.fresh()
    yield webkit_session
    try:
        errors = webkit_session.page_errors()
    finally:
        webkit_session.leave()
    assert errors == []


@pytest.fixture
def page(page):
    """The page fixture, failing the test on any uncaught error in the app's JavaScript."""
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert errors == []


def _in_idb(params: str, body: str) -> str:
    """A page function that opens the app's IndexedDB without the app's code, runs ``body`` with ``db`` and
    ``run(request)`` (a request's result), and closes it (call only once the app has opened its database)."""
    return f"""async ({params}) => {{
  const db = await new Promise((resolve, reject) => {{
    const request = indexedDB.open('kin');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }});
  const run = (request) => new Promise((resolve, reject) => {{
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }});
  try {{
{body}
  }} finally {{
    db.close();
  }}
}}"""


# one store's values, or one value written into it
_IDB = _in_idb("[store, write]", """    const tx = db.transaction(store, write ? 'readwrite' : 'readonly');
    const result = write ? await run(tx.objectStore(store).put(write)) : await run(tx.objectStore(store).getAll());
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    return result;""")
# the whole database: every store's keys and values, serialised
_WHOLE_IDB = _in_idb("", """    const all = {};
    for (const name of db.objectStoreNames) {
      const keys = await run(db.transaction(name).objectStore(name).getAllKeys());
      all[name] = { keys, values: await run(db.transaction(name).objectStore(name).getAll()) };
    }
    return JSON.stringify(all);""")


def idb_dump(page) -> str:
    """Everything in the app's IndexedDB, every store's keys and values, as one JSON text."""
    return page.evaluate(_WHOLE_IDB)


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


def wait_for_service_worker(page, timeout: float = 15.0) -> None:
    """The page controlled by the app's service worker: first its install, however long precaching the whole shell
    takes on a loaded machine (awaited, not polled against a clock), then its claim of the page. A page whose
    navigation was in flight while the worker activated is not claimed (CI saw it stay uncontrolled for 15 s, the
    worker active); as for a volunteer, the next load of the page is controlled, so it is reloaded once."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    try:
        wait_until(page, "navigator.serviceWorker.controller !== null", 3.0)
    except AssertionError:
        page.reload()
        wait_until(page, "navigator.serviceWorker.controller !== null", timeout)


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition from outside the page. Playwright's wait_for_function polls with eval inside
    the page, which the app's strict CSP (rightly) refuses whenever the condition is not true at once."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)
