"""Importing a voter file: stream it into staging tables, then apply it to the voter table in one transaction.

Nothing a volunteer or organizer sees changes until the whole file has been read and checked; a failed,
cancelled or interrupted import leaves the previous voter file exactly as it was. The matching tags of the new
phones and e-mails are built after the voters commit, in the background (server/matching/build.py).
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, delete, exists, func, insert, literal, select, text, true, tuple_, update

from server.audit.models import record
from server.campaigns.models import Campaign
from server.canvass import households
from server.columns import utcnow
from server.dashboard import rollup
from server.extensions import bulk_insert, db, upsert
from server.forget import suppression
from server.matching import build
from server.observability import metrics
from server.voters.batches import FIRST_BATCH_ROWS, Batch, ReadFailed, read_batches
from server.voters.models import (
    STAGED_HOUSEHOLD_FIELDS,
    VOTER_FIELDS,
    ImportStatus,
    Voter,
    VoterIdentifier,
    VoterImport,
    VoterImportProblem,
    staged_identifier,
    staged_voter,
)
from server.voters.reasons import english

log = logging.getLogger(__name__)

EARLY_CHECK_ROWS = FIRST_BATCH_ROWS  # judge the share of bad rows this early: a wrong preset fails fast
STAGED_COLUMNS = ("line", "external_id", "public_id", "search_name", *VOTER_FIELDS, *STAGED_HOUSEHOLD_FIELDS)


class ImportStopped(Exception):
    """The import ends without touching the voter file; the message tells the organizer why."""

    def __init__(self, message: str, status: ImportStatus = ImportStatus.FAILED, **details):
        super().__init__(message)
        self.status, self.details = status, details  # details: more VoterImport columns to record


Progress = Callable[[VoterImport], None]


class ImportBusy(Exception):
    """Another import of this campaign's voter file is still running."""


def create_import(campaign_id: int, upload_path: Path, filename: str, requested_format: str = "auto",
                  column_map: dict | None = None, created_by_id: int | None = None,
                  allow_shrink: bool = False, no_header: bool = False) -> VoterImport:
    """Queue an import of an uploaded file; one import per campaign at a time. Unless ``allow_shrink``, a file that
    would mark more than half of the active voters inactive stops before changing anything (a wrong or partial
    file, most likely).

    :raise ImportBusy: while another import of the campaign is queued or running.
    """
    fail_stale_imports(campaign_id)
    busy = db.session.execute(select(VoterImport.id).where(
        VoterImport.campaign_id == campaign_id,
        VoterImport.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]))).first()
    if busy:
        Path(upload_path).unlink(missing_ok=True)
        raise ImportBusy(f"Import {busy.id} of this campaign's voter file is still running.")
    filename = "".join(char for char in filename if char.isprintable())[:255] or "voter file"  # shown, never a path
    job = VoterImport(campaign_id=campaign_id, upload_path=str(upload_path), filename=filename,
                      requested_format=requested_format, column_map=column_map or {}, created_by_id=created_by_id,
                      allow_shrink=allow_shrink, no_header=no_header,
                      priority_column=db.session.get(Campaign, campaign_id).priority_column,
                      bytes_total=Path(upload_path).stat().st_size)
    db.session.add(job)
    db.session.commit()
    return job


def run_import(import_id: int, progress: Progress | None = None) -> VoterImport:
    """Read, check and apply one voter file; the job body for the worker, the web thread and the CLI."""
    job = db.session.get(VoterImport, import_id)
    if job.status is not ImportStatus.QUEUED:
        return job
    job.status, job.started_at, job.heartbeat_at = ImportStatus.RUNNING, utcnow(), utcnow()
    db.session.commit()
    try:
        _stage(job, progress)
        job.read_at = utcnow()  # the console says "checking and saving" from here: bytes alone cannot tell
        db.session.commit()
        _analyze_staging()
        _drop_duplicates(job)
        _drop_suppressed(job)
        _check_threshold(job, final=True)
        _check_shrink(job)
        _apply(job)
    except ImportStopped as stop:
        _finish(job, stop.status, str(stop), **stop.details)
    except Exception:
        log.exception("voter import %s failed", import_id)  # ids only: rows hold personal data
        _finish(job, ImportStatus.FAILED, "The import failed unexpectedly; the previous voter file is unchanged.")
    if job.status is ImportStatus.SUCCEEDED:
        _start_tag_build(job)
    return job


