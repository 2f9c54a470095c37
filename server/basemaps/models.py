"""One basemap per campaign: where its file is and what its header says."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db


class Basemap(CampaignScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(80))  # under the instance folder's basemaps/, new at each upload
    size: Mapped[int] = mapped_column(BigInteger)
    tile_type: Mapped[str] = mapped_column(String(8))  # mvt, png, jpeg, webp, avif
    kind: Mapped[str] = mapped_column(String(8))  # vector or raster
    tile_compression: Mapped[str] = mapped_column(String(8))
    min_zoom: Mapped[int]
    max_zoom: Mapped[int]
    bounds: Mapped[list] = mapped_column(JSON)  # [west, south, east, north]
    center: Mapped[list] = mapped_column(JSON)  # [lon, lat, zoom]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the CLI
