"""Every model, imported in one place so Alembic and the app see the whole schema."""

from server.audit.models import AuditEvent
from server.auth.models import PasswordReset, RevokedToken, User
from server.campaigns.models import Campaign, Invite, Membership
from server.canvass.models import Building, DoorVisit, Household, Turf, TurfHousehold
from server.conversations.models import Conversation, ConversationIssue
from server.dashboard.models import DashboardDay, VolunteerTally, VoterProgress
from server.exports.models import Export
from server.matching.models import MatchKey, MatchTag, MatchUsage
from server.ratelimit import RateLimitCount
from server.sync_api.models import AppliedOp, SyncCounter, SyncHistory, SyncRecord
from server.voters.models import (
    Voter,
    VoterIdentifier,
    VoterImport,
    VoterImportProblem,
    staged_identifier,
    staged_voter,
)

__all__ = ["AppliedOp", "AuditEvent", "Building", "Campaign", "Conversation", "ConversationIssue", "DashboardDay",
           "DoorVisit", "Export", "Household", "Invite", "MatchKey", "MatchTag", "MatchUsage", "Membership",
           "PasswordReset", "RateLimitCount", "RevokedToken", "SyncCounter", "SyncHistory", "SyncRecord", "Turf",
           "TurfHousehold", "User", "Voter", "VoterIdentifier", "VoterImport", "VoterImportProblem", "VoterProgress",
           "VolunteerTally", "staged_identifier", "staged_voter"]
