"""Reading the review list from the read model, and reviewing (one conversation or many) through sync, so a
reply reaches the volunteer's phone on its next pull."""

import base64
import binascii
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_smorest import abort
from sqlalchemy import Select, and_, select, tuple_
from sqlalchemy.orm import aliased

from server.audit.models import record
from server.auth.models import User
from server.campaigns.models import Campaign, Membership
from server.columns import utcnow
from server.conversations.models import Conversation, ConversationIssue
from server.extensions import db
from server.preferences.models import ContactPreference
from server.sync_api.service import apply_review
from server.voters.models import Voter
from sync.entities import CONVERSATION
from sync.protocol import Status

VOLUNTEER, REVIEWER = aliased(User, name="volunteer"), aliased(User, name="reviewer")
COLUMNS = (Conversation, Voter.public_id, Voter.external_id, Voter.first_name, Voter.last_name, Voter.city,
           Voter.birth_year, Voter.priority, VOLUNTEER.display_name, REVIEWER.display_name, ContactPreference)


def _select(campaign_id: int) -> Select:
    """Live conversations of the campaign with their voter (and what they asked about being contacted),
    volunteer and reviewer."""
    return (select(*COLUMNS).select_from(Conversation)
            .join(VOLUNTEER, VOLUNTEER.id == Conversation.volunteer_id)
            .outerjoin(Voter, Voter.id == Conversation.voter_id)
            .outerjoin(ContactPreference, and_(ContactPreference.campaign_id == Conversation.campaign_id,
                                               ContactPreference.voter_id == Conversation.voter_id))
            .outerjoin(REVIEWER, REVIEWER.id == Conversation.reviewed_by_id)
            .where(Conversation.campaign_id == campaign_id, Conversation.deleted.is_(False)))


def page(campaign: Campaign, filters: dict) -> dict:
    """A page of the review list, newest first: (happened_at, id) descending, after the cursor."""
    limit = filters["limit"]
    rows = db.session.execute(review_query(campaign, filters)).all()
    items = [item(row) for row in rows[:limit]]
    more = len(rows) > limit
    last = rows[limit - 1][0] if more else None
    return {"conversations": items, "more": more,
            "cursor": encode_cursor(last.happened_at, last.id) if last else None}


def review_query(campaign: Campaign, filters: dict) -> Select:
    """The select behind a page (one row more than the page, to know whether there is another).

    By issue, the issue table leads (its index is in the same order), so every filter is an index range read
    from its newest end, never a sort of the campaign's conversations (bench/conversations.py prints the plans).
    """
    stmt = _select(campaign.id)
    key = (Conversation.happened_at, Conversation.id)
    if "issue" in filters:
        stmt = stmt.join(ConversationIssue, and_(ConversationIssue.campaign_id == Conversation.campaign_id,
                                                 ConversationIssue.conversation_id == Conversation.id)).where(
            ConversationIssue.campaign_id == campaign.id, ConversationIssue.issue == filters["issue"])
        key = (ConversationIssue.happened_at, ConversationIssue.conversation_id)
    zone = ZoneInfo(campaign.time_zone)
    if "from_" in filters:
        stmt = stmt.where(key[0] >= datetime.combine(filters["from_"], time.min, zone))
    if "to" in filters:
        stmt = stmt.where(key[0] < datetime.combine(filters["to"] + timedelta(days=1), time.min, zone))
    if "volunteer" in filters:
        stmt = stmt.where(Conversation.volunteer_id == filters["volunteer"])
    if filters.get("support"):
        stmt = stmt.where(Conversation.support.in_(sorted(set(filters["support"]))))
    # "= true", not "IS TRUE", which no index answers
    if "reviewed" in filters:
        stmt = stmt.where(Conversation.reviewed == filters["reviewed"])
    if "flagged" in filters:
        stmt = stmt.where(Conversation.flagged_for_follow_up == filters["flagged"])
    if "cursor" in filters:
        stmt = stmt.where(tuple_(*key) < tuple_(*decode_cursor(filters["cursor"])))
    return stmt.order_by(key[0].desc(), key[1].desc()).limit(filters["limit"] + 1)


