from flask.views import MethodView

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.dashboard import service
from server.dashboard.schemas import DashboardFilterSchema, DashboardSchema
from server.replica import replica_reads
from server.scoping import current_campaign, requires_role

blp = Blueprint("dashboard", __name__, url_prefix="/api/campaigns/<int:campaign_id>/dashboard",
                description="Whether relational organizing is working: the console's dashboard in one answer.")


@blp.route("")
class Dashboard(MethodView):
    @requires_role(Role.ORGANIZER)
    @replica_reads()  # may be a moment behind the primary (docs/dashboard.md)
    @blp.arguments(DashboardFilterSchema, location="query")
    @blp.response(200, DashboardSchema)
    def get(self, filters):
        """Tiles with their 7-day change, the funnel, daily series, the volunteers table and breakdowns, filtered
        (docs/dashboard.md defines each number)."""
        return service.dashboard(current_campaign(), filters)