def _start_tag_build(job: VoterImport) -> None:
    """The voter file is in use from here; a build that stops is resumed by the next one or the CLI."""
    try:
        build.start(job.campaign_id)
    except Exception:
        log.exception("tag build after voter import %s stopped; `flask kin matching build` resumes it", job.id)


def _stage(job: VoterImport, progress: Progress | None) -> None:
    """Copy the file's rows into the staging tables, batch by batch, committing progress as it goes."""
    campaign = db.session.get(Campaign, job.campaign_id)
    batches = read_batches(job.upload_path, preset=job.requested_format, overrides=job.column_map,
                           region=campaign.phone_region, reference_year=utcnow().year, no_header=job.no_header,
                           priority_column=job.priority_column)
    try:
        opened = next(batches)
        job.format, job.bytes_total, job.unused_columns = opened.format, opened.bytes_total, opened.unused
        job.priority_column = opened.priority_column
        _write_problems(job, opened.warnings)
        for batch in batches:
            _write_batch(job, batch, progress)
            _check_threshold(job, final=False)
    except ReadFailed as exc:
        raise ImportStopped(str(exc)) from exc
    finally:
        batches.close()


def _write_batch(job: VoterImport, batch: Batch, progress: Progress | None) -> None:
    """Commit a batch of staged rows and the progress so far; stop if the organizer cancelled."""
    bulk_insert(staged_voter, ("import_id", *STAGED_COLUMNS), [(job.id, *row) for row in batch.voters])
    bulk_insert(staged_identifier, ("import_id", "line", "external_id", "kind", "value"),
          [(job.id, *row) for row in batch.identifiers])
    _write_problems(job, batch.problems)
    job.rows_read += batch.rows_read
    metrics.IMPORT_ROWS.inc(batch.rows_read)
    job.rows_rejected += batch.rows_rejected
    job.rows_with_warnings += batch.rows_with_warnings
    job.bytes_read, job.heartbeat_at = batch.bytes_read, utcnow()
    db.session.commit()
    if progress:
        progress(job)
    if db.session.execute(select(VoterImport.cancel_requested).where(VoterImport.id == job.id)).scalar_one():
        raise ImportStopped("Cancelled; the previous voter file is unchanged.", ImportStatus.CANCELLED)


def _write_problems(job: VoterImport, problems) -> None:
    """Problems as the reader's process sends them: (line, column, reason, rejected, code, params)."""
    if problems:
        db.session.execute(insert(VoterImportProblem), [
            {"import_id": job.id, "line": line, "column": column, "reason": reason, "rejected": rejected,
             "code": code, "params": params or None}
            for line, column, reason, rejected, code, params in problems])


