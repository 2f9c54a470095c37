from flask import Response, current_app
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from server.auth.passwords import verify_password
from server.auth.schemas import MAX_PASSWORD
from server.blueprint import Blueprint
from server.extensions import db, limiter
from server.privacy import account

blp = Blueprint("privacy", __name__, url_prefix="/api/me",
                description="A person's own data: download it, delete the account.")
ZIP = {"type": "string", "format": "binary"}


class DeletionSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=MAX_PASSWORD), metadata={
        "description": "The account's password, to confirm."})


@blp.route("/data")
class MyData(MethodView):
    @jwt_required(locations=["headers"])
    @blp.response(200, ZIP, content_type="application/zip")
    @blp.errors(401)
    def get(self):
        """Everything the server holds that you wrote or that is about you: kin-my-data.json and a CSV file per
        list, zipped."""
        return Response(account.my_data_zip(current_user), mimetype="application/zip", headers={
            "Content-Disposition": 'attachment; filename="kin-my-data.zip"', "Cache-Control": "no-store"})


@blp.route("/deletion")
class Deletion(MethodView):
    @limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
    @jwt_required(locations=["headers"])
    @blp.arguments(DeletionSchema)
    @blp.response(204)
    @blp.errors(401, 409, 422, 429)
    def post(self, data):
        """Delete your account: you leave every campaign, which keeps what you logged without your name or deletes
        it (as its owners chose); your name, e-mail and password go, and you are signed out everywhere.

        :raise 409: when you are the last active owner of a campaign.
        """
        if not verify_password(current_user.password_hash, data["password"])[0]:
            abort(422, message="Not your password.", errors={"json": {"password": ["Not your password."]}})
        account.delete_account(current_user)
        db.session.commit()
