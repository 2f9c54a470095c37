from flask.views import MethodView

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.extensions import db
from server.forget import service
from server.forget.schemas import ForgetSchema, ForgottenSchema
from server.scoping import current_campaign, current_membership, requires_role
from server.voters.models import Voter

blp = Blueprint("forget", __name__, url_prefix="/api/campaigns/<int:campaign_id>",
                description="Forgetting a person at their request (docs/privacy.md#forgetting-a-person).")


@blp.route("/voters/<uuid:voter_id>/forget")
class ForgetVoter(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(ForgetSchema)
    @blp.response(200, ForgottenSchema)
    def post(self, args, voter_id):
        """Delete every trace of a voter, in one transaction, and keep them from coming back (audited, without
        their details); their volunteers' phones drop their copies at the next sync."""
        # locked here: of two organizers forgetting one person at once, the second finds them gone (404)
        voter = Voter.get_in_campaign(voter_id, current_campaign(), by="public_id", lock=True)
        forgotten = service.forget(current_campaign(), voter, args["reason"], current_membership().user_id)
        db.session.commit()
        return forgotten
