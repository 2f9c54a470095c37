"""Push and pull: read what ``sync`` needs from the database, let it decide, and persist the decision with
the op's result in the same transaction.

Locks, so that concurrent pushes neither lose an update nor number changes out of commit order:
- the records a batch changes are locked first (``FOR UPDATE``, in key order, so two batches never deadlock);
- the campaign's counter is taken last, only to number the changes just before commit, so the commit order is
  the sequence order that pulls page by, while the rest of the work of many pushes runs side by side.
SQLite has a single writer: there a push takes the database's write lock first and keeps it.
Two pushes that race to create the same record or apply the same op id meet on a unique key; the loser runs
again and sees the winner's work (``duplicate``).
"""

import time
import uuid
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from server.campaigns.models import Campaign, Membership, Role
from server.canvass import visits
from server.canvass.models import Household
from server.columns import utcnow
from server.conversations import readmodel
from server.dashboard import rollup
from server.extensions import db, one_of_param, prepared, upsert
from server.forget import suppression
from server.preferences import readmodel as preferences
from server.request_input import MAX_ID
from server.surveys import service as surveys
from server.sync_api import store
from server.sync_api.models import SyncCounter, SyncHistory
from server.sync_api.store import StoredRecord
from server.voters.models import Voter
from server.voters.search import cards_by_public_id
from sync import hlc
from sync.decide import decide
from sync.entities import CONTACT_PREFERENCE, CONVERSATION, DOOR_VISIT, ENTITIES, ORGANIZER, SERVER, VOLUNTEER, Ref
from sync.errors import Problem
from sync.protocol import Action, Batch, Op, OpResult, Record, Status


def now_ms() -> int:
    return time.time_ns() // 1_000_000


RACE_RETRIES = 3
# the one answer about a forgotten person: it says why without saying who
SUPPRESSED = Problem("suppressed", "This person asked the campaign to forget them: nothing about them can be saved.")


def push(membership: Membership, batch: Batch, early: dict[int, OpResult]) -> list[OpResult]:
    """Judge and apply a batch in one transaction; one result per op, in order."""
    ops = [op for index, op in enumerate(batch.ops) if index not in early]

    def apply():
        loaded = _Loaded(membership, ops)
        results = [early.get(index) or loaded.apply(op, batch.device_id) for index, op in enumerate(batch.ops)]
        loaded.finish()
        return results

    return committed(apply)


class SuppressedMeanwhile(Exception):
    """A forget committed while the push was deciding, listing a person one of its door visits names only by a
    phone or an e-mail: the push runs again and now rejects that op."""


def committed(work):
    """Run ``work`` and commit, in one transaction; when a concurrent one created one of the same records or
    applied one of the same ops first (a unique key), run it again from the start: it then reads theirs and
    decides over it."""
    for attempt in range(RACE_RETRIES):
        try:
            result = work()
            db.session.commit()
            return result
        except (IntegrityError, SuppressedMeanwhile):
            db.session.rollback()
            if attempt == RACE_RETRIES - 1:
                raise


def apply_review(membership: Membership, entity: str, entity_ids: list[str], fields: dict) -> list[OpResult]:
    """Judge an organizer's review of one or many records, made on the server and stamped by the campaign's server
    clock, in the current transaction; the caller commits."""
    return _apply_on_server(membership, ORGANIZER, [(entity, entity_id, fields) for entity_id in entity_ids])


@dataclass(frozen=True)
class _Server:
    """The server acting on a campaign's records itself (retention), where a review has its organizer."""

    campaign: Campaign
    user_id: None = None

    @property
    def campaign_id(self) -> int:
        return self.campaign.id


def apply_redaction(campaign: Campaign, edits: list[tuple[str, str, dict]]) -> list[OpResult]:
    """Empty free text of live records, as (entity, entity id, {field: ""}), stamped by the campaign's server clock
    so each phone's next pull replaces its copy, in the current transaction; the caller commits. The values it
    replaces are not kept in history: removing them is the point."""
    return _apply_on_server(_Server(campaign), SERVER, edits)


