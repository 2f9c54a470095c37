"""An organizer's edit of a voter's contact preference, made through sync like a review (stamped by the campaign's
server clock, merged field by field), so it reaches every phone of the campaign on its next pull."""

from datetime import UTC, datetime

from flask_smorest import abort
from sqlalchemy import select

from server.audit.models import record
from server.campaigns.models import Membership
from server.extensions import db
from server.preferences.models import ContactPreference
from server.preferences.readmodel import FLAGS
from server.sync_api.service import apply_review, committed
from server.voters.models import Voter
from sync.entities import CONTACT_PREFERENCE
from sync.protocol import Status


def one(voter: Voter) -> dict:
    """The voter's preference as it is now; all flags false when nobody recorded one."""
    row = db.session.execute(select(ContactPreference).where(
        ContactPreference.campaign_id == voter.campaign_id, ContactPreference.voter_id == voter.id)
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None:
        return {"voter_id": voter.public_id, **dict.fromkeys(FLAGS, False), "refused": [],
                "recorded_from": None, "recorded_at": None, "recorded_by_id": None}
    return {"voter_id": voter.public_id, **{flag: getattr(row, flag) for flag in FLAGS}, "refused": row.refused,
            "recorded_from": row.recorded_from, "recorded_at": row.recorded_at, "recorded_by_id": row.recorded_by_id}


def change(membership: Membership, voter: Voter, flags: dict) -> dict:
    """Record (or clear, with every flag false) what the voter asked, from the console; audited by the flags set,
    never by who the voter is beyond their id."""
    fields = {**flags, "voter_id": str(voter.public_id), "recorded_from": "console",
              "recorded_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")}

    def apply():
        result = apply_review(membership, CONTACT_PREFERENCE.name, [str(voter.public_id)], fields)[0]
        if result.status is Status.REJECTED:
            db.session.rollback()
            abort(422, errors={"json": dict(result.errors)})
        record(membership.campaign_id, membership.user_id, "contact_preference.changed", "voter", voter.public_id,
               refused=sorted(name for name in FLAGS if flags[name]))

    # two organizers recording the first preference at once both create it: the second to commit runs again
    committed(apply)
    return one(voter)
