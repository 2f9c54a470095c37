from flask import Response
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from server.blueprint import Blueprint
from server.campaigns.models import Campaign, Membership, Role
from server.exports import files, service, tickets, van
from server.exports.models import Export, ExportKind
from server.exports.schemas import (
    FILES,
    ConversationExportQuerySchema,
    ExportSchema,
    TicketRequestSchema,
    TicketSchema,
    VanExportQuerySchema,
)
from server.extensions import db
from server.scoping import current_campaign, current_membership, requires_role
from server.surveys import service as surveys

blp = Blueprint("exports", __name__, url_prefix="/api/campaigns/<int:campaign_id>/exports",
                description="What volunteers logged, as CSV files for spreadsheets and NGP VAN (docs/exports.md).")
CSV = {"type": "string"}
LISTED = 100
EXPORT_ID = {"description": "This export's id, for a later ?since=.", "schema": {"type": "integer"}}


@blp.route("")
class Exports(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, ExportSchema(many=True))
    def get(self):
        """The latest exports made (at most 100), newest first: an id here is what ``?since=`` continues from."""
        return db.session.execute(select(Export).where(Export.campaign_id == current_campaign().id)
                                  .order_by(Export.id.desc()).limit(LISTED)).scalars()


def conversations_file(campaign: Campaign, membership: Membership, since: str | None, notes: bool) -> Response:
    export = service.start(membership, ExportKind.CONVERSATIONS, since, notes)
    header, rows = files.conversations(export, campaign)
    return files.stream(export, f"conversations-{export.id}.csv", header, rows, {})


def _header_text(text: str) -> str:
    """``text`` in ASCII, anything else escaped as Python writes it (a question's “ as \\u201c): a header carries
    Latin-1 at most, and gunicorn refused the whole answer (a 500) for an organizer's question written in more."""
    return text.encode("unicode_escape").decode("ascii")


def van_file(campaign: Campaign, membership: Membership, since: str | None) -> Response:
    layout = van.layout(campaign.van_mapping, campaign.issue_tags or [], surveys.for_van(campaign.id))
    omitted = []

    def left_out(export: Export) -> list[str]:
        """The mapping's gaps, and the door visits with people not in the file, counted in the export's range."""
        unnamed = service.visits_with_someone_new(export)
        visits = f"{unnamed} door visit{'' if unnamed == 1 else 's'}"
        omitted.extend([*layout.omitted, *([f"{visits} with someone not in the voter file"] if unnamed else [])])
        return omitted

    export = service.start(membership, ExportKind.VAN, since, False, omitted=left_out)
    header, rows = files.van(export, campaign, layout)
    return files.stream(export, f"van-canvass-results-{export.id}.csv", header, rows,
                        {"X-Kin-Omitted": _header_text("; ".join(omitted))})


@blp.route("/conversations.csv")
class ConversationsExport(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(ConversationExportQuerySchema, location="query")
    @blp.response(200, CSV, content_type="text/csv", headers={"X-Kin-Export-Id": EXPORT_ID})
    def get(self, query):
        """Every conversation (or those changed since an export), one row each, streamed; audited."""
        return conversations_file(current_campaign(), current_membership(), query.get("since"), query["notes"])


@blp.route("/van-canvass-results.csv")
class VanExport(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(VanExportQuerySchema, location="query")
    @blp.response(200, CSV, content_type="text/csv", headers={
        "X-Kin-Export-Id": EXPORT_ID,
        "X-Kin-Omitted": {"description": "What has no column, for want of a mapping ('; ' between them).",
                          "schema": {"type": "string"}}})
    def get(self, query):
        """Conversations, then door visits, with voters from the file, in NGP VAN's canvass-results bulk-upload shape
        (VANID, ContactType, Result, DateCanvassed, CanvassedBy, then the support question and activist codes the
        campaign mapped), streamed; audited."""
        return van_file(current_campaign(), current_membership(), query.get("since"))


@blp.route("/tickets")
class DownloadTickets(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(TicketRequestSchema)
    @blp.response(201, TicketSchema)
    @blp.links(201, Download=("get", "/download/{ticket}", {}))
    def post(self, request):
        """A URL that downloads one export by a plain GET, once, within a minute (the browser saves it as it
        streams). The export is made, and audited, when the URL is opened."""
        campaign, kind = current_campaign(), FILES[request["file"]]
        service.resolve_since(campaign.id, kind, request.get("since"), location="json")  # refused now, not later
        token, ticket = tickets.issue(current_membership(), kind, request.get("since"),
                                      request["notes"] and kind is ExportKind.CONVERSATIONS)
        return {"url": f"/api/campaigns/{campaign.id}/exports/download/{token}", "expires_at": ticket.expires_at}


@blp.route("/download/<ticket>")
class TicketDownload(MethodView):
    @blp.response(200, CSV, content_type="text/csv", headers={"X-Kin-Export-Id": EXPORT_ID})
    @blp.errors(404)
    def get(self, campaign_id, ticket):
        """The export a ticket was bought for, as an attachment; no token: the ticket is the credential.

        :raise 404: for a ticket that is unknown, another campaign's, used, expired, or whose maker is no longer
            an organizer here.
        """
        redeemed = tickets.redeem(campaign_id, ticket)
        if redeemed is None:
            abort(404, message="This download link has expired or was already used; start the export again.")
        bought, membership = redeemed
        campaign = db.session.get(Campaign, campaign_id)
        if bought.kind is ExportKind.VAN:
            return van_file(campaign, membership, bought.since)
        return conversations_file(campaign, membership, bought.since, bought.with_notes)