def _apply_on_server(actor, role: str, edits: list[tuple[str, str, dict]]) -> list[OpResult]:
    """The records are locked (in key order) before the counter, in the order pushes take them, so a server edit and
    a push never wait for each other in a circle."""
    ops = [Op(str(uuid.uuid4()), entity, entity_id, Action.UPSERT, fields, hlc.Stamp(0, 0, "server"))
           for entity, entity_id, fields in edits]
    loaded = _Loaded(actor, ops)
    loaded.counted = False  # a review or a redaction counts in no dashboard number
    stamp = hlc.Stamp.decode(_server_stamp(actor.campaign_id))
    # one stamp for the whole edit: each record gets it once, and no record is stamped twice
    results = [loaded.apply(replace(op, hlc=stamp), None, role) for op in ops]
    loaded.finish()
    return results


# what a synced record may name by public id besides other records: rows of the campaign, not of the caller
CAMPAIGN_ROWS = {"voter": Voter, "household": Household}


def _public_ids(model, campaign_id: int, ids: set) -> set:
    if not ids:
        return set()
    return set(db.session.execute(select(model.public_id).where(
        model.campaign_id == campaign_id, model.public_id.in_(ids))).scalars())


def _voters_held(campaign_id: int, refs: set[tuple[str, uuid.UUID]]) -> set:
    """The public ids of the voters the batch names, directly or through a record it references (a conversation
    through a relationship), read ``FOR KEY SHARE`` in id order: a forget locks its voter's row first, so a forget
    and this push wait for each other there, before either locks a record. The push that comes second finds no
    voter (and the record it references forgotten); the forget that comes second sees what the push wrote."""
    through = store.records(campaign_id, [ref for ref in refs if ref[0] not in CAMPAIGN_ROWS])
    ids = {value for target, value in refs if target == "voter"}
    ids |= {_uuid(row.values["voter_id"]) for row in through.values() if row.values.get("voter_id")} - {None}
    if not ids:
        return set()
    return set(db.session.execute(_hold_voters(), {"campaign_id": campaign_id, "ids": list(ids)}).scalars())


@prepared
def _hold_voters(connection):
    return select(Voter.public_id).where(Voter.campaign_id == bindparam("campaign_id"),
                                         one_of_param(Voter.public_id, "ids", connection)) \
        .order_by(Voter.id).with_for_update(read=True, key_share=True)


def _refs(op: Op):
    """(field, target entity, id) for each reference the op sets."""
    for name, spec in ENTITIES[op.entity].fields.items():
        if isinstance(spec.type, Ref) and op.fields.get(name) is not None:
            yield name, spec.type.target, _uuid(op.fields[name])


