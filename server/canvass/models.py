"""Where the campaign's voters live: buildings (a door to knock) and the households in them (an apartment, or
the whole house). Filled from the voter file's addresses (``households.assign``); kept when a re-import no
longer lists anyone there, so door visits and turfs that name them stay valid."""

import uuid

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.extensions import db


class Building(CampaignScoped, db.Model):
    """A street address: the zip (or city), street and house number of ``addresses.Address.building_key``."""

    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

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
