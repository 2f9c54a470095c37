"""Building a key's tag table off the import, in id ranges that any number of workers claim.

A build is a set of ranges of identifier ids (``TagRange``). A worker claims one (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, and a conditional update on both databases, so no two live claims overlap), tags the identifiers of
the range that have no tag under its key, and commits those tags with the range marked done. A claim expires
after ``CLAIM_MINUTES``: a killed worker's range is taken again, and since only untagged identifiers are written,
each identifier ends with exactly one tag. A key being built becomes the active one (and the key it replaces is
deleted with its tags) in the transaction that finds its last range done; until then phones keep the old key.

Workers: RQ jobs when ``KIN_REDIS_URL`` is set (one per ``RANGES_PER_JOB`` ranges, so more workers take more of a
build), else the process that asked for the build, on every core. ``flask kin matching build`` resumes any build.
"""

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from server import jobs
from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import db, upsert
from server.matching import tags
from server.matching.keys import campaign_keys, secret_key
from server.matching.models import KeyState, MatchKey, MatchTag, TagRange
from server.voters.models import VoterIdentifier

RANGE_IDS = 20_000  # identifier ids per range: about a second of one core's work
RANGES_PER_JOB = 8  # an RQ job claims ranges until it has done this many: its start-up cost stays near 5 %
CLAIM_MINUTES = 10  # a range claimed longer ago than this is taken to belong to a dead worker
IN_PROCESS_BELOW = 5_000  # fewer identifier ids than this to build: not worth starting processes

Progress = Callable[[int], None]  # told the identifier ids covered by each range done


@dataclass(frozen=True)
class Claim:
    """A range this worker holds (plain values: the row may be gone by the time the range is written)."""

    id: int
    key_id: int
    first_id: int
    last_id: int


@dataclass(frozen=True)
class Build:
    """One key's build in progress, in identifier ids."""

    key_version: int
    state: KeyState
    done: int
    total: int


def plan_import(campaign: Campaign, first_new_id: int) -> None:
    """After a voter-file import applied its identifiers, in its transaction: plan the tags of those from
    ``first_new_id`` on under every key of the campaign. A first import makes the campaign's first key, which is
    active only once its table is complete; under an active key, the new voters match once their range is done."""
    if not campaign_keys(campaign.id):
        db.session.execute(upsert(MatchKey).values(
            campaign_id=campaign.id, version=1, prefix_bits=campaign.match_prefix_bits, state=KeyState.BUILDING,
            created_at=utcnow()).on_conflict_do_nothing(index_elements=["campaign_id", "version"]))
    for key in campaign_keys(campaign.id):
        plan(key, first_new_id)


def plan(key: MatchKey, first_id: int = 1) -> int:
    """Add ranges covering the key's campaign's identifier ids from ``first_id`` on; return how many."""
    last = db.session.execute(select(func.max(VoterIdentifier.id))
                              .where(VoterIdentifier.campaign_id == key.campaign_id)).scalar_one() or 0
    first = db.session.execute(select(func.min(VoterIdentifier.id)).where(
        VoterIdentifier.campaign_id == key.campaign_id, VoterIdentifier.id >= first_id)).scalar_one()
    if first is None:
        return 0
    ranges = [{"key_id": key.id, "first_id": start, "last_id": min(start + RANGE_IDS - 1, last), "done": False}
              for start in range(first, last + 1, RANGE_IDS)]
    db.session.execute(TagRange.__table__.insert(), ranges)
    return len(ranges)


def rotate(campaign: Campaign) -> MatchKey:
    """Make the campaign's next key and plan its whole table; phones keep the active key until it is built.
    An unfinished rotation's key is returned instead of a new one."""
    building = next((key for key in campaign_keys(campaign.id) if key.state is KeyState.BUILDING), None)
    if building is not None:
        return building
    latest = db.session.execute(select(func.max(MatchKey.version))
                                .where(MatchKey.campaign_id == campaign.id)).scalar_one() or 0
    key = MatchKey(campaign_id=campaign.id, version=latest + 1, prefix_bits=campaign.match_prefix_bits)
    db.session.add(key)
    db.session.commit()  # from now on, imports plan their new identifiers under this key too
    if not plan(key):
        _complete(key.id)
    db.session.commit()
    return key


