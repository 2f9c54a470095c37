"""The two export files, row by row, and the streamed response that carries one."""

import csv
import io
import json
from collections.abc import Generator
from contextlib import closing
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Response, stream_with_context
from sqlalchemy import DateTime, Text, cast, type_coerce

from server.auth.models import User
from server.campaigns.models import Campaign
from server.canvass.models import DoorVisit
from server.conversations.models import Conversation
from server.exports import service
from server.exports.models import Export
from server.exports.readahead import read_ahead
from server.exports.van import Layout
from server.extensions import db
from server.preferences.readmodel import refusals
from server.replica import replica_reads
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from sync.entities import CHANNELS

CONVERSATION_COLUMNS = ("conversation_id", "voter_external_id", "voter_name", "volunteer_id", "volunteer", "date",
                        "happened_at", "channel", "support", "issues", "registered", "vote_method", "vote_on",
                        "follow_up_on", "do_not_contact")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FLUSH_EVERY = 1000  # rows per chunk sent


def text(value: str) -> str:
    """Free text as a spreadsheet shows it, never as a formula it would run (OWASP's CSV injection advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


# the issue tags as their JSON text, so no row pays for parsing them: a campaign's conversations share few
# combinations, each parsed once per export (parsing was a third of an export's CPU)
ISSUES_TEXT = cast(Conversation.issue_tags, Text)
VOTER_NAME = Voter.first_name + " " + Voter.last_name  # one column made by the database, not two joined here
PARSED = 4096  # combinations kept parsed: bounds an export's memory whatever the tags
# the time as the driver gives it, without UTCDateTime's conversion on every row: PostgreSQL's is aware, SQLite's
# naive UTC (``_local`` tells them apart)
HAPPENED_AT = type_coerce(Conversation.happened_at, DateTime(timezone=True))
VISITED_AT = type_coerce(DoorVisit.happened_at, DateTime(timezone=True))
# a visit's support and issues are only in its sync record's JSON (the read model keeps what turfs count): read in
# the database, the issues as JSON text, like a conversation's, so each combination is parsed once
VISIT_SUPPORT = SyncRecord.values["support"].as_integer()
VISIT_ISSUES = cast(SyncRecord.values["issue_tags"], Text)
VISIT_ANSWERS = cast(SyncRecord.values["answers"], Text)  # the campaign's own questions' answers


def _ahead(result):
    """Rows read ahead on PostgreSQL, a server working beside this process; SQLite is this process, and its
    connection refuses a second thread."""
    if db.session.connection().dialect.name == "postgresql":
        return read_ahead(result, service.BATCH)
    return result


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def do_not_contact(refused: list[str] | None) -> str:
    """The channels a voter refused, as the CSV says them: ``all``, or e.g. ``text; door``; empty: none."""
    if not refused:
        return ""
    return "all" if len(refused) == len(CHANNELS) else "; ".join(refused)


def conversations(export: Export, campaign: Campaign) -> tuple[list[str], Generator[list]]:
    """One row per live conversation; its notes only when the export asked for them."""
    zone = ZoneInfo(campaign.time_zone)
    columns = [Conversation.id, Voter.id, Voter.external_id, VOTER_NAME, Conversation.volunteer_id,
               User.display_name, HAPPENED_AT, Conversation.channel, Conversation.support,
               ISSUES_TEXT, Conversation.registered, Conversation.vote_method, Conversation.vote_on,
               Conversation.follow_up_on, *([Conversation.notes] if export.with_notes else [])]
    joined = lru_cache(PARSED)(lambda text: "; ".join(json.loads(text)))

    def each():
        refused = refusals(campaign.id)  # read before the cursor opens: SQLite's connection runs one at a time
        with closing(service.rows(export, *columns)) as result:
            for (conversation_id, voter_id, external_id, name, volunteer_id, volunteer, happened_at, channel, support,
                 issues, registered, vote_method, vote_on, follow_up_on, *notes) in _ahead(result):
                when = _local(happened_at, zone).isoformat()
                yield [conversation_id, external_id or "", text((name or "").strip()), volunteer_id,
                       text(volunteer), when[:10], when, channel, support or "",
                       joined(issues), _yes_no(registered), vote_method or "", vote_on or "", follow_up_on or "",
                       do_not_contact(refused.get(voter_id)), *(text(note) for note in notes)]

    return [*CONVERSATION_COLUMNS, *(["notes"] if export.with_notes else [])], each()


def van(export: Export, campaign: Campaign, layout: Layout) -> tuple[list[str], Generator[list]]:
    """One row per live conversation with a voter from the file, then one per live door visit with one, then one per
    voter of a household visited as a whole, in VAN's canvass-results shape: each source in the order things
    happened, one after the other (one cursor at a time)."""
    zone = ZoneInfo(campaign.time_zone)
    conversation_columns = [Voter.id, Voter.external_id, Conversation.channel, HAPPENED_AT, User.display_name,
                            Conversation.support, ISSUES_TEXT]
    visit_columns = [Voter.id, Voter.external_id, DoorVisit.result, VISITED_AT, User.display_name, VISIT_SUPPORT,
                     VISIT_ISSUES, VISIT_ANSWERS]
    answers = lru_cache(PARSED)(lambda support, text, answered=None: layout.answers(
        support, json.loads(text or "null") or [], json.loads(answered or "null") or {}))
    unanswered = answers(None, None)

    def each():
        refused = refusals(campaign.id)  # read before the cursor opens: SQLite's connection runs one at a time
        with closing(service.rows(export, *conversation_columns, voters_required=True)) as result:
            for voter_id, external_id, channel, happened_at, volunteer, support, issues in _ahead(result):
                yield [*layout.contact(external_id, channel, _local(happened_at, zone).strftime("%m/%d/%Y"),
                                       text(volunteer)), *answers(support, issues),
                       *layout.suppression(refused.get(voter_id))]
        for visits in (service.visit_rows, service.household_visit_rows):
            with closing(visits(export, *visit_columns)) as result:
                for voter_id, external_id, door_result, happened_at, volunteer, support, issues, answered in _ahead(
                        result):
                    contact = layout.visit(external_id, door_result, _local(happened_at, zone).strftime("%m/%d/%Y"),
                                           text(volunteer))
                    if contact:  # only a talk answers the survey question: VAN takes responses as "Canvassed"
                        yield [*contact, *(answers(support, issues, answered) if door_result == "talked"
                                           else unanswered), *layout.suppression(refused.get(voter_id))]

    return layout.header(), each()


def stream(export: Export, filename: str, header: list[str], rows: Generator[list], headers: dict) -> Response:
    """A CSV response sent as it is written (flat memory); when it ends, or the client leaves, the export records
    how many rows went out."""
    export_id = export.id

    @stream_with_context  # the query runs while the response streams, inside the request's context
    def body():
        buffer, written, sent, complete = io.StringIO(), 0, 0, False
        writer = csv.writer(buffer)
        try:
            # from the replica once it holds every change up to the export's high-water mark; the rows are closed
            # first, and so their cursor, which PostgreSQL keeps open on the server until then
            with replica_reads(caught_up=service.replica_caught_up(export)), closing(rows):
                writer.writerow(header)
                for row in rows:
                    writer.writerow(row)
                    written += 1
                    if written % FLUSH_EVERY == 0:
                        yield buffer.getvalue()
                        sent = written  # the server took the chunk
                        buffer.seek(0), buffer.truncate()
                yield buffer.getvalue()
                sent, complete = written, True
        finally:
            service.finish(export_id, sent, complete)

    return Response(body(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Kin-Export-Id": str(export_id),
        **headers})
