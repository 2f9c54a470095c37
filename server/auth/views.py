from flask import after_this_request, current_app, request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt, jwt_required, unset_jwt_cookies

from server.auth import service, tokens
from server.auth.schemas import (
    AccessTokenSchema,
    InvitePreviewSchema,
    JoinSchema,
    LoginSchema,
    MeSchema,
    SessionSchema,
    UserUpdateSchema,
)
from server.blueprint import Blueprint
from server.extensions import db, limiter
from server.identifiers import InvalidIdentifier, normalize_email

blp = Blueprint("auth", __name__, url_prefix="/api", description="Sign in, join by invite, stay signed in.")


def _account_key() -> str:
    """Rate-limit key for one account, whichever address the attempts come from: the e-mail as the account
    lookup reads it (NFKC, invisible characters out, lowercased), so no spelling of it gets a fresh count."""
    body = request.get_json(silent=True)
    try:
        return "account:" + normalize_email(body["email"])
    except (TypeError, KeyError, InvalidIdentifier):  # no e-mail to look up: the request fails validation anyway
        return "account:-"


def _limit(setting: str):
    return lambda: current_app.config[setting]


# password guesses for one account, through sign-in and join alike, draw on one count
_per_account = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT"), scope="account", key_func=_account_key)


def me(user) -> dict:
    return {"user": user, "memberships": user.memberships}


@blp.route("/auth/login")
class Login(MethodView):
    @limiter.limit(_limit("LOGIN_RATE_LIMIT"))
    @_per_account
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    @blp.errors(401, 429)
    def post(self, data):
        """Sign in with e-mail and password; sets the refresh cookie."""
        user = service.authenticate(data["email"], data["password"])
        return {**me(user), "access_token": tokens.start_session(user)}


@blp.route("/auth/join")
class Join(MethodView):
    @limiter.limit(_limit("JOIN_RATE_LIMIT"))
    @_per_account
    @blp.arguments(JoinSchema)
    @blp.response(201, SessionSchema)
    @blp.errors(401, 403, 404, 409, 410, 429)
    def post(self, data):
        """Join a campaign through an invite code, creating the account if needed; signs in."""
        user = service.join(**data)
        return {**me(user), "access_token": tokens.start_session(user)}


@blp.route("/auth/refresh")
class Refresh(MethodView):
    @jwt_required(refresh=True, locations=["cookies"])
    @blp.response(200, AccessTokenSchema)
    @blp.errors(401)
    @blp.doc(security=[{"refreshCookie": []}])
    def post(self):
        """A new 15-minute access token, from the refresh cookie (needs the X-CSRF-TOKEN header)."""
        return {"access_token": tokens.access_token_for(current_user)}


@blp.route("/auth/logout")
class Logout(MethodView):
    @jwt_required(refresh=True, locations=["cookies"], optional=True)
    @blp.response(204)
    @blp.errors(401)
    @blp.doc(security=[{"refreshCookie": []}, {"bearer": []}, {}])
    def post(self):
        """Sign out: revoke the refresh cookie's token and the bearer token, and clear the cookies."""
        if refresh := get_jwt():
            tokens.revoke(refresh)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            tokens.revoke_encoded(header.removeprefix("Bearer ").strip())
        db.session.commit()

        @after_this_request
        def _clear(response):
            unset_jwt_cookies(response)
            return response


@blp.route("/me")
class Me(MethodView):
    @jwt_required(locations=["headers"])
    @blp.response(200, MeSchema)
    @blp.errors(401)
    def get(self):
        """The signed-in person and their campaigns."""
        return me(current_user)

    @jwt_required(locations=["headers"])
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, MeSchema)
    @blp.errors(401)
    def patch(self, data):
        """Change your display name or language."""
        for name, value in data.items():
            setattr(current_user, name, value.strip() if name == "display_name" else value)
        db.session.commit()
        return me(current_user)


@blp.route("/invites/<code>")
class InvitePreview(MethodView):
    @limiter.limit(_limit("INVITE_LOOKUP_RATE_LIMIT"))
    @blp.response(200, InvitePreviewSchema)
    @blp.errors(404, 410, 429)
    def get(self, code):
        """What an invite link leads to, shown before the person joins.

        :raise 410: when the invite has expired, been withdrawn or used up.
        """
        return service.usable_invite(code)
