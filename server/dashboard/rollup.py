"""Keep the dashboard's counts (``server/dashboard/models.py``) in step with conversations and relationships,
in the transaction of the push that changes them, and make them again from scratch when that is simpler (an
upgrade, a voter-file import that may change who is a priority voter, a new time zone).

A push calls ``before`` with the records it changed (an organizer's change of what a person asked about being
contacted too: someone who asked not to be contacted at all has no follow-up counted), before the read models are
written; ``tallies`` once it is written (the difference to each pushing volunteer's totals, from their records with
the voters the push touched alone, under a lock on their membership so two phones of one volunteer take turns);
``prepare`` next, which counts the push's difference to the days and its voters' progress while other pushes do
the same; and ``settle`` once it holds the campaign's change counter, where pushes run one at a time: it writes
the progress and the volunteers' totals and adds the difference, counting again only the voters another push
changed in between, and moves every volunteer's follow-up with a voter whose "not at all" the push changed. So
the part of a push that pushes of a campaign take turns at stays a few statements long, and no part reads a
volunteer's whole history (but ``rebuild`` and ``retally``, for upgrades, imports and a volunteer with no stored
totals).
"""

import functools
import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Text, and_, bindparam, cast, delete, func, select
from sqlalchemy.orm import Session

from server.campaigns.models import Campaign, Membership
from server.canvass.models import DoorVisit
from server.conversations import readmodel
from server.conversations.models import Conversation
from server.dashboard import tally
from server.dashboard.models import DashboardDay, VolunteerFollowUp, VolunteerTally, VoterProgress
from server.extensions import bulk_insert, db, insert_many, one_of, one_of_param, prepared, upsert
from server.preferences.models import ContactPreference
from server.preferences.readmodel import REFUSED_ALL
from server.sync_api.models import RELATIONSHIP_VOTER, SyncRecord
from server.voters.models import Voter
from sync.entities import CONTACT_PREFERENCE, CONVERSATION, DOOR_VISIT, RELATIONSHIP

CHUNK = 500  # ids per IN list: under SQLite's limit on bound values
COUNTED = ("relationships", "contacted_relationships", "refused_relationships", "conversations")  # a tally's sums


@dataclass
class Pending:
    """What a push's changes looked like before it wrote them."""

    campaign_id: int
    record_ids: list[int]  # the conversation records whose read-model rows change
    old: dict[int, tuple]  # record id -> (Conv, deleted) as it was
    relationships: list[tuple[SyncRecord, bool]]  # each changed relationship and whether it was live before
    volunteers: set[int]
    visit_ids: list[int]  # the door-visit records whose read-model rows change
    old_visits: dict[int, tuple]  # record id -> (Visit without its door's priority, deleted) as it was
    was_refused: dict[int, bool]  # voter id -> asked not to be contacted at all, before the push changed it
    zone: ZoneInfo | None = None  # the campaign's time zone, when the caller has it (else read)
    new: dict[int, tuple] | None = None  # record id -> (Conv, deleted) as the push wrote it (``tallies`` reads it)
    shares: dict = field(default_factory=dict)  # volunteer id -> their ``Share`` of the push (None: count anew)
    voters: dict = field(default_factory=dict)  # voter id -> ``VoterRead`` as read before settle (``_known``)
    asked: set = field(default_factory=set)  # the voter ids ``voters`` was read for (found or not)


def before(campaign_id: int, changed: list[SyncRecord], was_live: dict, session: Session | None = None, *,
           created: frozenset[int] = frozenset(), zone: ZoneInfo | None = None) -> Pending:
    """Read the old state of the conversations these records are (their read-model rows, not yet rewritten).
    ``was_live`` maps each relationship's (entity, entity_id) to whether it was live when the push loaded it;
    ``created``: the records the push made, which have no old state to read."""
    session = session or db.session
    convs = [row for row in changed if row.entity == CONVERSATION.name]
    old = {}
    for ids in _chunks([row.id for row in convs if row.id is not None and row.id not in created]):
        for record_id, conv, deleted in _convs(session, campaign_id,
                                               one_of(Conversation.record_id, ids, session.connection()),
                                               with_deleted=True):
            old[record_id] = (conv, deleted)
    rels = [(row, was_live.get((row.entity, row.entity_id), False)) for row in changed
            if row.entity == RELATIONSHIP.name]
    visit_ids = [row.id for row in changed if row.entity == DOOR_VISIT.name]
    old_visits = {}
    for ids in _chunks([record_id for record_id in visit_ids if record_id is not None and record_id not in created]):
        old_visits.update(_visits(session, campaign_id, one_of(DoorVisit.record_id, ids, session.connection()),
                                    with_deleted=True))
    # the preference records are locked by the push: nobody else changes them before it commits
    was_refused = _refusals_by_public_id(session, campaign_id, [
        row.entity_id for row in changed if row.entity == CONTACT_PREFERENCE.name])
    return Pending(campaign_id, [row.id for row in convs], old, rels,
                   {row.owner_id for row in changed if row.entity != CONTACT_PREFERENCE.name}, visit_ids, old_visits,
                   was_refused, zone)


@dataclass
class Ready:
    """A push's changes to the counts, worked out before it holds the campaign's counter: what to add to the days,
    each touched voter's progress as it was read (``stored``) and as it is now (``progress``), and the
    conversations the push only added for each voter it could count from those alone (``added``)."""

    campaign_id: int
    zone: ZoneInfo
    delta: Counter
    stored: dict[int, tally.Progress | None]
    progress: dict[int, tally.Progress | None]
    added: dict[int, list[tally.Conv]]
    visits: "Doors"
    refused: frozenset  # the touched voters who asked not to be contacted at all, as ``prepare`` read it
    was_refused: dict[int, bool]  # as ``Pending``
    shares: dict  # as ``Pending``


