"""Issuing, checking and revoking JWTs: a 15-minute access token for the bearer header, and a refresh
token that lives only in an HttpOnly cookie guarded by a CSRF double-submit cookie."""

from datetime import UTC, datetime

from flask import Flask, Response, after_this_request, current_app, g
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    current_user,
    decode_token,
    get_jwt,
    set_refresh_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.config import config as jwt_config
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from sqlalchemy import bindparam, delete, exists, select

from server.auth.models import RevokedToken, User
from server.columns import utcnow
from server.extensions import db, jwt

SESSION_VERSION = "sv"  # the claim holding the account's session_version when the token was issued
CONSOLE_PATH = "/console"  # the refresh cookie's second path: the console's page (docs/auth.md)


def init_app(app: Flask) -> None:
    jwt.user_lookup_loader(lambda _header, payload: _account(payload)[0])
    jwt.token_in_blocklist_loader(lambda _header, payload: is_revoked(payload))


def is_revoked(payload: dict) -> bool:
    """Signed out of (logout), or issued before the account signed out everywhere (a password reset)."""
    user, revoked = _account(payload)
    return revoked or (user is not None and (user.deleted_at is not None
                                             or payload.get(SESSION_VERSION, 0) != user.session_version))


def _account(payload: dict) -> tuple[User | None, bool]:
    """The token's account and whether the token was revoked, in one read made once per request: the blocklist
    check and the user lookup both ask, and the session's identity map holds objects weakly, so without ``g``
    holding the user it was read twice. Kept by token id, as a test may send requests inside one app context."""
    held = g.get("kin_account")
    if held is None or held[0] != payload["jti"]:
        row = db.session.execute(_ACCOUNT, {"user_id": int(payload["sub"]), "jti": payload["jti"]}).first()
        held = g.kin_account = (payload["jti"], *(row or (None, False)))
    return held[1], held[2]


# built once: every request runs it, and building it (and its cache key) cost more than running it
_ACCOUNT = select(User, exists().where(RevokedToken.jti == bindparam("jti"))).where(User.id == bindparam("user_id"))


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
        lifetime = int(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds())
        set_refresh_cookies(response, refresh, max_age=lifetime)
        set_console_cookie(response, refresh, lifetime)
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


def set_console_cookie(response: Response, refresh: str, max_age: int) -> None:
    """The refresh token in a second cookie, sent only with requests for the console's page: a page load carries no
    bearer token, and the ``/api/auth`` cookie does not reach ``/console``. The page only reads who it is, to refuse
    a volunteer (server/console.py); the token refreshes nothing from there."""
    response.set_cookie(jwt_config.refresh_cookie_name, refresh, max_age=max(0, max_age), path=CONSOLE_PATH,
                        secure=jwt_config.cookie_secure, httponly=True, domain=jwt_config.cookie_domain,
                        samesite=jwt_config.cookie_samesite)


def unset_console_cookie(response: Response) -> None:
    response.set_cookie(jwt_config.refresh_cookie_name, "", expires=0, path=CONSOLE_PATH,
                        secure=jwt_config.cookie_secure, httponly=True, domain=jwt_config.cookie_domain,
                        samesite=jwt_config.cookie_samesite)


def cookie_user() -> User | None:
    """Who the refresh cookie of this request says is here, if it is a valid token not signed out; else None."""
    try:
        verify_jwt_in_request(optional=True, refresh=True, locations=["cookies"])
    except (JWTExtendedException, PyJWTError):  # expired, signed out, or not ours: the same as no cookie
        return None
    return current_user if get_jwt() else None
