"""Counts the dashboard reads instead of the conversations and relationships themselves, kept in the transaction of
every push that changes them (``server/dashboard/rollup.py``): so no dashboard query reads every conversation,
relationship or voter of a campaign, however large it grows. ``rollup.rebuild`` makes them again from the truth."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from server.columns import UTCDateTime
from server.extensions import db


class DashboardDay(db.Model):
    """How many of one thing happened on one day (in the campaign's time zone), among priority voters or the
    others: ``conv:<channel>``, ``issue:<tag>``, ``relationship``, ``contacted``, ``supporter``, ``support:<1-5>``,
    ``vote_plan``, ``follow_up`` (docs/dashboard.md defines each). Written only while the push holds the campaign's
    change counter, which already orders pushes one after the other, so these shared rows add no lock of their own."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    priority: Mapped[bool] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class VoterProgress(db.Model):
    """Where one voter stands, from every live conversation any volunteer logged with them: what the campaign-wide
    numbers count once per voter (contacted, the latest support given, a vote plan, open follow-ups)."""

    __table_args__ = (Index("ix_voter_progress_voter", "voter_id"),)

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[bool] = mapped_column(default=False)
    contacted_on: Mapped[date | None]
    support: Mapped[int | None] = mapped_column(SmallInteger)
    support_on: Mapped[date | None]
    vote_plan_on: Mapped[date | None]
    follow_ups: Mapped[dict] = mapped_column(JSON, default=dict)  # volunteer's user id -> the day they set
    # which conversations the columns above come from (tally.Marks), so a push adds new ones without reading the
    # voter's others; None in rows written before they were kept: the next push that touches the voter recounts
    marks: Mapped[dict | None] = mapped_column(JSON)


class VolunteerTally(db.Model):
    """One volunteer's totals to date, among priority voters or the others: a row of the volunteers table."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[bool] = mapped_column(primary_key=True)
    relationships: Mapped[int] = mapped_column(default=0)
    contacted_relationships: Mapped[int] = mapped_column(default=0)
    # relationships whose voter asked not to be contacted at all before this volunteer reached them: out of the
    # contact rate, as they are out of who is left to contact
    refused_relationships: Mapped[int] = mapped_column(default=0, server_default="0")
    conversations: Mapped[int] = mapped_column(default=0)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VolunteerFollowUp(db.Model):
    """How many of one volunteer's open follow-ups (among priority voters or the others) fall on one day: rows, so
    that the volunteers table counts the overdue ones for every volunteer in one SQL sum."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    priority: Mapped[bool] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    n: Mapped[int]