def one(campaign_id: int, conversation_id: uuid.UUID) -> dict:
    """:raise 404: for a conversation that is deleted, another campaign's or none at all."""
    row = db.session.execute(_select(campaign_id).where(Conversation.id == conversation_id)).one_or_none()
    if row is None:
        abort(404, message="No such conversation.")
    return item(row)


def missing(campaign_id: int, conversation_ids: list[uuid.UUID]) -> list[int]:
    """The places in the list of ids that are not live conversations of the campaign (another campaign's are as
    unknown as ones that never were)."""
    live = set(db.session.execute(select(Conversation.id).where(
        Conversation.campaign_id == campaign_id, Conversation.deleted.is_(False),
        Conversation.id.in_(set(conversation_ids)))).scalars())
    return [n for n, conversation_id in enumerate(conversation_ids) if conversation_id not in live]


def review(membership: Membership, conversation_ids: list[uuid.UUID], fields: dict) -> list[dict]:
    """Apply one review to these conversations through sync (stamped, merged, pulled by the volunteer's phone),
    audit each change, commit, and answer them as they are now, in the order given."""
    campaign_id, ids = membership.campaign_id, list(dict.fromkeys(conversation_ids))  # an id twice: one review
    results = apply_review(membership, CONVERSATION.name, [str(cid) for cid in ids], fields)
    for cid, result in zip(ids, results, strict=True):
        if result.status is Status.REJECTED:
            db.session.rollback()
            abort(422, errors={"json": dict(result.errors)})
        # what changed, never the reply's words
        record(campaign_id, membership.user_id, "conversation.reviewed", "conversation", cid,
               fields=sorted(fields), bulk=len(ids) > 1,
               **{name: fields[name] for name in ("reviewed", "flagged_for_follow_up") if name in fields})
    db.session.commit()
    rows = {row[0].id: item(row) for row in db.session.execute(
        _select(campaign_id).where(Conversation.id.in_(ids)).execution_options(populate_existing=True))}
    return [rows[cid] for cid in ids if cid in rows]


def item(row) -> dict:
    """A review-list entry from a row of ``_select``."""
    (conversation, public_id, external_id, first_name, last_name, city, birth_year, priority,
     volunteer_name, reviewer_name, preference) = row
    voter = public_id and {"id": public_id, "external_id": external_id, "first_name": first_name,
                           "last_name": last_name, "city": city, "priority": priority,
                           "age": utcnow().year - birth_year if birth_year else None,
                           "refused": preference.refused if preference else []}
    reviewer = conversation.reviewed_by_id and {"id": conversation.reviewed_by_id, "display_name": reviewer_name}
    return {
        "id": conversation.id, "relationship_id": conversation.relationship_id, "voter": voter or None,
        "volunteer": {"id": conversation.volunteer_id, "display_name": volunteer_name},
        "happened_at": conversation.happened_at, "channel": conversation.channel, "support": conversation.support,
        "issues": conversation.issue_tags, "registered": conversation.registered,
        "vote_method": conversation.vote_method, "vote_on": conversation.vote_on,
        "follow_up_on": conversation.follow_up_on, "notes": conversation.notes, "reviewed": conversation.reviewed,
        "review_reply": conversation.review_reply, "flagged_for_follow_up": conversation.flagged_for_follow_up,
        "reviewed_at": conversation.reviewed_at, "reviewed_by": reviewer or None,
        "updated_at": conversation.updated_at,
    }


def encode_cursor(happened_at: datetime, conversation_id: uuid.UUID) -> str:
    """Where a page ended: opaque to clients, so its shape may change."""
    return base64.urlsafe_b64encode(f"{happened_at.isoformat()}|{conversation_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """:raise 422: naming ``cursor`` when it is not one this API gave."""
    try:
        happened_at, conversation_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = datetime.fromisoformat(happened_at)
        if moment.tzinfo is None:
            raise ValueError(happened_at)
        return moment, uuid.UUID(conversation_id)
    except (ValueError, binascii.Error, UnicodeError):
        message = "Not a cursor this list gave."
        abort(422, message=message, errors={"query": {"cursor": [message]}})
