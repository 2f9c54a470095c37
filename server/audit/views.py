from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import false, or_, select

from server.audit.models import AuditEvent
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.fields import Id
from server.pagination import QueryPage
from server.scoping import current_campaign, requires_role

blp = Blueprint("audit", __name__, url_prefix="/api/campaigns/<int:campaign_id>/audit-events",
                description="The campaign's audit trail (organizers and owners).")


class AuditEventSchema(Schema):
    id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    details = fields.Dict()
    at = fields.AwareDateTime()


class AuditFilterSchema(Schema):
    actor_id = Id(strict=False, metadata={"description": "Events by this user (a member's user_id)."})
    action = fields.String(validate=validate.Regexp(r"^[a-z_]{1,32}(\.[a-z_]{1,32})?$", error=(
        "An action such as invite.created, or its kind such as invite.")), metadata={
        "description": "An action (invite.created), or a kind of action (invite: every invite.* event)."})
    since = fields.Date(metadata={"description": "Events on or after this day, in the campaign's time zone."})
    until = fields.Date(metadata={"description": "Events on or before this day, in the campaign's time zone."})


def _day_start(day: date, zone: ZoneInfo) -> datetime | None:
    """Midnight of ``day`` in the campaign's time zone, in UTC; None past the last day a datetime can hold."""
    try:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return None


@blp.route("")
class AuditEvents(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(AuditFilterSchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(QueryPage)
    def get(self, args):
        """Audit events, newest first, filtered and paged (``page``, ``page_size``; totals in ``X-Pagination``)."""
        campaign = current_campaign()
        stmt = select(AuditEvent).where(AuditEvent.campaign_id == campaign.id)
        if "actor_id" in args:
            stmt = stmt.where(AuditEvent.actor_id == args["actor_id"])
        if "action" in args:
            action = args["action"]
            stmt = stmt.where(AuditEvent.action == action if "." in action
                              else or_(AuditEvent.action == action,
                                       AuditEvent.action.startswith(f"{action}.", autoescape=True)))
        zone = ZoneInfo(campaign.time_zone)
        if "since" in args:
            start = _day_start(args["since"], zone)
            stmt = stmt.where(AuditEvent.at >= start if start else false())
        if "until" in args and args["until"] < date.max:
            end = _day_start(args["until"] + timedelta(days=1), zone)
            if end:
                stmt = stmt.where(AuditEvent.at < end)
        return stmt.order_by(AuditEvent.id.desc())