def prepare(pending: Pending, session: Session | None = None) -> Ready:
    """Count what the push changed, before it takes the counter (so the pushes of a campaign do this side by side):
    the difference between before and now of each conversation and relationship, and of each voter they touched.
    A voter the push only logged new conversations with moves on from their stored progress
    (``tally.progress_with``); one whose conversation it edited or deleted is counted again from all of theirs."""
    session = session or db.session
    campaign_id = pending.campaign_id
    zone = pending.zone or _zone(session, campaign_id)
    delta = Counter()
    new = pending.new if pending.new is not None else _conv_states(session, campaign_id, pending.record_ids)
    for states, sign in ((pending.old, -1), (new, 1)):
        for conv, deleted in states.values():
            if not deleted:
                _add(delta, tally.conversation_counts(conv, zone), sign)
    priorities = _priorities(session, campaign_id, [r.values.get("voter_id") for r, _ in pending.relationships])
    for row, was_live in pending.relationships:
        rel = _rel(row, priorities)
        _add(delta, tally.relationship_counts(rel, zone), int(not row.deleted) - int(was_live))
    recount = {conv.voter_id for conv, _ in pending.old.values() if conv.voter_id is not None}
    added = defaultdict(list)
    for record_id, (conv, deleted) in new.items():
        if conv.voter_id is None:
            continue
        if record_id in pending.old:  # an edit, a delete, or a conversation moved to another voter
            recount.add(conv.voter_id)
        elif not deleted:
            added[conv.voter_id].append(conv)
    voters = recount | set(added) | set(pending.was_refused)
    known = _known(session, pending, voters)
    stored = {voter_id: known[voter_id].progress if voter_id in known else None for voter_id in voters}
    recount |= {voter_id for voter_id in added if _unmarked(stored[voter_id])}
    added = {voter_id: convs for voter_id, convs in added.items() if voter_id not in recount}
    progress = _progress_now(session, campaign_id, recount, zone)
    for voter_id, convs in added.items():
        progress[voter_id] = tally.progress_with(stored[voter_id], convs, convs[0].priority, zone)
    for voter_id in voters - set(progress):  # only what they asked changed
        progress[voter_id] = stored[voter_id]
    refused = frozenset(voter_id for voter_id in voters if voter_id in known and known[voter_id].refused)
    for voter_id in voters:
        _add(delta, tally.progress_counts(stored[voter_id], pending.was_refused.get(voter_id, voter_id in refused)), -1)
        _add(delta, tally.progress_counts(progress[voter_id], voter_id in refused), 1)
    return Ready(campaign_id, zone, delta, stored, progress, added, _doors(session, pending, zone), refused,
                 pending.was_refused, pending.shares)


def settle(ready: Ready, session: Session | None = None) -> None:
    """Write the push's counts, holding the campaign's counter (so pushes write them one at a time). A voter whose
    stored progress changed since ``prepare`` read it was touched by a push that settled meanwhile: their progress
    is worked out again here from the progress now stored (or from every conversation now committed, for a voter
    ``prepare`` counted that way); for the others ``prepare``'s work stands (their progress is a first, a latest or
    a per-volunteer latest of their conversations, and any push that changed it changed the stored row). A voter
    whose "not at all" another push recorded or withdrew meanwhile is counted again the same way."""
    session = session or db.session
    campaign_id, delta, progress = ready.campaign_id, ready.delta, dict(ready.progress)
    now = _voters(session, campaign_id, set(progress).union(*(share.sides for share in ready.shares.values() if share)))
    now_stored = {voter_id: now[voter_id].progress if voter_id in now else None for voter_id in progress}
    now_refused = frozenset(voter_id for voter_id, read in now.items() if read.refused)
    moved = {voter_id for voter_id in progress if now_stored[voter_id] != ready.stored[voter_id]
             or (voter_id in now_refused) != (voter_id in ready.refused)}
    if moved:
        fresh = _progress_now(session, campaign_id, {voter_id for voter_id in moved if voter_id not in ready.added
                                                     or _unmarked(now_stored[voter_id])}, ready.zone)
        for voter_id in moved:
            if voter_id not in fresh:
                convs = ready.added[voter_id]
                fresh[voter_id] = tally.progress_with(now_stored[voter_id], convs, convs[0].priority, ready.zone)
            # take back what prepare counted, then count from what is stored and asked now
            was = ready.was_refused.get
            _add(delta, tally.progress_counts(ready.stored[voter_id], was(voter_id, voter_id in ready.refused)), 1)
            _add(delta, tally.progress_counts(progress[voter_id], voter_id in ready.refused), -1)
            _add(delta, tally.progress_counts(now_stored[voter_id], was(voter_id, voter_id in now_refused)), -1)
            _add(delta, tally.progress_counts(fresh[voter_id], voter_id in now_refused), 1)
            progress[voter_id] = fresh[voter_id]
    _add(delta, _door_difference(session, campaign_id, ready.visits, ready.zone), 1)
    _settle_tallies(session, ready, progress, now, now_refused)
    changed = sorted(voter_id for voter_id, state in progress.items() if state != now_stored[voter_id])
    for ids in _chunks([voter_id for voter_id in changed if progress[voter_id] is None]):
        session.execute(delete(VoterProgress).where(VoterProgress.campaign_id == campaign_id,
                                                    one_of(VoterProgress.voter_id, ids, session.connection())))
    rows = [_progress_values(campaign_id, voter_id, progress[voter_id]) for voter_id in changed
            if progress[voter_id] is not None]
    insert_many(VoterProgress.__table__, rows, on_conflict=_replace_progress, session=session)
    _apply(session, campaign_id, delta)


def _replace_progress(stmt):
    return stmt.on_conflict_do_update(index_elements=["campaign_id", "voter_id"], set_={
        name: stmt.excluded[name] for name in PROGRESS_CHANGING})


