"""Reading a voter file into staging batches, in a process of its own, so that parsing and normalising (one
core) overlaps with writing to the database (the other core) while memory stays flat.

Only the reader and plain values cross the process boundary; the database is never touched here.
"""

import multiprocessing
import queue
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from server.canvass.addresses import normalise
from server.voters.models import VOTER_FIELDS, IdentifierKind
from server.voters.reader import VoterFileError, open_voter_file
from server.voters.search import search_key

BATCH_ROWS = 10_000
FIRST_BATCH_ROWS = 1_000  # a small first batch, so a wrong preset is judged within a second
QUEUED_BATCHES = 2  # how far reading may run ahead of writing
POLL_SECONDS = 1.0


@dataclass
class Batch:
    """Rows ready for the staging tables, the problems found, and how far into the file they reach."""

    voters: list[tuple] = field(default_factory=list)  # STAGED_COLUMNS without import_id
    identifiers: list[tuple] = field(default_factory=list)  # (line, external_id, kind, value)
    problems: list[tuple] = field(default_factory=list)  # (line, column, reason, rejected, code, params)
    rows_read: int = 0
    rows_rejected: int = 0
    rows_with_warnings: int = 0
    bytes_read: int = 0


@dataclass(frozen=True)
class Opened:
    format: str
    bytes_total: int | None
    unused: list[str]  # the file's columns no field reads
    warnings: tuple = ()  # problems of the file as a whole: (line, column, reason, rejected, code, params)
    priority_column: str | None = None  # the campaign's priority column, when priority is read from it


class ReadFailed(Exception):
    """The file cannot be read as a voter file; the message says why, for the organizer."""


def read_batches(path: str, *, preset: str, overrides: dict, region: str, reference_year: int,
                 no_header: bool = False, priority_column: str | None = None) -> Iterator:
    """Yield ``Opened`` then ``Batch``es, read by a child process.

    :raise ReadFailed: the file is not a voter file this preset (or any, for auto) can read.
    Closing the generator early (a cancelled or failed import) stops the child.
    """
    # forkserver: never fork the threaded web process itself, and pay for imports once, not per file
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    batches = context.Queue(maxsize=QUEUED_BATCHES)
    child = context.Process(target=_produce, args=(batches, path, preset, overrides, region, reference_year, no_header,
                                                   priority_column), daemon=True, name="kin-voter-file-reader")
    child.start()
    try:
        while True:
            try:
                kind, payload = batches.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the voter-file reader stopped (exit code {child.exitcode})") from None
                continue
            if kind == "error":
                raise ReadFailed(payload)
            if kind == "done":
                return
            yield payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join(5)
        batches.close()


def _produce(batches, path, preset, overrides, region, reference_year, no_header, priority_column) -> None:
    try:
        with open_voter_file(path, preset=preset, overrides=overrides, region=region, reference_year=reference_year,
                             no_header=no_header, priority_column=priority_column) as reader:
            warnings = tuple((p.line, p.column, p.reason, False, p.code, p.params) for p in reader.warnings)
            batches.put(("opened", Opened(reader.preset.name, reader.total_bytes, reader.unused, warnings,
                                          reader.priority_column)))
            batch, size = Batch(), FIRST_BATCH_ROWS
            for row in reader:
                _add(batch, row)
                if batch.rows_read >= size:
                    batch.bytes_read = reader.bytes_read
                    batches.put(("batch", batch))
                    batch, size = Batch(), BATCH_ROWS
            batch.bytes_read = reader.bytes_read
            batches.put(("batch", batch))
        batches.put(("done", None))
    except VoterFileError as exc:
        batches.put(("error", str(exc)))


def _add(batch: Batch, row) -> None:
    batch.rows_read += 1
    batch.problems.extend((p.line, p.column, p.reason[:500], row.voter is None, p.code, p.params)
                          for p in row.problems)
    if row.voter is None:
        batch.rows_rejected += 1
        return
    batch.rows_with_warnings += bool(row.problems)
    voter = row.voter
    external_id = voter["external_id"]
    batch.voters.append((row.line, external_id, uuid.uuid4().hex, search_key(voter["first_name"], voter["last_name"]),
                         *(voter[name] for name in VOTER_FIELDS), *_household(voter)))
    batch.identifiers.extend((row.line, external_id, IdentifierKind.PHONE.value, phone) for phone in row.phones)
    batch.identifiers.extend((row.line, external_id, IdentifierKind.EMAIL.value, email) for email in row.emails)


_NO_HOUSEHOLD = (None,) * 8


def _household(voter: dict) -> tuple:
    """The staged household columns (``STAGED_HOUSEHOLD_FIELDS``): the normalised address, and a fresh public id
    that the household takes if it is new."""
    address = normalise(voter["house_number"], voter["street"], voter["unit"], voter["zip"], voter["city"])
    if address is None:
        return _NO_HOUSEHOLD
    return (address.building_key, address.street, address.number.text, address.zip, address.city[:100],
            address.unit, address.unit_label, uuid.uuid4().hex)
