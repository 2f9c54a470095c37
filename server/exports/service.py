"""Making an export: where it starts (``?since=``), its record and audit events, and its rows, read a batch at a
time so memory stays flat whatever the campaign's size.

An export reads every conversation (and, for VAN, every door visit) whose latest change is numbered at most the
campaign's change counter when it began (its ``high_water``), and, with ``?since=<export id>``, above that
export's: change numbers are handed out in commit order (server/sync_api/service.py), so a change is in exactly one
of two exports that follow each other.
"""

from collections.abc import Callable, Iterator
from datetime import datetime

from flask import current_app
from flask_smorest import abort
from sqlalchemy import Executable, exists, func, or_, select

from server.audit.models import record
from server.auth.models import User
from server.campaigns.models import Membership
from server.canvass.models import DoorVisit
from server.columns import utcnow
from server.conversations.models import Conversation
from server.exports.models import Export, ExportKind
from server.extensions import db
from server.replica import counter_reached
from server.request_input import MAX_ID
from server.sync_api.models import SyncCounter, SyncRecord
from server.voters.models import Voter
from sync.entities import NEW_PERSON as NEW_PERSON_FIELDS

BATCH = 1000  # rows fetched at a time: with the read-ahead, the memory an export holds, whatever its size


def start(membership: Membership, kind: ExportKind, since: str | None, with_notes: bool,
          omitted: Callable[[Export], list[str]] | None = None) -> Export:
    """Record the export and audit who asked for what, committed before the first byte leaves; ``omitted`` says,
    once the export's range is known, what the file leaves out (audited too)."""
    since_export, since_time = resolve_since(membership.campaign_id, kind, since)
    high_water = db.session.execute(select(SyncCounter.last_seq).where(
        SyncCounter.campaign_id == membership.campaign_id)).scalar_one_or_none() or 0
    export = Export(campaign_id=membership.campaign_id, kind=kind, created_by_id=membership.user_id,
                    since_export_id=since_export and since_export.id, since_time=since_time, high_water=high_water,
                    with_notes=with_notes)
    db.session.add(export)
    db.session.flush()
    details = {"omitted": omitted(export)} if omitted else {}
    record(membership.campaign_id, membership.user_id, "export.started", "export", export.id, kind=kind.value,
           since_export_id=export.since_export_id, since_time=since_time and since_time.isoformat(),
           notes=with_notes, **details)
    db.session.commit()
    current_app.logger.info("export %s (%s) of campaign %s started by user %s", export.id, kind.value,
                            export.campaign_id, membership.user_id)
    return export


def resolve_since(campaign_id: int, kind: ExportKind, since: str | None,
                  location: str = "query") -> tuple[Export | None, datetime | None]:
    """``since`` is an earlier complete export of the same kind (exact), or an ISO 8601 time with its offset
    (conversations changed after it, by the server's clock).

    :raise 422: naming ``since`` (in ``location``: the query, or a ticket's JSON body) for anything else.
    """
    def _bad_since(message: str):
        abort(422, message=message, errors={location: {"since": [message]}})

    if not since:
        return None, None
    if since.isascii() and since.isdigit():
        earlier = None if int(since) > MAX_ID else db.session.execute(select(Export).where(
            Export.campaign_id == campaign_id, Export.id == int(since))).scalar_one_or_none()
        if earlier is None:
            _bad_since(f"No export {since} in this campaign.")
        if earlier.kind is not kind:
            _bad_since(f"Export {since} is a {earlier.kind.value} export, not a {kind.value} one.")
        if not earlier.complete:
            _bad_since(f"Export {since} stopped before its end; continue from an earlier one.")
        return earlier, None
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        _bad_since("Give an export id or a time with its offset, e.g. 2026-10-01T09:00:00-04:00.")
    return None, moment


