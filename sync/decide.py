"""The rules that judge one op against the record it touches. Pure: the server reads ``current`` and
``already``, calls :func:`decide`, and persists what comes back, in the same transaction as the op's result.

Every field is a last-writer-wins register: the value with the later stamp wins, whatever order the ops
arrive in. The tombstone is one more register. A record is deleted while its tombstone is later than every
field its creator owns, so a delete wins over edits stamped before it and a later edit brings the record
back; an organizer's review never does. Because each register keeps its maximum, the server reaches the
same state whatever the order of delivery, and a phone merging pulled records the same way reaches it too.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sync.entities import ANYONE, ENTITIES, ROLES, Entity, Question, validate
from sync.errors import Problem
from sync.protocol import Action, Op, OpResult, Record, Status

__all__ = ["Decision", "HistoryEntry", "Record", "decide", "is_deleted", "merge", "reject"]


@dataclass(frozen=True)
class HistoryEntry:
    """A value that lost: overwritten by a later stamp, or arriving after a later one. Kept, never shown
    as current."""

    field: str
    losing_value: object
    losing_stamp: str
    winning_stamp: str


@dataclass(frozen=True)
class Decision:
    result: OpResult
    record: Record | None = None  # the new state to persist; None when the record does not change
    history: tuple[HistoryEntry, ...] = ()

    @property
    def change(self) -> bool:
        """The record changed: persist it and give it the campaign's next change sequence number."""
        return self.record is not None


def is_deleted(entity: Entity, stamps: Mapping[str, str], deleted_stamp: str | None) -> bool:
    """Deleted while the tombstone is later than every field the entity's creator owns."""
    return deleted_stamp is not None and all(
        stamp < deleted_stamp for name, stamp in stamps.items() if entity.fields[name].owner == entity.creator)


def merge(local: Record | None, remote: Record) -> Record:
    """Join two states of one record, field by field (what a phone does with each pulled change).
    The version is the greater of the two; the server numbers versions itself."""
    if local is None:
        local = replace(remote, values={}, stamps={}, deleted_stamp=None)
    values, stamps = dict(local.values), dict(local.stamps)
    for name, stamp in remote.stamps.items():
        if name not in stamps or stamp > stamps[name]:
            values[name], stamps[name] = remote.values[name], stamp
    deleted_stamp = max(filter(None, (local.deleted_stamp, remote.deleted_stamp)), default=None)
    return Record(remote.entity, remote.entity_id, values, stamps,
                  is_deleted(ENTITIES[remote.entity], stamps, deleted_stamp), deleted_stamp,
                  max(local.version, remote.version))


def reject(op: Op, errors: dict[str, list[str]]) -> Decision:
    """A rejection for the server's own checks, which need the database: a referenced voter or relationship
    that is not the caller's, or a record that belongs to another volunteer (never pass it as None)."""
    return Decision(OpResult(op.op_id, Status.REJECTED, errors))


def decide(op: Op, *, role: str | None, current: Record | None, already: OpResult | None,
           issue_tags: frozenset[str] | None = None, questions: Mapping[str, Question] | None = None) -> Decision:
    """Judge ``op``, sent by someone acting as ``role`` ("volunteer": the record's own volunteer;
    "organizer": an organizer or owner of its campaign).

    ``current`` is the stored record (None if there is none); ``already`` is the stored result of this
    op_id from the same sender, if it was applied or in conflict before (store only those: a rejected op is
    judged again when the phone retries it). A duplicate is answered whatever the sender's role is now, so
    ``role`` may be None then. ``issue_tags`` is the campaign's list, ``questions`` its survey questions by id.
    """
    if already is not None:
        if already.status not in (Status.APPLIED, Status.CONFLICT):
            raise ValueError("Store only applied and conflict results; a rejected op is judged again.")
        return Decision(OpResult(op.op_id, Status.DUPLICATE, already.errors, already.version))
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; pass one of {ROLES}.")
    if current is not None and (current.entity, current.entity_id) != (op.entity, op.entity_id):
        raise ValueError("current is another record than the op's.")
    entity = ENTITIES[op.entity]
    stamp = op.hlc.encode()
    if current is None and (op.action is Action.DELETE or entity.creator not in (role, ANYONE)):
        return reject(op, {"entity_id": [f"No such {entity.name}."]})
    if op.action is Action.DELETE and entity.campaign_wide:
        return reject(op, {"action": [Problem("no_delete", f"A {entity.name} is not deleted: clear its fields.",
                                              entity=entity.name)]})
    if op.action is Action.DELETE:
        if role != entity.creator:
            return reject(op, {"action": [f"Only the {entity.creator} who logged this can delete it."]})
        incoming = Record(op.entity, op.entity_id, {}, {}, True, stamp, 0)
    else:
        errors = validate(entity, op.fields, role, issue_tags=issue_tags, questions=questions,
                          current=None if current is None else current.values)
        if not errors and current is None and entity.keyed_by and op.fields[entity.keyed_by] != op.entity_id:
            errors = {"entity_id": [Problem("keyed_by", f"Must be the {entity.keyed_by}.", field=entity.keyed_by)]}
        if errors:
            return reject(op, errors)
        incoming = Record(op.entity, op.entity_id, dict(op.fields), dict.fromkeys(op.fields, stamp), False, None, 0)

    merged = merge(current, incoming)
    history, lost = _losers(current, op.fields, stamp)
    errors = {name: [Problem("lost", "A later change won; yours is kept in history.")] for name in lost}
    if merged.deleted and op.action is Action.UPSERT:
        errors["entity_id"] = [Problem("deleted", f"This {entity.name} was deleted.", entity=entity.name)]
    elif not merged.deleted and op.action is Action.DELETE:
        errors["entity_id"] = [Problem("kept", f"This {entity.name} was changed after the delete, so it was kept.",
                                       entity=entity.name)]

    changed = current is None or (merged.values, merged.stamps, merged.deleted_stamp) != (
        current.values, current.stamps, current.deleted_stamp)
    record = replace(merged, version=current.version + 1 if current else 1) if changed else None
    version = (record or current).version
    status = Status.CONFLICT if errors else Status.APPLIED
    return Decision(OpResult(op.op_id, status, errors or None, version), record, history)


def _losers(current: Record | None, fields: Mapping[str, object],
            stamp: str) -> tuple[tuple[HistoryEntry, ...], list[str]]:
    """History for each field whose value was replaced or lost, and the names of the fields the op lost."""
    history, lost = [], []
    for name, value in fields.items():
        old_stamp = current.stamps.get(name) if current else None
        if old_stamp is None or current.values[name] == value:
            continue
        if stamp > old_stamp:
            history.append(HistoryEntry(name, current.values[name], old_stamp, stamp))
        else:
            history.append(HistoryEntry(name, value, stamp, old_stamp))
            lost.append(name)
    return tuple(history), lost
