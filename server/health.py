from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.blueprint import Blueprint
from server.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/health", description="For load balancers and uptime checks.")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.errors(503)
    def get(self):
        """Answers ``ok`` when the app can reach its database, 503 when it cannot (so a load balancer stops
        sending people to a server that would fail them)."""
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            abort(503, message="The database cannot be reached.")
        return {"status": "ok"}