@dataclass
class Doors:
    """The door visits a push changed, as they were (``old``) and are (``new``), with the doors' priority: what
    ``settle`` needs to count the doors and days they touch again."""

    old: dict[int, tuple]  # record id -> (Visit, deleted)
    new: dict[int, tuple]
    priority: dict[int, bool]  # household id -> a priority voter lives there


def _doors(session: Session, pending: Pending, zone: ZoneInfo) -> Doors:
    new = {}
    for ids in _chunks(pending.visit_ids):
        new.update(_visits(session, pending.campaign_id, DoorVisit.record_id.in_(ids), with_deleted=True))
    households = {visit.household_id for visit, _ in (*pending.old_visits.values(), *new.values())}
    priority = priority_doors(session, pending.campaign_id, households)
    return Doors({record_id: (_with_priority(visit, priority), deleted)
                  for record_id, (visit, deleted) in pending.old_visits.items()},
                 {record_id: (_with_priority(visit, priority), deleted) for record_id, (visit, deleted) in new.items()},
                 priority)


def _door_difference(session: Session, campaign_id: int, doors: Doors, zone: ZoneInfo) -> Counter:
    """What the push changed in the door counts: every visit of each door on each day a changed visit was (or is)
    on, counted as they are now (the push's own rows included, other pushes' committed ones too: this runs
    holding the counter) and as they were without the push (its visits as they were before). Each door-day is
    an index range on door_visit (campaign, household, time)."""
    if not doors.old and not doors.new:
        return Counter()
    door_days = {(visit.household_id, tally.day_of(visit.happened_at, zone))
                 for visit, _ in (*doors.old.values(), *doors.new.values())}
    now = {}
    by_household = defaultdict(set)
    for household_id, day in door_days:
        by_household[household_id].add(day)
    for ids in _chunks(sorted(by_household)):
        days = [day for household_id in ids for day in by_household[household_id]]
        since = datetime.combine(min(days), time.min, zone)
        until = datetime.combine(max(days) + timedelta(days=1), time.min, zone)
        for record_id, (visit, _) in _visits(session, campaign_id, DoorVisit.household_id.in_(ids),
                                             DoorVisit.happened_at >= since, DoorVisit.happened_at < until):
            if (visit.household_id, tally.day_of(visit.happened_at, zone)) in door_days:
                now[record_id] = _with_priority(visit, doors.priority)
    was = {record_id: visit for record_id, visit in now.items() if record_id not in doors.new}
    was.update({record_id: visit for record_id, (visit, deleted) in doors.old.items() if not deleted})
    counts = tally.visit_counts(list(now.values()), zone)
    _add(counts, tally.visit_counts(list(was.values()), zone), -1)
    return counts


def _with_priority(visit: tally.Visit, priority: dict[int, bool]) -> tally.Visit:
    return tally.Visit(visit.household_id, visit.volunteer_id, visit.result, visit.happened_at,
                       priority.get(visit.household_id, False))


def _visits(session: Session, campaign_id: int, *where, with_deleted: bool = False):
    """(record id, (Visit, deleted)) of the campaign's door visits that match ``where``; the Visit's priority is
    not known here (False): ``_with_priority`` sets it."""
    query = select(DoorVisit.record_id, DoorVisit.household_id, DoorVisit.volunteer_id, DoorVisit.result,
                   DoorVisit.happened_at, DoorVisit.deleted).where(DoorVisit.campaign_id == campaign_id, *where)
    if not with_deleted:
        query = query.where(DoorVisit.deleted.is_(False))
    for record_id, household_id, volunteer_id, result, happened_at, deleted in session.execute(query):
        yield record_id, (tally.Visit(household_id, volunteer_id, result, happened_at, False), deleted)


def priority_doors(session: Session, campaign_id: int, household_ids) -> dict[int, bool]:
    """Household id -> whether the voter file lists a priority voter there (by the index on voter.household_id)."""
    found = dict.fromkeys(household_ids, False)
    for ids in _chunks(sorted(found)):
        for household_id in session.execute(select(Voter.household_id).where(
                Voter.campaign_id == campaign_id, Voter.household_id.in_(ids), Voter.priority.is_(True)).distinct()
                ).scalars():
            found[household_id] = True
    return found


def door_visits(session: Session, campaign_id: int, *where) -> list[tally.Visit]:
    """The campaign's live door visits that match ``where``, each with its door's priority."""
    visits = [visit for _, (visit, _) in _visits(session, campaign_id, *where)]
    priority = priority_doors(session, campaign_id, {visit.household_id for visit in visits})
    return [_with_priority(visit, priority) for visit in visits]


def _unmarked(state: tally.Progress | None) -> bool:
    """A stored progress without marks (written before they were kept), which new conversations cannot move on."""
    return state is not None and state.marks is None


@dataclass
class Share:
    """One volunteer's part of a push, worked out in ``tallies`` and written by ``settle``: the difference to their
    totals (``tally.voter_share`` of each voter the push touched, after less before, each voter's "not at all" as
    it stood before the push), each such voter's records before and after (to count them again if another push
    records or withdraws that voter's "not at all" in between), and the latest time of what the push added and
    took away, by priority (for last active)."""

    delta: Counter
    sides: dict[int, tuple]  # voter id -> ((convs, rels) before, (convs, rels) after)
    refused: frozenset  # the voters in ``sides`` who asked not to be contacted at all, as read
    added: dict[bool, datetime]
    removed: dict[bool, datetime]


