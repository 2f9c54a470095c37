"""The conversation read model: one row per synced conversation, with the columns the review list filters and
sorts by, written in the same transaction as every change to its sync record (``server/conversations/readmodel.py``).
The sync record stays the truth (values, stamps, history); this is a copy shaped for reading."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, SmallInteger, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime
from server.extensions import db


class Conversation(CampaignScoped, db.Model):
    __table_args__ = (
        # the review list: newest first, alone or within one volunteer, one review state, one support level,
        # the flagged ones; each ends in (happened_at, id) so a page is an index range, never a sort
        Index("ix_conversation_review", "campaign_id", "happened_at", "id"),
        Index("ix_conversation_volunteer", "campaign_id", "volunteer_id", "happened_at", "id"),
        Index("ix_conversation_reviewed", "campaign_id", "reviewed", "happened_at", "id"),
        Index("ix_conversation_support", "campaign_id", "support", "happened_at", "id"),
        Index("ix_conversation_flagged", "campaign_id", "flagged_for_follow_up", "happened_at", "id"),
        Index("ix_conversation_voter", "campaign_id", "voter_id"),  # the dashboard: a voter's progress, again
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the entity id the phone made
    record_id: Mapped[int] = mapped_column(ForeignKey("sync_record.id", ondelete="CASCADE"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # who logged it
    relationship_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # the voter talked to, directly or through the relationship; a voter row is never deleted but with its campaign
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id", ondelete="SET NULL"))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    support: Mapped[int | None] = mapped_column(SmallInteger)
    issue_tags: Mapped[list] = mapped_column(JSON, default=list)  # for showing; conversation_issue for finding
    registered: Mapped[bool | None]
    vote_method: Mapped[str | None] = mapped_column(String(16))
    vote_on: Mapped[date | None]
    follow_up_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[bool] = mapped_column(default=False)
    review_reply: Mapped[str] = mapped_column(Text, default="")
    flagged_for_follow_up: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an organizer's latest review action
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # server time of the latest change


class ConversationIssue(db.Model):
    """One issue tag of a live conversation, with its time copied, so "by issue, newest first" is an index range."""

    __table_args__ = (
        ForeignKeyConstraint(["campaign_id", "conversation_id"], ["conversation.campaign_id", "conversation.id"],
                             ondelete="CASCADE"),
        Index("ix_conversation_issue_review", "campaign_id", "issue", "happened_at", "conversation_id"),
    )

    campaign_id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    issue: Mapped[str] = mapped_column(String(40), primary_key=True)
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
