"""Every model, imported in one place so Alembic and the app see the whole schema."""

from server.audit.models import AuditEvent
from server.auth.models import RevokedToken, User
from server.campaigns.models import Campaign, Invite, Membership
from server.voters.models import (
    Voter,
    VoterIdentifier,
)

__all__ = ["AuditEvent", "Campaign", "Invite", "Membership", "RevokedToken", "User", "Voter", "VoterIdentifier"]
