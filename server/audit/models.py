"""An append-only record of sensitive actions: exports, role changes, deletions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db

# every action ``record`` takes; the console's Activity filter offers each kind (the part before the dot), which
# tests/server/audit/test_activity_kinds.py checks against pwa/console/screens/activity.js
ACTIONS = frozenset({
    "account.deleted", "basemap.replaced", "basemap.uploaded", "campaign.updated", "contact_preference.changed",
    "conversation.reviewed", "export.finished", "export.started", "invite.created", "invite.revoked",
    "membership.deactivated", "membership.joined", "membership.left", "membership.reactivated",
    "membership.role_changed", "password_reset.created", "password_reset.used", "retention.redacted",
    "survey_question.changed", "survey_question.created", "survey_question.deleted", "turf.assigned", "turf.cut",
    "turf.deleted", "voter.forgotten", "voter_file.imported",
})


class AuditEvent(CampaignScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the CLI
    action: Mapped[str] = mapped_column(String(64))  # e.g. "membership.role_changed"
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # ids and enum values only, never personal data
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(campaign_id: int, actor_id: int | None, action: str, target_type: str, target_id, **details) -> AuditEvent:
    """Add an audit event to the current transaction, so it commits or rolls back with the action.

    :raise ValueError: for an action not in ``ACTIONS``, which organizers could not find in the console.
    """
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not in server.audit.models.ACTIONS (nor, then, the console's filter)")
    event = AuditEvent(campaign_id=campaign_id, actor_id=actor_id, action=action,
                       target_type=target_type, target_id=str(target_id), details=details)
    db.session.add(event)
    return event
