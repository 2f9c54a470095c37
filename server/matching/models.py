"""The server's half of private matching: a tag per voter identifier under each campaign key, and how much of
their daily quota each volunteer has used. Nothing here is about a volunteer's contacts."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, enum_type, utcnow
from server.extensions import db

TAG_BYTES = 16
MIN_PREFIX_BITS, MAX_PREFIX_BITS = 8, 24  # a bucket is 2^-bits of the file: from 1/256 to 1/16,777,216


class KeyState(enum.Enum):
    BUILDING = "building"  # its tag table is being built; phones still use the active key
    ACTIVE = "active"  # the one key phones evaluate with


class MatchKey(CampaignScoped, db.Model):
    """One version of a campaign's OPRF key. The key itself is derived from the server secret on demand and
    never stored (server/matching/keys.py); this row holds what the tag table was built with."""

    __table_args__ = (UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    prefix_bits: Mapped[int]
    state: Mapped[KeyState] = mapped_column(enum_type(KeyState, "match_key_state"), default=KeyState.BUILDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # its tags, added to as each range commits and counted again when its build completes: how full a bucket is,
    # so a buckets answer can be kept to a size (server/matching/service.py); tags deleted since by trigger make
    # it high, which only makes answers smaller
    tag_count: Mapped[int] = mapped_column(default=0, server_default="0")


class MatchTag(db.Model):
    """``tag`` = the first 16 bytes of F(k, identifier input); ``bucket`` = its first ``prefix_bits`` bits.

    No foreign keys: their checks were most of what PostgreSQL spent on each row a build writes. Instead, triggers
    (migration 17e4a7b2bfed) delete the tags of a deleted identifier or key, whatever deletes it; a build that has
    written a range locks its key and deletes the range's tags whose identifier is gone, and the identifier trigger
    takes a lock on the key that conflicts, so a delete and a range's write never overlap (``tags.prune``).

    The primary key leads with the identifier, so deleting an identifier (a re-import) finds its tags by index.
    """

    __table_args__ = (Index("ix_match_tag_bucket", "key_id", "bucket", "tag"),)

    identifier_id: Mapped[int] = mapped_column(primary_key=True)  # voter_identifier.id
    key_id: Mapped[int] = mapped_column(primary_key=True)  # match_key.id
    bucket: Mapped[int]
    tag: Mapped[bytes] = mapped_column(LargeBinary(TAG_BYTES))


class TagRange(db.Model):
    """A span of voter identifier ids whose tags under one key are yet to be built: the unit a worker claims.

    A claim lasts until ``claimed_until``; a worker that dies leaves it to expire, and any worker takes the range
    again. A key's ranges are deleted once all are done (server/matching/build.py).
    """

    __tablename__ = "match_tag_range"
    __table_args__ = (Index("ix_match_tag_range_open", "key_id", "done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("match_key.id", ondelete="CASCADE"))
    first_id: Mapped[int]  # identifier ids from first_id to last_id, both included
    last_id: Mapped[int]
    done: Mapped[bool] = mapped_column(default=False)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatchUsage(db.Model):
    """Blinded elements evaluated and voter cards shown to one volunteer on one (UTC) day: the quota's count."""

    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    elements: Mapped[int] = mapped_column(default=0)
    cards: Mapped[int] = mapped_column(default=0)
