"""The migration that adds the read model fills it from the conversations already synced."""

import uuid
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from server.auth.models import User
from server.campaigns.models import Campaign
from server.conversations.models import Conversation, ConversationIssue
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from tests.conftest import app_at_revision, insert_as_then

BEFORE = "243d925fea16"  # the revision before the read model
STAMP = f"{1_790_000_000_000:015d}-00000-device"
REVIEW_STAMP = f"{1_790_000_500_000:015d}-00000-server"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_the_read_model(request, tmp_path):
    yield from app_at_revision(request.param, tmp_path, BEFORE)


def _record(campaign_id, owner_id, entity, values, deleted=False, seq=1, stamps=None) -> tuple[int, uuid.UUID]:
    """A synced record with the columns of that revision: (its id, its entity id)."""
    entity_id = uuid.uuid4()
    return insert_as_then(SyncRecord, campaign_id=campaign_id, entity=entity, entity_id=entity_id, owner_id=owner_id,
                          values=values, stamps=stamps or dict.fromkeys(values, STAMP), deleted=deleted, version=1,
                          seq=seq, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)), entity_id


def test_the_upgrade_copies_every_synced_conversation(database_before_the_read_model):
    app = database_before_the_read_model
    with app.app_context():
        # Campaign's columns as they were at that revision (van_mapping came later)
        insert_as_then(Campaign, id=1, name="Before", phone_region="US", time_zone="America/New_York",
                        issue_tags=["housing", "schools"], talking_points={}, message_template={}, match_prefix_bits=16,
                        match_daily_quota=10, match_daily_card_quota=10, created_at=datetime.now(UTC))
        insert_as_then(User, id=1, email="v@example.org", password_hash="x", display_name="V", language="en",
                       session_version=0, created_at=datetime.now(UTC))
        user_id = 1
        # the voter's columns as they were at that revision too (coordinates came later)
        db.session.execute(Voter.__table__.insert().values(
            id=1, campaign_id=1, external_id="A1", public_id=uuid.uuid4(), first_name="Ana", last_name="Lopez",
            search_name="ana lopez", priority=False, active=True, updated_at=datetime.now(UTC)))
        db.session.flush()
        voter = db.session.execute(select(Voter.__table__.c.id, Voter.__table__.c.public_id)).one()
        relationship = _record(1, user_id, "relationship", {"voter_id": str(voter.public_id), "source": "match"})
        direct = _record(1, user_id, "conversation", {
            "voter_id": str(voter.public_id), "channel": "call", "happened_at": "2026-10-01T18:30:00-04:00",
            "support": 1, "issue_tags": ["housing", "schools"], "vote_on": "2026-10-20", "notes": "Rent.",
            "reviewed": True, "review_reply": "Thanks!"}, seq=2,
            stamps={"voter_id": STAMP, "channel": STAMP, "happened_at": STAMP, "support": STAMP,
                    "issue_tags": STAMP, "vote_on": STAMP, "notes": STAMP, "reviewed": REVIEW_STAMP,
                    "review_reply": REVIEW_STAMP})
        through = _record(1, user_id, "conversation", {
            "relationship_id": str(relationship[1]), "channel": "door",
            "happened_at": "2026-10-02T10:00:00Z", "issue_tags": ["housing"]}, seq=3)
        deleted = _record(1, user_id, "conversation", {
            "voter_id": str(voter.public_id), "channel": "text", "happened_at": "2026-10-03T10:00:00Z",
            "issue_tags": ["housing"]}, deleted=True, seq=4)
        ids = {"direct": direct, "through": through, "deleted": deleted}
        voter_id = voter.id
        db.session.commit()
        db.session.remove()  # holds no lock the upgrade's ALTERs would wait for

        upgrade()

        rows = {row.record_id: row for row in db.session.execute(select(Conversation)).scalars()}
        assert set(rows) == {record_id for record_id, _ in ids.values()}
        first = rows[ids["direct"][0]]
        assert (first.id, first.voter_id, first.volunteer_id, first.channel, first.support) == (
            ids["direct"][1], voter_id, user_id, "call", 1)
        assert first.happened_at == datetime(2026, 10, 1, 22, 30, tzinfo=UTC)
        assert (first.reviewed, first.review_reply, first.notes) == (True, "Thanks!", "Rent.")
        assert first.reviewed_at == datetime.fromtimestamp(1_790_000_500, UTC) and first.reviewed_by_id is None
        assert rows[ids["through"][0]].voter_id == voter_id  # found through the relationship
        assert rows[ids["deleted"][0]].deleted is True
        issues = sorted(db.session.execute(select(ConversationIssue.conversation_id, ConversationIssue.issue)).all())
        assert issues == sorted([(ids["direct"][1], "housing"), (ids["direct"][1], "schools"),
                                 (ids["through"][1], "housing")])
