"""Reads served by a streaming replica (``KIN_READ_DATABASE_URL``): the dashboard, the review list, exports and
pulls; a pull or an export never answers less than the primary would, with the replica's replay paused.

Runs against the replica that ``scripts/with-replica.sh`` starts (``make test`` does); skipped without one."""

import csv
import io
import os
import socket
import time
import uuid

import psycopg
import pytest
from flask_migrate import upgrade
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from server import create_app
from server.extensions import db
from server.replica import replica_reads
from server.sync_api.models import SyncCounter
from tests.conftest import TEST_CONFIG, build_app, empty, empty_database_uri
from tests.server.conversations import conftest as conversations
from tests.server.sync.conftest import conversation_fields

REPLICA = os.environ.get("KIN_TEST_REPLICA_URL")
pytestmark = pytest.mark.skipif(not REPLICA, reason="no read replica: KIN_TEST_REPLICA_URL is not set; run "
                                "`bash scripts/with-postgres.sh bash scripts/with-replica.sh .venv/bin/pytest ...`")
team, voter, phone_of, log = conversations.team, conversations.voter, conversations.phone_of, conversations.log
CATCH_UP_SECONDS = 30  # how long a test waits for the replica to replay what it needs: a failure, never a pass


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """(primary, replica) URLs of one database migrated on the primary and replayed on the replica."""
    primary = empty_database_uri("postgresql", tmp_path_factory.mktemp("replica"))
    app = build_app(primary, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return primary, REPLICA.rsplit("/", 1)[0] + "/" + primary.rsplit("/", 1)[1]


@pytest.fixture
def replica():
    """The replica's replay, paused and resumed by the test; resumed and caught up afterwards whatever happened."""
    control = Replay()
    yield control
    control.resume()


@pytest.fixture
def app(databases, tmp_path, replica):
    app = with_replica(*databases, tmp_path)
    replica.caught_up()
    yield app
    empty(app)
    with app.app_context():
        db.engines["replica"].dispose()


def with_replica(primary: str, replica_url: str, tmp_path):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": primary, "READ_DATABASE_URL": replica_url,
                       "INSTANCE_PATH": str(tmp_path / "instance")})


