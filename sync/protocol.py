"""The wire protocol in one place: its version, the op, result and record types, parsing a pushed batch,
and the page a pull returns. The shapes are documented, with examples, in docs/sync.md."""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass

from sync import hlc
from sync.entities import ENTITIES, UUID, fields_json_schema
from sync.errors import ClockDriftError, Problem, ProtocolError, UnsupportedProtocol
from sync.hlc import Stamp

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOLS = frozenset({1})
MAX_OPS = 500
MAX_BATCH_BYTES = 1_000_000  # a phone sends fewer ops when they would make a longer body (the server takes 4 MiB)
PULL_LIMIT = 200
MAX_PULL_LIMIT = 1000
MAX_CURSOR_DIGITS = 19  # a cursor is a sequence number, at most a 64-bit one


class Action(enum.StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class Status(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    CONFLICT = "conflict"


# The phone drops an op from its outbox only on these: the server has dealt with it for good. A rejected op
# stays on the phone and is shown to the volunteer.
SETTLED = frozenset({Status.APPLIED, Status.DUPLICATE, Status.CONFLICT})


@dataclass(frozen=True)
class Op:
    op_id: str  # made on the phone; the exactly-once key
    entity: str
    entity_id: str  # made on the phone when the record was created
    action: Action
    fields: Mapping[str, object]  # only the fields this edit changes; empty for a delete
    hlc: Stamp


@dataclass(frozen=True)
class Batch:
    protocol: int
    device_id: str
    ops: tuple[Op | None, ...]  # one per op sent, None where the op was malformed


@dataclass(frozen=True)
class OpResult:
    op_id: str | None  # None when the op had no readable op_id; results are matched by position anyway
    status: Status
    errors: Mapping[str, list[str]] | None = None
    version: int | None = None

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    def to_json(self) -> dict:
        out = {"op_id": self.op_id, "status": str(self.status)}
        if self.errors:
            out["errors"] = {name: list(messages) for name, messages in self.errors.items()}
            codes = {name: [m.to_json() for m in messages if isinstance(m, Problem)]
                     for name, messages in self.errors.items()}
            if any(codes.values()):
                out["codes"] = codes
        if self.version is not None:
            out["version"] = self.version
        return out


@dataclass(frozen=True)
class Record:
    """The server's state of one synced record: every field's last value and the stamp that wrote it.

    A deleted record keeps its values, so that an edit stamped after the delete brings it back whole;
    pull sends a deleted record as a tombstone, without them. A forgotten record (its person asked to be
    forgotten) has no values left anywhere: its tombstone says so, and a phone drops every trace of it.
    """

    entity: str
    entity_id: str
    values: Mapping[str, object]
    stamps: Mapping[str, str]  # field -> encoded stamp
    deleted: bool
    deleted_stamp: str | None
    version: int
    forgotten: bool = False


def _check_protocol(version: object) -> int:
    if version is None:
        raise ProtocolError("Required.", "protocol")
    if type(version) is not int:
        raise ProtocolError("Not a protocol version.", "protocol")
    if version not in SUPPORTED_PROTOCOLS:
        raise UnsupportedProtocol(version, SUPPORTED_PROTOCOLS)
    return version


def _is_uuid(value: object) -> bool:
    return isinstance(value, str) and UUID.fullmatch(value) is not None


def parse_batch(data: object, *, now_ms: int | None = None) -> tuple[Batch, dict[int, OpResult]]:
    """Read a pushed batch. A batch-wide problem raises; a malformed op becomes a ``rejected`` result, keyed
    by its position, and the rest of the batch goes on.

    :raise UnsupportedProtocol: the protocol version is one this server does not speak (426).
    :raise ProtocolError: not an object, unknown key, bad device_id, ops not a list or more than MAX_OPS.
    ``now_ms`` is the server's time: ops stamped more than ``hlc.MAX_DRIFT_MS`` ahead of it are rejected,
    so that one phone with a wrong clock cannot outvote every later edit.
    """
    if not isinstance(data, dict):
        raise ProtocolError("Expected a JSON object.")
    protocol = _check_protocol(data.get("protocol"))
    if unknown := sorted(data.keys() - {"protocol", "device_id", "ops"}):
        raise ProtocolError("Unknown field.", unknown[0])
    device_id = data.get("device_id")
    if not _is_uuid(device_id):
        raise ProtocolError("Required: this device's id, a lowercase UUID.", "device_id")
    raw_ops = data.get("ops")
    if not isinstance(raw_ops, list):
        raise ProtocolError("Expected a list of ops.", "ops")
    if len(raw_ops) > MAX_OPS:
        raise ProtocolError(f"At most {MAX_OPS} ops in one batch.", "ops")
    ops, rejected = [], {}
    for i, raw in enumerate(raw_ops):
        op, errors = _parse_op(raw, device_id, now_ms)
        ops.append(op)
        if errors:
            op_id = raw.get("op_id") if isinstance(raw, dict) and _is_uuid(raw.get("op_id")) else None
            rejected[i] = OpResult(op_id, Status.REJECTED, errors)
    return Batch(protocol, device_id, tuple(ops)), rejected


_OP_KEYS = frozenset({"op_id", "entity", "entity_id", "action", "fields", "hlc"})


def _parse_op(raw: object, device_id: str, now_ms: int | None) -> tuple[Op | None, dict[str, list[str]]]:
    if not isinstance(raw, dict):
        return None, {"op": [Problem("not_object", "Expected an object.")]}
    errors = {key: [Problem("unknown_field", "Unknown field.")] for key in raw.keys() - _OP_KEYS}

    def check(key, problem):
        message = Problem("required", "Required.") if raw.get(key) is None else problem(raw[key])
        if message:
            errors[key] = [message]

    not_uuid = Problem("not_uuid", "Not a lowercase UUID.")
    check("op_id", lambda v: None if _is_uuid(v) else not_uuid)
    check("entity", lambda v: None if isinstance(v, str) and v in ENTITIES else _not_one_of(ENTITIES))
    check("entity_id", lambda v: None if _is_uuid(v) else not_uuid)
    check("action", lambda v: None if isinstance(v, str) and v in set(Action) else _not_one_of(Action))
    if raw.get("action") == Action.DELETE:
        if raw.get("fields"):
            errors["fields"] = [Problem("delete_with_fields", "A delete carries no fields.")]
    else:
        check("fields", lambda v: None if isinstance(v, dict) and v else Problem(
            "no_fields", "Expected an object with at least one field."))
    check("hlc", lambda v: _stamp_problem(v, device_id, now_ms))
    if errors:
        return None, errors
    return Op(raw["op_id"], raw["entity"], raw["entity_id"], Action(raw["action"]), dict(raw.get("fields") or {}),
              Stamp.decode(raw["hlc"])), {}


def _not_one_of(values) -> Problem:
    return Problem("not_one_of", f"Not one of: {', '.join(values)}.", choices=list(values))


def _stamp_problem(text: object, device_id: str, now_ms: int | None) -> str | None:
    try:
        stamp = Stamp.decode(text)
        if now_ms is not None:
            hlc.check_drift(stamp, now_ms)
    except ValueError as exc:
        return Problem("bad_stamp", str(exc))
    except ClockDriftError:
        return Problem("clock_ahead", "Stamped too far ahead of the server's clock: check the phone's date and time.")
    if stamp.node != device_id:
        return Problem("foreign_stamp", "Not stamped by this device: the node must be the device_id.")


def parse_pull(args: Mapping[str, str]) -> tuple[int, int]:
    """Read a pull's query string into (the last sequence number the phone has, page size).

    :raise UnsupportedProtocol: as for a push (426).
    :raise ProtocolError: a missing protocol, a cursor this server did not hand out, or a bad limit.
    """
    if unknown := sorted(args.keys() - {"protocol", "cursor", "limit"}):
        raise ProtocolError("Unknown field.", unknown[0])
    protocol = args.get("protocol")
    _check_protocol(int(protocol) if isinstance(protocol, str) and protocol.isascii() and protocol.isdigit()
                    else protocol)
    cursor = args.get("cursor") or "0"
    if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= MAX_CURSOR_DIGITS):
        raise ProtocolError("Not a cursor from this server.", "cursor")
    limit = args.get("limit") or str(PULL_LIMIT)
    if not (limit.isascii() and limit.isdigit() and len(limit) <= 9 and 1 <= int(limit) <= MAX_PULL_LIMIT):
        raise ProtocolError(f"Not a whole number from 1 to {MAX_PULL_LIMIT}.", "limit")
    return int(cursor), int(limit)


def change_json(seq: int, record: Record) -> dict:
    """One pulled change: the record's whole current state, or a tombstone without its values."""
    live = not record.deleted
    return {"seq": seq, "entity": record.entity, "entity_id": record.entity_id, "version": record.version,
            "deleted": record.deleted, "deleted_stamp": record.deleted_stamp,
            "fields": dict(record.values) if live else {}, "stamps": dict(record.stamps) if live else {},
            **({"forgotten": True} if record.forgotten else {})}


def pull_json(rows: Sequence[tuple[int, Record]], *, cursor: int, limit: int) -> dict:
    """A pull page from up to ``limit + 1`` (seq, record) rows after ``cursor``, in seq order (the extra row
    only says there is more)."""
    page = rows[:limit]
    return {"changes": [change_json(seq, record) for seq, record in page],
            "cursor": str(page[-1][0] if page else cursor), "more": len(rows) > limit}


_UUID_SCHEMA = {"type": "string", "pattern": f"^{UUID.pattern}$"}


def op_json_schema() -> dict:
    """One pushed op as JSON Schema, for the OpenAPI document: its shape only. parse_batch and the entities'
    checks have the last word (a stamp's node must be the device_id, a reference must exist, ...)."""
    common = {"op_id": {**_UUID_SCHEMA, "description": "Made on the phone: the exactly-once key."},
              "entity_id": {**_UUID_SCHEMA, "description": "Made on the phone when the record was created."},
              "hlc": {"type": "string", "pattern": f"^{hlc.ENCODED.pattern}$",
                      "description": "The hybrid logical clock stamp of the edit; its node is the device_id."}}
    upserts = [{"type": "object", "additionalProperties": False,
                "required": ["op_id", "entity", "entity_id", "action", "fields", "hlc"],
                "properties": {**common, "entity": {"const": entity.name}, "action": {"const": Action.UPSERT},
                               "fields": fields_json_schema(entity)}} for entity in ENTITIES.values()]
    delete = {"type": "object", "additionalProperties": False, "required": ["op_id", "entity", "entity_id", "action",
                                                                            "hlc"],
              "properties": {**common, "entity": {"enum": list(ENTITIES)}, "action": {"const": Action.DELETE}}}
    return {"oneOf": [*upserts, delete]}


_PROBLEMS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
_CODES = {"type": "object", "additionalProperties": {"type": "array", "items": {
    "type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "params": {"type": "object"}}}}}


def result_json_schema() -> dict:
    """One op's result (``OpResult.to_json``) as JSON Schema."""
    return {"type": "object", "required": ["op_id", "status"], "additionalProperties": False, "properties": {
        "op_id": {"anyOf": [_UUID_SCHEMA, {"type": "null"}]}, "status": {"enum": list(Status)},
        "errors": _PROBLEMS, "codes": _CODES, "version": {"type": "integer", "minimum": 1}}}


def change_json_schema() -> dict:
    """One pulled change (``change_json``) as JSON Schema."""
    return {"type": "object", "additionalProperties": False,
            "required": ["seq", "entity", "entity_id", "version", "deleted", "deleted_stamp", "fields", "stamps"],
            "properties": {"seq": {"type": "integer"}, "entity": {"enum": list(ENTITIES)}, "entity_id": _UUID_SCHEMA,
                           "version": {"type": "integer"}, "deleted": {"type": "boolean"},
                           "deleted_stamp": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                           "forgotten": {"const": True, "description": "Drop every trace of this record: "
                                         "its person asked to be forgotten."},
                           "fields": {"type": "object"}, "stamps": {"type": "object",
                                                                   "additionalProperties": {"type": "string"}}}}


def _describe(value: object) -> object:
    if is_dataclass(value):
        return {"kind": type(value).__name__, **{f.name: _describe(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, Mapping):
        return {key: _describe(item) for key, item in value.items()}
    return [_describe(item) for item in value] if isinstance(value, tuple) else value


def constants() -> dict:
    """The protocol's constants and entity declarations as JSON, for the PWA's generated constants module."""
    return {"protocol": PROTOCOL_VERSION, "maxOps": MAX_OPS, "maxBatchBytes": MAX_BATCH_BYTES,
            "maxPullLimit": MAX_PULL_LIMIT,
            "maxDriftMs": hlc.MAX_DRIFT_MS, "actions": list(Action), "statuses": list(Status),
            "settled": sorted(SETTLED), "entities": _describe(ENTITIES)}
