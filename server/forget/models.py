"""The suppression list: keyed hashes of the identifiers of people the campaign forgot, never the identifiers."""

from datetime import date

from sqlalchemy import Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.extensions import db

# why someone was forgotten: a short choice, never free text (free text would soon hold the person's words)
REASONS = ("asked", "deceased", "legal", "other")


class Suppression(CampaignScoped, db.Model):
    """HMAC-SHA256 of one identifier of a forgotten person (``service.digest``), under a key derived from
    ``KIN_SUPPRESSION_SEED`` and the campaign: the voter id, the public id phones named them by, each phone
    (E.164) and each e-mail. Nothing here can be read back without the seed and a guess."""

    __table_args__ = (UniqueConstraint("campaign_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))  # indexed by the key
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    reason: Mapped[str] = mapped_column(String(16))  # one of REASONS
    created_on: Mapped[date] = mapped_column(Date)
