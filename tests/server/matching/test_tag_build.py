"""The tag build runs off the import, in id ranges any worker takes: the voter file is usable as soon as it commits,
a build a worker died in resumes and tags each identifier once, and matching moves to a key only when its table is
complete."""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select, update

import oprf
from server import jobs
from server.campaigns.models import Campaign, Role
from server.columns import utcnow
from server.extensions import db
from server.matching import build, tags
from server.matching.keys import secret_key
from server.matching.models import KeyState, MatchKey, MatchTag, TagRange
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from tests.server.matching.test_matching_api import VOTERS, Phone
from tests.server.sync.live import redis_server

ROOT = Path(__file__).resolve().parents[3]

RANGE_IDS = 40  # small ranges: a few hundred identifiers make a build of many


@pytest.fixture
def small_ranges(monkeypatch):
    monkeypatch.setattr(build, "RANGE_IDS", RANGE_IDS)


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


@pytest.fixture
def planned(app, make_campaign, small_ranges):
    """A campaign of 300 voters with a phone each whose first tag table is planned and not built: its id."""
    campaign_id = make_campaign(phone_region="US")
    with app.app_context():
        for n in range(300):
            voter = Voter(campaign_id=campaign_id, external_id=f"V{n}", first_name="Voter", last_name=f"N{n}",
                          search_name=f"voter n{n}")
            voter.identifiers = [VoterIdentifier(campaign_id=campaign_id, kind=IdentifierKind.PHONE,
                                                 value=f"+1919555{n:04d}")]
            db.session.add(voter)
        db.session.commit()
        build.plan_all(db.session.get(Campaign, campaign_id))
    return campaign_id


def key_of(campaign_id: int) -> MatchKey:
    return db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign_id)
                              .order_by(MatchKey.version.desc())).scalars().first()


def tags_by_identifier(campaign_id: int, key: MatchKey) -> dict[int, list[bytes]]:
    """Every identifier of the campaign -> its tags under ``key`` (one each, when the table is right)."""
    found = {identifier_id: [] for identifier_id in db.session.execute(
        select(VoterIdentifier.id).where(VoterIdentifier.campaign_id == campaign_id)).scalars()}
    for identifier_id, tag in db.session.execute(select(MatchTag.identifier_id, MatchTag.tag)
                                                 .where(MatchTag.key_id == key.id)):
        found[identifier_id].append(bytes(tag))
    return found


def expected_tags(campaign_id: int, key: MatchKey) -> dict[int, list[bytes]]:
    sk = secret_key(key)
    return {row.id: [oprf.evaluate(sk, f"tel:{row.value}".encode())[:16]] for row in db.session.execute(
        select(VoterIdentifier.id, VoterIdentifier.value).where(VoterIdentifier.campaign_id == campaign_id))}


def volunteer_phone(client, make_member, auth_headers, campaign_id) -> Phone:
    member = make_member(campaign_id, Role.VOLUNTEER)
    return Phone(client, auth_headers(member.user_id), campaign_id)


def test_an_import_is_searchable_at_once_and_matching_waits_for_its_first_tag_table(
        app, client, make_campaign, make_member, auth_headers, voter_file, import_file, redis_url):
    app.config["REDIS_URL"] = redis_url  # the build is queued for RQ workers, and none runs yet
    campaign_id = make_campaign(phone_region="US")
    result = import_file(voter_file(VOTERS), campaign_id, "--format", "generic")
    assert result.exit_code == 0, result.output
    assert Queue(jobs.QUEUE, connection=Redis.from_url(redis_url)).count == 1
    phone = volunteer_phone(client, make_member, auth_headers, campaign_id)

    found = client.get(f"/api/campaigns/{campaign_id}/voters/search", query_string={"name": "Ana Lopez"},
                       headers=phone.headers)
    assert [card["first_name"] for card in found.json] == ["Ana"]
    waiting = client.get(phone.url, headers=phone.headers)
    assert waiting.status_code == 409 and waiting.json["errors"]["ready"] == ["0"]
    assert "still being prepared for matching (0% done)" in waiting.json["message"]
    assert int(waiting.headers["Retry-After"]) > 0
    assert phone.post("evaluate", {"key_version": 1, "blinded": ["A" * 43 + "="]}).status_code == 409

    with app.app_context():
        build.run_job(campaign_id)  # what the queued job does in a worker
    _, cards = phone.match([b"tel:+19195550101"])
    assert [card["voter"]["first_name"] for card in cards] == ["Ana"]


