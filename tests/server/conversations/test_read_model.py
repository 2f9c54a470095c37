"""The conversation read model follows the sync records: every push that creates, changes or deletes a conversation
writes its row in the same transaction, and nothing else does."""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from server.conversations.models import Conversation, ConversationIssue
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from tests.server.sync.conftest import conversation_fields


def row_of(app, conversation_id: str) -> Conversation | None:
    with app.app_context():
        row = db.session.get(Conversation, (_campaign_of(conversation_id), uuid.UUID(conversation_id)))
        if row is not None:
            db.session.expunge(row)
        return row


def _campaign_of(conversation_id: str) -> int:
    return db.session.execute(select(SyncRecord.campaign_id).where(
        SyncRecord.entity_id == uuid.UUID(conversation_id))).scalar_one()


def issues_of(app, conversation_id: str) -> list[str]:
    with app.app_context():
        return sorted(db.session.execute(select(ConversationIssue.issue).where(
            ConversationIssue.conversation_id == uuid.UUID(conversation_id))).scalars())


def test_a_logged_conversation_gets_a_row_with_every_column(app, team, voter, log):
    voter_id = voter(team["campaign_id"])
    conversation_id = log(team["volunteer"], voter_id, channel="door", happened_at="2026-10-01T18:30:00-04:00",
                          support=2, issue_tags=["housing", "transit"], registered=True, vote_method="mail",
                          vote_on="2026-10-20", follow_up_on="2026-10-08", notes="Rent is the worry.")
    row = row_of(app, conversation_id)
    with app.app_context():
        voter_pk = db.session.execute(select(Voter.id).where(Voter.public_id == uuid.UUID(voter_id))).scalar_one()
        record = db.session.execute(select(SyncRecord).where(
            SyncRecord.entity_id == uuid.UUID(conversation_id))).scalar_one()
    assert (row.volunteer_id, row.voter_id, row.record_id) == (team["volunteer"].user_id, voter_pk, record.id)
    assert row.happened_at == datetime(2026, 10, 1, 22, 30, tzinfo=UTC)  # stored in UTC
    assert (row.channel, row.support, row.issue_tags, row.registered) == ("door", 2, ["housing", "transit"], True)
    assert (row.vote_method, row.vote_on, row.follow_up_on) == ("mail", date(2026, 10, 20), date(2026, 10, 8))
    assert (row.notes, row.reviewed, row.flagged_for_follow_up, row.deleted) == ("Rent is the worry.", False, False,
                                                                                 False)
    assert issues_of(app, conversation_id) == ["housing", "transit"]


def test_a_conversation_logged_through_a_relationship_finds_the_relationships_voter(app, team, voter, phone_of):
    voter_id = voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    relationship_id, conversation_id = str(uuid.uuid4()), str(uuid.uuid4())
    fields = conversation_fields(voter_id=None)
    del fields["voter_id"]
    phone.push(phone.op("relationship", relationship_id, {"voter_id": voter_id, "source": "search"}),
               phone.op("conversation", conversation_id, {**fields, "relationship_id": relationship_id}))
    row = row_of(app, conversation_id)
    with app.app_context():
        assert row.voter_id == db.session.execute(select(Voter.id).where(
            Voter.public_id == uuid.UUID(voter_id))).scalar_one()
    assert row.relationship_id == uuid.UUID(relationship_id)


def test_an_edit_changes_the_row_and_its_issues(app, team, voter, log, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]), issue_tags=["housing"], support=3)
    before = row_of(app, conversation_id)
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("conversation", conversation_id, {"support": 1, "issue_tags": ["schools", "transit"],
                                                          "happened_at": "2026-10-02T09:00:00Z"}))
    after = row_of(app, conversation_id)
    assert (after.support, after.issue_tags) == (1, ["schools", "transit"])
    assert after.updated_at >= before.updated_at
    assert issues_of(app, conversation_id) == ["schools", "transit"]
    with app.app_context():  # the issue rows move with the conversation's time, which orders "by issue"
        times = set(db.session.execute(select(ConversationIssue.happened_at).where(
            ConversationIssue.conversation_id == uuid.UUID(conversation_id))).scalars())
    assert times == {datetime(2026, 10, 2, 9, tzinfo=UTC)}


def test_a_delete_marks_the_row_deleted_and_drops_its_issues(app, team, voter, log, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]), issue_tags=["housing"])
    phone = phone_of(team["volunteer"])
    assert phone.push(phone.op("conversation", conversation_id, action="delete")).json["results"][0]["status"] == \
        "applied"
    assert row_of(app, conversation_id).deleted is True
    assert issues_of(app, conversation_id) == []
    # an edit stamped after the delete brings it back, with its issues
    phone.push(phone.op("conversation", conversation_id, {"notes": "Back again."}))
    row = row_of(app, conversation_id)
    assert (row.deleted, row.notes) == (False, "Back again.")
    assert issues_of(app, conversation_id) == ["housing"]


def test_a_rejected_op_leaves_the_row_unchanged(app, team, voter, log, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]), support=2)
    before = row_of(app, conversation_id)
    phone = phone_of(team["volunteer"])
    answer = phone.push(phone.op("conversation", conversation_id, {"support": 9, "notes": "changed"}),
                        phone.op("conversation", conversation_id, {"issue_tags": ["not an issue"]}))
    assert [r["status"] for r in answer.json["results"]] == ["rejected", "rejected"]
    after = row_of(app, conversation_id)
    assert (after.support, after.notes, after.updated_at) == (2, before.notes, before.updated_at)


def test_another_volunteers_edit_is_refused_and_changes_nothing(app, team, voter, log, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    before = row_of(app, conversation_id)
    theirs = phone_of(team["other_volunteer"])
    assert theirs.push(theirs.op("conversation", conversation_id, {"notes": "mine now"})).json["results"][0][
        "status"] == "rejected"
    assert row_of(app, conversation_id).notes == before.notes


def test_a_batch_pushed_twice_gives_one_row_per_conversation(app, team, voter, phone_of):
    voter_id = voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    ops = [phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id,
                                                                          issue_tags=["housing"])) for _ in range(3)]
    assert [r["status"] for r in phone.push(*ops).json["results"]] == ["applied"] * 3
    assert [r["status"] for r in phone.push(*ops).json["results"]] == ["duplicate"] * 3
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Conversation)).scalar_one() == 3
        assert db.session.execute(select(func.count()).select_from(ConversationIssue)).scalar_one() == 3


def test_a_relationship_alone_writes_no_conversation(app, team, voter, phone_of):
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("relationship", str(uuid.uuid4()), {"voter_id": voter(team["campaign_id"]),
                                                            "source": "match"}))
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Conversation)).scalar_one() == 0


def test_an_organizers_review_from_their_own_phone_records_the_reviewer(app, team, voter, log, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    organizers_phone = phone_of(team["organizer"])
    organizers_phone.push(organizers_phone.op("conversation", conversation_id, {"reviewed": True}))
    row = row_of(app, conversation_id)
    assert (row.reviewed, row.reviewed_by_id) == (True, team["organizer"].user_id)
    assert row.reviewed_at is not None
    # the volunteer's later edit keeps who reviewed it
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("conversation", conversation_id, {"notes": "more"}))
    assert row_of(app, conversation_id).reviewed_by_id == team["organizer"].user_id
