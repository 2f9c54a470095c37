"""The tenant (campaign), who belongs to it and in which role, and the invites that let people in."""

import enum
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.columns import UTCDateTime, enum_type, utcnow
from server.extensions import db


class DepartedRecords(enum.Enum):
    """What happens to what a volunteer logged when they delete their account."""

    ANONYMISE = "anonymise"  # kept for the campaign, no longer tied to a name
    DELETE = "delete"


class Role(enum.Enum):
    """The ladder owner > organizer > volunteer; a check asks for "at least" a role."""

    VOLUNTEER = "volunteer"
    ORGANIZER = "organizer"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: "Role") -> bool:
        return self.rank >= other.rank


class Campaign(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_region: Mapped[str] = mapped_column(String(2), default="US")
    time_zone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    election_day: Mapped[date | None]
    issue_tags: Mapped[list] = mapped_column(JSON, default=list)  # the issues volunteers can tag conversations with
    # ideas for volunteers' own words, not scripts, per language: {"en": [...], "es": [...]}
    talking_points: Mapped[dict] = mapped_column(JSON, default=dict)
    # the message a volunteer's person screen starts from until they keep their own, per language; {name} is the
    # person's first name
    message_template: Mapped[dict] = mapped_column(JSON, default=dict)
    # private matching: the tag table's bucket size for the next key (2^-p of the file per bucket), and how many
    # blinded contacts and voter cards each volunteer may ask for a day (what bounds enumerating the file)
    match_prefix_bits: Mapped[int] = mapped_column(default=16)
    match_daily_quota: Mapped[int] = mapped_column(default=5000)
    match_daily_card_quota: Mapped[int] = mapped_column(default=500)
    # the voter file's column (by its header) that marks the campaign's priority voters: every import reads it as
    # priority unless the upload's own column choices say otherwise; None: the layout's own priority column, if any
    priority_column: Mapped[str | None] = mapped_column(String(100))
    # how the VAN canvass-results export names support and issues (server/exports/van.py); None: the defaults
    van_mapping: Mapped[dict | None] = mapped_column(JSON)
    # whether volunteers' own recruit links let people join (server/campaigns/recruits.py); off: they answer 410
    volunteer_recruiting: Mapped[bool] = mapped_column(default=True, server_default=true())
    # notes and other free text are redacted this many days after election day (server/privacy/retention.py);
    # None: kept
    note_retention_days: Mapped[int | None] = mapped_column(default=90, server_default="90")
    # what a volunteer's records become when they delete their account
    departed_records: Mapped[DepartedRecords] = mapped_column(
        enum_type(DepartedRecords, "departed_records"), default=DepartedRecords.ANONYMISE,
        server_default=DepartedRecords.ANONYMISE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="campaign")

    @property
    def notes_redacted_on(self) -> date | None:
        """The first day notes are redacted; None while there is no election day or the campaign keeps them."""
        if self.election_day is None or self.note_retention_days is None:
            return None
        return self.election_day + timedelta(days=self.note_retention_days)


class CampaignScoped:
    """Mixin for rows that belong to one campaign: the single way to look one up by id."""

    campaign_id: Mapped[int]

    @classmethod
    def get_in_campaign(cls, object_id, campaign: Campaign, by: str = "id", lock: bool = False):
        """The row whose ``by`` column (the id, or the public id the API shows) matches, in this campaign; with
        ``lock``, locked for update, so a request that deletes it and a second one waiting here meet in order.

        :raise 404: when it does not exist (or no longer, once the lock is had) or belongs to another campaign.
        """
        stmt = select(cls).where(getattr(cls, by) == object_id, cls.campaign_id == campaign.id)
        return db.first_or_404(stmt.with_for_update() if lock else stmt)


class Membership(CampaignScoped, db.Model):
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the member whose recruit link they joined through (docs/canvassing.md#recruiting-volunteers); None: an
    # organizer's invite, or the campaign's start
    recruited_by_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="SET NULL"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821


class InviteUnusable(Exception):
    """The invite exists but has expired, been revoked or used up (HTTP 410)."""


class Invite(CampaignScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    code: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a volunteer's own recruit link: whoever joins through it is recorded as their recruit, as a volunteer
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)

    campaign: Mapped[Campaign] = relationship()
    recruiter: Mapped[Membership | None] = relationship()

    def check_usable(self, now: datetime) -> None:
        """:raise InviteUnusable: with the reason a person sees."""
        if self.revoked_at is not None:
            raise InviteUnusable("This invite has been withdrawn.")
        if now >= self.expires_at:
            raise InviteUnusable("This invite has expired.")
        if self.uses >= self.max_uses:
            raise InviteUnusable("This invite has been used up.")