class Replay:
    """Pauses and resumes the replica's replay of the primary's WAL, and waits for it to catch up."""

    def __init__(self):
        self.primary = os.environ["KIN_TEST_POSTGRES_URL"]

    def pause(self):
        """Replay stops: what the primary commits from now on is not on the replica until ``resume``."""
        self.caught_up()
        with psycopg.connect(REPLICA, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
            until(lambda: conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == "paused")

    def resume(self):
        with psycopg.connect(REPLICA, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        self.caught_up()

    def caught_up(self):
        """Wait until the replica has replayed everything the primary has written so far: to where the primary
        inserts WAL, which is past every commit (with ``synchronous_commit=off`` the written position may not be)."""
        with psycopg.connect(self.primary, autocommit=True) as conn:
            position = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        with psycopg.connect(REPLICA, autocommit=True) as conn:
            until(lambda: conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (position,)).fetchone()[0])


def until(condition):
    """Wait for ``condition`` to hold (the replica's state, which no event announces), failing after a while."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the replica did not get there"
        time.sleep(0.01)


def reads(source: str) -> float:
    """How many blocks of reads went to ``source`` (``replica`` or ``primary``) in this process so far."""
    return REGISTRY.get_sample_value("kin_replica_reads_total", {"source": source}) or 0


def test_inside_a_replica_block_the_views_session_reads_the_standby_and_cannot_write(app, team):
    with app.app_context():
        assert db.session.execute(select(func.pg_is_in_recovery())).scalar() is False
        with replica_reads() as source:
            assert source == "replica"
            assert db.session.execute(select(func.pg_is_in_recovery())).scalar() is True
            with pytest.raises(DBAPIError) as refused:
                db.session.execute(insert(SyncCounter).values(campaign_id=team["campaign_id"], last_seq=0))
            assert refused.value.orig.sqlstate == "25006"  # read_only_sql_transaction
        assert db.session.execute(select(func.pg_is_in_recovery())).scalar() is False  # the primary again


def test_the_replica_engine_refuses_writes_even_on_a_server_that_takes_them(databases, tmp_path, team):
    app = with_replica(databases[0], databases[0].replace("+psycopg", ""), tmp_path / "primary-as-replica")
    with app.app_context(), replica_reads():
        with pytest.raises(DBAPIError) as refused:
            db.session.execute(insert(SyncCounter).values(campaign_id=team["campaign_id"], last_seq=0))
        assert refused.value.orig.sqlstate == "25006"  # BEGIN READ ONLY, not the standby's own refusal
    with app.app_context():
        db.engine.dispose()
        db.engines["replica"].dispose()


def test_the_review_list_and_dashboard_come_from_the_replica_a_moment_behind(client, auth_headers, team, voter, log,
                                                                              replica):
    first = log(team["volunteer"], voter(team["campaign_id"]), issue_tags=["housing"])
    replica.pause()
    second = log(team["volunteer"], voter(team["campaign_id"], first="Ben"), issue_tags=["housing"])
    headers, base = auth_headers(team["organizer"].user_id), f"/api/campaigns/{team['campaign_id']}"

    def listed():
        return [c["id"] for c in client.get(f"{base}/conversations", headers=headers).json["conversations"]]

    def housing():
        return client.get(f"{base}/dashboard", headers=headers).json["issues"]

    assert listed() == [first]  # the primary has both: this answer came from the paused replica
    assert housing() == [{"issue": "housing", "conversations": 1}]
    replica.resume()
    assert sorted(listed()) == sorted([first, second])
    assert housing() == [{"issue": "housing", "conversations": 2}]


def test_a_pull_right_after_a_push_has_it_though_the_replica_has_not(team, voter, phone_of, replica):
    phone = phone_of(team["volunteer"])
    before = phone.pull().json["cursor"]
    replica.pause()
    conversation_id = str(uuid.uuid4())
    pushed = phone.push(phone.op("conversation", conversation_id,
                                 conversation_fields(voter_id=voter(team["campaign_id"]))))
    assert pushed.json["results"][0]["status"] == "applied"
    fell_back = reads("primary")
    pulled = phone.pull(before).json
    assert [c["entity_id"] for c in pulled["changes"]] == [conversation_id]
    assert reads("primary") == fell_back + 1  # the replica was behind: the primary answered
    replica.resume()
    served = reads("replica")
    assert phone.pull(before).json["changes"] == pulled["changes"]
    assert reads("replica") == served + 1  # caught up: the replica answers the same


def test_pushes_and_pulls_across_paused_and_resumed_replay_lose_nothing_and_repeat_nothing(
        client, auth_headers, team, voter, phone_of, replica):
    phone, organizer = phone_of(team["volunteer"]), auth_headers(team["organizer"].user_id)
    voter_id = voter(team["campaign_id"])
    pushed, seen, cursor = {}, [], "0"
    for round_ in range(4):
        if round_ % 2:
            replica.pause()
        ops = [phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)) for _ in range(3)]
        assert {r["status"] for r in phone.push(*ops).json["results"]} == {"applied"}
        assert {r["status"] for r in phone.push(*ops).json["results"]} == {"duplicate"}  # a resent batch
        pushed.update({op["entity_id"]: 1 for op in ops})
        # an organizer's reply to the round's first conversation reaches the phone as a new version
        reply = client.patch(f"/api/campaigns/{team['campaign_id']}/conversations/{ops[0]['entity_id']}",
                             json={"review_reply": f"Thanks, round {round_}"}, headers=organizer)
        assert reply.status_code == 200
        pushed[ops[0]["entity_id"]] += 1
        more = True
        while more:  # pages of two, so a page boundary falls between a push and the reply
            page = phone.pull(cursor, limit=2).json
            seen.extend((c["seq"], c["entity_id"], c["version"]) for c in page["changes"])
            cursor, more = page["cursor"], page["more"]
        if round_ % 2:
            replica.resume()
    seqs = [seq for seq, _, _ in seen]
    assert seqs == sorted(set(seqs))  # each change once, in order
    latest = {entity_id: version for _, entity_id, version in seen}
    assert latest == pushed  # every conversation, at its latest version: nothing lost


@pytest.fixture
def export(client, auth_headers, team):
    """Download the conversations export as the team's organizer: (its id, its conversation ids)."""

    def get(**query):
        answer = client.get(f"/api/campaigns/{team['campaign_id']}/exports/conversations.csv", query_string=query,
                            headers=auth_headers(team["organizer"].user_id))
        assert answer.status_code == 200
        rows = [row["conversation_id"] for row in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))]
        return answer.headers["X-Kin-Export-Id"], rows

    return get


def test_an_export_reaches_its_high_water_mark_whichever_database_reads_it(team, voter, log, export, replica):
    first = log(team["volunteer"], voter(team["campaign_id"]))
    replica.pause()
    second = log(team["volunteer"], voter(team["campaign_id"], first="Ben"))
    fell_back = reads("primary")
    paused_id, rows = export()
    assert sorted(rows) == sorted([first, second])  # the replica had neither the export nor the second change
    assert reads("primary") == fell_back + 1
    replica.resume()
    served = reads("replica")
    assert export(since=paused_id)[1] == []  # continued from the export made while the replica was paused
    assert sorted(export()[1]) == sorted([first, second])
    assert reads("replica") == served + 2


def test_an_export_continuing_from_one_the_replica_has_not_seen_reads_the_primary(team, voter, log, export, replica):
    first = log(team["volunteer"], voter(team["campaign_id"]))
    replica.pause()
    served = reads("replica")
    earlier, rows = export()
    assert rows == [first] and reads("replica") == served + 1  # every change is there, if not the export's record
    fell_back = reads("primary")
    assert export(since=earlier)[1] == []
    assert reads("primary") == fell_back + 1


def test_an_unreachable_replica_leaves_reads_on_the_primary(databases, tmp_path, team, phone_of, voter,
                                                           auth_headers):
    with socket.socket() as unused:  # a local port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    app = with_replica(databases[0], f"postgresql://postgres@127.0.0.1:{port}/nowhere", tmp_path / "unreachable")
    phone = phone_of(team["volunteer"])
    phone.client = app.test_client()
    conversation_id = str(uuid.uuid4())
    phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter(team["campaign_id"]))))
    fell_back = reads("primary")
    assert [c["entity_id"] for c in phone.pull().json["changes"]] == [conversation_id]
    listed = phone.client.get(f"/api/campaigns/{team['campaign_id']}/conversations",
                              headers=auth_headers(team["organizer"].user_id))
    assert [c["id"] for c in listed.json["conversations"]] == [conversation_id]
    assert reads("primary") == fell_back + 2
    with app.app_context():
        db.engine.dispose()
