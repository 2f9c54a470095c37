"""Issuing, checking and revoking JWTs: a 15-minute access token for the bearer header, and a refresh
token that lives only in an HttpOnly cookie guarded by a CSRF double-submit cookie."""

from datetime import UTC, datetime

from flask import Flask, after_this_request, current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token, set_refresh_cookies
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from sqlalchemy import delete

from server.auth.models import RevokedToken, User
from server.columns import utcnow
from server.extensions import db, jwt


def init_app(app: Flask) -> None:
    jwt.user_lookup_loader(lambda _header, payload: db.session.get(User, int(payload["sub"])))
    jwt.token_in_blocklist_loader(lambda _header, payload: db.session.get(RevokedToken, payload["jti"]) is not None)


def access_token_for(user: User) -> str:
    return create_access_token(identity=str(user.id))


def start_session(user: User) -> str:
    """Set the refresh cookies on this response and return a fresh access token."""
    refresh = create_refresh_token(identity=str(user.id))

    @after_this_request
    def _set_cookies(response):
        # the cookies live as long as the token in them (flask-jwt-extended would keep them a year)
        lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        set_refresh_cookies(response, refresh, max_age=int(lifetime.total_seconds()))
        return response

    return access_token_for(user)


def revoke(payload: dict) -> None:
    """Refuse this token from now on; also forget revocations of tokens that have expired anyway."""
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if db.session.get(RevokedToken, payload["jti"]) is None:
        db.session.add(RevokedToken(jti=payload["jti"], expires_at=datetime.fromtimestamp(payload["exp"], UTC)))


def revoke_encoded(token: str) -> None:
    """Revoke a token given as a string, if it is one of ours; expired tokens need nothing."""
    try:
        payload = decode_token(token, allow_expired=False)
    except (PyJWTError, JWTExtendedException):  # a bad or expired token is already useless
        return
    revoke(payload)