def _analyze_staging() -> None:
    """Give PostgreSQL's planner the staged file's size: without statistics it plans the checks and the apply
    for an empty table, which turns a 20,000-row file into a minute of nested loops."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE staged_voter, staged_identifier"))


def _drop_duplicates(job: VoterImport) -> None:
    """A voter id listed twice keeps its first row; each later row is reported and left out."""
    earlier = staged_voter.alias("earlier")
    later_rows = select(staged_voter.c.line, staged_voter.c.external_id).where(
        staged_voter.c.import_id == job.id,
        exists().where(earlier.c.import_id == job.id, earlier.c.external_id == staged_voter.c.external_id,
                       earlier.c.line < staged_voter.c.line),
    )
    duplicates = db.session.execute(later_rows).all()
    if not duplicates:
        return
    db.session.execute(insert(VoterImportProblem), [
        {"import_id": job.id, "line": line, "column": None, "rejected": True, "code": "duplicate_voter_id",
         "reason": english("duplicate_voter_id", {}), "params": None}
        for line, _ in duplicates
    ])
    lines = [line for line, _ in duplicates]
    for table in (staged_voter, staged_identifier):
        for start in range(0, len(lines), 1000):
            db.session.execute(delete(table).where(table.c.import_id == job.id,
                                                   table.c.line.in_(lines[start:start + 1000])))
    job.rows_rejected += len(duplicates)
    db.session.commit()


def _drop_suppressed(job: VoterImport) -> None:
    """Leave out every row of someone the campaign forgot: their voter id, or one of their phones or e-mails, is on
    the suppression list. Only counted, never named (not even by line: a line of the file is the person)."""
    if not suppression.any_suppressed(job.campaign_id):
        return
    voters = db.session.execute(select(staged_voter.c.line, staged_voter.c.external_id)
                                .where(staged_voter.c.import_id == job.id)).all()
    identifiers = db.session.execute(select(staged_identifier.c.line, staged_identifier.c.kind,
                                            staged_identifier.c.value)
                                     .where(staged_identifier.c.import_id == job.id)).all()
    by_pair = {}
    for line, external_id in voters:
        by_pair.setdefault((suppression.VOTER, external_id), set()).add(line)
    for line, kind, value in identifiers:
        by_pair.setdefault((getattr(kind, "value", kind), value), set()).add(line)
    lines = sorted({line for pair in suppression.suppressed(job.campaign_id, by_pair) for line in by_pair[pair]})
    for table in (staged_voter, staged_identifier):
        for start in range(0, len(lines), 1000):
            db.session.execute(delete(table).where(table.c.import_id == job.id,
                                                   table.c.line.in_(lines[start:start + 1000])))
    job.voters_skipped = len(lines)
    db.session.commit()


def _check_threshold(job: VoterImport, *, final: bool) -> None:
    threshold = current_app.config["VOTER_IMPORT_MAX_BAD_SHARE"]
    if job.rows_read == 0:
        if final:
            raise ImportStopped("The file has no rows.")
        return
    share = job.rows_rejected / job.rows_read
    if share > threshold and (final or job.rows_read >= EARLY_CHECK_ROWS):
        raise ImportStopped(
            f"{job.rows_rejected} of the {job.rows_read} rows read ({share:.0%}) were rejected, more than "
            f"{threshold:.0%}; the previous voter file is unchanged. Is the format ({job.format}) right? "
            "Download the problems to see why.")
    if final and job.rows_rejected == job.rows_read:
        raise ImportStopped("No row could be imported; the previous voter file is unchanged.")


def _check_shrink(job: VoterImport) -> None:
    """A file that leaves out more than half of the active voters is most likely the wrong file (a county instead
    of the state, a test export): it needs the organizer's word before it replaces the voter file."""
    if job.allow_shrink:
        return
    active = and_(Voter.campaign_id == job.campaign_id, Voter.active.is_(True))
    in_file = exists().where(staged_voter.c.import_id == job.id, staged_voter.c.external_id == Voter.external_id)
    total, leaving = db.session.execute(select(func.count(), func.count().filter(~in_file)).where(active)).one()
    if leaving * 2 > total:
        raise ImportStopped(  # the counts let the console ask "import it anyway?" in the organizer's language
            f"This file would mark {leaving:,} of the {total:,} active voters inactive, more than half; the voter "
            "file is unchanged. If that is right, import it again and confirm it (allow_shrink in the upload, "
            "--allow-shrink on the command line).", would_deactivate=leaving, active_before=total)


def _apply(job: VoterImport) -> None:
    """Make the staged file the campaign's voter file in one transaction, with the plan of its new matching tags.
    (Tags of identifiers the file no longer lists go with them, by the foreign key's cascade.)"""
    campaign_id, now = job.campaign_id, utcnow()
    staged = staged_voter.c
    in_file = and_(staged.import_id == job.id, staged.external_id == Voter.external_id)
    job.voters_updated = db.session.execute(
        select(func.count()).select_from(Voter).where(Voter.campaign_id == campaign_id, exists().where(in_file))
    ).scalar_one()

    # the dashboard's counts are split by priority: made again (which reads every conversation) only when the file
    # changes a known voter's mark, not at every import
    priority_changed = db.session.execute(select(Voter.id).where(
        Voter.campaign_id == campaign_id, in_file, Voter.priority.is_distinct_from(staged.priority)).limit(1)
    ).first() is not None
    # the file's new buildings and households first, so the upsert below sets every voter's household
    households.add_staged(campaign_id, staged_voter, staged.import_id == job.id)
    staged_with_homes, household_id = households.staged_households(campaign_id, staged_voter)
    columns = ("external_id", "public_id", "search_name", *VOTER_FIELDS)
    statement = upsert(Voter).from_select(
        ["campaign_id", "active", "updated_at", *columns, "household_id"],
        select(literal(campaign_id), true(), literal(now, Voter.__table__.c.updated_at.type),
               *(staged[name] for name in columns), household_id)
        .select_from(staged_with_homes).where(staged.import_id == job.id),
    )
    updated = [name for name in (*columns, "household_id") if name not in ("external_id", "public_id")]
    statement = statement.on_conflict_do_update(
        index_elements=["campaign_id", "external_id"],
        set_={**{name: statement.excluded[name] for name in updated}, "active": True, "updated_at": now},
        # rewrite only rows that differ: an unchanged voter costs no new row version and no index updates
        where=tuple_(Voter.active, *(getattr(Voter, name) for name in updated)).is_distinct_from(
            tuple_(true(), *(statement.excluded[name] for name in updated))),
    )
    db.session.execute(statement)
    job.voters_added = job.rows_read - job.rows_rejected - job.voters_skipped - job.voters_updated
    job.voters_deactivated = db.session.execute(
        update(Voter).where(Voter.campaign_id == campaign_id, Voter.active.is_(True), ~exists().where(in_file))
        .values(active=False, updated_at=now)
    ).rowcount
    job.voters_in_file, job.priority_in_file = db.session.execute(
        select(func.count(), func.count().filter(Voter.priority.is_(True))).select_from(Voter)
        .where(Voter.campaign_id == campaign_id, Voter.active.is_(True))).one()
    if priority_changed:
        rollup.rebuild(campaign_id)
    _apply_identifiers(job)
    build.plan_import(db.session.get(Campaign, campaign_id), job.first_new_identifier_id)
    for table in (staged_voter, staged_identifier):
        db.session.execute(delete(table).where(table.c.import_id == job.id))
    record(campaign_id, job.created_by_id, "voter_file.imported", "voter_import", job.id,
           added=job.voters_added, updated=job.voters_updated, deactivated=job.voters_deactivated,
           rejected=job.rows_rejected, skipped=job.voters_skipped)
    _finish(job, ImportStatus.SUCCEEDED, "")


