"""Password resets: one-time links made by an organizer, by the server's operator or, where the server can send
e-mail, asked for by the person; and what using one does. docs/auth.md has the rules and the API."""

import hashlib
import logging
import re
import secrets
import threading
from datetime import timedelta

from flask import Flask, abort, current_app
from sqlalchemy import delete, select, update

from server import mail
from server.audit.models import record
from server.auth import tokens
from server.auth.models import PasswordReset, ResetOrigin, ResetState, User
from server.auth.passwords import hash_password
from server.auth.service import user_by_email
from server.campaigns.models import Membership, Role
from server.campaigns.service import may_grant
from server.columns import utcnow
from server.extensions import db

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 random bits: guessing is hopeless, so a fast hash is enough to store it
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")  # what token_urlsafe makes, with room to spare
KEEP = timedelta(days=30)  # how long a spent or expired link still answers "used" or "expired" before it is deleted
MAIL_THREAD = "kin-reset-mail"

NOT_VALID = "This reset link is not valid. Ask for a new one."
GONE = {
    ResetState.USED: "This reset link has already been used. Ask for a new one if you need to.",
    ResetState.REPLACED: "A newer reset link was made for this account: use that one.",
    ResetState.EXPIRED: "This reset link has expired. Ask for a new one.",
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_url(token: str) -> str:
    """The link a person opens to choose a new password; the PWA routes ``/reset/<token>``."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/reset/{token}"


def make_link(user: User, origin: ResetOrigin, campaign_id: int | None = None,
              created_by_id: int | None = None) -> dict:
    """A new one-time link for ``user``, in the current transaction; their older unused link stops working.

    Returns ``{"token", "url", "expires_at"}``: the only time the token exists outside the link.
    """
    now = utcnow()
    # one new link at a time per account (PostgreSQL locks the row; SQLite's first write below takes its lock)
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None), PasswordReset.replaced_at.is_(None),
    ).values(replaced_at=now))
    db.session.execute(delete(PasswordReset).where(PasswordReset.expires_at < now - KEEP))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    reset = PasswordReset(user_id=user.id, token_hash=digest(token), origin=origin, campaign_id=campaign_id,
                          created_by_id=created_by_id,
                          expires_at=now + timedelta(hours=current_app.config["RESET_LINK_HOURS"]))
    db.session.add(reset)
    db.session.flush()
    return {"token": token, "url": reset_url(token), "expires_at": reset.expires_at}


def may_reset(actor: Role, target: Role) -> bool:
    """Owners for volunteers and organizers, organizers for volunteers; nobody, through the API, for an owner."""
    return target is not Role.OWNER and may_grant(actor, target)


def link_for_member(actor: Membership, member: Membership) -> dict:
    """A reset link an organizer or owner makes for a member of their campaign, written to its audit log.

    :raise 404: when the member was removed, as for a stranger.
    :raise 403: for oneself, for a role the actor may not reset, and for someone who also belongs to a campaign
        where the actor could not make them a link (a reset opens every campaign of the account).
    """
    if not member.active:
        abort(404)  # word for word what an id of another campaign gets
    if member.user_id == actor.user_id:
        abort(403, "You cannot make a reset link for yourself; another organizer or the server's operator can.")
    if not may_reset(actor.role, member.role):
        abort(403, "Organizers make reset links for volunteers, owners for volunteers and organizers; an owner's "
                   "comes from the server's operator (flask kin reset-link).")
    if not _within_reach(actor.user_id, member):
        abort(403, "This person also belongs to a campaign where you cannot make them a reset link; the server's "
                   "operator can (flask kin reset-link).")
    link = make_link(member.user, ResetOrigin.ORGANIZER, campaign_id=member.campaign_id,
                     created_by_id=actor.user_id)
    record(member.campaign_id, actor.user_id, "password_reset.created", "membership", member.id,
           user_id=member.user_id)
    return link


def _within_reach(actor_id: int, member: Membership) -> bool:
    """Whether the actor could make this link in every other campaign the member belongs to. Removed memberships
    count too: reactivating one would hand its access to whoever holds the new password."""
    others = db.session.execute(select(Membership).where(
        Membership.user_id == member.user_id, Membership.campaign_id != member.campaign_id)).scalars()
    for other in others:
        mine = db.session.execute(select(Membership.role).where(
            Membership.user_id == actor_id, Membership.campaign_id == other.campaign_id,
            Membership.active.is_(True))).scalar_one_or_none()
        if mine is None or not may_reset(mine, other.role):
            return False
    return True


def find(token: str) -> PasswordReset:
    """:raise 404: for a token that is not one of ours (or was deleted long after it expired)."""
    found = None
    if TOKEN.fullmatch(token):
        found = db.session.execute(
            select(PasswordReset).where(PasswordReset.token_hash == digest(token))).scalar_one_or_none()
    if found is None:
        abort(404, NOT_VALID)
    return found


def usable(token: str) -> PasswordReset:
    """:raise 404: unknown token. :raise 410: used, replaced by a newer link, or expired, saying which."""
    reset = find(token)
    state = reset.state(utcnow())
    if state is not ResetState.VALID:
        abort(410, GONE[state])
    return reset


def describe(token: str) -> dict:
    """What the reset screen shows: the link's state, and whom to greet while it is valid. :raise 404: unknown."""
    reset = find(token)
    state = reset.state(utcnow())
    return {"state": state, "expires_at": reset.expires_at,
            "display_name": reset.user.display_name if state is ResetState.VALID else None}


def use(token: str, password: str) -> User:
    """Set the account's new password, spend the link and sign out every session of the account; commits."""
    reset = usable(token)
    new_hash = hash_password(password)  # before the row is claimed: the hashing is the slow part
    now = utcnow()
    # claimed in the database itself, so two requests racing with the same link cannot both use it
    claimed = db.session.execute(update(PasswordReset).where(
        PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.replaced_at.is_(None),
        PasswordReset.expires_at > now,
    ).values(used_at=now)).rowcount
    if not claimed:
        db.session.rollback()
        abort(410, GONE[ResetState.USED])
    user = reset.user
    user.password_hash = new_hash
    tokens.sign_out_everywhere(user)
    if reset.campaign_id is not None:
        record(reset.campaign_id, user.id, "password_reset.used", "user", user.id, reset_id=reset.id)
    db.session.commit()
    return user


# The e-mail, in the account's language. Plain text: it is read on any phone, and quoted nowhere else.
MESSAGES = {
    "en": ("Choose a new Kin password",
           "Hello {name},\n\n"
           "Someone asked to reset the password of your Kin account, hopefully you. To choose a new password, "
           "open this link within {hours} hours:\n\n{url}\n\n"
           "The link works once. If you did not ask for it, ignore this e-mail: your password stays as it is.\n"),
    "es": ("Elige una contraseña nueva para Kin",
           "Hola, {name}:\n\n"
           "Alguien pidió restablecer la contraseña de tu cuenta de Kin, seguramente tú. Para elegir una "
           "contraseña nueva, abre este enlace en las próximas {hours} horas:\n\n{url}\n\n"
           "El enlace funciona una sola vez. Si no lo pediste, ignora este correo: tu contraseña no cambia.\n"),
}


def request_by_email(email: str) -> None:
    """Mail a reset link to ``email`` if an account uses it. Returns at once either way: the account lookup and
    the sending happen in a thread, so neither the answer nor its timing tells whether the account exists."""
    app = current_app._get_current_object()
    threading.Thread(target=_mail_link, args=(app, email), name=MAIL_THREAD, daemon=True).start()


def _mail_link(app: Flask, email: str) -> None:
    with app.app_context():
        try:
            user = user_by_email(email)
            if user is None:
                return
            link = make_link(user, ResetOrigin.EMAIL)
            db.session.commit()
            subject, body = MESSAGES.get(user.language, MESSAGES["en"])
            mail.send(user.email, subject, body.format(name=user.display_name, url=link["url"],
                                                       hours=app.config["RESET_LINK_HOURS"]))
            log.info("A password-reset e-mail was sent.")
        except Exception as error:  # a thread's error would reach nobody: it is logged, without data
            db.session.rollback()
            log.warning("A password-reset e-mail was not sent: %s.", mail.describe_failure(error))
        finally:
            db.session.remove()
