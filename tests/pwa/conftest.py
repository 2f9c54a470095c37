"""Browser tests: the real app on a local port, driven in Debian's Chromium by Playwright.

Playwright cannot download browsers here, so the launch points at ``/usr/bin/chromium`` and keeps Chromium
from reaching any host but this one (see ../shared/docs/toolchain.md).
"""

import threading
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from server import create_app
from server.auth.models import User
from server.auth.passwords import hash_password
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.columns import utcnow
from server.extensions import db
from tests.conftest import PASSWORD, TEST_CONFIG

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

    def member(self, campaign_id, email, role=Role.VOLUNTEER, password=PASSWORD, name="Ana Example") -> None:
        with self.app.app_context():
            user = User(email=email, display_name=name, password_hash=hash_password(password))
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(campaign_id=campaign_id, user_id=user.id, role=role))
            db.session.commit()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("live") / "kin.sqlite3"
    # the sign-in rate limit has its own API tests; here many tests sign in from one address
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, app.config["PUBLIC_URL"])
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url
