from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from server.auth import reset
from server.auth.schemas import ResetLinkSchema
from server.blueprint import Blueprint
from server.campaigns import recruits, service
from server.campaigns.models import Invite, Membership, Role
from server.campaigns.relationships import relationships_of
from server.campaigns.schemas import (
    CampaignSchema,
    CampaignUpdateSchema,
    InviteCreateSchema,
    InviteSchema,
    MemberChangeSchema,
    MemberSchema,
    RecruitLinkSchema,
    RecruitTreeSchema,
    RelationshipCardSchema,
)
from server.extensions import db
from server.scoping import current_campaign, current_membership, requires_role
from server.surveys import service as surveys

blp = Blueprint("campaigns", __name__, url_prefix="/api/campaigns/<int:campaign_id>",
                description="A campaign's settings, members and invites.")


@blp.route("")
class CampaignView(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, CampaignSchema)
    def get(self):
        """The campaign's settings (a volunteer's phone gets what it needs of them from ``GET /api/me``)."""
        return current_campaign()

    @requires_role(Role.OWNER)
    @blp.arguments(CampaignUpdateSchema)
    @blp.response(200, CampaignSchema)
    def patch(self, data):
        """Change the campaign's settings; writes an audit event naming the settings that changed."""
        campaign = current_campaign()
        issues = set(data.get("issue_tags", campaign.issue_tags) or ())
        mapped = set((data.get("van_mapping") or {}).get("issue_activist_codes") or ())
        if unknown := sorted(mapped - issues):
            abort(422, message="Not one of the campaign's issues.", errors={"json": {"van_mapping": {
                "issue_activist_codes": {tag: ["Not one of the campaign's issues."] for tag in unknown}}}})
        if errors := surveys.mapping_errors(campaign.id, (data.get("van_mapping") or {}).get("survey_questions") or {}):
            abort(422, message="Not one of the campaign's questions or answers.",
                  errors={"json": {"van_mapping": {"survey_questions": errors}}})
        service.update_campaign(campaign, current_membership(), data)
        db.session.commit()
        return campaign


@blp.route("/membership")
class OwnMembership(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(204)
    @blp.errors(409)
    def delete(self):
        """Leave the campaign: the caller's membership is deactivated. What they logged stays with the campaign."""
        service.leave(current_membership())
        db.session.commit()


@blp.route("/members")
class Members(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, MemberSchema(many=True))
    @blp.links(200, ChangeMember=("patch", "/members/{membership_id}", {"membership_id": "$response.body#/0/id"}),
               MakeResetLink=("post", "/members/{membership_id}/reset-link",
                              {"membership_id": "$response.body#/0/id"}))
    def get(self):
        """Everyone in the campaign, active or not, oldest first."""
        return db.session.execute(
            select(Membership).where(Membership.campaign_id == current_campaign().id).order_by(Membership.id)
        ).scalars()


@blp.route("/members/<int:membership_id>")
class MemberById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, MemberSchema)
    def get(self, membership_id):
        """One member of the campaign, active or not."""
        return Membership.get_in_campaign(membership_id, current_campaign())

    @requires_role(Role.ORGANIZER)
    @blp.arguments(MemberChangeSchema)
    @blp.response(200, MemberSchema)
    @blp.errors(409)
    def patch(self, data, membership_id):
        """Change a member's role or remove (deactivate) them; writes an audit event."""
        member = Membership.get_in_campaign(membership_id, current_campaign())
        service.change_member(current_membership(), member, data.get("role"), data.get("active"))
        db.session.commit()
        return member


@blp.route("/members/<int:membership_id>/relationships")
class MemberRelationships(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, RelationshipCardSchema(many=True))
    @blp.paginate()
    def get(self, membership_id, pagination_parameters):
        """The people a member confirmed they know, newest first, paged: voter cards only (name, age, city)."""
        member = Membership.get_in_campaign(membership_id, current_campaign())
        return relationships_of(member, pagination_parameters)


@blp.route("/members/<int:membership_id>/reset-link")
class MemberResetLink(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(201, ResetLinkSchema)
    @blp.links(201, CheckResetLink=("get", "/api/auth/reset/{token}", {"token": "$response.body#/token"}))
    def post(self, membership_id):
        """Make a one-time link for a member to choose a new password; writes an audit event.

        Organizers make them for volunteers, owners for volunteers and organizers (docs/auth.md); the member's
        older unused link stops working.
        :raise 404: for a removed member, as for another campaign's.
        """
        member = Membership.get_in_campaign(membership_id, current_campaign())
        link = reset.link_for_member(current_membership(), member)
        db.session.commit()
        return link


@blp.route("/invites")
class Invites(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, InviteSchema(many=True))
    def get(self):
        """The campaign's invites, newest first (volunteers' own recruit links are not listed)."""
        return db.session.execute(
            select(Invite).where(Invite.campaign_id == current_campaign().id, Invite.recruiter_id.is_(None))
            .order_by(Invite.id.desc())
        ).scalars()

    @requires_role(Role.ORGANIZER)
    @blp.arguments(InviteCreateSchema)
    @blp.response(201, InviteSchema)
    @blp.links(201, WithdrawInvite=("delete", "/invites/{invite_id}", {"invite_id": "$response.body#/id"}),
               PreviewInvite=("get", "/api/invites/{code}", {"code": "$response.body#/code"}))
    def post(self, data):
        """Create an invite link; organizers invite volunteers, owners anyone."""
        invite = service.create_invite(current_campaign(), data["role"], current_membership(),
                                       max_uses=data["max_uses"], days=data["days"])
        db.session.commit()
        return invite


@blp.route("/invites/<int:invite_id>")
class InviteById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(204)
    def delete(self, invite_id):
        """Withdraw an invite so its link stops working; writes an audit event."""
        service.revoke_invite(Invite.get_in_campaign(invite_id, current_campaign()), current_membership())
        db.session.commit()


@blp.route("/recruit-link")
class OwnRecruitLink(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, RecruitLinkSchema)
    @blp.errors(409)
    def post(self):
        """The caller's own recruit link, for the phone to keep and show at doors as a QR code: the same one while
        it lasts, a new one as it runs out. Whoever joins through it joins as a volunteer recruited by the caller.

        :raise 409: when the campaign has turned volunteer recruiting off.
        """
        invite = recruits.link_for(current_membership())
        db.session.commit()
        return invite


@blp.route("/recruits")
class RecruitTree(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, RecruitTreeSchema)
    def get(self):
        """Who recruited whom: each member who recruited, was recruited or invited someone at a door, with their
        recruiter, their count of recruits and of door visits that invited someone, oldest first."""
        return {"members": recruits.tree(current_campaign().id)}
