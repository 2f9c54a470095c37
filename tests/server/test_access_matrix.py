"""Every route × role × own/other campaign → the status the caller gets.

The table is checked against the app's URL map, so a new route without an entry fails here first.
"""

import base64
import io
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

import oprf
from server import create_app
from server.auth.models import ResetOrigin, User
from server.auth.reset import make_link
from server.basemaps.service import install_file
from server.campaigns.models import Campaign, Role
from server.canvass import households
from server.canvass.models import Turf, TurfHousehold
from server.columns import utcnow
from server.conversations import readmodel
from server.extensions import db
from server.surveys.models import SurveyQuestion
from server.sync_api.models import SyncRecord
from server.voters.models import ImportStatus, Voter, VoterImport
from tests.basemap_town import write_town
from tests.conftest import PASSWORD, TEST_CONFIG

PUBLIC, SIGNED_IN, REFRESH_COOKIE = "public", "signed in", "refresh cookie"
# a page for organizers: the shell for anyone the refresh cookie does not name, 403 for a volunteer it names
CONSOLE_PAGE = "console page"


@dataclass(frozen=True)
class Entry:
    needs: str | Role  # PUBLIC, SIGNED_IN, REFRESH_COOKIE, CONSOLE_PAGE or the least campaign role
    ok: int
    body: dict | None = field(default=None, hash=False)
    query: dict | None = field(default=None, hash=False)
    upload: bool = False  # send a small voter file as multipart form data
    pmtiles: bool = False  # send the test town's basemap as the body


