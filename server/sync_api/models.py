"""What sync stores: each synced record with its per-field stamps, the result of every op applied (so an op
is applied at most once, ever), the values that lost a conflict, and each campaign's change counter."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, false, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db


class SyncCounter(db.Model):
    """One row per campaign: the last change sequence number handed out and the server's clock. A push takes
    it last, to number its changes right before it commits, so sequence order is commit order and a pull can
    never skip a change that commits late (server/sync_api/service.py)."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    server_clock: Mapped[str | None] = mapped_column(String(80))  # encoded stamp of the server's own edits


# a relationship's voter (public id), written as its index has it: with the key bound as a parameter, or cast, the
# databases would not see the indexed expression in a query
RELATIONSHIP_VOTER = literal_column("\"values\" ->> 'voter_id'", Text)


class SyncRecord(CampaignScoped, db.Model):
    __table_args__ = (
        UniqueConstraint("campaign_id", "entity", "entity_id"),
        Index("ix_sync_record_pull", "campaign_id", "owner_id", "seq"),
        Index("ix_sync_record_entity", "campaign_id", "entity", "seq"),  # campaign-wide records reach every phone
        # everyone's relationships with a voter, when that voter's "not at all" moves the contact rate; on
        # PostgreSQL only: SQLite cannot reflect an index on an expression, which its table rebuilds then drop
        Index("ix_sync_record_relationship_voter", "campaign_id", RELATIONSHIP_VOTER,
              postgresql_where=text("entity = 'relationship'")).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # made on the phone
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # the volunteer
    values: Mapped[dict] = mapped_column(JSON)
    stamps: Mapped[dict] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(default=False)
    deleted_stamp: Mapped[str | None] = mapped_column(String(80))
    # its person asked to be forgotten: values and stamps purged, a tombstone for good (server/forget/)
    forgotten: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int]
    seq: Mapped[int]  # the campaign's change sequence number of its latest change: what pull pages by
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppliedOp(db.Model):
    """An op that was applied (or resolved as a conflict), recorded in the same transaction as its change."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    errors: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int | None]
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncHistory(db.Model):
    """A value that lost to a later stamp; kept so nobody's words are silently gone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("sync_record.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    losing_value: Mapped[object] = mapped_column(JSON, nullable=True)
    losing_stamp: Mapped[str] = mapped_column(String(80))
    winning_stamp: Mapped[str] = mapped_column(String(80))
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
