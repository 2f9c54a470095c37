"""The one place that decides whether the caller may touch a campaign: 404 for a campaign the caller
is not an active member of, 403 for a role below the one a view needs."""

from functools import wraps

from flask import abort, g
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from server.blueprint import document_errors
from server.campaigns.models import Campaign, Membership, Role
from server.extensions import db


def current_user_id() -> int:
    return int(get_jwt_identity())


def requires_role(role: Role):
    """Decorate a view under ``/api/campaigns/<campaign_id>/``: signed in, active member, at least ``role``.

    Sets ``g.campaign`` and ``g.membership`` for the view.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, campaign_id, **kwargs):
            verify_jwt_in_request(locations=["headers"])
            membership = db.session.execute(
                _MEMBERSHIP, {"campaign_id": campaign_id, "user_id": current_user_id()}).scalar_one_or_none()
            if membership is None:
                abort(404, "No such campaign.")
            if not membership.role.at_least(role):
                abort(403, f"This needs the {role.value} role or higher.")
            g.membership, g.campaign = membership, membership.campaign
            return view(*args, **kwargs)

        wrapper.required_role = role
        # signed out: 401; not a member of the campaign: 404; below the role: 403 (none below a volunteer)
        return document_errors(wrapper, 401, 404, *([403] if role is not Role.VOLUNTEER else []))

    return decorator


# the campaign in the same statement, as every view reads it; built once, as every request runs it
_MEMBERSHIP = select(Membership).options(joinedload(Membership.campaign)).where(
    Membership.campaign_id == bindparam("campaign_id"), Membership.user_id == bindparam("user_id"),
    Membership.active.is_(True))


def current_campaign() -> Campaign:
    return g.campaign


def current_membership() -> Membership:
    return g.membership
