"""Keep ``contact_preference`` rows in step with the synced records, inside the transaction of the push (or the
organizer's edit) that changes them. ``server/sync_api/service.py`` calls ``follow`` with the preference records a
change wrote and who wrote them."""

from sqlalchemy import and_, or_, select

from server.conversations.readmodel import parse_time
from server.extensions import db, upsert
from server.preferences.models import ContactPreference
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from sync.entities import CHANNELS

FLAGS = ("no_contact", *(f"no_{channel}" for channel in CHANNELS))
CHANGING = ("record_id", *FLAGS, "recorded_from", "recorded_at", "recorded_by_id")


def follow(campaign_id: int, records: list[SyncRecord], user_id: int) -> None:
    """Write the rows of these records as they are now; ``user_id`` changed them."""
    if not records:
        return
    voters = dict(db.session.execute(select(Voter.public_id, Voter.id).where(
        Voter.campaign_id == campaign_id, Voter.public_id.in_({r.entity_id for r in records}))).all())
    rows = [{"campaign_id": campaign_id, "voter_id": voters[r.entity_id], "record_id": r.id,
             **{flag: bool(r.values.get(flag)) for flag in FLAGS}, "recorded_from": r.values["recorded_from"],
             "recorded_at": parse_time(r.values["recorded_at"]), "recorded_by_id": user_id} for r in records]
    stmt = upsert(ContactPreference.__table__)  # executemany of one cached statement
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["campaign_id", "voter_id"], set_={name: stmt.excluded[name] for name in CHANGING}), rows)


# a row of someone who asked not to be contacted at all, or refused every channel (which phones treat alike)
REFUSED_ALL = or_(ContactPreference.no_contact, and_(*(getattr(ContactPreference, f"no_{c}") for c in CHANNELS)))


def refusing(campaign_id: int, channel: str):
    """A select of the ids of the campaign's voters who refused ``channel`` (or any contact)."""
    flag = getattr(ContactPreference, f"no_{channel}")
    return select(ContactPreference.voter_id).where(
        ContactPreference.campaign_id == campaign_id, ContactPreference.no_contact | flag)


def refusals(campaign_id: int) -> dict[int, list[str]]:
    """{voter row id: the channels refused} of the campaign's voters who refused any (a few per hundred voters,
    read once by an export or a walk list rather than joined to every row)."""
    rows = db.session.execute(select(ContactPreference).where(
        ContactPreference.campaign_id == campaign_id, or_(*(getattr(ContactPreference, f) for f in FLAGS))))
    return {row.voter_id: row.refused for row in rows.scalars()}

