"""The read model of contact preferences: one row per voter who asked not to be contacted (at all, or by some
channels), written in the transaction of the push or console edit that changes their ``contact_preference``
record (``readmodel.follow``), so walk lists, exports and the dashboard filter with a join. The sync record stays
the truth; no row holds why they asked."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime
from server.extensions import db
from sync.entities import CHANNELS


class ContactPreference(CampaignScoped, db.Model):
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("sync_record.id", ondelete="CASCADE"), unique=True)
    no_contact: Mapped[bool] = mapped_column(default=False)
    no_text: Mapped[bool] = mapped_column(default=False)
    no_call: Mapped[bool] = mapped_column(default=False)
    no_email: Mapped[bool] = mapped_column(default=False)
    no_door: Mapped[bool] = mapped_column(default=False)
    recorded_from: Mapped[str] = mapped_column(String(16))  # door, person (page) or console
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when, as the recorder's device said
    # who changed it last; kept when they leave, as the record is
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def refused(self) -> list[str]:
        """The channels they refused: every one when they asked not to be contacted at all."""
        return [c for c in CHANNELS if self.no_contact or getattr(self, f"no_{c}")]
