"""A volunteer's people as the campaign's organizers see them: the voter card of each relationship they confirmed
(first name, last initial, age, city): never their address book, how a person was found, or the volunteer's
notes about them."""

import uuid

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import func, select

from server.campaigns.models import Membership
from server.extensions import db
from server.request_input import MAX_ID as MAX_ROWS
from server.sync_api.models import SyncRecord
from server.voters.search import cards_by_public_id
from sync.entities import RELATIONSHIP


def relationships_of(member: Membership, page: PaginationParameters) -> list[dict]:
    """One page of the member's live relationships, newest first, each with its voter's card (None when the voter
    left the file); sets ``page.item_count``."""
    where = (SyncRecord.campaign_id == member.campaign_id, SyncRecord.owner_id == member.user_id,
             SyncRecord.entity == RELATIONSHIP.name, SyncRecord.deleted.is_(False))
    page.item_count = db.session.execute(select(func.count()).select_from(SyncRecord).where(*where)).scalar_one()
    if page.first_item > MAX_ROWS:
        return []
    rows = db.session.execute(select(SyncRecord).where(*where).order_by(SyncRecord.created_at.desc(),
                              SyncRecord.id.desc()).offset(page.first_item).limit(page.page_size)).scalars().all()
    voter_ids = {_uuid(row.values.get("voter_id")) for row in rows} - {None}
    cards = cards_by_public_id(member.campaign_id, voter_ids)
    return [{"id": row.entity_id, "added_at": row.created_at, "voter": cards.get(row.values.get("voter_id"))}
            for row in rows]


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None