class _Loaded:
    """Everything a batch's decisions read, loaded in a few queries up front (not several per op), with the
    records it changes locked; ``apply`` then judges each op against it and changes it as it goes, and
    ``finish`` numbers the changes."""

    def __init__(self, membership: Membership, ops: list[Op]):
        self.membership, campaign_id = membership, membership.campaign_id
        self.issue_tags = frozenset(membership.campaign.issue_tags or ())
        self.questions = surveys.for_sync(campaign_id) if any(op.fields.get("answers") for op in ops) else {}
        _ensure_counter(campaign_id)
        if db.session.connection().dialect.name == "sqlite":
            _take_counter(campaign_id)  # its single writer: take the write lock before anything is read
        refs = {(target, value) for op in ops for _, target, value in _refs(op) if value is not None}
        self.in_campaign = {"voter": _voters_held(campaign_id, refs),
                            "household": _public_ids(Household, campaign_id, {v for t, v in refs if t == "household"})}
        targets = sorted({(op.entity, uuid.UUID(op.entity_id)) for op in ops})
        self.rows = store.records(campaign_id, targets, lock=True)
        self.was_live = {key: not row.deleted for key, row in self.rows.items()}  # for the dashboard's counts
        # read again, not taken from ``_voters_held``'s read: once the voters are held, a forget that came first
        # has committed, and what the batch references must be seen forgotten
        self.rows.update(store.records(campaign_id, [r for r in refs
                                                     if r[0] not in CAMPAIGN_ROWS and r not in self.rows]))
        self.applied = store.applied_ops(campaign_id, [uuid.UUID(op.op_id) for op in ops])
        # who each op names, by field, as the suppression list hashes them; those the campaign forgot
        self.naming = _naming(ops, membership.campaign.phone_region) if suppression.any_suppressed(campaign_id) else {}
        # people met at the door named only by a phone or an e-mail: no voter row for a forget to meet this push on
        self.met = [op for op in ops if op.entity == DOOR_VISIT.name
                    and (op.fields.get("person_phone") or op.fields.get("person_email"))]
        self.suppressed = suppression.suppressed(campaign_id, _pairs(self.naming))
        self.history: list[tuple[StoredRecord, object, uuid.UUID]] = []
        self.changed: list[StoredRecord] = []
        self.new_applied: list[dict] = []  # rows of applied_op, written by ``finish``
        self.reviewed_by: dict[StoredRecord, int] = {}  # records an organizer changed a review field of
        self.counted = True  # whether the dashboard's counts follow these changes (server/dashboard/rollup.py)

    def apply(self, op: Op, device_id: str | None, role: str | None = None) -> OpResult:
        membership, op_id, key = self.membership, uuid.UUID(op.op_id), (op.entity, uuid.UUID(op.entity_id))
        stored = self.applied.get(op_id)
        if stored is not None and stored["user_id"] != membership.user_id:
            # someone else's op id: their result is theirs to hear, and this op is not theirs to replay
            return OpResult(op.op_id, Status.REJECTED, {"op_id": [
                Problem("op_id_taken", "Another account already sent a change with this id.")]})
        # an op applied before is answered as such, whatever the sender's role is now (an organizer demoted
        # since their review went through still gets "duplicate", so the ops behind it are not stuck)
        already = stored and OpResult(op.op_id, Status(stored["status"]), _restored(stored["errors"]),
                                      stored["version"])
        row = self.rows.get(key)
        role = role or _role_for(membership, row, ENTITIES[op.entity])
        if already is None:
            if role is None:  # another volunteer's record: the same answer as a record that does not exist
                return OpResult(op.op_id, Status.REJECTED, {"entity_id": [
                    Problem("no_such", f"No such {op.entity}.", target=op.entity)]})
            if row is not None and row.forgotten:
                return OpResult(op.op_id, Status.REJECTED, {"entity_id": [SUPPRESSED]})
            if errors := self._suppression_errors(op) or self._reference_errors(op):
                return OpResult(op.op_id, Status.REJECTED, errors)
        decision = decide(op, role=role, current=_record(row), already=already, issue_tags=self.issue_tags,
                          questions=self.questions)
        result = decision.result
        if decision.record is not None:
            row = self.rows[key] = self._store(row, decision.record)
        if role != SERVER:
            self.history += [(row, entry, op_id) for entry in decision.history]
        if role == ORGANIZER and decision.record is not None and result.status is Status.APPLIED:
            self.reviewed_by[row] = membership.user_id
        if already is None and result.status in (Status.APPLIED, Status.CONFLICT):
            self.applied[op_id] = {
                "campaign_id": membership.campaign_id, "op_id": op_id, "user_id": membership.user_id,
                "device_id": uuid.UUID(device_id) if device_id else None, "status": result.status.value,
                "errors": _stored(result.errors), "version": result.version}
            self.new_applied.append(self.applied[op_id])
        return result

    def _reference_errors(self, op: Op) -> dict[str, list[str]]:
        """References must point inside the caller's campaign: a voter or household of it, or one of the caller's
        records."""
        errors = {}
        for name, target, value in _refs(op):
            if value is None:  # not an id at all: validation says so (not_id)
                continue
            if target in CAMPAIGN_ROWS:
                found = value in self.in_campaign[target]
            else:
                row = self.rows.get((target, value))
                found = row is not None and row.owner_id == self.membership.user_id
                if found and row.forgotten:
                    errors[name] = [SUPPRESSED]
                    continue
            if not found:
                errors[name] = [Problem("no_such", f"No such {target} in this campaign.", target=target)]
        return errors

    def _suppression_errors(self, op: Op) -> dict[str, list[Problem]]:
        """A voter the campaign forgot, or a person met at the door who gave one of their phones or e-mails,
        cannot be written down again."""
        return {name: [SUPPRESSED] for name, pairs in self.naming.get(op.op_id, {}).items() if pairs & self.suppressed}

    def _store(self, row: StoredRecord | None, record: Record) -> StoredRecord:
        """Keep the record's new state for ``finish`` to write and give the campaign's next change sequence
        number."""
        now = utcnow()
        if row is None:
            row = StoredRecord(None, self.membership.campaign_id, record.entity, uuid.UUID(record.entity_id),
                               self.membership.user_id, {}, {}, False, None, False, 0, 0, now, now)
        row.values, row.stamps = dict(record.values), dict(record.stamps)
        row.deleted, row.deleted_stamp, row.version = record.deleted, record.deleted_stamp, record.version
        row.updated_at = now
        if row not in self.changed:
            self.changed.append(row)
        return row

    def _check_met(self) -> None:
        """Holding the counter, look the people met at the door up again: a forget takes the counter too, so one
        that committed after this push read the suppression list has committed by now, and is seen."""
        if not self.met:
            return
        pairs = _pairs(_naming(self.met, self.membership.campaign.phone_region))
        if suppression.suppressed(self.membership.campaign_id, pairs) - self.suppressed:
            raise SuppressedMeanwhile()

    def finish(self) -> None:
        """Write what was decided (records, results, every losing value), then, last, take the counter and number
        the changed records in the order they changed: the caller commits right after, holding it briefly."""
        stored = [row for row in self.changed if row.id is not None]
        fresh = [row for row in self.changed if row.id is None]
        # new records get their ids; a race on a unique key fails here, before the counter
        store.insert_records(fresh)
        created = frozenset(row.id for row in fresh)  # no read-model row of these exists yet
        store.update_records(stored)
        store.insert_applied(self.new_applied)
        store.insert_history([{"record_id": row.id, "field": entry.field, "losing_value": entry.losing_value,
                               "losing_stamp": entry.losing_stamp, "winning_stamp": entry.winning_stamp,
                               "op_id": op_id} for row, entry, op_id in self.history])
        conversations = [row for row in self.changed if row.entity == CONVERSATION.name]
        # a review changes no dashboard number: only what volunteers changed is counted again, and what a person
        # asked about being contacted, whoever recorded it (no follow-up is due with someone who said no)
        counted = rollup.before(self.membership.campaign_id, [
            row for row in self.changed if self.counted and row not in self.reviewed_by
            or row.entity == CONTACT_PREFERENCE.name], self.was_live, created=created,
            zone=ZoneInfo(self.membership.campaign.time_zone))
        written = readmodel.follow(self.membership.campaign_id, conversations,
                                   {row.id: user_id for row, user_id in self.reviewed_by.items()}, created)
        visits.follow(self.membership.campaign_id, [row for row in self.changed if row.entity == DOOR_VISIT.name])
        preferences.follow(self.membership.campaign_id,
                           [row for row in self.changed if row.entity == CONTACT_PREFERENCE.name],
                           self.membership.user_id)
        rollup.tallies(counted, written)
        ready = rollup.prepare(counted)
        if self.changed:
            last = db.session.execute(update(SyncCounter).where(SyncCounter.campaign_id == self.membership.campaign_id)
                                      .values(last_seq=SyncCounter.last_seq + len(self.changed))
                                      .returning(SyncCounter.last_seq)).scalar_one()
            self._check_met()
            first = last - len(self.changed) + 1
            ids = [row.id for row in self.changed]
            if db.session.connection().dialect.name == "postgresql":  # one statement: the counter is held meanwhile
                in_order = bindparam("ids", ids, ARRAY(Integer))
                db.session.execute(update(store.RECORD).where(store.RECORD.c.id == any_(in_order))
                                   .values(seq=first - 1 + func.array_position(in_order, store.RECORD.c.id)))
            else:
                db.session.execute(update(store.RECORD).where(store.RECORD.c.id == bindparam("row_id"))
                                   .values(seq=bindparam("new_seq")),
                                   [{"row_id": row_id, "new_seq": first + n} for n, row_id in enumerate(ids)])
            for seq, row in enumerate(self.changed, start=first):
                row.seq = seq
            rollup.settle(ready)  # holding the counter: pushes write the shared counts one at a time