def rows(export: Export, *columns, voters_required: bool = False) -> Iterator:
    """The export's conversations (live ones, in the order they happened) with ``columns``, ``BATCH`` at a time:
    a server-side cursor on PostgreSQL."""
    stmt = (select(*columns).select_from(Conversation)
            .join(SyncRecord, SyncRecord.id == Conversation.record_id)
            .join(User, User.id == Conversation.volunteer_id)
            .join(Voter, Voter.id == Conversation.voter_id, isouter=not voters_required)
            .where(Conversation.campaign_id == export.campaign_id, Conversation.deleted.is_(False),
                   SyncRecord.seq <= export.high_water))
    if export.since_export_id is not None:
        since = db.session.get(Export, export.since_export_id)
        stmt = stmt.where(SyncRecord.seq > since.high_water)
    if export.since_time is not None:
        stmt = stmt.where(Conversation.updated_at > export.since_time)
    stmt = stmt.order_by(Conversation.happened_at, Conversation.id)
    # Core, not the ORM: plain rows cost a third less to make, which is most of an export's time
    return db.session.connection().execute(stmt.execution_options(yield_per=BATCH))


def visit_rows(export: Export, *columns) -> Iterator:
    """The export's live door visits that name a voter from the file, with ``columns``, in the order they happened,
    ``BATCH`` at a time; their change numbers are their sync records' (the read model has none of its own)."""
    stmt = (_visits(export, *columns)
            .join(User, User.id == DoorVisit.volunteer_id).join(Voter, Voter.id == DoorVisit.voter_id)
            .order_by(DoorVisit.happened_at, DoorVisit.id))
    return db.session.connection().execute(stmt.execution_options(yield_per=BATCH))


def household_visit_rows(export: Export, *columns) -> Iterator:
    """The export's live door visits to a whole household (one "nobody home" for everyone behind the door), once
    for each active voter of that household, with ``columns``, in the order they happened, ``BATCH`` at a time:
    VAN counts an attempt per person, as MiniVAN records a household's not-home for each."""
    stmt = (_visits(export, *columns).where(DoorVisit.voter_id.is_(None), ~NEW_PERSON)
            .join(User, User.id == DoorVisit.volunteer_id)
            .join(Voter, (Voter.campaign_id == DoorVisit.campaign_id) & (Voter.household_id == DoorVisit.household_id)
                  & Voter.active.is_(True))
            .order_by(DoorVisit.happened_at, DoorVisit.id, Voter.id))
    return db.session.connection().execute(stmt.execution_options(yield_per=BATCH))


def visits_with_someone_new(export: Export) -> int:
    """How many of the export's live door visits are with someone met at the door who is not in the voter file:
    they have no VANID, so no row."""
    return db.session.execute(_visits(export, func.count()).where(DoorVisit.voter_id.is_(None), NEW_PERSON)
                              ).scalar_one()


# a visit with someone not in the file names them in its record (the read model keeps no names); a visit naming no
# voter and no one new is the whole household's
NEW_PERSON = or_(*(func.coalesce(SyncRecord.values[name].as_string(), "") != "" for name in NEW_PERSON_FIELDS))


def _visits(export: Export, *columns):
    stmt = (select(*columns).select_from(DoorVisit).join(SyncRecord, SyncRecord.id == DoorVisit.record_id)
            .where(DoorVisit.campaign_id == export.campaign_id, DoorVisit.deleted.is_(False),
                   SyncRecord.seq <= export.high_water))
    if export.since_export_id is not None:
        stmt = stmt.where(SyncRecord.seq > db.session.get(Export, export.since_export_id).high_water)
    if export.since_time is not None:
        stmt = stmt.where(SyncRecord.updated_at > export.since_time)
    return stmt


def replica_caught_up(export: Export) -> Callable[[], Executable]:
    """The replica holds what the export reads (server/replica.py): every change up to its high-water mark (they
    commit with the counter that numbers them), and the earlier export it continues from. Its own record, which the
    rows never read again, need not have arrived."""

    def condition() -> Executable:
        held = counter_reached(export.campaign_id, export.high_water)
        if export.since_export_id is not None:
            held &= exists().where(Export.id == export.since_export_id)
        return select(held)

    return condition


def finish(export_id: int, row_count: int, complete: bool) -> None:
    """Record how many rows left and whether the download ran to its end (audited), in a transaction of its own."""
    db.session.rollback()  # ends the read (and its server-side cursor)
    export = db.session.get(Export, export_id)
    export.row_count, export.complete, export.finished_at = row_count, complete, utcnow()
    record(export.campaign_id, export.created_by_id, "export.finished", "export", export.id,
           kind=export.kind.value, rows=row_count, complete=complete)
    db.session.commit()
    current_app.logger.info("export %s of campaign %s finished: %s rows, %s", export.id, export.campaign_id,
                            row_count, "complete" if complete else "stopped early")