def tallies(pending: Pending, written: readmodel.Written | None = None, session: Session | None = None) -> None:
    """Work out the difference the push makes to the totals of each volunteer whose records it changed, under a
    lock on their membership row (two pushes of one volunteer, on two phones, one after the other; different
    volunteers side by side), from their records with the voters it touched alone: however long their history,
    a push reads only those. ``settle`` writes it. A volunteer with no stored totals yet is counted from scratch
    there. ``written``: the conversations' read-model rows as the push just wrote them (else read back)."""
    session = session or db.session
    campaign_id = pending.campaign_id
    pending.new = (_written_states(written, pending.record_ids) if written is not None
                   else _conv_states(session, campaign_id, pending.record_ids))
    volunteers = sorted(pending.volunteers)
    if not volunteers:
        return
    them = {"campaign_id": campaign_id, "volunteers": volunteers}
    session.execute(_lock_members(session.connection()), them)
    kept = set(session.execute(_kept(session.connection()), them).scalars())
    convs, rels = defaultdict(list), defaultdict(list)
    for record_id, (conv, deleted) in pending.new.items():
        old, was_deleted = pending.old.get(record_id, (None, True))
        convs[conv.volunteer_id].append((None if was_deleted else old, None if deleted else conv))
    priorities = _priorities(session, campaign_id, [row.values.get("voter_id") for row, _ in pending.relationships])
    for row, was_live in pending.relationships:
        rel = _rel(row, priorities)
        rels[row.owner_id].append((rel if was_live else None, None if row.deleted else rel))
    touched = {volunteer_id: {c.voter_id for pair in convs[volunteer_id] for c in pair if c}
               | {r.voter_id for pair in rels[volunteer_id] for r in pair if r} for volunteer_id in volunteers}
    # read with the voters ``prepare`` counts, in one statement
    known = _known(session, pending, set().union(*touched.values(), pending.was_refused, (
        conv.voter_id for states in (pending.old, pending.new) for conv, _ in states.values())))
    refused = frozenset(voter_id for voter_id in set().union(*touched.values())
                        if voter_id in known and known[voter_id].refused)
    public_ids = {voter_id: read.public_id for voter_id, read in known.items()}
    for volunteer_id in volunteers:
        pending.shares[volunteer_id] = _share(session, campaign_id, volunteer_id, convs[volunteer_id],
                                              rels[volunteer_id], public_ids, refused, pending.was_refused) \
            if volunteer_id in kept else None


@prepared
def _lock_members(connection):
    return (select(Membership.id).where(Membership.campaign_id == bindparam("campaign_id"),
                                        one_of_param(Membership.user_id, "volunteers", connection))
            .order_by(Membership.user_id).with_for_update())


@prepared
def _kept(connection):
    """Which of these volunteers have stored totals."""
    return select(VolunteerTally.volunteer_id).where(VolunteerTally.campaign_id == bindparam("campaign_id"),
                                                     one_of_param(VolunteerTally.volunteer_id, "volunteers",
                                                                  connection))


def _share(session: Session, campaign_id: int, volunteer_id: int, convs: list[tuple], rels: list[tuple],
           public_ids: dict[int, str], refused: frozenset, was_refused: dict[int, bool]) -> Share:
    """One volunteer's ``Share``: their live conversations and relationships with the touched voters as they are
    now (an index range on conversation (campaign, voter); their relationship records naming those voters), and
    as they were (the same without the push's records, with them as they were). Records with no voter add
    nothing but themselves, so only the push's own are counted for them."""
    voters = sorted({c.voter_id for pair in convs for c in pair if c} | {r.voter_id for pair in rels for r in pair if r}
                    - {None})
    after = defaultdict(lambda: ([], []))
    connection = session.connection()
    for ids in _chunks(voters):
        theirs = {"campaign_id": campaign_id, "volunteer_id": volunteer_id, "voters": ids}
        for _, conv, _ in _conv_rows(session.execute(_theirs(connection), theirs)):
            after[conv.voter_id][0].append(conv)
        named = session.execute(_their_relationships(connection), {**theirs, "voters": [public_ids[v] for v in ids]})
        for rel in _rels(session, campaign_id, named.all()):
            after[rel.voter_id][1].append(rel)
    changed = {new.record_id for _, new in convs if new} | {old.record_id for old, _ in convs if old}
    sides = {}
    for voter_id in voters:
        now_convs, now_rels = after[voter_id]
        added_rels = sum(1 for _, new in rels if new and new.voter_id == voter_id)
        was = ([c for c in now_convs if c.record_id not in changed]
               + [old for old, _ in convs if old and old.voter_id == voter_id],
               now_rels[added_rels:] + [old for old, _ in rels if old and old.voter_id == voter_id])
        sides[voter_id] = (was, (now_convs, now_rels))
    delta = Counter()
    for voter_id, (was, now) in sides.items():
        asked = was_refused.get(voter_id, voter_id in refused)
        _add(delta, tally.voter_share(*now, asked), 1)
        _add(delta, tally.voter_share(*was, asked), -1)
    def without_voter(states):
        return ([c for c in states[0] if c and c.voter_id is None], [r for r in states[1] if r and r.voter_id is None])
    _add(delta, tally.voter_share(*without_voter(([new for _, new in convs], [new for _, new in rels]))), 1)
    _add(delta, tally.voter_share(*without_voter(([old for old, _ in convs], [old for old, _ in rels]))), -1)
    added, removed = {}, {}
    for old, new in convs:
        if new:
            _latest(added, new.priority, new.happened_at)
        if old and not (new and new.priority == old.priority and new.happened_at >= old.happened_at):
            _latest(removed, old.priority, old.happened_at)
    for old, new in rels:
        if new and not old:
            _latest(added, new.priority, new.created_at)
        if old and not new:
            _latest(removed, old.priority, old.created_at)
    return Share(delta, sides, refused & set(sides), added, removed)


def _latest(latest: dict, priority: bool, moment: datetime) -> None:
    latest[priority] = max(filter(None, (latest.get(priority), moment)))


