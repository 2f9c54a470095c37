"""The campaign's voter file: one row per voter, and their normalised phones and e-mails."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db


class Voter(CampaignScoped, db.Model):
    __table_args__ = (UniqueConstraint("campaign_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))  # the id in the state file or VAN (VANID)

    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    name_suffix: Mapped[str] = mapped_column(String(20), default="")

    house_number: Mapped[str] = mapped_column(String(20), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(2), default="")
    zip: Mapped[str] = mapped_column(String(10), default="")
    county: Mapped[str] = mapped_column(String(100), default="")

    precinct: Mapped[str] = mapped_column(String(50), default="")
    congressional_district: Mapped[str] = mapped_column(String(20), default="")
    state_senate_district: Mapped[str] = mapped_column(String(20), default="")
    state_house_district: Mapped[str] = mapped_column(String(20), default="")

    birth_year: Mapped[int | None]
    party: Mapped[str] = mapped_column(String(50), default="")
    registration_status: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(default=True)  # false once a re-import no longer lists the voter
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    identifiers: Mapped[list["VoterIdentifier"]] = relationship(
        back_populates="voter", cascade="all, delete-orphan", passive_deletes=True
    )


class IdentifierKind(enum.Enum):
    PHONE = "phone"
    EMAIL = "email"


class VoterIdentifier(db.Model):
    """A phone (E.164) or e-mail (lowercased) that the voter file lists for a voter."""

    __table_args__ = (
        UniqueConstraint("voter_id", "kind", "value"),
        Index("ix_voter_identifier_lookup", "campaign_id", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"))
    kind: Mapped[IdentifierKind] = mapped_column(
        Enum(IdentifierKind, name="identifier_kind", native_enum=False, create_constraint=True, length=8,
             values_callable=lambda kinds: [k.value for k in kinds])
    )
    value: Mapped[str] = mapped_column(String(320))

    voter: Mapped[Voter] = relationship(back_populates="identifiers")
