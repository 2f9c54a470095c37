"""The sync tables read and written with SQLAlchemy Core, a batch at a time: a push's records, applied ops and
history go in a few statements (one ``insert_many`` each, with ``RETURNING`` for the new records' ids, one
executemany UPDATE), not through the ORM's unit of work, whose bookkeeping cost more Python per op than deciding
it did (bench/sync_profile.py). Records are plain values here, with no session tracking them."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select, update

from server.extensions import db, insert_many, one_of_param, prepared
from server.sync_api.models import AppliedOp, SyncHistory, SyncRecord

RECORD, APPLIED, HISTORY = SyncRecord.__table__, AppliedOp.__table__, SyncHistory.__table__


@dataclass(eq=False)  # compared by identity: a batch keys the records it changed by the record itself
class StoredRecord:
    """A row of ``sync_record``, as read or about to be written (``id`` is None until it is inserted)."""

    id: int | None
    campaign_id: int
    entity: str
    entity_id: uuid.UUID
    owner_id: int
    values: dict
    stamps: dict
    deleted: bool
    deleted_stamp: str | None
    forgotten: bool
    version: int
    seq: int
    created_at: datetime
    updated_at: datetime


COLUMNS = tuple(field.name for field in fields(StoredRecord))
CHANGING = ("values", "stamps", "deleted", "deleted_stamp", "forgotten", "version", "seq", "updated_at")


def records(campaign_id: int, keys, lock: bool = False) -> dict[tuple[str, uuid.UUID], StoredRecord]:
    """The records with these (entity, entity_id) keys, in one read; locked for this transaction, in key order,
    if ``lock``."""
    if not keys:
        return {}
    by_entity = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, []).append(entity_id)
    # per entity, ``entity_id IN (…)``: PostgreSQL looks each id up through the unique key, where a list of
    # (entity, entity_id) pairs had it read every record of the campaign whenever its statistics were stale
    query = select(*(RECORD.c[name] for name in COLUMNS)).where(
        RECORD.c.campaign_id == campaign_id,
        or_(*(and_(RECORD.c.entity == entity, RECORD.c.entity_id.in_(ids)) for entity, ids in by_entity.items())))
    if lock:
        query = query.order_by(RECORD.c.entity, RECORD.c.entity_id).with_for_update()
    rows = (StoredRecord(*row) for row in db.session.execute(query))
    return {(row.entity, row.entity_id): row for row in rows}


def insert_records(rows: list[StoredRecord]) -> None:
    """Insert new records in one statement and give each its id; a record another push created meanwhile fails
    here on the unique key (the push runs again)."""
    if not rows:
        return
    values = [{name: getattr(row, name) for name in COLUMNS if name != "id"} for row in rows]
    ids = {(entity, entity_id): row_id
           for row_id, entity, entity_id in insert_many(RECORD, values, returning=("id", "entity", "entity_id"))}
    for row in rows:
        row.id = ids[row.entity, row.entity_id]


def update_records(rows: list[StoredRecord]) -> None:
    """Write the changing columns of stored records, one executemany."""
    if rows:
        db.session.execute(update(RECORD).where(RECORD.c.id == bindparam("row_id")),
                           [{"row_id": row.id, **{name: getattr(row, name) for name in CHANGING}} for row in rows])


def applied_ops(campaign_id: int, op_ids: list[uuid.UUID]) -> dict[uuid.UUID, Mapping]:
    """The stored result of each of these op ids that was applied before (by anyone), in one read."""
    if not op_ids:
        return {}
    found = db.session.execute(_applied_ops(), {"campaign_id": campaign_id, "op_ids": op_ids}).mappings()
    return {row["op_id"]: row for row in found}


@prepared
def _applied_ops(connection):
    return select(APPLIED.c.op_id, APPLIED.c.user_id, APPLIED.c.status, APPLIED.c.errors, APPLIED.c.version).where(
        APPLIED.c.campaign_id == bindparam("campaign_id"), one_of_param(APPLIED.c.op_id, "op_ids", connection))


def insert_applied(rows: list[dict]) -> None:
    """The results of applied ops (columns of ``applied_op``), one statement; an op id another push applied
    meanwhile fails here on the primary key (the push runs again and answers ``duplicate``)."""
    insert_many(APPLIED, rows)


def insert_history(rows: list[dict]) -> None:
    """Losing values (columns of ``sync_history``), one statement."""
    insert_many(HISTORY, rows)
