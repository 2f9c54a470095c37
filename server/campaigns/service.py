"""Campaign rules that the API and the CLI share: creating campaigns and invites, changing members."""

from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import func, select, update

from server.audit.models import record
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.columns import utcnow
from server.dashboard import rollup
from server.extensions import db


def create_campaign(owner_id: int | None = None, **settings) -> Campaign:
    campaign = Campaign(**settings)
    db.session.add(campaign)
    db.session.flush()
    if owner_id is not None:
        db.session.add(Membership(campaign_id=campaign.id, user_id=owner_id, role=Role.OWNER))
    return campaign


def update_campaign(campaign: Campaign, actor: Membership, changes: dict) -> None:
    """Apply settings changes and audit them: one event naming the settings that changed (never their values,
    which may quote people)."""
    changed = sorted(name for name, value in changes.items() if getattr(campaign, name) != value)
    for name in changed:
        setattr(campaign, name, changes[name])
    if changed:
        record(campaign.id, actor.user_id, "campaign.updated", "campaign", campaign.id, fields=changed)
    if "time_zone" in changed:
        rollup.rebuild(campaign.id)  # the dashboard's days are the campaign's days


def create_invite(campaign: Campaign, role: Role, created_by: Membership | None,
                  max_uses: int = 1, days: int | None = None) -> Invite:
    """An invite link; organizers may invite volunteers, owners anyone.

    :raise 403: when the inviter's role may not grant ``role``.
    """
    if created_by is not None and not may_grant(created_by.role, role):
        abort(403, f"Only an owner can invite a {role.value}.")
    invite = Invite(
        campaign_id=campaign.id, role=role, max_uses=max_uses,
        expires_at=utcnow() + timedelta(days=days or current_app.config["INVITE_DAYS"]),
        created_by_id=created_by.user_id if created_by else None,
    )
    db.session.add(invite)
    db.session.flush()
    record(campaign.id, invite.created_by_id, "invite.created", "invite", invite.id,
           role=role.value, max_uses=max_uses)
    return invite


def revoke_invite(invite: Invite, actor: Membership) -> None:
    if not may_grant(actor.role, invite.role):
        abort(403, f"Only an owner can withdraw an invite for a {invite.role.value}.")
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        record(invite.campaign_id, actor.user_id, "invite.revoked", "invite", invite.id)


def join_url(invite: Invite) -> str:
    """The link a person opens on their phone to join; the PWA routes ``/join/<code>``."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/join/{invite.code}"


def may_grant(actor: Role, role: Role) -> bool:
    """Owners manage everyone; organizers manage volunteers only."""
    return actor is Role.OWNER or (actor is Role.ORGANIZER and role is Role.VOLUNTEER)


def change_member(actor: Membership, member: Membership, role: Role | None, active: bool | None) -> None:
    """Change a member's role or active flag, writing an audit event for each change.

    :raise 403: when the actor may not manage this member or grant this role.
    :raise 409: when the change would leave the campaign without an active owner.
    """
    _lock_owners(member.campaign_id, actor, member)
    if not may_grant(actor.role, member.role) or (role is not None and not may_grant(actor.role, role)):
        abort(403, "Organizers manage volunteers; only an owner can change organizers and owners.")
    losing_owner = member.role is Role.OWNER and member.active and (
        (role is not None and role is not Role.OWNER) or active is False)
    if losing_owner and _active_owners(member.campaign_id) <= 1:
        abort(409, "A campaign needs at least one active owner.")
    if role is not None and role is not member.role:
        record(member.campaign_id, actor.user_id, "membership.role_changed", "membership", member.id,
               user_id=member.user_id, old=member.role.value, new=role.value)
        member.role = role
    if active is not None and active is not member.active:
        record(member.campaign_id, actor.user_id,
               "membership.reactivated" if active else "membership.deactivated", "membership", member.id,
               user_id=member.user_id)
        member.active = active


def leave(member: Membership) -> None:
    """The member leaves the campaign (deactivated, audited).

    :raise 409: the last active owner cannot leave; they hand the campaign over first.
    """
    _lock_owners(member.campaign_id, member)
    if member.role is Role.OWNER and member.active and _active_owners(member.campaign_id) <= 1:
        abort(409, "A campaign needs at least one active owner: make someone else an owner first.")
    record(member.campaign_id, member.user_id, "membership.left", "membership", member.id, user_id=member.user_id)
    member.active = False


def _lock_owners(campaign_id: int, *members: Membership) -> None:
    """Lock the campaign's owner rows for this transaction, then read ``members`` again as they are now.

    Every change that could take away an owner goes through here, so such changes queue one behind the other:
    two owners demoting each other at the same moment cannot both see the other one still there. PostgreSQL locks
    the rows in id order (no deadlock); SQLite has one writer, so a write first takes the database's lock.
    :raise 403: when the person acting was removed meanwhile.
    """
    owners = (Membership.campaign_id == campaign_id, Membership.role == Role.OWNER)
    if db.session.connection().dialect.name == "sqlite":
        db.session.execute(update(Membership).where(*owners).values(active=Membership.active))
    else:
        db.session.execute(select(Membership.id).where(*owners).order_by(Membership.id).with_for_update())
    for member in members:
        db.session.refresh(member)
    if not members[0].active:
        abort(403, "You are no longer a member of this campaign.")


def _active_owners(campaign_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(Membership).where(
            Membership.campaign_id == campaign_id, Membership.role == Role.OWNER, Membership.active.is_(True))
    ).scalar_one()