def start(campaign_id: int) -> int:
    """Have the campaign's open ranges built: queued for RQ workers with Redis, else here, on every core; return
    the tags added here."""
    if not current_app.config["REDIS_URL"]:
        return work(campaign_id, processes=os.cpu_count() or 1)
    ranges = len(_open_ranges(campaign_id))
    # a job for every RANGES_PER_JOB ranges, and one for each worker listening if a small build has fewer
    for _ in range(max(math.ceil(ranges / RANGES_PER_JOB), min(ranges, jobs.workers()))):
        jobs.enqueue("server.matching.build:run_job", campaign_id)
    return 0


def run_job(campaign_id: int) -> int:
    """An RQ worker's share of a build: up to ``RANGES_PER_JOB`` ranges, on its one core."""
    return work(campaign_id, ranges=RANGES_PER_JOB)


def work(campaign_id: int, *, processes: int = 1, ranges: int | None = None,
         progress: Progress | None = None) -> int:
    """Claim and build the campaign's ranges until none is left to claim (or ``ranges`` are done); return the
    tags added. With ``processes`` > 1 a pool computes one range while this process writes the one before."""
    span = sum(r.last_id - r.first_id + 1 for r in _open_ranges(campaign_id))
    added, taken, held, in_flight = 0, 0, [], []
    try:
        with tags.tagger(processes if span >= IN_PROCESS_BELOW else 1) as tagger:
            while True:
                claimed = _claim(campaign_id) if ranges is None or taken < ranges else None
                key = db.session.get(MatchKey, claimed.key_id) if claimed is not None else None
                if claimed is not None and key is None:  # its rotation finished since: the range went with it
                    continue
                if claimed is not None:
                    taken += 1
                    held.append(claimed.id)
                    db.session.expunge(key)  # keep its values: a finished rotation may delete it meanwhile
                    rows = tags.untagged(key, claimed.first_id, claimed.last_id)
                    db.session.commit()  # end the read: nothing is held while the tags are computed
                    in_flight.append((claimed, key, tagger.submit(secret_key(key), rows)))
                if in_flight and (claimed is None or len(in_flight) > 1):
                    done, key, pending = in_flight.pop(0)
                    added += _finish(done, key, pending.get())
                    held.remove(done.id)
                    if progress:
                        progress(done.last_id - done.first_id + 1)
                if claimed is None and not in_flight:
                    return added
    except BaseException:
        db.session.rollback()
        _release(held)
        raise


def progress(campaign_id: int) -> list[Build]:
    """The campaign's builds in progress, oldest key first."""
    span = TagRange.last_id - TagRange.first_id + 1
    rows = db.session.execute(
        select(MatchKey.version, MatchKey.state, func.coalesce(func.sum(span).filter(TagRange.done), 0),
               func.sum(span))
        .join(TagRange, TagRange.key_id == MatchKey.id).where(MatchKey.campaign_id == campaign_id)
        .group_by(MatchKey.version, MatchKey.state).order_by(MatchKey.version)).all()
    return [Build(version, state, done, total) for version, state, done, total in rows]


def plan_all(campaign: Campaign) -> None:
    """Plan the whole file under every key of the campaign (its first key if it has none) and commit: ranges
    with nothing untagged cost one read each. For seeding and repairs."""
    if not campaign_keys(campaign.id):
        plan_import(campaign, 1)
    else:
        for key in campaign_keys(campaign.id):
            plan(key)
    db.session.commit()


def build_now(campaign: Campaign, progress: Progress | None = None) -> int:
    """Tag every identifier of the campaign without a tag under one of its keys, here and now; return how many."""
    plan_all(campaign)
    return work(campaign.id, processes=os.cpu_count() or 1, progress=progress)