def _settle_tallies(session: Session, ready: "Ready", progress: dict, now: dict[int, "VoterRead"],
                    now_refused: frozenset) -> None:
    """Write each volunteer's share of the push (holding the counter, so these rows are written one push at a
    time, and no push waits for another's rows while holding them). A voter whose "not at all" this push recorded
    or withdrew moves the follow-up every volunteer has open with them (their progress says whose, and on what
    day) and every relationship with them of a volunteer who had not reached them; one whose "not at all" another
    push changed since ``tallies`` read it is counted again as it is now."""
    campaign_id = ready.campaign_id
    deltas = defaultdict(Counter)
    turned = {voter_id: was for voter_id, was in ready.was_refused.items()
              if voter_id in now and was != (voter_id in now_refused)}
    for voter_id, was in turned.items():
        state = progress.get(voter_id)
        for volunteer_id, day in state.follow_ups if state else ():
            deltas[volunteer_id][(state.priority, "follow_up", day)] += 1 if was else -1
    for rel in _unreached(session, campaign_id, {voter_id: now[voter_id].public_id for voter_id in turned}):
        deltas[rel.volunteer_id][(rel.priority, "refused_relationships", None)] += -1 if turned[rel.voter_id] else 1
    for volunteer_id, share in ready.shares.items():
        if share is None:
            retally(session, campaign_id, volunteer_id, ready.zone)
            deltas.pop(volunteer_id, None)
            continue
        delta = deltas[volunteer_id]
        _add(delta, share.delta, 1)
        for voter_id, (was, now) in share.sides.items():
            if voter_id in ready.was_refused or (voter_id in share.refused) == (voter_id in now_refused):
                continue
            for asked, sign in ((voter_id in now_refused, 1), (voter_id in share.refused, -1)):
                _add(delta, tally.voter_share(*now, asked), sign)
                _add(delta, tally.voter_share(*was, asked), -sign)
    _write_tallies(session, campaign_id, {v: d for v, d in deltas.items() if +d or -d}, ready.shares)


def _write_tallies(session: Session, campaign_id: int, deltas: dict[int, Counter], shares: dict) -> None:
    """Add the differences to the stored totals and follow-up days; last active moves on to what was added, or is
    read again (one max over the volunteer's records) when the push took away a record as late as it."""
    volunteers = sorted(set(deltas) | {v for v, share in shares.items() if share and (share.added or share.removed)})
    if not volunteers:
        return
    stored = {(row.volunteer_id, row.priority): row for row in session.execute(
        _stored_tallies(session.connection()), {"campaign_id": campaign_id, "volunteers": volunteers})}
    rows, empty = [], []
    for volunteer_id in volunteers:
        delta, share = deltas.get(volunteer_id, Counter()), shares.get(volunteer_id)
        latest = None
        if share and any(at >= _stored_at(stored, volunteer_id, p) for p, at in share.removed.items()):
            latest = last_active(session, campaign_id, volunteer_id)
        for priority in (False, True):
            row = stored.get((volunteer_id, priority))
            values = {name: (getattr(row, name) if row else 0) + delta[(priority, name, None)] for name in COUNTED}
            at = row.last_active_at if row else None
            if latest is not None:
                at = latest.get(priority)
            elif share and priority in share.added:
                at = max(filter(None, (at, share.added[priority])))
            if not values["relationships"] and not values["conversations"]:
                if row:
                    empty.append((volunteer_id, priority))
                continue
            if row is None or at != row.last_active_at or any(values[n] != getattr(row, n) for n in values):
                rows.append({"campaign_id": campaign_id, "volunteer_id": volunteer_id, "priority": priority,
                             **values, "last_active_at": at})
    if rows:
        session.execute(_write_tally(session.connection()), rows)
    for volunteer_id, priority in empty:  # nothing of theirs left among these voters: no row, as a rebuild makes
        session.execute(delete(VolunteerTally).where(VolunteerTally.campaign_id == campaign_id,
                                                     VolunteerTally.volunteer_id == volunteer_id,
                                                     VolunteerTally.priority == priority))
    days = [{"campaign_id": campaign_id, "volunteer_id": volunteer_id, "priority": priority, "day": day, "n": n}
            for volunteer_id, delta in sorted(deltas.items())
            for (priority, name, day), n in sorted(delta.items(), key=lambda item: str(item[0])) if day and n]
    if days:
        session.execute(_add_follow_ups(session.connection()), days)
        session.execute(delete(VolunteerFollowUp).where(
            VolunteerFollowUp.campaign_id == campaign_id,
            VolunteerFollowUp.volunteer_id.in_(sorted({row["volunteer_id"] for row in days})),
            VolunteerFollowUp.n == 0))


@prepared
def _stored_tallies(connection):
    return select(*VolunteerTally.__table__.columns).where(
        VolunteerTally.campaign_id == bindparam("campaign_id"),
        one_of_param(VolunteerTally.volunteer_id, "volunteers", connection))


@prepared
def _write_tally(connection):
    stmt = upsert(VolunteerTally.__table__, connection)
    return stmt.on_conflict_do_update(index_elements=["campaign_id", "volunteer_id", "priority"], set_={
        name: stmt.excluded[name] for name in (*COUNTED, "last_active_at")})


@prepared
def _add_follow_ups(connection):
    table = VolunteerFollowUp.__table__
    stmt = upsert(table, connection)
    return stmt.on_conflict_do_update(index_elements=["campaign_id", "volunteer_id", "priority", "day"],
                                      set_={"n": table.c.n + stmt.excluded.n})


def _stored_at(stored: dict, volunteer_id: int, priority: bool) -> datetime:
    row = stored.get((volunteer_id, priority))
    return row.last_active_at if row and row.last_active_at else datetime.min.replace(tzinfo=UTC)


def last_active(session: Session, campaign_id: int, volunteer_id: int) -> dict[bool, datetime]:
    """A volunteer's latest live conversation and relationship, by priority: one max over their conversations
    (an index range on conversation (campaign, volunteer, time)) and their relationships' times."""
    latest = {}
    for priority, at in session.execute(
            select(Voter.priority, func.max(Conversation.happened_at))
            .outerjoin(Voter, Voter.id == Conversation.voter_id)
            .where(Conversation.campaign_id == campaign_id, Conversation.volunteer_id == volunteer_id,
                   Conversation.deleted.is_(False)).group_by(Voter.priority)):
        _latest(latest, bool(priority), at)
    for rel in relationships(session, campaign_id, SyncRecord.owner_id == volunteer_id):
        _latest(latest, rel.priority, rel.created_at)
    return latest


