from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.pagination import QueryPage
from server.scoping import current_campaign, requires_role

blp = Blueprint("audit", __name__, url_prefix="/api/campaigns/<int:campaign_id>/audit-events",
                description="The campaign's audit trail (owners only).")


class AuditEventSchema(Schema):
    id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    details = fields.Dict()
    at = fields.AwareDateTime()


@blp.route("")
class AuditEvents(MethodView):
    @requires_role(Role.OWNER)
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(QueryPage)
    def get(self):
        """Audit events, newest first, paged (``page``, ``page_size``; totals in ``X-Pagination``)."""
        return select(AuditEvent).where(AuditEvent.campaign_id == current_campaign().id).order_by(
            AuditEvent.id.desc())
