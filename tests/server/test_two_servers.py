"""Two app servers, one PostgreSQL, one Redis, one RQ worker: what a load balancer in front of two gunicorns must
not break. Phones push and pull through either server, a voter file uploaded to one is imported by the worker and
watched from the other, a rate limit counts once across both, a sign-in on one works (and ends) on the other, and
every op lands exactly once (docs/operations.md, section 11)."""

import http.client
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest
from redis import Redis
from rq.registry import FinishedJobRegistry

from server.jobs import QUEUE
from tests.conftest import PASSWORD, empty_database_uri
from tests.server.conftest import HEADER
from tests.server.sync.conftest import conversation_fields
from tests.server.sync.live import SECRET_KEY, LiveServer, Phone, Volunteer, redis_server, rq_worker, seed

PHONES = 6
PUSHES, BATCH = 6, 10  # per phone, each push to the other server than its last
LOOKUP_LIMIT = 4  # invite lookups a minute from one address
VOTERS = 300  # rows of the uploaded voter file


@dataclass(frozen=True)
class Organizer:
    email: str
    campaign_id: int
    token: str


@dataclass(frozen=True)
class Cluster:
    ports: tuple[int, int]
    database_url: str  # for psycopg
    redis_url: str
    volunteers: list[Volunteer]
    organizer: Organizer


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    """Both servers share the instance folder, as they would share a volume: an upload saved by one is read by
    the worker."""
    folder = tmp_path_factory.mktemp("two-servers")
    database_uri = empty_database_uri("postgresql", folder)
    shared = folder / "instance"
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server(folder))
        servers = []
        for name in ("a", "b"):
            (folder / name).mkdir()
            server = stack.enter_context(LiveServer(database_uri, folder / name, workers=2, threads=4))
            server.env.update({"KIN_REDIS_URL": redis_url, "KIN_INSTANCE_PATH": str(shared),
                               "KIN_INVITE_LOOKUP_RATE_LIMIT": f"{LOOKUP_LIMIT} per minute"})
            servers.append(server)
        servers[0].migrate()
        volunteers = seed(database_uri, shared, campaigns=1, volunteers=PHONES)
        organizer = add_organizer(database_uri, shared)
        stack.enter_context(rq_worker(servers[0].env, folder / "worker.log"))
        for server in servers:
            server.start()
        yield Cluster((servers[0].port, servers[1].port), database_uri.replace("postgresql+psycopg", "postgresql"),
                      redis_url, volunteers, organizer)


def add_organizer(database_uri: str, instance_path: Path) -> Organizer:
    """An organizer of a campaign of their own (its voter file is replaced here), who can sign in with PASSWORD."""
    from flask_jwt_extended import create_access_token

    from server import create_app
    from server.auth.models import User
    from server.auth.passwords import hash_password
    from server.campaigns.models import Campaign, Membership, Role
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY, "INSTANCE_PATH": str(instance_path),
                      "PASSWORD_HASH_PROFILE": "CHEAPEST"})
    with app.app_context():
        user = User(email="organizer@example.org", password_hash=hash_password(PASSWORD), display_name="Organizer")
        campaign = Campaign(name="Import campaign")
        db.session.add_all([user, campaign])
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.ORGANIZER))
        db.session.commit()
        organizer = Organizer(user.email, campaign.id,
                              create_access_token(identity=str(user.id), expires_delta=timedelta(hours=1)))
        db.session.remove()
        db.engine.dispose()
    return organizer


