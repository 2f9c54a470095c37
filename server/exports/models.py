"""Each export made: what, by whom, the campaign's change number it read up to (so the next one can start there)
and how many rows left the server."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, enum_type, utcnow
from server.extensions import db


class ExportKind(enum.Enum):
    CONVERSATIONS = "conversations"
    VAN = "van"  # NGP VAN canvass results


class Export(CampaignScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ExportKind] = mapped_column(enum_type(ExportKind, "export_kind"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # ?since=: the export it continues (its high-water mark is the start) or a time
    since_export_id: Mapped[int | None] = mapped_column(ForeignKey("export.id", ondelete="SET NULL"))
    since_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the campaign's change counter when the export began: it holds every change numbered up to here, none after
    high_water: Mapped[int]
    with_notes: Mapped[bool] = mapped_column(default=False)
    row_count: Mapped[int | None]  # rows sent; set when the stream ends
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complete: Mapped[bool] = mapped_column(default=False)  # false: the download stopped before the end


class DownloadTicket(CampaignScoped, db.Model):
    """A short-lived, single-use permission to download one export by a plain GET (server/exports/tickets.py), so
    the browser saves the file as it streams instead of holding it in the page's memory."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token; the token is not kept
    kind: Mapped[ExportKind] = mapped_column(enum_type(ExportKind, "export_kind"))
    since: Mapped[str | None] = mapped_column(String(64))
    with_notes: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