def test_a_range_a_dead_worker_held_is_taken_again_once_its_claim_expires(app, client, make_member, auth_headers,
                                                                           planned):
    with app.app_context():
        claimed = build._claim(planned)  # a worker takes the first range, writes part of it, and dies
        key = key_of(planned)
        rows = tags.untagged(key, claimed.first_id, claimed.first_id + 9)
        tags.write(key, tags.tag_rows(secret_key(key), rows))
        db.session.commit()
        build.work(planned)  # the others build every range but the dead worker's
        key = key_of(planned)
        assert key.state is KeyState.BUILDING
        assert [r.id for r in db.session.execute(select(TagRange).where(~TagRange.done)).scalars()] == [claimed.id]
    phone = volunteer_phone(client, make_member, auth_headers, planned)
    assert client.get(phone.url, headers=phone.headers).status_code == 409

    with app.app_context():
        expired = utcnow() - timedelta(minutes=build.CLAIM_MINUTES, seconds=1)
        db.session.execute(update(TagRange).values(claimed_until=expired))
        db.session.commit()
        assert build.work(planned) == min(RANGE_IDS, 300) - 10
        key = key_of(planned)
        assert key.state is KeyState.ACTIVE
        assert tags_by_identifier(planned, key) == expected_tags(planned, key)  # each tagged exactly once
        assert db.session.execute(select(func.count()).select_from(TagRange)).scalar_one() == 0
    assert phone.status()["key_version"] == 1


def test_matching_keeps_the_old_key_until_the_new_tables_last_range_is_done(app, client, make_member, auth_headers,
                                                                             planned):
    with app.app_context():
        build.work(planned)
        build.rotate(db.session.get(Campaign, planned))
        build.work(planned, ranges=3)
    phone = volunteer_phone(client, make_member, auth_headers, planned)
    assert phone.status()["key_version"] == 1
    _, cards = phone.match([b"tel:+19195550007"])
    assert [card["voter"]["last_initial"] for card in cards] == ["N"]

    with app.app_context():
        build.work(planned)
        assert db.session.execute(select(MatchKey.version, MatchKey.state)
                                  .where(MatchKey.campaign_id == planned)).all() == [(2, KeyState.ACTIVE)]
    assert phone.status()["key_version"] == 2
    _, cards = phone.match([b"tel:+19195550007"])
    assert len(cards) == 1


def test_a_keys_tag_count_grows_range_by_range_and_is_exact_once_built(app, planned):
    """The count sizes the phones' bucket calls (server/matching/service.py): new voters under an active key
    count as soon as their range is done, and the complete table is counted again, without the tags that went
    with deleted identifiers."""
    with app.app_context():
        build.work(planned)
        key = key_of(planned)
        assert key.tag_count == 300
        more = [Voter(campaign_id=planned, external_id=f"W{n}", first_name="Voter", last_name=f"W{n}",
                      search_name=f"voter w{n}", identifiers=[VoterIdentifier(
                          campaign_id=planned, kind=IdentifierKind.PHONE, value=f"+1919556{n:04d}")])
                for n in range(100)]
        db.session.add_all(more)
        db.session.commit()
        build.plan_import(db.session.get(Campaign, planned), more[0].identifiers[0].id)
        db.session.commit()
        build.work(planned, ranges=1)
        db.session.expire_all()
        assert key_of(planned).tag_count == 300 + RANGE_IDS
        gone = db.session.execute(select(VoterIdentifier).where(VoterIdentifier.value == "+19195550001")).scalar_one()
        db.session.delete(gone)
        db.session.commit()
        build.work(planned)
        db.session.expire_all()
        assert key_of(planned).tag_count == 399 == db.session.execute(
            select(func.count()).select_from(MatchTag).where(MatchTag.key_id == key.id)).scalar_one()


def test_two_workers_take_disjoint_ranges_and_build_the_table_one_worker_builds(app, planned):
    both_started = threading.Barrier(2, timeout=120)  # the timeout only ends a broken run
    added = {}

    def worker(name):
        first = [True]

        def progress(_):  # after its first range, each waits for the other to have done one: both take part
            if first.pop() if first else False:
                both_started.wait()

        with app.app_context():
            added[name] = build.work(planned, progress=progress)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        key = key_of(planned)
        assert key.state is KeyState.ACTIVE
        two = tags_by_identifier(planned, key)
        assert all(len(found) == 1 for found in two.values())
        assert added["a"] > 0 and added["b"] > 0 and added["a"] + added["b"] == 300
        db.session.execute(MatchTag.__table__.delete().where(MatchTag.key_id == key.id))
        build.plan(key)
        db.session.commit()
        assert build.work(planned) == 300
        assert tags_by_identifier(planned, key) == two


# in an interpreter of its own: the forkserver is one per process and keeps what it was first started with, so in a
# test process where a voter import already ran, it holds the app its reader preloaded, and every pool inherits it
POOL_MODULES = """
import oprf
from server.matching import tags
sk = oprf.derive_key_pair(bytes(32), b"test")
rows = [(n, f"tel:+1919555{n:04d}") for n in range(tags.CHUNK_ROWS + 1)]  # two chunks: both processes work
with tags.tagger(2) as tagger:
    assert tagger.submit(sk, rows).get() == tags.tag_rows(sk, rows)
    # eval: a builtin is the one thing a process can be handed without importing a module of ours
    print(tagger.pool.map(eval, ["sorted({'flask', 'server', 'sqlalchemy'} & set(__import__('sys').modules))"] * 2,
                          chunksize=1))
"""


def test_the_pools_processes_compute_tags_without_loading_the_app():
    ran = subprocess.run([sys.executable, "-c", POOL_MODULES], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[[], []]"