def _pairs(naming: dict[str, dict[str, set[tuple[str, str]]]]) -> set[tuple[str, str]]:
    """Every (kind, value) pair a ``_naming`` holds, whichever op and field names it."""
    return {pair for fields in naming.values() for pairs in fields.values() for pair in pairs}


def _naming(ops: list[Op], region: str) -> dict[str, dict[str, set[tuple[str, str]]]]:
    """Per op and field, the (kind, value) pairs it names a person by: a voter, or a person met at a door."""
    naming = {}
    for op in ops:
        fields = {}
        if isinstance(op.fields.get("voter_id"), str):
            fields["voter_id"] = {(suppression.PUBLIC, op.fields["voter_id"])}
        if op.entity == DOOR_VISIT.name:
            phone, email = op.fields.get("person_phone"), op.fields.get("person_email")
            for name, pairs in (("person_phone", suppression.person_pairs(region, phone, None)),
                                ("person_email", suppression.person_pairs(region, None, email))):
                if pairs:
                    fields[name] = pairs
        if fields:
            naming[op.op_id] = fields
    return naming


def forget(campaign_id: int, keys: list[tuple[str, uuid.UUID]], again=None) -> int:
    """Purge the records with these (entity, entity id) keys for good: their values, stamps and history go, their
    read-model rows (conversations, door visits and their answers) are deleted, and each becomes a forgotten
    tombstone with the campaign's next change number, so its owner's phone learns at its next pull and drops its
    copy; returns how many. Locks the records (in key order) before the counter, as a push does.

    Holding the counter, ``again()`` lists the keys once more: a push that held it while they were first listed
    has committed by then, and what it wrote about the person with no voter row for the two to meet on (a door
    visit naming them by a phone or an e-mail) is purged too. (A push that locked such a brand-new record since,
    and waits for the counter, would deadlock with this; PostgreSQL then fails one of the two, and nothing is
    kept that should not be.)"""
    _ensure_counter(campaign_id)
    found = store.records(campaign_id, sorted(keys), lock=True)
    if again is not None:
        _take_counter(campaign_id)
        found.update(store.records(campaign_id, sorted(set(again()) - set(found)), lock=True))
    rows = list(found.values())
    if not rows:
        return 0
    ids = [row.id for row in rows]
    db.session.execute(delete(SyncHistory).where(SyncHistory.record_id.in_(ids)))
    readmodel.forget(campaign_id, ids)
    visits.forget(campaign_id, [row.entity_id for row in rows if row.entity == DOOR_VISIT.name])
    stamp = _server_stamp(campaign_id)
    last = db.session.execute(update(SyncCounter).where(SyncCounter.campaign_id == campaign_id)
                              .values(last_seq=SyncCounter.last_seq + len(rows))
                              .returning(SyncCounter.last_seq)).scalar_one()
    for seq, row in enumerate(rows, start=last - len(rows) + 1):
        row.values, row.stamps, row.deleted, row.deleted_stamp = {}, {}, True, stamp
        row.forgotten, row.version, row.seq, row.updated_at = True, row.version + 1, seq, utcnow()
    store.update_records(rows)
    return len(rows)


