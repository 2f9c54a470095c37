"""One error shape for every error, ``{"code", "status", "message", "errors"}``.

flask-smorest already answers every ``HTTPException`` this way; this module brings the token errors of
flask-jwt-extended, which have their own callbacks, into the same shape.
"""

from http import HTTPStatus

from flask_jwt_extended import JWTManager
from flask_limiter.errors import RateLimitExceeded
from flask_smorest import Api
from werkzeug.exceptions import HTTPException


class KinApi(Api):
    """flask-smorest's Api, with a message in every error so a person always reads what went wrong. The OpenAPI
    document lists each operation's own errors (``server.blueprint``), not a catch-all "default"."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if isinstance(error, RateLimitExceeded):
            payload["message"] = f"Too many requests (limit: {error.description}); wait and try again."
        payload.setdefault("message", error.description)
        return payload, code, headers


def error_body(code: int, message: str, errors: dict | None = None) -> dict:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _unauthorized(message: str):
    return error_body(401, message), 401


def register_token_errors(jwt: JWTManager) -> None:
    """Every token problem is a 401 that tells the PWA to refresh or sign in again."""
    jwt.unauthorized_loader(lambda reason: _unauthorized(f"Sign in first ({reason})."))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"Invalid token ({reason})."))
    jwt.expired_token_loader(lambda _header, _payload: _unauthorized("The token has expired."))
    jwt.revoked_token_loader(lambda _header, _payload: _unauthorized("You have signed out; sign in again."))
    jwt.needs_fresh_token_loader(lambda _header, _payload: _unauthorized("Sign in again to do this."))
    jwt.user_lookup_error_loader(lambda _header, _payload: _unauthorized("This account no longer exists."))


class UpgradeRequired(HTTPException):
    """426: the client speaks a protocol this server no longer does; werkzeug has no class for it."""

    code = 426
    description = "Update the app."
