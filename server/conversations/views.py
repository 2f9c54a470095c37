from flask.views import MethodView
from flask_smorest import abort

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.conversations import service
from server.conversations.schemas import (
    BulkReviewResultSchema,
    BulkReviewSchema,
    ConversationPageSchema,
    ConversationSchema,
    ReviewFilterSchema,
    ReviewSchema,
)
from server.replica import replica_reads
from server.scoping import current_campaign, current_membership, requires_role

blp = Blueprint("conversations", __name__, url_prefix="/api/campaigns/<int:campaign_id>/conversations",
                description="The organizers' review of what volunteers logged: read, reply, flag, mark reviewed.")


@blp.route("")
class Conversations(MethodView):
    @requires_role(Role.ORGANIZER)
    @replica_reads()  # may be a moment behind the primary: a review just made may show a moment later
    @blp.arguments(ReviewFilterSchema, location="query")
    @blp.response(200, ConversationPageSchema)
    @blp.links(200, ReadConversation=("get", "/{conversation_id}",
                                      {"conversation_id": "$response.body#/conversations/0/id"}),
               ReviewConversation=("patch", "/{conversation_id}",
                                   {"conversation_id": "$response.body#/conversations/0/id"}))
    def get(self, filters):
        """Volunteers' logged conversations, newest first, filtered, a page at a time (send ``cursor`` back)."""
        return service.page(current_campaign(), filters)


@blp.route("/<uuid:conversation_id>")
class ConversationById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, ConversationSchema)
    def get(self, conversation_id):
        """One logged conversation with its voter and its review."""
        return service.one(current_campaign().id, conversation_id)

    @requires_role(Role.ORGANIZER)
    @blp.arguments(ReviewSchema)
    @blp.response(200, ConversationSchema)
    def patch(self, review, conversation_id):
        """Review a conversation: mark it reviewed, reply to the volunteer, flag it for follow-up (audited). The
        change reaches the volunteer's phone on its next pull."""
        if service.missing(current_campaign().id, [conversation_id]):
            abort(404, message="No such conversation.")
        if not review:
            abort(422, errors={"json": {"_schema": ["Give reviewed, review_reply or flagged_for_follow_up."]}})
        return service.review(current_membership(), [conversation_id], review)[0]


@blp.route("/review")
class BulkReview(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(BulkReviewSchema)
    @blp.response(200, BulkReviewResultSchema)
    def post(self, review):
        """Mark many conversations reviewed (or not) at once; each change is audited as a single review is."""
        campaign_id, ids = current_campaign().id, review["ids"]
        if missing := service.missing(campaign_id, ids):
            abort(422, message="No such conversation.",
                  errors={"json": {"ids": {str(n): ["No such conversation."] for n in missing}}})
        return {"conversations": service.review(current_membership(), ids, {"reviewed": review["reviewed"]})}