def _open_ranges(campaign_id: int) -> list[TagRange]:
    return list(db.session.execute(select(TagRange).join(MatchKey, MatchKey.id == TagRange.key_id)
                                   .where(MatchKey.campaign_id == campaign_id, TagRange.done.is_(False))).scalars())


def _claim(campaign_id: int) -> Claim | None:
    """Take the first range nobody holds (or whose holder's claim expired), the active key's first, and commit."""
    while True:
        now = utcnow()
        free = or_(TagRange.claimed_until.is_(None), TagRange.claimed_until < now)
        candidate = db.session.execute(
            select(TagRange.id, TagRange.key_id, TagRange.first_id, TagRange.last_id)
            .join(MatchKey, MatchKey.id == TagRange.key_id)
            .where(MatchKey.campaign_id == campaign_id, TagRange.done.is_(False), free)
            .order_by(MatchKey.version, TagRange.first_id).limit(1)
            .with_for_update(skip_locked=True, of=TagRange)).one_or_none()
        if candidate is None:
            db.session.commit()
            return None
        # on SQLite there is no row lock: the update only succeeds if nobody claimed the range meanwhile
        taken = db.session.execute(update(TagRange).where(TagRange.id == candidate.id, TagRange.done.is_(False), free)
                                   .values(claimed_until=now + timedelta(minutes=CLAIM_MINUTES))).rowcount
        db.session.commit()
        if taken:
            return Claim(candidate.id, candidate.key_id, candidate.first_id, candidate.last_id)


def _finish(claimed: Claim, key: MatchKey, tagged: tags.Tagged) -> int:
    """Write a range's tags (but those of identifiers, or a key, deleted since the range was read), add them to
    the key's count (a re-import's new voters fill an active key's buckets range by range) and mark the range
    done, in one transaction; complete the key if it was the last."""
    try:
        tags.write(key, tagged)
        gone = tags.prune(key, claimed.first_id, claimed.last_id)  # holds the key's row lock from here
        db.session.execute(update(MatchKey).where(MatchKey.id == key.id)
                           .values(tag_count=MatchKey.tag_count + len(tagged) - gone)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(TagRange).where(TagRange.id == claimed.id).values(done=True, claimed_until=None))
        db.session.commit()
    except IntegrityError:  # our claim expired and another worker tagged some of these: the range is theirs now
        db.session.rollback()
        _release([claimed.id])
        return 0
    _complete(key.id)
    return len(tagged) - gone


def _complete(key_id: int) -> None:
    """Once every range of the key is done: make a key being built the active one (deleting the key it
    replaces, with its tags), count its tags again (triggers delete the tags of deleted identifiers without
    counting them) and drop its ranges. The key's row lock makes one worker do it, once; the campaign's keys
    are locked in id order, as deleting identifiers locks them (tags.prune), so the two never wait on each
    other."""
    campaign_id = select(MatchKey.campaign_id).where(MatchKey.id == key_id).scalar_subquery()
    keys = db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign_id).order_by(MatchKey.id)
                              .with_for_update()).scalars()
    key = next((locked for locked in keys if locked.id == key_id), None)
    if key is None or db.session.execute(select(exists().where(
            TagRange.key_id == key_id, TagRange.done.is_(False)))).scalar_one():
        db.session.commit()
        return
    if key.state is KeyState.BUILDING:
        db.session.execute(delete(MatchKey).where(MatchKey.campaign_id == key.campaign_id,
                                                  MatchKey.state == KeyState.ACTIVE))
        key.state, key.activated_at = KeyState.ACTIVE, utcnow()
    key.tag_count = db.session.execute(select(func.count()).select_from(MatchTag)
                                       .where(MatchTag.key_id == key_id)).scalar_one()
    db.session.execute(delete(TagRange).where(TagRange.key_id == key_id))
    db.session.commit()


def _release(range_ids: list[int]) -> None:
    """Give back claims a failing worker holds, so others take them at once rather than when they expire."""
    if range_ids:
        db.session.execute(update(TagRange).where(TagRange.id.in_(range_ids), TagRange.done.is_(False))
                           .values(claimed_until=None))
        db.session.commit()
