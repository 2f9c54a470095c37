"""Retention: past election day plus the campaign's window, ``flask kin retention run`` empties notes and other free
text on the server and, through the next pull, on the phone; the structured results stay; a second run does
nothing."""

from datetime import date

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Campaign
from server.canvass.models import DoorVisit
from server.conversations.models import Conversation
from server.extensions import db
from server.sync_api.models import SyncCounter, SyncHistory, SyncRecord


def retention(runner, *args):
    return runner.invoke(args=["kin", "retention", "run", *args])


def snapshot(app, campaign_id):
    with app.app_context():
        records = db.session.execute(select(SyncRecord.entity_id, SyncRecord.values, SyncRecord.stamps,
                                            SyncRecord.seq).where(SyncRecord.campaign_id == campaign_id)).all()
        counter = db.session.get(SyncCounter, campaign_id)
        return sorted(map(tuple, records), key=str), counter.last_seq, counter.server_clock


def test_a_run_past_the_window_empties_free_text_everywhere_and_keeps_the_results(app, runner, logged):
    phone, ids, campaign_id = logged["phone"], logged["ids"], logged["campaign_id"]
    cursor = phone.pull().json["cursor"]

    result = retention(runner, "--campaign", str(campaign_id))
    assert result.exit_code == 0, result.output
    assert (f"Campaign {campaign_id}: redacted 2 conversations, 1 relationship, 1 door visit; "
            "1 earlier value removed from history.") in result.output

    changes = {c["entity_id"]: c for c in phone.pull(cursor).json["changes"]}
    assert set(changes) == {ids["relationship"], ids["conversation"], ids["door_visit"]}  # not the deleted one
    assert changes[ids["relationship"]]["fields"]["notes"] == ""
    assert changes[ids["relationship"]]["fields"]["kind"] == "friend"
    talk = changes[ids["conversation"]]["fields"]
    assert (talk["notes"], talk["review_reply"], talk["support"], talk["channel"]) == ("", "", 2, "call")
    door = changes[ids["door_visit"]]["fields"]
    assert {name: door[name] for name in ("notes", "person_first_name", "person_phone", "corrected_unit")} == \
        dict.fromkeys(("notes", "person_first_name", "person_phone", "corrected_unit"), "")
    assert (door["result"], door["support"]) == ("talked", 1)
    assert changes[ids["conversation"]]["stamps"]["notes"].endswith("-server")

    with app.app_context():
        rows = db.session.execute(select(Conversation.notes, Conversation.review_reply, Conversation.support)
                                  .where(Conversation.campaign_id == campaign_id)).all()
        assert sorted(map(tuple, rows), key=str) == [("", "", 2), ("", "", 2)]
        assert db.session.execute(select(DoorVisit.corrected_unit)).scalars().all() == [""]
        assert db.session.execute(select(SyncHistory.losing_value)).scalars().all() == []
        values = db.session.execute(select(SyncRecord.values).where(SyncRecord.campaign_id == campaign_id))
        assert "words" not in str(values.scalars().all()).lower()
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "retention.redacted")).scalar_one()
        assert event.details == {"conversation": 2, "relationship": 1, "door_visit": 1, "history": 1}


def test_a_second_run_changes_nothing(app, runner, logged):
    assert retention(runner).exit_code == 0
    before = snapshot(app, logged["campaign_id"])
    phone = logged["phone"]
    cursor = phone.pull().json["cursor"]

    again = retention(runner, "--campaign", str(logged["campaign_id"]))
    assert again.exit_code == 0, again.output
    assert "redacted 0 conversations, 0 relationships, 0 door visits; 0 earlier values" in again.output
    assert snapshot(app, logged["campaign_id"]) == before
    assert phone.pull(cursor).json["changes"] == []


def test_a_dry_run_counts_and_changes_nothing(app, runner, logged):
    before = snapshot(app, logged["campaign_id"])
    result = retention(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would redact 2 conversations, 1 relationship, 1 door visit; 1 earlier value would be removed" \
        in result.output
    assert snapshot(app, logged["campaign_id"]) == before


def test_nothing_is_redacted_before_the_window_ends_or_when_the_campaign_keeps_notes(app, runner, logged):
    campaign_id = logged["campaign_id"]
    with app.app_context():
        db.session.get(Campaign, campaign_id).election_day = date(2999, 11, 5)
        db.session.commit()
    before = snapshot(app, campaign_id)
    assert f"Campaign {campaign_id}: not due until 3000-02-03." in retention(runner).output
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.election_day, campaign.note_retention_days = date(2020, 11, 3), None
        db.session.commit()
    assert "keeps notes" in retention(runner, "--campaign", str(campaign_id)).output
    assert snapshot(app, campaign_id) == before


def test_an_unknown_campaign_exits_non_zero(runner, logged):
    result = retention(runner, "--campaign", "999999")
    assert result.exit_code != 0
    assert "No campaign with id 999999" in result.output