CAMPAIGN = "/api/campaigns/<int:campaign_id>"
BLINDED = base64.b64encode(oprf.blind(b"tel:+12025550143")[1]).decode()
A_TAG = base64.b64encode(bytes(16)).decode()
EXPECTED = {
    ("GET", "/<path:filename>"): Entry(PUBLIC, 200),
    **{(method, "/api/<path:_rest>"): Entry(PUBLIC, 404) for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    ("GET", "/"): Entry(PUBLIC, 200),
    ("GET", "/signin"): Entry(PUBLIC, 200),
    ("GET", "/join/<code>"): Entry(PUBLIC, 200),
    ("GET", "/reset"): Entry(PUBLIC, 200),
    ("GET", "/reset/<token>"): Entry(PUBLIC, 200),
    ("GET", "/log"): Entry(PUBLIC, 200),
    ("GET", "/log/<uuid:conversation_id>"): Entry(PUBLIC, 200),
    ("GET", "/contacts"): Entry(PUBLIC, 200),
    ("GET", "/people"): Entry(PUBLIC, 200),
    ("GET", "/people/<uuid:relationship_id>"): Entry(PUBLIC, 200),
    ("GET", "/privacy"): Entry(PUBLIC, 200),
    ("GET", "/doors"): Entry(PUBLIC, 200),
    ("GET", "/doors/<int:campaign_id>/<int:turf_id>"): Entry(PUBLIC, 200),
    ("GET", "/doors/<int:campaign_id>/<int:turf_id>/<uuid:household_id>"): Entry(PUBLIC, 200),
    ("GET", "/doors/<int:campaign_id>/<int:turf_id>/print"): Entry(PUBLIC, 200),
    ("GET", "/doors/<int:campaign_id>/<int:turf_id>/paper"): Entry(PUBLIC, 200),
    ("GET", "/take/<int:campaign_id>/<token>"): Entry(PUBLIC, 200),
    ("GET", "/console"): Entry(CONSOLE_PAGE, 200),
    ("GET", "/console/<path:_rest>"): Entry(CONSOLE_PAGE, 200),
    ("GET", "/api/openapi.json"): Entry(PUBLIC, 200),
    ("GET", "/api/docs"): Entry(PUBLIC, 200),
    ("GET", "/api/health"): Entry(PUBLIC, 200),
    ("GET", "/api/health/ready"): Entry(PUBLIC, 200),
    ("GET", "/metrics"): Entry(PUBLIC, 404),  # without KIN_METRICS_TOKEN (tests/server/test_observability.py)
    ("POST", "/api/auth/login"): Entry(PUBLIC, 200, {"email": "outsider@example.org", "password": PASSWORD}),
    ("POST", "/api/auth/join"): Entry(PUBLIC, 201, {"code": "<code>", "email": "newcomer@example.org",
                                                    "password": PASSWORD, "display_name": "New", "language": "es"}),
    ("GET", "/api/invites/<code>"): Entry(PUBLIC, 200),
    ("GET", "/api/auth/reset-request"): Entry(PUBLIC, 200),
    # the tests' server has no mail relay: the answer says to ask an organizer
    ("POST", "/api/auth/reset-request"): Entry(PUBLIC, 409, {"email": "outsider@example.org"}),
    ("GET", "/api/auth/reset/<token>"): Entry(PUBLIC, 200),
    ("POST", "/api/auth/reset"): Entry(PUBLIC, 200, {"token": "<token>", "password": "a brand new passphrase"}),
    ("POST", "/api/auth/logout"): Entry(PUBLIC, 204),
    ("POST", "/api/auth/refresh"): Entry(REFRESH_COOKIE, 200),
    ("GET", "/api/me"): Entry(SIGNED_IN, 200),
    ("PATCH", "/api/me"): Entry(SIGNED_IN, 200, {"language": "es"}),
    ("GET", "/api/me/data"): Entry(SIGNED_IN, 200),
    ("POST", "/api/me/deletion"): Entry(SIGNED_IN, 204, {"password": PASSWORD}),
    ("GET", CAMPAIGN): Entry(Role.ORGANIZER, 200),
    ("PATCH", CAMPAIGN): Entry(Role.OWNER, 200, {"name": "Renamed"}),
    ("GET", f"{CAMPAIGN}/members"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/members/<int:membership_id>"): Entry(Role.ORGANIZER, 200),
    ("PATCH", f"{CAMPAIGN}/members/<int:membership_id>"): Entry(Role.ORGANIZER, 200, {"active": False}),
    ("GET", f"{CAMPAIGN}/members/<int:membership_id>/relationships"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/members/<int:membership_id>/reset-link"): Entry(Role.ORGANIZER, 201),
    ("GET", f"{CAMPAIGN}/invites"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/invites"): Entry(Role.ORGANIZER, 201, {"role": "volunteer"}),
    ("DELETE", f"{CAMPAIGN}/invites/<int:invite_id>"): Entry(Role.ORGANIZER, 204),
    ("POST", f"{CAMPAIGN}/recruit-link"): Entry(Role.VOLUNTEER, 200),
    ("GET", f"{CAMPAIGN}/recruits"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/audit-events"): Entry(Role.ORGANIZER, 200,
                                               query={"action": "invite", "since": "2026-01-01"}),
    ("GET", f"{CAMPAIGN}/voter-files"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/voter-files"): Entry(Role.ORGANIZER, 202, upload=True),
    ("POST", f"{CAMPAIGN}/voter-files/preview"): Entry(Role.ORGANIZER, 200, upload=True),
    ("GET", f"{CAMPAIGN}/voter-files/<int:import_id>"): Entry(Role.ORGANIZER, 200),
    ("DELETE", f"{CAMPAIGN}/voter-files/<int:import_id>"): Entry(Role.ORGANIZER, 202),
    ("GET", f"{CAMPAIGN}/voter-files/<int:import_id>/problems.csv"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/voters"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/voters/search"): Entry(Role.VOLUNTEER, 200, query={"name": "Ana Lopez"}),
    ("GET", f"{CAMPAIGN}/voters/<uuid:voter_id>"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/voters/<uuid:voter_id>/forget"): Entry(Role.ORGANIZER, 200, {"reason": "asked"}),
    ("GET", f"{CAMPAIGN}/voters/<uuid:voter_id>/contact-preference"): Entry(Role.ORGANIZER, 200),
    ("PUT", f"{CAMPAIGN}/voters/<uuid:voter_id>/contact-preference"): Entry(Role.ORGANIZER, 200, body={
        "no_contact": False, "no_text": True, "no_call": False, "no_email": False, "no_door": True}),
    ("POST", f"{CAMPAIGN}/sync/push"): Entry(Role.VOLUNTEER, 200, {"protocol": 1, "device_id": str(uuid.uuid4()),
                                                                 "ops": []}),
    ("GET", f"{CAMPAIGN}/sync/pull"): Entry(Role.VOLUNTEER, 200, query={"protocol": 1}),
    ("DELETE", f"{CAMPAIGN}/membership"): Entry(Role.VOLUNTEER, 204),
    ("GET", f"{CAMPAIGN}/match"): Entry(Role.VOLUNTEER, 200),
    ("POST", f"{CAMPAIGN}/match/evaluate"): Entry(Role.VOLUNTEER, 200, {"key_version": 1, "blinded": [BLINDED]}),
    ("POST", f"{CAMPAIGN}/match/buckets"): Entry(Role.VOLUNTEER, 200, {"key_version": 1, "prefixes": [0, 1]}),
    ("POST", f"{CAMPAIGN}/match/cards"): Entry(Role.VOLUNTEER, 200, {"key_version": 1, "tags": [A_TAG]}),
    ("GET", f"{CAMPAIGN}/conversations"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/conversations/<uuid:conversation_id>"): Entry(Role.ORGANIZER, 200),
    ("PATCH", f"{CAMPAIGN}/conversations/<uuid:conversation_id>"): Entry(Role.ORGANIZER, 200, {"reviewed": True}),
    ("POST", f"{CAMPAIGN}/conversations/review"): Entry(Role.ORGANIZER, 200,
                                                      {"ids": ["<conversation_id>"], "reviewed": True}),
    ("GET", f"{CAMPAIGN}/dashboard"): Entry(Role.ORGANIZER, 200, query={"priority": "true"}),
    ("GET", f"{CAMPAIGN}/exports"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/exports/conversations.csv"): Entry(Role.ORGANIZER, 200, query={"notes": "true"}),
    ("GET", f"{CAMPAIGN}/exports/van-canvass-results.csv"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/exports/tickets"): Entry(Role.ORGANIZER, 201, {"file": "conversations.csv"}),
    # the ticket is the credential, not a token or a role: a made-up one is 404 to anyone (tests/server/exports)
    ("GET", f"{CAMPAIGN}/exports/download/<ticket>"): Entry(PUBLIC, 404),
    ("GET", f"{CAMPAIGN}/basemap"): Entry(Role.VOLUNTEER, 200),
    ("PUT", f"{CAMPAIGN}/basemap"): Entry(Role.ORGANIZER, 200, pmtiles=True),
    ("GET", f"{CAMPAIGN}/basemap/file"): Entry(Role.VOLUNTEER, 200),
    ("GET", f"{CAMPAIGN}/basemap/extract"): Entry(Role.VOLUNTEER, 200, query={"bbox": "-78.902,35.993,-78.899,35.995"}),
    # a volunteer sees the turfs they hold (the world's turf is held by the volunteer who calls)
    ("GET", f"{CAMPAIGN}/turfs"): Entry(Role.VOLUNTEER, 200),
    ("POST", f"{CAMPAIGN}/turfs"): Entry(Role.ORGANIZER, 201, {"name": "Cut", "precinct": "FREE"}),
    ("POST", f"{CAMPAIGN}/turfs/auto"): Entry(Role.ORGANIZER, 201, {"name": "Auto", "count": 1}),
    ("GET", f"{CAMPAIGN}/turfs/streets"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/turfs/precincts"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/turfs/canvassers"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/turfs/corrections"): Entry(Role.ORGANIZER, 200),
    ("GET", f"{CAMPAIGN}/turfs/map"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/turfs/count"): Entry(Role.ORGANIZER, 200, {"polygon": {"type": "Polygon", "coordinates": [
        [[-78.7, 35.7], [-78.6, 35.7], [-78.6, 35.8], [-78.7, 35.7]]]}}),
    ("POST", f"{CAMPAIGN}/turfs/take"): Entry(Role.VOLUNTEER, 200, {"token": "<take_token>"}),
    ("GET", f"{CAMPAIGN}/turfs/<int:turf_id>"): Entry(Role.VOLUNTEER, 200),
    ("PATCH", f"{CAMPAIGN}/turfs/<int:turf_id>"): Entry(Role.ORGANIZER, 200, {"name": "Renamed"}),
    ("DELETE", f"{CAMPAIGN}/turfs/<int:turf_id>"): Entry(Role.ORGANIZER, 204),
    ("GET", f"{CAMPAIGN}/turfs/<int:turf_id>/walk-list"): Entry(Role.VOLUNTEER, 200),
    # survey questions: organizers define them; volunteers get them with a walk list
    ("GET", f"{CAMPAIGN}/questions"): Entry(Role.ORGANIZER, 200),
    ("POST", f"{CAMPAIGN}/questions"): Entry(Role.ORGANIZER, 201, {"label": "Yard sign?", "kind": "yes_no"}),
    ("PATCH", f"{CAMPAIGN}/questions/<int:question_id>"): Entry(Role.ORGANIZER, 200, {"retired": True}),
    ("DELETE", f"{CAMPAIGN}/questions/<int:question_id>"): Entry(Role.ORGANIZER, 204),
}
VOTER_FILE = b"voter_id,first_name,last_name\nA1,Ana,Lopez\n"


def _routes() -> set[tuple[str, str]]:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


ROUTES = _routes()
CALLERS = [None, Role.VOLUNTEER, Role.ORGANIZER, Role.OWNER]  # None: not signed in
OWN, OTHER, FOREIGN_OBJECT = "own campaign", "other campaign", "own campaign, other campaign's object"


def _cases():
    for (method, rule), entry in sorted(EXPECTED.items(), key=str):
        scopes = [OWN]
        if rule.startswith(CAMPAIGN):
            scopes.append(OTHER)
            if rule.count("<") > 1:
                scopes.append(FOREIGN_OBJECT)
        for caller in CALLERS:
            for scope in scopes:
                who = caller.value if caller else "anonymous"
                yield pytest.param(method, rule, entry, caller, scope, id=f"{method} {rule} as {who} on {scope}")


def test_every_route_has_an_entry_in_the_matrix():
    assert ROUTES == set(EXPECTED)


def expected_status(entry: Entry, caller: Role | None, scope: str) -> int:
    if entry.needs == PUBLIC:
        return entry.ok
    if entry.needs == CONSOLE_PAGE:
        return 403 if caller is Role.VOLUNTEER else entry.ok
    if caller is None:
        return 401
    if isinstance(entry.needs, Role):
        if scope == OTHER:
            return 404
        if not caller.at_least(entry.needs):
            return 403
        if scope == FOREIGN_OBJECT:
            return 404
    return entry.ok


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> bytes:
    return write_town(tmp_path_factory.mktemp("town") / "town.pmtiles").read_bytes()


@pytest.fixture
def world(app, make_campaign, make_member, make_invite, make_user, town, tmp_path):
    """Two campaigns, each with an owner, an organizer, two volunteers, an invite, a voter, a volunteer's reset
    link, a basemap and an import whose worker died a day ago (so it can be cancelled, and a new upload is not
    refused as busy)."""
    make_user(email="outsider@example.org")
    campaigns = {}
    for name in ("own", "other"):
        campaign_id = make_campaign(name=f"{name} campaign")
        logger = make_member(campaign_id, Role.VOLUNTEER)  # whose conversation organizers review
        make_member(campaign_id, Role.OWNER)  # a second owner, so that the caller who owns it may leave
        with app.app_context():
            voter = Voter(campaign_id=campaign_id, external_id="A1", first_name="Ana", last_name="Lopez",
                          search_name="ana lopez")
            job = VoterImport(campaign_id=campaign_id, filename="old.csv", upload_path="/nonexistent",
                              status=ImportStatus.RUNNING, heartbeat_at=utcnow() - timedelta(days=1))
            db.session.add_all([voter, job])
            db.session.flush()
            values = {"voter_id": str(voter.public_id), "channel": "door", "happened_at": "2026-10-01T10:00:00Z"}
            conversation = SyncRecord(campaign_id=campaign_id, entity="conversation", entity_id=uuid.uuid4(),
                                      owner_id=logger.user_id, values=values, version=1, seq=1,
                                      stamps=dict.fromkeys(values, f"{1:015d}-00000-device"))
            db.session.add(conversation)
            db.session.flush()
            readmodel.follow(campaign_id, [conversation], {})
            db.session.commit()
            voter_id, import_id, conversation_id = voter.public_id, job.id, conversation.entity_id
        volunteer = make_member(campaign_id, Role.VOLUNTEER)
        (tmp_path / "town.pmtiles").write_bytes(town)
        with app.app_context():
            install_file(db.session.get(Campaign, campaign_id), tmp_path / "town.pmtiles", None)
            reset_token = make_link(db.session.get(User, volunteer.user_id), ResetOrigin.OPERATOR)["token"]
            db.session.commit()
        campaigns[name] = {
            "campaign_id": campaign_id,
            "members": {role: make_member(campaign_id, role) for role in Role},
            "membership_id": volunteer.id,
            "reset_token": reset_token,
            "invite": make_invite(campaign_id, max_uses=100, expires_in=timedelta(days=3)),
            "voter_id": voter_id,
            "import_id": import_id,
            "conversation_id": conversation_id,
        }
        campaigns[name].update(_turfs(app, campaign_id, campaigns[name]["members"][Role.VOLUNTEER].id))
        with app.app_context():
            question = SurveyQuestion(campaign_id=campaign_id, label="Yard sign?", kind="yes_no", options=[])
            db.session.add(question)
            db.session.commit()
            campaigns[name]["question_id"] = question.id
    return campaigns


def _turfs(app, campaign_id: int, holder_id: int) -> dict:
    """Three doors: one in a turf the calling volunteer holds, one in a free turf to take by its link, and one in
    no turf (precinct FREE, for a new cut)."""
    with app.app_context():
        for number, precinct in (("1", "HELD"), ("2", "TAKE"), ("3", "FREE")):
            db.session.add(Voter(campaign_id=campaign_id, external_id=f"T{number}", first_name="Bo", last_name="Diaz",
                                 house_number=number, street="Oak Avenue", zip="27601", precinct=precinct,
                                 latitude=35.75, longitude=-78.65))
        db.session.flush()
        households.assign(campaign_id)
        ids = {}
        for precinct, holder in (("HELD", holder_id), ("TAKE", None)):
            turf = Turf(campaign_id=campaign_id, name=precinct, cut="precinct", area={"precinct": precinct}, doors=1,
                        voters=1, holder_id=holder, expires_at=utcnow() + timedelta(days=3))
            db.session.add(turf)
            db.session.flush()
            household = db.session.execute(select(Voter.household_id).where(
                Voter.campaign_id == campaign_id, Voter.precinct == precinct)).scalar_one()
            db.session.add(TurfHousehold(turf_id=turf.id, household_id=household, campaign_id=campaign_id))
            ids[precinct] = (turf.id, turf.take_token)
        db.session.commit()
    return {"turf_id": ids["HELD"][0], "take_token": ids["TAKE"][1]}


def _url(rule: str, own: dict, objects: dict) -> str:
    values = {
        "<int:campaign_id>": own["campaign_id"],
        "<int:membership_id>": objects["membership_id"],
        "<int:invite_id>": objects["invite"].id,
        "<int:import_id>": objects["import_id"],
        "<uuid:voter_id>": objects["voter_id"],
        "<uuid:conversation_id>": objects["conversation_id"],
        "<int:turf_id>": objects["turf_id"],
        "<int:question_id>": objects["question_id"],
        "<uuid:relationship_id>": objects["conversation_id"],  # the page shell: any uuid
        "<uuid:household_id>": objects["conversation_id"],  # the page shell: any uuid
        "<code>": own["invite"].code,
        "<token>": own["reset_token"],
        "<ticket>": "a-ticket-nobody-bought",
        "<path:filename>": "index.html",
        "<path:_rest>": "campaigns/1/invites/-1",
    }
    for placeholder, value in values.items():
        rule = rule.replace(placeholder, str(value))
    return rule


@pytest.mark.parametrize(("method", "rule", "entry", "caller", "scope"), list(_cases()))
def test_access(client, auth_headers, login, world, town, method, rule, entry, caller, scope):
    campaign = world["other"] if scope == OTHER else world["own"]
    objects = world["other"] if scope in (OTHER, FOREIGN_OBJECT) else world["own"]
    headers = {}
    if caller is not None:
        member = world["own"]["members"][caller]
        if entry.needs == REFRESH_COOKIE:
            login(member.email)
            headers["X-CSRF-TOKEN"] = client.get_cookie("csrf_refresh_token").value
        elif entry.needs == CONSOLE_PAGE:
            login(member.email)  # a browser's page load: the cookie says who it is, there is no bearer token
        else:
            headers.update(auth_headers(member.user_id))
    body = entry.body
    if body and body.get("code") == "<code>":
        body = {**body, "code": world["own"]["invite"].code}
    if body and body.get("token") == "<token>":
        body = {**body, "token": world["own"]["reset_token"]}
    if body and body.get("token") == "<take_token>":
        body = {**body, "token": world["own"]["take_token"]}
    if body and body.get("ids") == ["<conversation_id>"]:  # the own campaign's: another's is refused before
        body = {**body, "ids": [str(world["own"]["conversation_id"])]}
    url = _url(rule, campaign, objects)
    if entry.upload:
        response = client.open(url, method=method, headers=headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(VOTER_FILE), "voters.csv")})
    elif entry.pmtiles:
        response = client.open(url, method=method, headers=headers, content_type="application/vnd.pmtiles",
                               data=town)
    else:
        response = client.open(url, method=method, json=body, query_string=entry.query, headers=headers)
    response.close()  # static files are streamed
    if entry.upload and response.status_code == 202:
        wait_until_finished(client, f"{url}/{response.json['id']}", headers)
    assert response.status_code == expected_status(entry, caller, scope), response.get_data(as_text=True)[:300]


def wait_until_finished(client, url, headers, timeout=30):
    """Let a background import end before the test's database is emptied."""
    deadline = time.monotonic() + timeout
    while client.get(url, headers=headers).json["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "import did not finish"
        time.sleep(0.05)
