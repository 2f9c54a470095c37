"""Keep the door-visit read model (``door_visit``) in step with the synced door visits, inside the transaction
of the push that changes them, so a turf's progress is a join and a count rather than a read of every record's
JSON. ``server/sync_api/service.py`` calls ``follow`` with the door-visit records a push changed."""

import uuid

from sqlalchemy import delete, insert, select

from server.canvass.models import DoorVisit, Household
from server.conversations.readmodel import parse_time
from server.extensions import db, upsert
from server.surveys.models import DoorAnswer
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from sync.entities import CORRECTION

CHUNK = 500  # rows per statement: well under SQLite's limit on bound values
CHANGING = ("record_id", "volunteer_id", "household_id", "voter_id", "result", "happened_at", "deleted", "invited",
            *CORRECTION, "address_fix")


def follow(campaign_id: int, records: list[SyncRecord]) -> None:
    """Write the read-model rows of these door-visit records as they are now."""
    if not records:
        return
    households = _ids(Household, campaign_id, {r.values["household_id"] for r in records})
    voters = _ids(Voter, campaign_id, {r.values["voter_id"] for r in records if r.values.get("voter_id")})
    rows = [{"campaign_id": campaign_id, "id": r.entity_id, "record_id": r.id, "volunteer_id": r.owner_id,
             "household_id": households[uuid.UUID(r.values["household_id"])],
             "voter_id": voters.get(uuid.UUID(r.values["voter_id"])) if r.values.get("voter_id") else None,
             "result": r.values["result"], "happened_at": parse_time(r.values["happened_at"]),
             "deleted": r.deleted, "invited": invited(r.values), **_correction(r.values)} for r in records]
    stmt = upsert(DoorVisit.__table__)  # executemany of one cached statement (a multi-row VALUES is compiled anew)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["campaign_id", "id"], set_={name: stmt.excluded[name] for name in CHANGING}), rows)
    _answers(campaign_id, records)


def _answers(campaign_id: int, records: list[SyncRecord]) -> None:
    """The visits' answers as they are now: a talk's, while it is not deleted (the push checked each names one of
    the campaign's questions and one of its options)."""
    ids = [r.entity_id for r in records]
    for start in range(0, len(ids), CHUNK):
        db.session.execute(delete(DoorAnswer).where(DoorAnswer.campaign_id == campaign_id,
                                                    DoorAnswer.visit_id.in_(ids[start:start + CHUNK])))
    rows = [{"campaign_id": campaign_id, "visit_id": r.entity_id, "question_id": int(key), "answer": answer}
            for r in records if not r.deleted and r.values.get("result") == "talked"
            for key, answer in (r.values.get("answers") or {}).items()]
    for start in range(0, len(rows), CHUNK // 4):
        db.session.execute(insert(DoorAnswer), rows[start:start + CHUNK // 4])


def invited(values: dict) -> bool:
    """Whether the visit records that the person was invited to volunteer (shown the recruit link)."""
    return "invited" in (values.get("agreed_to") or ())


def _correction(values: dict) -> dict:
    """The address as found at the door, and whether the visit says the file's is wrong."""
    found = {name: (values.get(name) or "").strip() for name in CORRECTION}
    return {**found, "address_fix": values["result"] == "wrong_address" or any(found.values())}


def _ids(model, campaign_id: int, public_ids: set[str]) -> dict[uuid.UUID, int]:
    """{public id: row id} of the campaign's rows (the push checked each is the campaign's)."""
    if not public_ids:
        return {}
    return dict(db.session.execute(select(model.public_id, model.id).where(
        model.campaign_id == campaign_id, model.public_id.in_({uuid.UUID(value) for value in public_ids}))).all())


def forget(campaign_id: int, visit_ids: list[uuid.UUID]) -> None:
    """Delete these visits' rows and answers (their person asked to be forgotten)."""
    for start in range(0, len(visit_ids), CHUNK):
        chunk = visit_ids[start:start + CHUNK]
        db.session.execute(delete(DoorAnswer).where(DoorAnswer.campaign_id == campaign_id,
                                                    DoorAnswer.visit_id.in_(chunk)))
        db.session.execute(delete(DoorVisit).where(DoorVisit.campaign_id == campaign_id, DoorVisit.id.in_(chunk)))