def call(port: int, method: str, path: str, *, body: bytes | None = None,
         headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, dict | None]:
    """One request on a new connection: the status, the headers and the JSON body (if any)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response.msg, json.loads(data) if data else None
    finally:
        conn.close()


def roam(volunteer: Volunteer, ports: tuple[int, int], first: int) -> dict:
    """One volunteer's phone, sent to either server in turn, starting with ``first``: each push goes to one server
    and the pull right after it to the other, which must already have the push's changes. Returns what it pushed
    and what it saw. Each hangs up after its answer: gunicorn closes a connection idle for 2 s, and a phone's
    connection to one server idles while it talks to the other."""
    phones = [Phone(volunteer, port) for port in ports]
    phones[1].device_id = phones[0].device_id  # one device, whichever server answers
    pushed, batches, problems, cursor, seen = {}, [], [], "0", {}
    try:
        for n in range(PUSHES):
            here, there = phones[(first + n) % 2], phones[(first + n + 1) % 2]
            ops = [phones[0].op(str(uuid.uuid4()), conversation_fields(
                voter_id=volunteer.voter_ids[0], notes=f"Push {n}, op {k}.")) for k in range(BATCH)]
            status, answer = here.push(ops)
            here.drop()
            if status != 200 or {r["status"] for r in answer["results"]} != {"applied"}:
                problems.append(f"push {n} answered {status}: {answer}")
                continue
            batches.append(ops)
            pushed.update((op["entity_id"], op["fields"]) for op in ops)
            status, page = there.pull(cursor, limit=1000)
            there.drop()
            if status != 200:
                problems.append(f"pull {n} answered {status}: {page}")
                continue
            cursor = page["cursor"]
            seen.update((change["entity_id"], change["fields"]) for change in page["changes"])
            if missing := {op["entity_id"] for op in ops} - seen.keys():
                problems.append(f"the pull after push {n} missed {len(missing)} of its changes")
        # the answer to the first push was lost; the phone sends it again, and the other server takes it
        status, answer = phones[(first + 1) % 2].push(batches[0])
        retried = sorted(r["status"] for r in answer["results"]) if status == 200 else [status]
        pulled = {port: {change["entity_id"]: change["fields"] for change in phone.pull_all()}
                  for port, phone in zip(ports, phones, strict=True)}
    finally:
        for phone in phones:
            phone.drop()
    return {"pushed": pushed, "op_ids": [op["op_id"] for ops in batches for op in ops], "problems": problems,
            "retried": retried, "pulled": pulled}


def test_pushes_and_pulls_through_both_servers_land_exactly_once(cluster):
    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        phones = list(pool.map(lambda n: roam(cluster.volunteers[n], cluster.ports, n % 2), range(PHONES)))
    assert [problem for phone in phones for problem in phone["problems"]] == []
    assert [phone["retried"] for phone in phones] == [["duplicate"] * BATCH] * PHONES
    for phone in phones:  # every phone's pull, from either server, has exactly the records it made
        assert len(phone["pushed"]) == PUSHES * BATCH
        assert phone["pulled"] == {port: phone["pushed"] for port in cluster.ports}
    op_ids = sorted(op_id for phone in phones for op_id in phone["op_ids"])
    with psycopg.connect(cluster.database_url) as conn:
        applied = conn.execute("SELECT op_id::text, status FROM applied_op").fetchall()
        versions = conn.execute("SELECT version, count(*) FROM sync_record GROUP BY version").fetchall()
    assert sorted(op_id for op_id, _ in applied) == op_ids and {status for _, status in applied} == {"applied"}
    assert versions == [(1, PHONES * PUSHES * BATCH)]


def test_a_voter_file_uploaded_to_one_server_is_watched_to_the_end_from_the_other(cluster):
    organizer, (here, there) = cluster.organizer, cluster.ports
    rows = "".join(f"V{n},Ana,Lopez {n},Raleigh,27601,1980,,\r\n" for n in range(VOTERS))
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"voters.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n{','.join(HEADER)}\r\n{rows}\r\n--{boundary}--\r\n").encode()
    auth = {"Authorization": f"Bearer {organizer.token}"}
    status, _, job = call(here, "POST", f"/api/campaigns/{organizer.campaign_id}/voter-files", body=body,
                          headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 202, job
    url, seen, deadline = f"/api/campaigns/{organizer.campaign_id}/voter-files/{job['id']}", [], time.monotonic() + 120
    while time.monotonic() < deadline:
        status, _, job = call(there, "GET", url, headers=auth)
        assert status == 200, job
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.1)  # polling, as the console does, until the import says it has finished
    assert seen[-1] == "succeeded", (seen, job["message"])
    assert job["voters_added"] == VOTERS and job["rows_rejected"] == 0
    with psycopg.connect(cluster.database_url) as conn:
        voters = conn.execute("SELECT count(*) FROM voter WHERE campaign_id = %s", (organizer.campaign_id,))
        assert voters.fetchone()[0] == VOTERS
    assert FinishedJobRegistry(QUEUE, connection=Redis.from_url(cluster.redis_url)).count == 1  # the worker ran it


def test_a_rate_limit_counts_once_across_both_servers(cluster):
    answers = [call(cluster.ports[n % 2], "GET", "/api/invites/no-such-code")[0] for n in range(LOOKUP_LIMIT + 2)]
    assert answers == [404] * LOOKUP_LIMIT + [429, 429]  # half the lookups on each, then both refuse
    assert Redis.from_url(cluster.redis_url).keys("LIMITS*")  # counted in Redis, not in each server's database
    with psycopg.connect(cluster.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM rate_limit_count").fetchone()[0] == 0


def test_a_session_begun_on_one_server_works_and_ends_on_the_other(cluster):
    (here, there), email = cluster.ports, cluster.organizer.email
    status, headers, session = call(here, "POST", "/api/auth/login", body=json.dumps(
        {"email": email, "password": PASSWORD}).encode(), headers={"Content-Type": "application/json"})
    assert status == 200, session
    cookies = SimpleCookie()
    for line in headers.get_all("Set-Cookie"):
        cookies.load(line)
    bearer = {"Authorization": f"Bearer {session['access_token']}"}
    refresh = {"Cookie": f"refresh_token_cookie={cookies['refresh_token_cookie'].value}",
               "X-CSRF-TOKEN": cookies["csrf_refresh_token"].value}
    status, _, me = call(there, "GET", "/api/me", headers=bearer)
    assert status == 200 and me["user"]["email"] == email
    assert call(there, "POST", "/api/auth/refresh", headers=refresh)[0] == 200

    assert call(there, "POST", "/api/auth/logout", headers={**refresh, **bearer})[0] == 204
    assert call(here, "GET", "/api/me", headers=bearer)[0] == 401  # signed out on one, signed out on both
    assert call(here, "POST", "/api/auth/refresh", headers=refresh)[0] == 401