class VoterRead(NamedTuple):
    """What the upkeep reads of one voter: their public id (as records hold it), their stored progress (None: no
    row) and whether they asked not to be contacted at all."""

    public_id: str
    progress: tally.Progress | None
    refused: bool


def _voters(session: Session, campaign_id: int, voter_ids) -> dict[int, VoterRead]:
    """``VoterRead`` of each of these voters the campaign has, in one read: their progress and preference rows belong
    to their voter row (deleted with it)."""
    found = {}
    for ids in _chunks(sorted({voter_id for voter_id in voter_ids if voter_id is not None})):
        for row in session.execute(_read_voters(session.connection()), {"campaign_id": campaign_id, "ids": ids}):
            found[row.id] = VoterRead(str(row.public_id),
                                      _stored_progress(*row[4:]) if row.progress_of is not None else None,
                                      bool(row.refused))
    return found


@prepared
def _read_voters(connection):
    """The progress's JSON comes as its text, which ``_stored_progress`` parses once for the two reads of a push."""
    return (select(Voter.id, Voter.public_id, REFUSED_ALL.label("refused"),
                   VoterProgress.voter_id.label("progress_of"), *PROGRESS_COLUMNS[1:-2],
                   cast(VoterProgress.follow_ups, Text), cast(VoterProgress.marks, Text))
            .select_from(Voter)
            .outerjoin(VoterProgress, and_(VoterProgress.campaign_id == Voter.campaign_id,
                                           VoterProgress.voter_id == Voter.id))
            .outerjoin(ContactPreference, and_(ContactPreference.campaign_id == Voter.campaign_id,
                                               ContactPreference.voter_id == Voter.id))
            .where(Voter.campaign_id == bindparam("campaign_id"), one_of_param(Voter.id, "ids", connection)))


@functools.lru_cache(maxsize=1024)
def _stored_progress(priority, contacted_on, support, support_on, vote_plan_on, follow_ups: str | None,
                     marks: str | None) -> tally.Progress:
    """A stored progress row as ``tally.Progress``, by its values (JSON as text): a push reads each voter it touches
    before it takes the campaign's counter and again once it holds it, nearly always finding the same row, and
    parsing its marks' times took 5 % of the workers' Python. Progress is immutable, so the rows can share it."""
    follow_ups = tuple(sorted((int(v), _date(day)) for v, day in json.loads(follow_ups or "{}").items()))
    return tally.Progress(priority, contacted_on, support, support_on, vote_plan_on, follow_ups,
                          _marks_of(json.loads(marks) if marks is not None else None))


def _known(session: Session, pending: Pending, voter_ids) -> dict[int, VoterRead]:
    """``_voters``, each voter read once before ``settle`` (which reads them again, holding the counter)."""
    missing = {voter_id for voter_id in voter_ids if voter_id is not None} - pending.asked
    if missing:
        pending.voters.update(_voters(session, pending.campaign_id, missing))
        pending.asked |= missing
    return pending.voters


def _written_states(written: readmodel.Written, record_ids) -> dict[int, tuple]:
    """``_conv_states`` of these records, from the rows the read model just wrote."""
    states = {}
    for record_id in record_ids:
        row = written.rows[record_id]
        priority = row["voter_id"] is not None and written.voters[row["voter_id"]][1]
        states[record_id] = (tally.Conv(row["volunteer_id"], row["voter_id"], row["happened_at"], row["channel"],
                                        row["support"], row["vote_method"], tuple(row["issue_tags"] or ()),
                                        row["follow_up_on"], priority, record_id), row["deleted"])
    return states


def _conv_states(session: Session, campaign_id: int, record_ids) -> dict[int, tuple]:
    """Record id -> (Conv, deleted) of these conversation records, as their read-model rows are now."""
    states = {}
    for ids in _chunks(record_ids):
        for record_id, conv, deleted in _convs(session, campaign_id, Conversation.record_id.in_(ids),
                                               with_deleted=True):
            states[record_id] = (conv, deleted)
    return states


def _progress_now(session: Session, campaign_id: int, voter_ids, zone: ZoneInfo) -> dict[int, tally.Progress | None]:
    """Each voter's progress from all their live conversations (an index range on conversation (campaign, voter));
    their priority comes with their conversations (a voter with none has no progress)."""
    progress = {}
    for ids in _chunks(sorted(voter_ids)):
        convs = defaultdict(list)
        for _, conv, _ in _convs(session, campaign_id, one_of(Conversation.voter_id, ids, session.connection())):
            convs[conv.voter_id].append(conv)
        for voter_id in ids:
            theirs = convs.get(voter_id, [])
            progress[voter_id] = tally.progress(theirs, theirs[0].priority if theirs else False, zone)
    return progress


def retally(session: Session, campaign_id: int, volunteer_id: int, zone: ZoneInfo) -> None:
    """Make one volunteer's totals again from their live conversations and relationships."""
    convs = [conv for _, conv, _ in _convs(session, campaign_id, Conversation.volunteer_id == volunteer_id)]
    rels = relationships(session, campaign_id, SyncRecord.owner_id == volunteer_id)
    refused = refusing(session, campaign_id, {record.voter_id for record in (*convs, *rels)})
    for model in (VolunteerTally, VolunteerFollowUp):
        session.execute(delete(model).where(model.campaign_id == campaign_id, model.volunteer_id == volunteer_id))
    tallies = tally.volunteer_tallies(convs, rels, zone, refused)
    session.add_all(_tally_row(campaign_id, volunteer_id, priority, t) for priority, t in tallies.items())
    session.add_all(_follow_up_rows(campaign_id, volunteer_id, tallies))
    session.flush()


