"""The real Kin API on a local port, for the node unit tests of pwa/lib (api, session, sync, matching).

tests/pwa/test_js_units.py starts one with :func:`serve` and hands what it made to ``node --test`` as the JSON of
``KIN_TEST_API``. Run by hand (``python -m tests.pwa.node_api`` from the checkout, as pwa/lib/testing/live-api.mjs
does when ``node --test`` runs without that variable) it prints that JSON on one line and serves until its
standard input closes.

What it makes: three campaigns, each with an invite that many volunteers can use (every node test file joins
volunteers of its own, so files never share a person); an organizer and three voters in the sync campaign; voters
with phones and e-mails, tagged for matching, in the matching campaign; a daily matching quota of 2 in the quota
campaign.
"""

import json
import sys
import tempfile
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

from server import create_app
from server.campaigns.models import Invite, Role
from server.columns import utcnow
from server.extensions import db
from server.matching import service as matching
from tests.conftest import PASSWORD, TEST_CONFIG
from tests.pwa.conftest import LiveServer

# the phone must batch as the server's status says: small numbers make a handful of contacts need several calls
MAX_PER_CALL = 3
BUCKETS_PER_CALL = 2

VOTERS = [("Ana", "Lopez", ["+19195550101", "ana.lopez@example.org"]),
          ("Ben", "Okafor", ["+19195550102"]),
          ("Cleo", "Park", ["cleo@example.net"]),
          ("Dev", "Rao", ["+19195550104"])]


def _invite(live: LiveServer, campaign_id: int) -> str:
    with live.app.app_context():
        invite = Invite(campaign_id=campaign_id, role=Role.VOLUNTEER, max_uses=10_000,
                        expires_at=utcnow() + timedelta(days=1))
        db.session.add(invite)
        db.session.commit()
        return invite.code


@contextmanager
def serve(folder: Path):
    """Serve a migrated, seeded app from ``folder``; yields the JSON-able description the node tests read."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'kin.sqlite3'}",
                      "INSTANCE_PATH": str(folder / "instance"), "LOGIN_RATE_LIMIT": "1000 per minute",
                      "JOIN_RATE_LIMIT": "1000 per minute", "INVITE_LOOKUP_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(app, url)
    try:
        sync = live.campaign("Sync County")
        organizer = "organizer@example.org"
        live.member(sync, organizer, role=Role.ORGANIZER, name="Olu Organizer")
        people = [live.voter(sync, first, "Example") for first in ("Maria", "Tomas", "Lena")]
        match = live.campaign("Match County")
        voters = live.voters_with(match, VOTERS)
        quota = live.campaign("Quota County")
        live.configure(quota, match_daily_quota=2)
        yield {
            "url": url,
            "sync": {"id": sync, "invite": _invite(live, sync), "voters": people,
                     "organizer": {"email": organizer, "password": PASSWORD}},
            "match": {"id": match, "invite": _invite(live, match),
                      "voters": {first: {"id": voters[first], "identifiers": identifiers}
                                 for first, _last, identifiers in VOTERS}},
            "quota": {"id": quota, "invite": _invite(live, quota)},
            "max_per_call": MAX_PER_CALL, "buckets_per_call": BUCKETS_PER_CALL,
        }
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


@contextmanager
def small_matching_calls():
    """Make the matching status announce MAX_PER_CALL and BUCKETS_PER_CALL (the request schemas keep their own
    bounds; the buckets call refuses more than it announces), so that a few contacts take several evaluate and
    bucket calls."""
    saved = matching.MAX_PER_CALL, matching.MOST_BUCKETS_PER_CALL
    matching.MAX_PER_CALL, matching.MOST_BUCKETS_PER_CALL = MAX_PER_CALL, BUCKETS_PER_CALL
    try:
        yield
    finally:
        matching.MAX_PER_CALL, matching.MOST_BUCKETS_PER_CALL = saved


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, small_matching_calls(), serve(Path(folder)) as info:
        print(json.dumps(info), flush=True)
        sys.stdin.read()  # the node process that started us closes it when its tests are done


if __name__ == "__main__":
    main()
