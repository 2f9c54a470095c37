"""Keep the conversation read model in step with the sync records, inside the transaction that changes them.

``server/sync_api/service.py`` calls ``follow`` with the conversation records a push or a review changed, before it
takes the campaign's change counter, so the rows commit (or roll back) with the change itself: a rejected or
duplicate op changes no record and so no row. A row's change number is its record's (exports join the two).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select

from server.columns import utcnow
from server.conversations.models import Conversation, ConversationIssue
from server.extensions import db, insert_many, one_of
from server.sync_api.models import SyncRecord
from server.voters.models import Voter

# what a later change of the record may change (relationship_id and voter_id are fixed, but the voter is looked up
# again each time, which costs nothing and mends a row whose voter had not been found)
CHANGING = ("record_id", "volunteer_id", "relationship_id", "voter_id", "happened_at", "channel", "support",
            "issue_tags", "registered", "vote_method", "vote_on", "follow_up_on", "notes", "reviewed", "review_reply",
            "flagged_for_follow_up", "deleted", "updated_at")


@dataclass(frozen=True)
class Written:
    """What ``follow`` wrote: each record's row, and each voter they name as (public id, priority), so the
    dashboard's upkeep counts them without reading them back."""

    rows: dict[int, dict]  # record id -> the row's columns
    voters: dict[int, tuple[uuid.UUID, bool]]  # voter row id -> (public id, priority)


def follow(campaign_id: int, records: list[SyncRecord], reviewers: dict[int, int],
           created: frozenset[int] = frozenset()) -> Written:
    """Write the read-model rows of these conversation records as they are now; ``reviewers`` maps a record's id
    to the organizer who just reviewed it (for ``reviewed_at`` and ``reviewed_by_id``); ``created``: the records
    this transaction made, which have no issue rows to take away yet."""
    if not records:
        return Written({}, {})
    now, (voter_of, voters) = utcnow(), _voter_ids(campaign_id, records)
    rows = [columns(record, voter_of.get(record.id), reviewers.get(record.id), now) for record in records]
    insert_many(Conversation.__table__, rows, on_conflict=_keep_reviewer)
    if ids := [row["id"] for row in rows if row["record_id"] not in created]:
        db.session.execute(delete(ConversationIssue).where(ConversationIssue.campaign_id == campaign_id,
                                                           one_of(ConversationIssue.conversation_id, ids)))
    issues = [{"campaign_id": campaign_id, "conversation_id": row["id"], "issue": issue,
               "happened_at": row["happened_at"]} for row in rows if not row["deleted"] for issue in row["issue_tags"]]
    insert_many(ConversationIssue.__table__, issues)
    return Written({row["record_id"]: row for row in rows}, voters)


def _keep_reviewer(stmt):
    """A record's row written again takes its new values, but a volunteer's edit keeps who reviewed last."""
    table = Conversation.__table__
    return stmt.on_conflict_do_update(index_elements=["campaign_id", "id"], set_={
        **{name: stmt.excluded[name] for name in CHANGING},
        "reviewed_at": func.coalesce(stmt.excluded.reviewed_at, table.c.reviewed_at),
        "reviewed_by_id": func.coalesce(stmt.excluded.reviewed_by_id, table.c.reviewed_by_id)})


def columns(record: SyncRecord, voter_id: int | None, reviewer_id: int | None, now: datetime) -> dict:
    """A record's values as the read model's columns."""
    values = record.values
    return {
        "campaign_id": record.campaign_id, "id": record.entity_id, "record_id": record.id,
        "volunteer_id": record.owner_id, "relationship_id": _uuid(values.get("relationship_id")),
        "voter_id": voter_id, "happened_at": parse_time(values["happened_at"]), "channel": values["channel"],
        "support": values.get("support"), "issue_tags": list(values.get("issue_tags") or ()),
        "registered": values.get("registered"), "vote_method": values.get("vote_method"),
        "vote_on": _date(values.get("vote_on")), "follow_up_on": _date(values.get("follow_up_on")),
        "notes": values.get("notes") or "", "reviewed": bool(values.get("reviewed")),
        "review_reply": values.get("review_reply") or "",
        "flagged_for_follow_up": bool(values.get("flagged_for_follow_up")),
        "reviewed_at": now if reviewer_id else None, "reviewed_by_id": reviewer_id,
        "deleted": record.deleted, "updated_at": now,
    }


def parse_time(text: str) -> datetime:
    """The phone's ISO 8601 time (its own offset, or Z) in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _uuid(text) -> uuid.UUID | None:
    return uuid.UUID(text) if text else None


def _voter_ids(campaign_id: int, records: list[SyncRecord]) -> tuple[dict[int, int], dict]:
    """The voter row each conversation is with (named by it, or by its relationship), by record id; and each of
    those voters' (public id, priority), by row id."""
    direct = {record.id: record.values.get("voter_id") for record in records}
    through = {record.id: record.values["relationship_id"] for record in records
               if not direct[record.id] and record.values.get("relationship_id")}
    if through:
        relationships = db.session.execute(select(SyncRecord.entity_id, SyncRecord.values).where(
            SyncRecord.campaign_id == campaign_id, SyncRecord.entity == "relationship",
            SyncRecord.entity_id.in_({uuid.UUID(value) for value in through.values()})))
        voter_of = {str(entity_id): values.get("voter_id") for entity_id, values in relationships}
        direct.update({record_id: voter_of.get(value) for record_id, value in through.items()})
    public_ids = {uuid.UUID(value) for value in direct.values() if value}
    if not public_ids:
        return {}, {}
    found = {public_id: (voter_id, bool(priority)) for public_id, voter_id, priority in db.session.execute(
        select(Voter.public_id, Voter.id, Voter.priority).where(Voter.campaign_id == campaign_id,
                                                                one_of(Voter.public_id, public_ids)))}
    return ({record_id: found[uuid.UUID(value)][0] for record_id, value in direct.items()
             if value and uuid.UUID(value) in found},
            {voter_id: (public_id, priority) for public_id, (voter_id, priority) in found.items()})


def forget(campaign_id: int, record_ids: list[int]) -> None:
    """Delete the rows of these records (their person asked to be forgotten); the dashboard's counts stay."""
    ids = select(Conversation.id).where(Conversation.campaign_id == campaign_id, Conversation.record_id.in_(record_ids))
    db.session.execute(delete(ConversationIssue).where(ConversationIssue.campaign_id == campaign_id,
                                                       ConversationIssue.conversation_id.in_(ids)))
    db.session.execute(delete(Conversation).where(Conversation.campaign_id == campaign_id,
                                                  Conversation.record_id.in_(record_ids)))