_COUNTER_MADE = select(SyncCounter.campaign_id).where(SyncCounter.campaign_id == bindparam("campaign_id"))


def _ensure_counter(campaign_id: int) -> None:
    """Make the campaign's counter once. Looked for first: an INSERT … ON CONFLICT DO NOTHING waits for whichever
    push holds the counter row to commit (its unique check meets the row mid-update), which made every push of
    the campaign queue at its very start instead of only where it numbers its changes."""
    if db.session.execute(_COUNTER_MADE, {"campaign_id": campaign_id}).first():
        return
    db.session.execute(upsert(SyncCounter).values(campaign_id=campaign_id, last_seq=0)
                       .on_conflict_do_nothing(index_elements=["campaign_id"]))


def _take_counter(campaign_id: int) -> None:
    """A write first: the counter row is this transaction's until it commits (on SQLite, the whole database)."""
    db.session.execute(update(SyncCounter).where(SyncCounter.campaign_id == campaign_id)
                       .values(last_seq=SyncCounter.last_seq))


def _role_for(membership: Membership, row: StoredRecord | None, entity) -> str | None:
    """A person acts as the volunteer on their own records (organizers log conversations too) and as an
    organizer on others' records of their campaign; a volunteer has no role on another's record, but for a
    campaign-wide one (a contact preference), whose fields anyone of the campaign writes."""
    if entity.campaign_wide:
        return ORGANIZER if membership.role.at_least(Role.ORGANIZER) else VOLUNTEER
    if row is None or row.owner_id == membership.user_id:
        return VOLUNTEER
    return ORGANIZER if membership.role.at_least(Role.ORGANIZER) else None


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _record(row) -> Record | None:
    if row is None:
        return None
    return Record(row.entity, str(row.entity_id), row.values, row.stamps, row.deleted, row.deleted_stamp, row.version,
                  row.forgotten)


