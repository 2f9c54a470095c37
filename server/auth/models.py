"""People who sign in, the tokens they have signed out of, and the one-time links that let them choose a new
password."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.campaigns.models import Membership
from server.columns import UTCDateTime, enum_type, utcnow
from server.extensions import db


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # normalised by identifiers.normalize_email
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="en")
    # every token carries the value it was issued under; raising it signs out every session at once (a reset)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the person deleted their account: name, e-mail and password are gone and no token is accepted
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", order_by=Membership.id)


class RevokedToken(db.Model):
    """A signed-out token's id, kept until the token would have expired anyway."""

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ResetOrigin(enum.Enum):
    """Who made a reset link."""

    ORGANIZER = "organizer"  # an organizer or owner, for a member of their campaign (the campaign's audit log)
    OPERATOR = "operator"  # the server's operator: flask kin reset-link
    EMAIL = "email"  # the person, by e-mail (KIN_SMTP_URL)


class ResetState(enum.Enum):
    VALID = "valid"
    USED = "used"
    REPLACED = "replaced"  # a newer link was made for the account
    EXPIRED = "expired"


class PasswordReset(db.Model):
    """A one-time link to choose a new password. Only the SHA-256 of its token is kept: the token itself is in the
    link alone, so a copy of the database opens no account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token, in hex
    origin: Mapped[ResetOrigin] = mapped_column(enum_type(ResetOrigin, "reset_origin"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def state(self, now: datetime) -> ResetState:
        if self.used_at is not None:
            return ResetState.USED
        if self.replaced_at is not None:
            return ResetState.REPLACED
        if now >= self.expires_at:
            return ResetState.EXPIRED
        return ResetState.VALID