def _apply_identifiers(job: VoterImport) -> None:
    """Bring the phones and e-mails of the voters in the file in line with it, keeping unchanged rows, so the
    matching tag table only has to process identifiers from ``first_new_identifier_id`` on."""
    staged = staged_identifier.c
    voter_of_staged = select(Voter.id).where(Voter.campaign_id == job.campaign_id,
                                             Voter.external_id == staged.external_id).scalar_subquery()
    in_file = select(Voter.id).where(
        Voter.campaign_id == job.campaign_id,
        exists().where(staged_voter.c.import_id == job.id, staged_voter.c.external_id == Voter.external_id))
    still_listed = exists().where(
        staged.import_id == job.id, staged.kind == VoterIdentifier.kind, staged.value == VoterIdentifier.value,
        voter_of_staged == VoterIdentifier.voter_id)
    db.session.execute(delete(VoterIdentifier).where(VoterIdentifier.voter_id.in_(in_file), ~still_listed))

    job.first_new_identifier_id = (db.session.execute(select(func.max(VoterIdentifier.id))).scalar() or 0) + 1
    voter = Voter.__table__.alias("v")
    existing = VoterIdentifier.__table__.alias("existing")
    same_voter = and_(voter.c.campaign_id == job.campaign_id, voter.c.external_id == staged.external_id)
    new_rows = select(literal(job.campaign_id), voter.c.id, staged.kind, staged.value).distinct().join_from(
        staged_identifier, voter, same_voter
    ).where(
        staged.import_id == job.id,
        ~exists().where(existing.c.voter_id == voter.c.id, existing.c.kind == staged.kind,
                        existing.c.value == staged.value),
    )
    db.session.execute(insert(VoterIdentifier).from_select(["campaign_id", "voter_id", "kind", "value"], new_rows))


def _finish(job: VoterImport, status: ImportStatus, message: str, **details) -> None:
    """Record the outcome, drop what was staged and the uploaded file."""
    if status is not ImportStatus.SUCCEEDED:
        db.session.rollback()
        for table in (staged_voter, staged_identifier):
            db.session.execute(delete(table).where(table.c.import_id == job.id))
    job.status, job.message, job.finished_at = status, message, utcnow()
    for name, value in details.items():
        setattr(job, name, value)
    db.session.commit()
    Path(job.upload_path).unlink(missing_ok=True)


def fail_stale_imports(campaign_id: int) -> None:
    """Imports whose worker died (a restart, a crash) are marked failed and their staged rows dropped."""
    stale = db.session.execute(select(VoterImport).where(
        VoterImport.campaign_id == campaign_id,
        VoterImport.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]),
        func.coalesce(VoterImport.heartbeat_at, VoterImport.created_at)
        < utcnow() - timedelta(minutes=current_app.config["VOTER_IMPORT_STALE_MINUTES"]),
    )).scalars().all()
    for job in stale:
        _finish(job, ImportStatus.FAILED, "The import was interrupted; the previous voter file is unchanged.")
