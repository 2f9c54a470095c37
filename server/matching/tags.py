"""Tags: F(k, input) for voter identifiers, read, computed (here or on every core) and written for one id range.

Which ranges to build, and when a key's table is complete, is server/matching/build.py's business.
"""

import multiprocessing
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Protocol

from sqlalchemy import String, cast, delete, exists, or_, select

import oprf
from server.extensions import bulk_insert, db
from server.matching.inputs import identifier_input
from server.matching.models import TAG_BYTES, MatchKey, MatchTag
from server.voters.models import VoterIdentifier

CHUNK_ROWS = 2_000  # identifiers per task handed to a process
COLUMNS = ("identifier_id", "key_id", "bucket", "tag")
# PostgreSQL's binary COPY: a signature, flags and header extension length, then per row the field count and each
# field's length and bytes (the three integer columns are int4), then -1
_COPY_HEADER, _COPY_TRAILER = b"PGCOPY\n\xff\r\n\x00" + bytes(8), b"\xff\xff"
_COPY_ROW = struct.Struct(f">h7i{TAG_BYTES}s")

Rows = list[tuple[int, str]]  # (identifier id, OPRF input)
Tagged = list[tuple[int, bytes]]  # (identifier id, tag)


def bucket_of(tag: bytes, prefix_bits: int) -> int:
    """The tag's first ``prefix_bits`` bits, as the phone computes them to ask for its buckets."""
    return int.from_bytes(tag[:4], "big") >> (32 - prefix_bits)


def untagged(key: MatchKey, first_id: int, last_id: int) -> Rows:
    """The campaign's identifiers from ``first_id`` to ``last_id`` that have no tag under ``key``, in id order.

    One window of ids, never "the next N after x": with a limit, PostgreSQL would scan and sort everything left,
    and every tag written so far, on each round, which grows with the square of the file.
    """
    identifier = VoterIdentifier
    rows = db.session.execute(
        # the kind as text: converting it to the enum was about half of the read's Python time
        select(identifier.id, cast(identifier.kind, String), identifier.value)
        .where(identifier.campaign_id == key.campaign_id, identifier.id >= first_id, identifier.id <= last_id,
               ~exists().where(MatchTag.identifier_id == identifier.id, MatchTag.key_id == key.id,
                               MatchTag.identifier_id >= first_id, MatchTag.identifier_id <= last_id))
        .order_by(identifier.id))
    return [(identifier_id, identifier_input(kind, value)) for identifier_id, kind, value in rows]


def write(key: MatchKey, tagged: Tagged) -> None:
    """Insert the tags in the current transaction; the caller commits them with the range they complete.

    On PostgreSQL, COPY in binary, each row packed by one struct call: psycopg's write_row took longer than all
    the rest of the write, and PostgreSQL parses no text.
    """
    shift = 32 - key.prefix_bits
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        bulk_insert(MatchTag.__table__, COLUMNS, [(identifier_id, key.id, bucket_of(tag, key.prefix_bits), tag)
                                                 for identifier_id, tag in tagged])
        return
    pack = _COPY_ROW.pack
    data = b"".join([pack(4, 4, identifier_id, 4, key.id, 4, int.from_bytes(tag[:4], "big") >> shift, TAG_BYTES, tag)
                     for identifier_id, tag in tagged])
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {MatchTag.__tablename__} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_COPY_HEADER + data + _COPY_TRAILER)


def prune(key: MatchKey, first_id: int, last_id: int) -> int:
    """After ``write``, in its transaction: delete the range's tags whose identifier or key is gone (deleted since
    the range was read); return how many.

    match_tag has no foreign keys (their checks cost more than the rest of the write): triggers delete the tags of a
    deleted identifier or key, but not tags written after they ran. On PostgreSQL the key is locked ``FOR NO KEY
    UPDATE`` first, and the identifier trigger locks the campaign's keys ``FOR SHARE`` (a key's own delete locks it
    too), so whichever transaction locks second sees the other's rows: either the trigger deletes the tags written
    here or this delete sees the identifiers gone. Deletes share the lock; builds take it in turn, for as long as
    this delete and their commit take. SQLite has one writer: its transactions never overlap.
    """
    db.session.execute(select(MatchKey.id).where(MatchKey.id == key.id).with_for_update(key_share=True))
    tag = MatchTag.__table__.c
    return db.session.execute(delete(MatchTag).where(
        tag.key_id == key.id, tag.identifier_id >= first_id, tag.identifier_id <= last_id,
        or_(~exists().where(VoterIdentifier.id == tag.identifier_id), ~exists().where(MatchKey.id == key.id)))
        .execution_options(synchronize_session=False)).rowcount


class Pending(Protocol):
    def get(self) -> Tagged: ...


class Tagger(Protocol):
    def submit(self, sk: bytes, rows: Rows) -> Pending: ...


@contextmanager
def tagger(processes: int) -> Iterator[Tagger]:
    """Computes tags in this process (``processes`` < 2), or in a pool of that many, while this one reads and
    writes the database."""
    if processes < 2:
        yield _InProcess()
        return
    # forkserver: never fork a threaded web or worker process; the children hold only what each task carries
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        yield _Pool(pool)


class _Done:
    def __init__(self, tagged: Tagged):
        self.tagged = tagged

    def get(self) -> Tagged:
        return self.tagged


class _InProcess:
    def submit(self, sk: bytes, rows: Rows) -> Pending:
        return _Done(tag_rows(sk, rows))


class _Pool:
    def __init__(self, pool):
        self.pool = pool

    def submit(self, sk: bytes, rows: Rows) -> Pending:
        if not rows:
            return _Done([])
        # only the inputs travel, and only oprf is imported there: the ids and the app stay in this process
        inputs = [text.encode() for _, text in rows]
        return _Joined([identifier_id for identifier_id, _ in rows], self.pool.map_async(
            partial(oprf.evaluate_many, sk), [inputs[i:i + CHUNK_ROWS] for i in range(0, len(inputs), CHUNK_ROWS)]))


class _Joined:
    def __init__(self, ids: list[int], chunks):
        self.ids, self.chunks = ids, chunks

    def get(self) -> Tagged:
        outputs = (output for chunk in self.chunks.get() for output in chunk)
        return [(identifier_id, output[:TAG_BYTES]) for identifier_id, output in zip(self.ids, outputs, strict=True)]


def tag_rows(sk: bytes, rows: Rows) -> Tagged:
    """The rows' tags, computed here."""
    outputs = oprf.evaluate_many(sk, [text.encode() for _, text in rows])
    return [(identifier_id, output[:TAG_BYTES]) for (identifier_id, _), output in zip(rows, outputs, strict=True)]
