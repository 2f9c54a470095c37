"""Redact notes and other free text once a campaign's retention window has passed (``flask kin retention run``).

The window is ``note_retention_days`` after election day, in the campaign's own time zone. Live records are emptied
by a server-stamped edit (``sync_api.service.apply_redaction``), so every phone's next pull replaces its copy and the
read models follow in the same transaction; a deleted record, whose values no phone keeps, is emptied in place. The
structured results (support, channel, result, issues, answers) stay. Running it again changes nothing.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from server.audit.models import record
from server.campaigns.models import Campaign
from server.canvass import visits
from server.columns import utcnow
from server.conversations import readmodel
from server.extensions import db
from server.sync_api.models import SyncHistory, SyncRecord
from server.sync_api.service import apply_redaction
from sync.entities import CONVERSATION, DOOR_VISIT, ENTITIES, free_text

COUNTED = ("conversation", "relationship", "door_visit")  # what the CLI reports, in this order
CHUNK = 500  # records per transaction: a push waits for one chunk at most


def today_in(campaign: Campaign) -> date:
    return utcnow().astimezone(ZoneInfo(campaign.time_zone)).date()


def _redactions(row: SyncRecord) -> dict:
    """{field: ""} for each free-text field of the record that still holds something."""
    return {name: "" for name in free_text(ENTITIES[row.entity]) if row.values.get(name)}


def pending(campaign_id: int) -> list[tuple[int, str, dict]]:
    """(record id, entity, redactions) of the campaign's records that still hold free text."""
    rows = db.session.execute(select(SyncRecord.id, SyncRecord.entity, SyncRecord.values).where(
        SyncRecord.campaign_id == campaign_id).order_by(SyncRecord.id)).all()
    return [(row.id, row.entity, redactions) for row in rows if (redactions := _redactions(row))]


def run(campaign: Campaign, dry_run: bool = False, progress: Callable[[int], None] = lambda n: None) -> Counter:
    """Redact the campaign's free text if its window has passed; the counts of what it did (or would do): records
    per entity, and ``history``, earlier values of free text kept from lost conflicts. The caller checks
    ``Campaign.notes_redacted_on``."""
    counts = Counter()
    todo = pending(campaign.id)
    history = select(SyncHistory.id).join(SyncRecord, SyncRecord.id == SyncHistory.record_id).where(
        SyncRecord.campaign_id == campaign.id, SyncHistory.field.in_(
            {name for entity in ENTITIES.values() for name in free_text(entity)}))
    if dry_run:
        counts.update(entity for _, entity, _ in todo)
        counts["history"] = len(db.session.execute(history).all())
        return counts
    for start in range(0, len(todo), CHUNK):
        chunk = {record_id: redactions for record_id, _, redactions in todo[start:start + CHUNK]}
        rows = db.session.execute(select(SyncRecord).where(SyncRecord.id.in_(chunk))).scalars().all()
        live = [row for row in rows if not row.deleted]
        apply_redaction(campaign, [(row.entity, str(row.entity_id), chunk[row.id]) for row in live])
        gone = [row for row in rows if row.deleted]
        for row in gone:
            row.values = {**row.values, **chunk[row.id]}
        readmodel.follow(campaign.id, [row for row in gone if row.entity == CONVERSATION.name], {})
        visits.follow(campaign.id, [row for row in gone if row.entity == DOOR_VISIT.name])
        counts.update(row.entity for row in rows)
        db.session.commit()
        progress(len(chunk))
    counts["history"] = db.session.execute(delete(SyncHistory).where(SyncHistory.id.in_(history))).rowcount
    if any(counts.values()):
        record(campaign.id, None, "retention.redacted", "campaign", campaign.id, **counts)
    db.session.commit()
    return counts
