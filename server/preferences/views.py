from flask.views import MethodView

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.preferences import service
from server.preferences.schemas import ContactPreferenceChangeSchema, ContactPreferenceSchema
from server.scoping import current_campaign, current_membership, requires_role
from server.voters.models import Voter

blp = Blueprint("preferences", __name__, url_prefix="/api/campaigns/<int:campaign_id>/voters",
                description="What a voter asked: not to be contacted at all, or not by text, call, e-mail or door.")


@blp.route("/<uuid:voter_id>/contact-preference")
class VoterContactPreference(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, ContactPreferenceSchema)
    def get(self, voter_id):
        """What the voter asked, as volunteers and organizers recorded it (all false: nothing asked)."""
        return service.one(Voter.get_in_campaign(voter_id, current_campaign(), by="public_id"))

    @requires_role(Role.ORGANIZER)
    @blp.arguments(ContactPreferenceChangeSchema)
    @blp.response(200, ContactPreferenceSchema)
    def put(self, flags, voter_id):
        """Record or clear what the voter asked (audited); it reaches every phone of the campaign on its next
        pull, and later edits win field by field."""
        voter = Voter.get_in_campaign(voter_id, current_campaign(), by="public_id")
        return service.change(current_membership(), voter, flags)
