"""What signing in and joining mean, apart from HTTP."""

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.audit.models import record
from server.auth.models import User
from server.auth.passwords import hash_password, verify_password
from server.campaigns import recruits
from server.campaigns.models import Invite, InviteUnusable, Membership
from server.columns import utcnow
from server.extensions import db


def user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


WRONG_CREDENTIALS = "Wrong e-mail or password."


def authenticate(email: str, password: str) -> User:
    """:raise 401: for an unknown e-mail or a wrong password, without saying which."""
    user = user_by_email(email)
    if user is None:
        hash_password(password)  # spend the same time as a real check, so timing does not reveal accounts
        abort(401, WRONG_CREDENTIALS)
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        abort(401, WRONG_CREDENTIALS)
    if new_hash:
        user.password_hash = new_hash
        db.session.commit()
    return user


def usable_invite(code: str) -> Invite:
    """:raise 404: unknown code. :raise 410: expired, withdrawn or used up."""
    invite = db.session.execute(select(Invite).where(Invite.code == code)).scalar_one_or_none()
    if invite is None:
        abort(404, "This invite link is not valid.")
    try:
        invite.check_usable(utcnow())
    except InviteUnusable as exc:
        abort(410, str(exc))
    recruits.check_recruiter(invite)
    return invite


def join(code: str, email: str, password: str, display_name: str, language: str) -> User:
    """Add the person to the invite's campaign, creating their account unless the e-mail has one.

    An existing account must prove its password; a wrong one gets sign-in's answer, word for word, and counts
    against the same per-account limit. Everything commits together or not at all.
    """
    invite = usable_invite(code)
    user = user_by_email(email)
    if user is None:
        user = User(email=email, password_hash=hash_password(password),
                    display_name=display_name, language=language)
        db.session.add(user)
        db.session.flush()
    else:
        if not verify_password(user.password_hash, password)[0]:
            abort(401, WRONG_CREDENTIALS)
        existing = db.session.execute(
            select(Membership).where(Membership.user_id == user.id, Membership.campaign_id == invite.campaign_id)
        ).scalar_one_or_none()
        if existing is not None:
            if existing.active:
                abort(409, "You are already a member of this campaign.")
            abort(403, "Your access to this campaign was removed; ask an organizer.")
    # count the use in the database itself, so two people racing for the last use cannot both win
    consumed = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.uses < Invite.max_uses, Invite.revoked_at.is_(None),
               Invite.expires_at > utcnow())
        .values(uses=Invite.uses + 1)
    ).rowcount
    if not consumed:
        db.session.rollback()
        abort(410, "This invite has been used up.")
    membership = Membership(campaign_id=invite.campaign_id, user_id=user.id, role=invite.role,
                            recruited_by_id=invite.recruiter_id)
    db.session.add(membership)
    db.session.flush()
    record(invite.campaign_id, user.id, "membership.joined", "membership", membership.id,
           invite_id=invite.id, role=invite.role.value,
           **({"recruited_by": invite.recruiter_id} if invite.recruiter_id else {}))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, "This e-mail or membership was just created by another request; try signing in.")
    return user
