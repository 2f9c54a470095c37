"""Where the campaign's voters live: buildings (a door to knock) and the households in them (an apartment, or
the whole house). Filled from the voter file's addresses (``households.assign``); kept when a re-import no
longer lists anyone there, so door visits and turfs that name them stay valid."""

import secrets
import uuid
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db


class Building(CampaignScoped, db.Model):
    """A street address: the zip (or city), street and house number of ``addresses.Address.building_key``."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "key"),
        # a polygon's live count reads the buildings in its bounding box: a latitude range, longitude filtered
        Index("ix_building_position", "campaign_id", "latitude", "longitude"),
        Index("ix_building_street", "campaign_id", "street", "zip"),  # the street list, a turf by streets
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))  # indexed by the key
    key: Mapped[str] = mapped_column(String(400))
    street: Mapped[str] = mapped_column(String(200))  # USPS style: "N MAIN ST"
    house_number: Mapped[str] = mapped_column(String(40), default="")  # "12 1/2", "12B", "W123N4567", ""
    zip: Mapped[str] = mapped_column(String(5), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    # from the voter file or `flask kin voters geocodes`; walk order and the map use them, street order without
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Household(CampaignScoped, db.Model):
    """The people behind one door: a unit of a building, or (unit "") the building itself."""

    __table_args__ = (UniqueConstraint("building_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(String(60), default="")  # the key: "4B", "FL 2", ""
    unit_label: Mapped[str] = mapped_column(String(60), default="")  # as a canvasser reads it: "APT 4B"
    # the id phones name it by (a door visit's household_id): random, as voters' are
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)


class Turf(CampaignScoped, db.Model):
    """Doors an organizer cut for one volunteer to walk: by precinct, streets, a polygon or automatically.

    Held by one volunteer at a time, who was assigned it or took it through its take link (the QR code). An
    expired turf can no longer be taken and its walk list is no longer given out."""

    __table_args__ = (Index("ix_turf_holder", "campaign_id", "holder_id"),)  # also: a campaign's turfs

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    cut: Mapped[str] = mapped_column(String(16))  # how: precinct, streets, polygon, auto
    # what it was cut from, to show and to cut again: {"precinct": ...}, {"streets": [...]}, {"polygon": GeoJSON},
    # {"universe": {...}}
    area: Mapped[dict] = mapped_column(JSON, default=dict)
    doors: Mapped[int] = mapped_column(default=0)  # households, counted when cut
    voters: Mapped[int] = mapped_column(default=0)  # active voters in them, counted when cut
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="SET NULL"))
    held_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken: Mapped[bool] = mapped_column(default=False)  # the holder took it by its link (not assigned)
    # the take link's secret, shown again to organizers (like an invite's code): anyone in the campaign holding
    # it may take the turf while it is free and not expired
    take_token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class TurfHousehold(db.Model):
    """A household (a door) of a turf.

    Only the turf is a foreign key, so a deleted turf (or campaign) takes its rows with it. The household and the
    campaign are not: PostgreSQL checks a foreign key row by row, and an automatic cut writes a row per door of
    the universe (100,000 rows: the two checks were 1.4 s of the database's CPU). The cuts write only households
    they have just read from the turf's campaign, and a household is deleted only with its campaign."""

    __table_args__ = (Index("ix_turf_household_household", "campaign_id", "household_id"),)

    turf_id: Mapped[int] = mapped_column(ForeignKey("turf.id", ondelete="CASCADE"), primary_key=True)
    household_id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int]  # the turf's, so the free doors of a campaign are found by the index


class DoorVisit(CampaignScoped, db.Model):
    """The read model of synced door visits, for turf progress: one row per ``door_visit`` record, written in the
    transaction of every push that changes it (``server/canvass/visits.py``). The sync record stays the truth."""

    __table_args__ = (
        Index("ix_door_visit_household", "campaign_id", "household_id", "happened_at"),
        # one volunteer's visits: the dashboard's volunteer filter counts them (hundreds, not the campaign's all)
        Index("ix_door_visit_volunteer", "campaign_id", "volunteer_id", "happened_at"),
        # the recruitment tree counts invitations per volunteer: a few rows in twenty, so only those
        Index("ix_door_visit_invited", "campaign_id", "volunteer_id", sqlite_where=text("invited = 1"),
              postgresql_where=text("invited")),
        # the corrections list: only the few visits that say an address is wrong
        Index("ix_door_visit_address_fix", "campaign_id", "happened_at", postgresql_where=text("address_fix"),
              sqlite_where=text("address_fix")),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the entity id the phone made
    record_id: Mapped[int] = mapped_column(ForeignKey("sync_record.id", ondelete="CASCADE"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id", ondelete="SET NULL"))
    result: Mapped[str] = mapped_column(String(16))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[bool] = mapped_column(default=False)
    # the person met agreed to hear about volunteering and was shown the volunteer's recruit link (agreed_to)
    invited: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the address as the volunteer found it ("" where they gave none), and whether the visit says the voter file's
    # is wrong (result wrong_address, or a correction given): the Turfs screen's corrections, for organizers
    corrected_house_number: Mapped[str] = mapped_column(String(40), default="")
    corrected_street: Mapped[str] = mapped_column(String(200), default="")
    corrected_unit: Mapped[str] = mapped_column(String(60), default="")
    address_fix: Mapped[bool] = mapped_column(default=False)
