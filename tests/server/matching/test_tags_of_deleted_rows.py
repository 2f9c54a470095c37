"""No tag outlives its identifier or its key: match_tag has no foreign keys (their checks were most of PostgreSQL's
cost per tag written), so triggers delete a deleted identifier's or key's tags, a range's write keeps only tags
whose identifier and key are still there, and on PostgreSQL a delete and a range's write lock the key, one after
the other (SQLite's single writer puts them one after the other anyway)."""

import pytest
from sqlalchemy import delete, exists, func, select

from server.campaigns.models import Campaign, Role
from server.extensions import db
from server.matching import build, tags
from server.matching.keys import secret_key
from server.matching.models import MatchKey, MatchTag
from server.voters.models import Voter, VoterIdentifier
from tests.server.matching.test_tag_build import RANGE_IDS, expected_tags, key_of, planned, small_ranges  # noqa: F401
from tests.server.sync.races import WAIT, Pause, Request, waits_on_a_lock


def orphans() -> int:
    """Tags whose identifier or key is gone: what must never be left."""
    return db.session.execute(select(func.count()).select_from(MatchTag).where(
        ~exists().where(VoterIdentifier.id == MatchTag.identifier_id) | ~exists().where(MatchKey.id == MatchTag.key_id)
    )).scalar_one()


def tag_count() -> int:
    return db.session.execute(select(func.count()).select_from(MatchTag)).scalar_one()


DELETES = {  # what deletes rows tags hang on, as the app or an operator does it, and the tags left of 300
    "a voter (a forget)": (lambda campaign_id: delete(Voter).where(Voter.external_id == "V7"), 299),
    "identifiers (a re-import)": (
        lambda campaign_id: delete(VoterIdentifier).where(VoterIdentifier.value.in_(["+19195550007",
                                                                                     "+19195550123"])), 298),
    "the key (a rotation)": (lambda campaign_id: delete(MatchKey).where(MatchKey.campaign_id == campaign_id), 0),
    "the campaign": (lambda campaign_id: delete(Campaign).where(Campaign.id == campaign_id), 0),
}


@pytest.mark.parametrize("deleted", DELETES)
def test_deleting_what_a_tag_hangs_on_deletes_the_tag(app, planned, deleted):  # noqa: F811 (a fixture)
    statement, left = DELETES[deleted]
    with app.app_context():
        build.work(planned)
        assert tag_count() == 300
        db.session.execute(statement(planned))
        db.session.commit()
        assert tag_count() == left and orphans() == 0


def computed_first_range(campaign_id: int):
    """A worker's first range claimed, read and computed, its transaction ended: what it writes next."""
    claimed = build._claim(campaign_id)
    key = key_of(campaign_id)
    db.session.expunge(key)
    tagged = tags.tag_rows(secret_key(key), tags.untagged(key, claimed.first_id, claimed.last_id))
    db.session.commit()
    return claimed, key, tagged


def test_a_range_written_after_its_identifiers_were_deleted_keeps_none_of_their_tags(app, planned):  # noqa: F811
    with app.app_context():
        claimed, key, tagged = computed_first_range(planned)
        db.session.execute(delete(Voter).where(Voter.external_id.in_(["V0", "V5"])))  # in the range
        db.session.commit()
        assert build._finish(claimed, key, tagged) == RANGE_IDS - 2
        assert orphans() == 0
        build.work(planned)
        key = key_of(planned)
        assert {identifier_id: [bytes(tag)] for identifier_id, tag in db.session.execute(
            select(MatchTag.identifier_id, MatchTag.tag))} == expected_tags(planned, key)
        assert tag_count() == 298


def test_a_range_written_after_its_key_was_deleted_leaves_no_tag(app, planned):  # noqa: F811
    with app.app_context():
        claimed, key, tagged = computed_first_range(planned)
        db.session.execute(delete(MatchKey).where(MatchKey.id == key.id))  # its ranges go with it
        db.session.commit()
        assert build._finish(claimed, key, tagged) == 0
        assert tag_count() == 0 and build.work(planned) == 0


@pytest.fixture
def forget_first_voter(app, planned, make_member, auth_headers):  # noqa: F811
    """The forget of the voter whose phone is the first of the first range, as an organizer asks for it."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has a single writer: a forget and a range's write never overlap there")
    organizer = make_member(planned, Role.ORGANIZER)
    with app.app_context():
        public_id = db.session.execute(select(Voter.public_id).where(Voter.external_id == "V0")).scalar_one()
    url = f"/api/campaigns/{planned}/voters/{public_id}/forget"
    return lambda: app.test_client().post(url, json={"reason": "asked"}, headers=auth_headers(organizer.user_id))


def finish_in_a_thread(app, claimed, key, tagged) -> Request:
    def finish():
        with app.app_context():
            return build._finish(claimed, key, tagged)
    return Request(finish)


def test_a_forget_while_a_range_is_written_waits_and_deletes_the_tags_written(app, planned,  # noqa: F811
                                                                              forget_first_voter):
    with app.app_context():
        claimed, key, tagged = computed_first_range(planned)
    # the range's tags are written and its key locked; it has not yet looked for identifiers deleted since
    with Pause(app, "after_cursor_execute", lambda sql: "FOR NO KEY UPDATE" in sql) as write_holds:
        writer = write_holds.thread = finish_in_a_thread(app, claimed, key, tagged)
        writer.start()
        assert write_holds.reached.wait(WAIT), "the range's write never locked its key"
        forget = Request(forget_first_voter)
        forget.start()
        assert waits_on_a_lock(app, forget), "the forget did not wait for the range's write to commit"
        write_holds.released.set()
        assert writer.answer() == RANGE_IDS  # it saw the voter: the forget had not committed
    assert forget.answer().status_code == 200
    with app.app_context():
        assert orphans() == 0 and tag_count() == RANGE_IDS - 1


def test_a_range_written_while_a_forget_commits_waits_and_keeps_none_of_their_tags(app, planned,  # noqa: F811
                                                                                   forget_first_voter):
    with app.app_context():
        claimed, key, tagged = computed_first_range(planned)
    # the voter and their identifiers are deleted (the trigger has run), the forget not yet committed
    with Pause(app, "after_cursor_execute", lambda sql: sql.startswith("DELETE FROM voter ")) as forget_holds:
        forget = forget_holds.thread = Request(forget_first_voter)
        forget.start()
        assert forget_holds.reached.wait(WAIT), "the forget never deleted the voter"
        writer = finish_in_a_thread(app, claimed, key, tagged)
        writer.start()
        assert waits_on_a_lock(app, writer), "the range's write did not wait for the forget to commit"
        forget_holds.released.set()
        assert forget.answer().status_code == 200
    assert writer.answer() == RANGE_IDS - 1
    with app.app_context():
        assert orphans() == 0 and tag_count() == RANGE_IDS - 1