CAMPAIGN_WIDE = [entity.name for entity in ENTITIES.values() if entity.campaign_wide]
# a pull's statements, built once: a pull that finds nothing new is most pulls, and building its statements cost
# more of its Python than running them
_COMMITTED = select(SyncCounter.last_seq).where(SyncCounter.campaign_id == bindparam("campaign_id"))
_AFTER = (store.RECORD.c.campaign_id == bindparam("campaign_id"), store.RECORD.c.seq > bindparam("cursor"),
          store.RECORD.c.seq <= bindparam("committed"))
_PAGES = [select(*(store.RECORD.c[name] for name in store.COLUMNS)).where(*_AFTER, *where)
          .order_by(store.RECORD.c.seq).limit(bindparam("rows"))
          for where in ((store.RECORD.c.owner_id == bindparam("user_id"), store.RECORD.c.entity.not_in(CAMPAIGN_WIDE)),
                        (store.RECORD.c.entity.in_(CAMPAIGN_WIDE),))]


def pull(membership: Membership, cursor: int, limit: int) -> list[tuple[int, Record]]:
    """The caller's records and the campaign-wide ones (contact preferences) changed after ``cursor``, oldest
    change first, one more than ``limit``. Two index range reads merged here, rather than one OR no index answers
    in order. Both stop at the campaign's counter as read first: every change up to it has committed (a push
    numbers and commits in one transaction), and a change that commits between the two reads could otherwise carry
    the cursor past one of the caller's that the first read was too early to see. A cursor past the largest
    sequence number the column holds has nothing after it (PostgreSQL would refuse to compare it)."""
    campaign_id = membership.campaign_id
    committed = db.session.execute(_COMMITTED, {"campaign_id": campaign_id}).scalar() or 0
    bounds = {"campaign_id": campaign_id, "cursor": min(cursor, MAX_ID), "committed": committed,
              "user_id": membership.user_id, "rows": limit + 1}
    rows = [row for page in _PAGES for row in db.session.execute(page, bounds)]
    return [(row.seq, _record(row)) for row in sorted(rows, key=lambda row: row.seq)[:limit + 1]]


def _server_stamp(campaign_id: int) -> str:
    """A stamp for an edit made on the server (an organizer's review), from the campaign's server clock; takes
    the campaign's counter (which ``_Loaded`` made) for the rest of the transaction."""
    _take_counter(campaign_id)
    counter = db.session.get(SyncCounter, campaign_id, populate_existing=True)
    clock = hlc.Stamp.decode(counter.server_clock) if counter.server_clock else hlc.Stamp(0, 0, "server")
    clock, stamp = hlc.send(clock, now_ms())
    counter.server_clock = clock.encode()
    return stamp.encode()


def voter_cards(campaign_id: int, changes: list[dict]) -> dict[str, dict]:
    """The minimal card (first name, last initial, age, city) of each voter the pulled records name, so the
    phone can show who a relationship or conversation is with."""
    # not the cards of everyone a campaign-wide record names: only of the caller's own people and visits
    ids = {_uuid(change["fields"].get("voter_id")) for change in changes
           if change["entity"] not in CAMPAIGN_WIDE} - {None}
    return cards_by_public_id(campaign_id, ids)


def _stored(errors) -> dict | None:
    """An applied op's errors as JSON that keeps each problem's code, so a replay answers exactly the same."""
    return errors and {name: [{"message": str(p), **p.to_json()} if isinstance(p, Problem) else p for p in problems]
                       for name, problems in errors.items()}


def _restored(errors: dict | None) -> dict | None:
    return errors and {name: [Problem(p["code"], p["message"], **p.get("params", {})) if isinstance(p, dict) else p
                              for p in problems] for name, problems in errors.items()}
