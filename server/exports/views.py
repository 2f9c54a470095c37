from flask.views import MethodView
from sqlalchemy import select

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.exports import files, service, van
from server.exports.models import Export, ExportKind
from server.exports.schemas import ConversationExportQuerySchema, ExportSchema, VanExportQuerySchema
from server.extensions import db
from server.scoping import current_campaign, current_membership, requires_role

blp = Blueprint("exports", __name__, url_prefix="/api/campaigns/<int:campaign_id>/exports",
                description="What volunteers logged, as CSV files for spreadsheets and NGP VAN (docs/exports.md).")
CSV = {"type": "string"}
LISTED = 100


@blp.route("")
class Exports(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, ExportSchema(many=True))
    def get(self):
        """The latest exports made (at most 100), newest first: an id here is what ``?since=`` continues from."""
        return db.session.execute(select(Export).where(Export.campaign_id == current_campaign().id)
                                  .order_by(Export.id.desc()).limit(LISTED)).scalars()


@blp.route("/conversations.csv")
class ConversationsExport(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(ConversationExportQuerySchema, location="query")
    @blp.response(200, CSV, content_type="text/csv", headers={"X-Kin-Export-Id": {
        "description": "This export's id, for a later ?since=.", "schema": {"type": "integer"}}})
    def get(self, query):
        """Every conversation (or those changed since an export), one row each, streamed; audited."""
        campaign = current_campaign()
        export = service.start(current_membership(), ExportKind.CONVERSATIONS, query.get("since"), query["notes"])
        header, rows = files.conversations(export, campaign)
        return files.stream(export, f"conversations-{export.id}.csv", header, rows, {})


@blp.route("/van-canvass-results.csv")
class VanExport(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(VanExportQuerySchema, location="query")
    @blp.response(200, CSV, content_type="text/csv", headers={
        "X-Kin-Export-Id": {"description": "This export's id, for a later ?since=.", "schema": {"type": "integer"}},
        "X-Kin-Omitted": {"description": "What has no column, for want of a mapping ('; ' between them).",
                          "schema": {"type": "string"}}})
    def get(self, query):
        """Conversations in NGP VAN's canvass-results bulk-upload shape (VANID, ContactType, Result, DateCanvassed,
        CanvassedBy, then the support question and activist codes the campaign mapped), streamed; audited."""
        campaign = current_campaign()
        layout = van.layout(campaign.van_mapping, campaign.issue_tags or [])
        export = service.start(current_membership(), ExportKind.VAN, query.get("since"), False,
                               omitted=list(layout.omitted))
        header, rows = files.van(export, campaign, layout)
        return files.stream(export, f"van-canvass-results-{export.id}.csv", header, rows,
                            {"X-Kin-Omitted": "; ".join(layout.omitted)})
