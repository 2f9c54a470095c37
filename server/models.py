"""Every model, imported in one place so Alembic and the app see the whole schema."""

from server.audit.models import AuditEvent
from server.auth.models import PasswordReset, RevokedToken, User
from server.basemaps.models import Basemap
from server.campaigns.models import Campaign, Invite, Membership
from server.canvass.models import Building, DoorVisit, Household, Turf, TurfHousehold
from server.conversations.models import Conversation, ConversationIssue
from server.dashboard.models import DashboardDay, VolunteerFollowUp, VolunteerTally, VoterProgress
from server.exports.models import DownloadTicket, Export
from server.forget.models import Suppression
from server.matching.models import MatchKey, MatchTag, MatchUsage
from server.preferences.models import ContactPreference
from server.ratelimit import RateLimitCount
from server.surveys.models import DoorAnswer, SurveyQuestion
from server.sync_api.models import AppliedOp, SyncCounter, SyncHistory, SyncRecord
from server.voters.models import (
    Voter,
    VoterIdentifier,
    VoterImport,
    VoterImportProblem,
    staged_identifier,
    staged_voter,
)

__all__ = ["AppliedOp", "AuditEvent", "Basemap", "Building", "Campaign", "ContactPreference", "Conversation",
           "ConversationIssue", "DashboardDay", "DoorAnswer", "DoorVisit", "DownloadTicket", "Export", "Household",
           "Invite", "MatchKey", "MatchTag", "MatchUsage", "Membership", "PasswordReset", "RateLimitCount",
           "RevokedToken", "Suppression", "SurveyQuestion", "SyncCounter", "SyncHistory", "SyncRecord", "Turf",
           "TurfHousehold", "User", "VolunteerFollowUp", "VolunteerTally", "Voter", "VoterIdentifier", "VoterImport",
           "VoterImportProblem", "VoterProgress", "staged_identifier", "staged_voter"]