def rebuild(campaign_id: int, session: Session | None = None) -> None:
    """Make every count of the campaign again from its live conversations and relationships (reads them all:
    for upgrades and imports, never for a request)."""
    session = session or db.session
    zone = _zone(session, campaign_id)
    for model in (DashboardDay, VoterProgress, VolunteerTally, VolunteerFollowUp):
        session.execute(delete(model).where(model.campaign_id == campaign_id))
    convs = [conv for _, conv, _ in _convs(session, campaign_id)]
    rels = relationships(session, campaign_id)
    refused = frozenset(session.execute(select(ContactPreference.voter_id).where(
        ContactPreference.campaign_id == campaign_id, REFUSED_ALL)).scalars())
    counts = (tally.day_counts(convs, rels, zone, refused)
              + tally.visit_counts(door_visits(session, campaign_id), zone))
    bulk_insert(DashboardDay.__table__, ("campaign_id", "day", "priority", "metric", "n"),
                [(campaign_id, day, priority, metric, n) for (day, priority, metric), n in counts.items() if n],
                session.connection())
    by_voter, by_volunteer = defaultdict(list), defaultdict(lambda: ([], []))
    for conv in convs:
        by_volunteer[conv.volunteer_id][0].append(conv)
        if conv.voter_id is not None:
            by_voter[conv.voter_id].append(conv)
    for rel in rels:
        by_volunteer[rel.volunteer_id][1].append(rel)
    progress = [_progress_row(campaign_id, voter_id, tally.progress(c, c[0].priority, zone))
                for voter_id, c in by_voter.items()]
    tallies, follow_ups = [], []
    for volunteer_id, (c, r) in by_volunteer.items():
        theirs = tally.volunteer_tallies(c, r, zone, refused)
        tallies += [_tally_row(campaign_id, volunteer_id, priority, t) for priority, t in theirs.items()]
        follow_ups += _follow_up_rows(campaign_id, volunteer_id, theirs)
    for model, rows in ((VoterProgress, progress), (VolunteerTally, tallies), (VolunteerFollowUp, follow_ups)):
        columns = tuple(column.name for column in model.__table__.columns)
        bulk_insert(model.__table__, columns, [tuple(_plain(getattr(row, name)) for name in columns) for row in rows],
                    session.connection())


def _convs(session: Session, campaign_id: int, *where, with_deleted: bool = False):
    """(record id, Conv, deleted) of the campaign's conversations that match ``where``."""
    query = _conv_select().where(Conversation.campaign_id == campaign_id, *where)
    if not with_deleted:
        query = query.where(Conversation.deleted.is_(False))
    return _conv_rows(session.execute(query))


def _conv_select():
    return (select(Conversation.record_id, Conversation.volunteer_id, Conversation.voter_id,
                   Conversation.happened_at, Conversation.channel, Conversation.support, Conversation.vote_method,
                   Conversation.issue_tags, Conversation.follow_up_on, Voter.priority, Conversation.deleted)
            .outerjoin(Voter, Voter.id == Conversation.voter_id))


def _conv_rows(rows):
    for row in rows:
        yield row[0], tally.Conv(row[1], row[2], row[3], row[4], row[5], row[6], tuple(row[7] or ()), row[8],
                                 bool(row[9]), row[0]), row[10]


@prepared
def _theirs(connection):
    """A volunteer's live conversations with some voters (``_share``, on every push)."""
    return _conv_select().where(Conversation.campaign_id == bindparam("campaign_id"),
                                Conversation.volunteer_id == bindparam("volunteer_id"),
                                one_of_param(Conversation.voter_id, "voters", connection),
                                Conversation.deleted.is_(False))


def relationships(session: Session, campaign_id: int, *where) -> list[tally.Rel]:
    """The campaign's live relationships that match ``where``, with their voter's row id and priority: three
    columns of each record (its voter id taken out of the JSON by the database), not the whole record."""
    return _rels(session, campaign_id, session.execute(_rel_select().where(
        SyncRecord.campaign_id == campaign_id, SyncRecord.entity == RELATIONSHIP.name,
        SyncRecord.deleted.is_(False), *where)).all())


def _rel_select():
    return select(SyncRecord.owner_id, SyncRecord.values["voter_id"].as_string(), SyncRecord.created_at)


def _rels(session: Session, campaign_id: int, rows) -> list[tally.Rel]:
    priorities = _priorities(session, campaign_id, [public_id for _, public_id, _ in rows])
    return [_rel_of(owner_id, public_id, created_at, priorities) for owner_id, public_id, created_at in rows]


@prepared
def _their_relationships(connection):
    """A volunteer's live relationships with some voters, by public id (``_share``, on every push)."""
    return _rel_select().where(SyncRecord.campaign_id == bindparam("campaign_id"),
                               SyncRecord.entity == RELATIONSHIP.name, SyncRecord.deleted.is_(False),
                               SyncRecord.owner_id == bindparam("volunteer_id"),
                               one_of_param(SyncRecord.values["voter_id"].as_string(), "voters", connection))


def _rel(row: SyncRecord, priorities: dict) -> tally.Rel:
    return _rel_of(row.owner_id, row.values.get("voter_id"), row.created_at, priorities)


def _rel_of(owner_id: int, public_id: str | None, created_at, priorities: dict) -> tally.Rel:
    voter_id, priority = priorities.get(public_id, (None, False))
    return tally.Rel(owner_id, voter_id, created_at, priority)


def _priorities(session: Session, campaign_id: int, public_ids) -> dict[str, tuple[int, bool]]:
    """Public voter id (as the record holds it) -> (row id, priority)."""
    found = {}
    wanted = sorted({uuid.UUID(value) for value in public_ids if value})
    for ids in _chunks(wanted):
        for public_id, voter_id, priority in session.execute(select(Voter.public_id, Voter.id, Voter.priority).where(
                Voter.campaign_id == campaign_id, Voter.public_id.in_(ids))):
            found[str(public_id)] = (voter_id, priority)
    return found


