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

SESSION_VERSION = "sv"  # the claim holding the account's session_version when the token was issued


def init_app(app: Flask) -> None:
    jwt.user_lookup_loader(lambda _header, payload: db.session.get(User, int(payload["sub"])))
    jwt.token_in_blocklist_loader(lambda _header, payload: is_revoked(payload))


def is_revoked(payload: dict) -> bool:
    """Signed out of (logout), or issued before the account signed out everywhere (a password reset)."""
    if db.session.get(RevokedToken, payload["jti"]) is not None:
        return True
    user = db.session.get(User, int(payload["sub"]))  # the identity map's copy: user_lookup loads it anyway
    return user is not None and payload.get(SESSION_VERSION, 0) != user.session_version


def _claims(user: User) -> dict:
    return {SESSION_VERSION: user.session_version}


def access_token_for(user: User) -> str:
    return create_access_token(identity=str(user.id), additional_claims=_claims(user))


def start_session(user: User) -> str:
    """Set the refresh cookies on this response and return a fresh access token."""
    refresh = create_refresh_token(identity=str(user.id), additional_claims=_claims(user))

    @after_this_request
    def _set_cookies(response):
        # the cookies live as long as the token in them (flask-jwt-extended would keep them a year)
        lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        set_refresh_cookies(response, refresh, max_age=int(lifetime.total_seconds()))
        return response

    return access_token_for(user)


def sign_out_everywhere(user: User) -> None:
    """Refuse every token issued to ``user`` so far, on every device, from this transaction's commit on. Logout
    lists the one token it is sent; the account's other sessions are nowhere to list, so they are refused by the
    version they carry."""
    user.session_version += 1


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
