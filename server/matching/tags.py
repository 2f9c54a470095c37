"""Building a key's tag table: F(k, input) for each voter identifier, computed on every core.

A build adds tags only for identifiers that have none under the key, so it is idempotent: the voter-file
import runs it for the identifiers it added, a key rotation for all of them, and a build that was interrupted
simply runs again. It never commits; the caller's transaction decides when the tags become visible.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterator
from itertools import chain

from sqlalchemy import delete, exists, func, select

from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import bulk_insert, db
from server.matching import oprf
from server.matching.inputs import identifier_input
from server.matching.keys import active_key, campaign_keys, secret_key
from server.matching.models import TAG_BYTES, KeyState, MatchKey, MatchTag
from server.voters.models import VoterIdentifier

READ_ROWS = 20_000  # identifiers read, tagged and written per round
CHUNK_ROWS = 2_000  # identifiers per task handed to a process
IN_PROCESS_BELOW = 5_000  # fewer than this: not worth starting processes

Progress = Callable[[int], None]


def bucket_of(tag: bytes, prefix_bits: int) -> int:
    """The tag's first ``prefix_bits`` bits, as the phone computes them to ask for its buckets."""
    return int.from_bytes(tag[:4], "big") >> (32 - prefix_bits)


def tag_new_identifiers(campaign: Campaign, after_identifier_id: int, progress: Progress | None = None) -> int:
    """After a voter-file import: tag what it added under every key of the campaign (a first import makes the
    campaign's first key). Runs in the import's transaction, so the voter file and its tags change together."""
    active_key(campaign)
    return sum(build_tags(key, after_identifier_id, progress) for key in campaign_keys(campaign.id))


def rotate(campaign: Campaign, progress: Progress | None = None) -> MatchKey:
    """Build the next key's tag table while phones keep using the active key, then switch to it.

    Phones that evaluated under the old key are told to start over (``StaleKey``). An interrupted rotation
    resumes its key on the next run. The old key's tags are deleted in the switch's transaction.
    """
    old = active_key(campaign)
    new = next((key for key in campaign_keys(campaign.id) if key.state is KeyState.BUILDING), None)
    if new is None:
        latest = db.session.execute(select(func.max(MatchKey.version))
                                    .where(MatchKey.campaign_id == campaign.id)).scalar_one()
        new = MatchKey(campaign_id=campaign.id, version=latest + 1, prefix_bits=campaign.match_prefix_bits)
        db.session.add(new)
        db.session.commit()  # from now on, imports tag their new identifiers under this key too
    build_tags(new, progress=progress)
    db.session.commit()
    db.session.execute(delete(MatchKey).where(MatchKey.id == old.id))
    new.state, new.activated_at = KeyState.ACTIVE, utcnow()
    db.session.commit()
    return new


def build_tags(key: MatchKey, after_identifier_id: int = 0, progress: Progress | None = None) -> int:
    """Tag the key's campaign's identifiers above ``after_identifier_id`` that have no tag yet; return how many."""
    sk = secret_key(key)
    rounds = _untagged(key, after_identifier_id)
    first = next(rounds, [])
    if not first:
        return 0
    processes = min(2, os.cpu_count() or 1)
    if len(first) < IN_PROCESS_BELOW or processes < 2:
        return _write_all(key, (_tag_rows(sk, rows) for rows in chain([first], rounds)), progress)
    # forkserver: never fork a threaded web or worker process; the children hold only the key
    context = multiprocessing.get_context("forkserver")
    with context.Pool(processes, initializer=_init_worker, initargs=(sk,)) as pool:
        def tagged() -> Iterator[list[tuple]]:
            pending = pool.map_async(_tag_in_worker, _chunks(first))
            for rows in rounds:  # compute the next round while this process writes the last one
                done, pending = pending, pool.map_async(_tag_in_worker, _chunks(rows))
                yield [row for chunk in done.get() for row in chunk]
            yield [row for chunk in pending.get() for row in chunk]
        return _write_all(key, tagged(), progress)


def _untagged(key: MatchKey, after_id: int) -> Iterator[list[tuple[int, str]]]:
    """Rounds of (identifier id, OPRF input) in id order, for identifiers without a tag under ``key``.

    Each round reads one window of ids (never "the next N after x"): with a limit, PostgreSQL would scan and sort
    everything left, and every tag written so far, on each round, which grows with the square of the file.
    """
    identifier = VoterIdentifier
    last = db.session.execute(select(func.max(identifier.id))
                              .where(identifier.campaign_id == key.campaign_id)).scalar_one() or 0
    while after_id < last:
        until = after_id + READ_ROWS
        rows = db.session.execute(
            select(identifier.id, identifier.kind, identifier.value)
            .where(identifier.campaign_id == key.campaign_id, identifier.id > after_id, identifier.id <= until,
                   ~exists().where(MatchTag.identifier_id == identifier.id, MatchTag.key_id == key.id,
                                   MatchTag.identifier_id > after_id, MatchTag.identifier_id <= until))
            .order_by(identifier.id)).all()
        after_id = until
        if rows:
            yield [(row.id, identifier_input(row.kind.value, row.value)) for row in rows]


def _write_all(key: MatchKey, rounds: Iterator[list[tuple]], progress: Progress | None) -> int:
    written = 0
    for rows in rounds:
        bulk_insert(MatchTag.__table__, ("identifier_id", "key_id", "bucket", "tag"),
                    [(identifier_id, key.id, bucket_of(tag, key.prefix_bits), tag) for identifier_id, tag in rows])
        written += len(rows)
        if progress:
            progress(len(rows))
    return written


def _chunks(rows: list) -> list[list]:
    return [rows[i:i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)]


def _tag_rows(sk: bytes, rows: list[tuple[int, str]]) -> list[tuple[int, bytes]]:
    return [(identifier_id, oprf.evaluate(sk, text.encode())[:TAG_BYTES]) for identifier_id, text in rows]


_worker_key: bytes | None = None


def _init_worker(sk: bytes) -> None:
    global _worker_key
    _worker_key = sk


def _tag_in_worker(rows: list[tuple[int, str]]) -> list[tuple[int, bytes]]:
    return _tag_rows(_worker_key, rows)
