from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from server.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/health", description="For load balancers and uptime checks.")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """Answers ``ok`` when the app can reach its database."""
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}
