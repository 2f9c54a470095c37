import hashlib
import hmac
import time

from flask import abort, after_this_request, current_app, request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt, jwt_required, unset_jwt_cookies
from flask_jwt_extended.config import config as jwt_config

from server import mail
from server.auth import reset, service, tokens
from server.auth.schemas import (
    AccessTokenSchema,
    InvitePreviewSchema,
    JoinSchema,
    LoginSchema,
    MeSchema,
    ResetByEmailSchema,
    ResetRequestedSchema,
    ResetRequestSchema,
    ResetSchema,
    ResetStateSchema,
    SessionSchema,
    UserUpdateSchema,
)
from server.blueprint import Blueprint
from server.extensions import db, limiter
from server.identifiers import InvalidIdentifier, normalize_email

blp = Blueprint("auth", __name__, url_prefix="/api", description="Sign in, join by invite, stay signed in.")


def _account_key() -> str:
    """Rate-limit key for one account, whichever address the attempts come from: the e-mail as the account
    lookup reads it (NFKC, invisible characters out, lowercased), so no spelling of it gets a fresh count. Keyed
    with the secret key, because the limiter logs the key of a limit that is hit, and Redis stores it as it is:
    neither may hold an address."""
    body = request.get_json(silent=True)
    try:
        email = normalize_email(body["email"])
    except (TypeError, KeyError, InvalidIdentifier):  # no e-mail to look up: the request fails validation anyway
        return "account:-"
    secret = current_app.config["SECRET_KEY"].encode()
    return "account:" + hmac.new(secret, email.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _limit(setting: str):
    return lambda: current_app.config[setting]


# password guesses for one account, through sign-in and join alike, draw on one count
_per_account = limiter.shared_limit(_limit("LOGIN_RATE_LIMIT"), scope="account", key_func=_account_key)
# reading and using reset links, from one address, draw on one count
_reset_tokens = limiter.shared_limit(_limit("RESET_TOKEN_RATE_LIMIT"), scope="reset-token")


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
        refresh, expires = request.cookies[jwt_config.refresh_cookie_name], get_jwt()["exp"]

        @after_this_request
        def _console_copy(response):
            # sessions begun before the console had its copy of the cookie get one at their next refresh
            tokens.set_console_cookie(response, refresh, int(expires - time.time()))
            return response

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
            tokens.unset_console_cookie(response)
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
            setattr(current_user, name, value)
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


NO_MAIL = "This server cannot send e-mail. Ask an organizer of your campaign to make you a reset link."


@blp.route("/auth/reset-request")
class ResetRequest(MethodView):
    @blp.response(200, ResetByEmailSchema)
    def get(self):
        """Whether this server can e-mail a reset link (else the sign-in screen says to ask an organizer)."""
        return {"by_email": mail.can_send(), "expires_in_hours": current_app.config["RESET_LINK_HOURS"]}

    @limiter.limit(_limit("RESET_REQUEST_RATE_LIMIT"))
    @limiter.limit(_limit("RESET_REQUEST_ACCOUNT_RATE_LIMIT"), key_func=_account_key)
    @blp.arguments(ResetRequestSchema)
    @blp.response(202, ResetRequestedSchema)
    @blp.errors(409, 429)
    def post(self, data):
        """E-mail a reset link to the address if an account uses it; the same answer either way.

        :raise 409: when this server has no mail relay (``KIN_SMTP_URL``): an organizer makes the link instead.
        """
        if not mail.can_send():
            abort(409, NO_MAIL)
        reset.request_by_email(data["email"])
        hours = current_app.config["RESET_LINK_HOURS"]
        return {"expires_in_hours": hours,
                "message": f"If an account uses this address, a reset link is on its way; it works for {hours} "
                           "hours. Nothing arriving? Check the spam folder, or ask an organizer."}


@blp.route("/auth/reset/<token>")
class ResetLinkState(MethodView):
    @_reset_tokens
    @blp.response(200, ResetStateSchema)
    @blp.errors(404, 429)
    def get(self, token):
        """A reset link's state, and the account's display name while it is valid."""
        return reset.describe(token)


@blp.route("/auth/reset")
class ResetPassword(MethodView):
    @_reset_tokens
    @blp.arguments(ResetSchema)
    @blp.response(200, SessionSchema)
    @blp.errors(404, 410, 429)
    def post(self, data):
        """Choose a new password with a reset link; signs in (sets the refresh cookie).

        The link is spent and every other session of the account is signed out.
        :raise 410: when the link was used, replaced by a newer one, or has expired; the message says which.
        """
        user = reset.use(data["token"], data["password"])
        return {**me(user), "access_token": tokens.start_session(user)}