def _unreached(session: Session, campaign_id: int, voters: dict[int, str]) -> list[tally.Rel]:
    """The live relationships with these voters (row id -> public id) whose volunteer has no live conversation
    with them: what a "not at all" takes out of the contact rate, or puts back. Found by their voter's index
    (``ix_sync_record_relationship_voter``): this runs holding the campaign's counter."""
    unreached = []
    for ids in _chunks(sorted(voters)):
        talked = set(session.execute(select(Conversation.volunteer_id, Conversation.voter_id).where(
            Conversation.campaign_id == campaign_id, one_of(Conversation.voter_id, ids, session.connection()),
            Conversation.deleted.is_(False))).all())
        unreached += [rel for rel in relationships(session, campaign_id, one_of(
            RELATIONSHIP_VOTER, [voters[voter_id] for voter_id in ids], session.connection()))
            if (rel.volunteer_id, rel.voter_id) not in talked]
    return unreached


def refusing(session: Session, campaign_id: int, voter_ids) -> frozenset[int]:
    """Those of these voters who asked not to be contacted at all, as this transaction sees the read model."""
    found = set()
    for ids in _chunks(sorted({voter_id for voter_id in voter_ids if voter_id is not None})):
        found.update(session.execute(select(ContactPreference.voter_id).where(
            ContactPreference.campaign_id == campaign_id, ContactPreference.voter_id.in_(ids),
            REFUSED_ALL)).scalars())
    return frozenset(found)


def _refusals_by_public_id(session: Session, campaign_id: int, public_ids) -> dict[int, bool]:
    """Voter row id -> whether they asked not to be contacted at all (no preference yet: False)."""
    found = {}
    for ids in _chunks(sorted(set(public_ids))):
        found.update((voter_id, bool(refused)) for voter_id, refused in session.execute(
            select(Voter.id, REFUSED_ALL).outerjoin(ContactPreference, and_(
                ContactPreference.campaign_id == Voter.campaign_id, ContactPreference.voter_id == Voter.id))
            .where(Voter.campaign_id == campaign_id, Voter.public_id.in_(ids))))
    return found


def _apply(session: Session, campaign_id: int, delta: Counter) -> None:
    """Add the delta to the campaign's days (a day that reaches zero keeps its row at zero)."""
    rows = [{"campaign_id": campaign_id, "day": day, "priority": priority, "metric": metric, "n": n}
            for (day, priority, metric), n in sorted(delta.items()) if n]
    insert_many(DashboardDay.__table__, rows, on_conflict=_add_days, session=session)


def _add_days(stmt):
    table = DashboardDay.__table__
    return stmt.on_conflict_do_update(index_elements=["campaign_id", "day", "priority", "metric"],
                                      set_={"n": table.c.n + stmt.excluded.n})


def _add(total: Counter, counts: Counter, sign: int) -> None:
    if sign:
        for key, n in counts.items():
            total[key] += sign * n


PROGRESS_COLUMNS = (VoterProgress.voter_id, VoterProgress.priority, VoterProgress.contacted_on, VoterProgress.support,
                    VoterProgress.support_on, VoterProgress.vote_plan_on, VoterProgress.follow_ups,
                    VoterProgress.marks)
PROGRESS_CHANGING = tuple(column.key for column in PROGRESS_COLUMNS[1:])


def _progress_values(campaign_id: int, voter_id: int, state: tally.Progress) -> dict:
    return {"campaign_id": campaign_id, "voter_id": voter_id, "priority": state.priority,
            "contacted_on": state.contacted_on, "support": state.support, "support_on": state.support_on,
            "vote_plan_on": state.vote_plan_on, "follow_ups": {str(v): day.isoformat() for v, day in state.follow_ups},
            "marks": _marks_values(state.marks)}


def _marks_values(marks: tally.Marks | None) -> dict | None:
    """Marks as JSON: each order as [ISO time, record id]."""
    if marks is None:
        return None
    def plain(order):
        return None if order is None else [order[0].isoformat(), order[1]]
    return {"first": plain(marks.first), "support": plain(marks.support), "plan": plain(marks.plan),
            "latest": {str(v): plain(order) for v, order in marks.latest}}


def _marks_of(values: dict | None) -> tally.Marks | None:
    if values is None:
        return None
    def order(value):
        return None if value is None else (datetime.fromisoformat(value[0]), value[1])
    return tally.Marks(order(values["first"]), order(values["support"]), order(values["plan"]),
                       tuple(sorted((int(v), order(value)) for v, value in values["latest"].items())))


def _progress_row(campaign_id: int, voter_id: int, state: tally.Progress) -> VoterProgress:
    return VoterProgress(**_progress_values(campaign_id, voter_id, state))


def _tally_row(campaign_id: int, volunteer_id: int, priority: bool, t: tally.Tally) -> VolunteerTally:
    return VolunteerTally(campaign_id=campaign_id, volunteer_id=volunteer_id, priority=priority,
                          relationships=t.relationships, contacted_relationships=t.contacted_relationships,
                          refused_relationships=t.refused_relationships, conversations=t.conversations,
                          last_active_at=t.last_active_at)


def _follow_up_rows(campaign_id: int, volunteer_id: int, tallies: dict[bool, tally.Tally]) -> list[VolunteerFollowUp]:
    return [VolunteerFollowUp(campaign_id=campaign_id, volunteer_id=volunteer_id, priority=priority,
                              day=_date(day), n=n)
            for priority, t in tallies.items() for day, n in sorted((t.follow_ups or {}).items())]


def _zone(session: Session, campaign_id: int) -> ZoneInfo:
    return ZoneInfo(session.execute(select(Campaign.time_zone).where(Campaign.id == campaign_id)).scalar_one())


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _plain(value):
    """A value as COPY and executemany both take it (JSON as its text)."""
    return json.dumps(value) if isinstance(value, dict) else value


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
