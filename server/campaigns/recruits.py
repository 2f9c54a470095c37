"""Volunteers recruiting volunteers: each member's own recruit link, and who recruited whom.

A recruit link is an ``Invite`` row with a ``recruiter``: a random code kept on the server, so the link names its
recruiter without anything in the URL a person could edit to claim another's recruits, and joining through it
goes through the organizers' join rules (expiry, uses counted in SQL, the join rate limits). It grants the
volunteer role only. It stops working when its recruiter is removed or the campaign turns volunteer recruiting
off (``Campaign.volunteer_recruiting``).
"""

from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import aliased

from server.audit.models import record
from server.auth.models import User
from server.campaigns.models import Invite, Membership, Role
from server.canvass.models import DoorVisit
from server.columns import utcnow
from server.extensions import db

RECRUITING_OFF = ("This campaign does not take new volunteers through volunteers' links; ask an organizer for an "
                  "invite.")


def link_for(member: Membership) -> Invite:
    """The member's recruit link to show at doors: their newest one while it has uses and a third of its days
    left, else a new one (the older one keeps working until it runs out, for a phone that still shows it).

    :raise 409: when the campaign has turned volunteer recruiting off.
    """
    if not member.campaign.volunteer_recruiting:
        abort(409, RECRUITING_OFF)
    days = current_app.config["RECRUIT_LINK_DAYS"]
    now = utcnow()
    current = db.session.execute(
        select(Invite).where(Invite.campaign_id == member.campaign_id, Invite.recruiter_id == member.id,
                             Invite.revoked_at.is_(None), Invite.uses < Invite.max_uses,
                             Invite.expires_at > now + timedelta(days=days / 3))
        .order_by(Invite.id.desc()).limit(1)).scalar_one_or_none()
    if current is not None:
        return current
    invite = Invite(campaign_id=member.campaign_id, role=Role.VOLUNTEER, recruiter_id=member.id,
                    max_uses=current_app.config["RECRUIT_LINK_MAX_USES"], expires_at=now + timedelta(days=days),
                    created_by_id=member.user_id)
    db.session.add(invite)
    db.session.flush()
    record(member.campaign_id, member.user_id, "invite.created", "invite", invite.id, role=Role.VOLUNTEER.value,
           max_uses=invite.max_uses, recruit_link=True)
    return invite


def check_recruiter(invite: Invite) -> None:
    """:raise 410: when the link is a recruit link the campaign no longer honours."""
    if invite.recruiter_id is None:
        return
    if not invite.campaign.volunteer_recruiting:
        abort(410, RECRUITING_OFF)
    if not invite.recruiter.active:
        abort(410, "This invite has been withdrawn.")


def tree(campaign_id: int) -> list[dict]:
    """The members who recruited, were recruited or invited someone at a door, with who recruited them, how many
    they recruited and at how many door visits they invited someone, oldest first: the console nests them. The
    others are left out (the members list has everyone): a campaign of thousands answers only its recruiters."""
    recruit = aliased(Membership)
    counts = (select(recruit.recruited_by_id.label("id"), func.count().label("recruits"))
              .where(recruit.campaign_id == campaign_id, recruit.recruited_by_id.is_not(None))
              .group_by(recruit.recruited_by_id).subquery())
    # ix_door_visit_invited holds only the invited rows, so this reads a few rows in twenty
    invited = (select(DoorVisit.volunteer_id.label("user_id"), func.count().label("invited"))
               .where(DoorVisit.campaign_id == campaign_id, DoorVisit.invited == true(), DoorVisit.deleted == false())
               .group_by(DoorVisit.volunteer_id).subquery())
    rows = db.session.execute(
        select(Membership.id, User.display_name, Membership.role, Membership.active,
               Membership.created_at.label("joined_at"), Membership.recruited_by_id,
               func.coalesce(counts.c.recruits, 0).label("recruits"),
               func.coalesce(invited.c.invited, 0).label("invited_at_doors"))
        .join(User, User.id == Membership.user_id)
        .outerjoin(counts, counts.c.id == Membership.id)
        .outerjoin(invited, invited.c.user_id == Membership.user_id)
        .where(Membership.campaign_id == campaign_id,
               or_(Membership.recruited_by_id.is_not(None), counts.c.id.is_not(None), invited.c.user_id.is_not(None)))
        .order_by(Membership.id))
    return [row._asdict() for row in rows]
