"""What each dashboard number counts, as plain functions of rows (no database): the push-time upkeep, the rebuild
and a single volunteer's dashboard all count with these, so they cannot disagree. docs/dashboard.md says the same
in words."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

PLAN_METHODS = frozenset({"early_in_person", "election_day", "mail"})  # "undecided" is not a plan
SUPPORTER = (1, 2)


@dataclass(frozen=True)
class Conv:
    """A live conversation as the dashboard sees it."""

    volunteer_id: int
    voter_id: int | None
    happened_at: datetime
    channel: str
    support: int | None
    vote_method: str | None
    issues: tuple
    follow_up_on: date | None
    priority: bool
    record_id: int = 0  # orders conversations logged at the same moment (the order the server took them in)

    @property
    def order(self) -> "Order":
        return self.happened_at, self.record_id


@dataclass(frozen=True)
class Rel:
    """A live relationship: who confirmed which voter, when."""

    volunteer_id: int
    voter_id: int | None
    created_at: datetime
    priority: bool


Order = tuple[datetime, int]  # (happened_at, record id): where a conversation stands among a voter's


@dataclass(frozen=True)
class Marks:
    """Which of a voter's conversations their progress comes from, by order: enough to add new conversations to
    the progress without reading the voter's others again."""

    first: Order
    support: Order | None
    plan: Order | None
    latest: tuple  # ((volunteer_id, Order), ...), sorted: each volunteer's latest conversation with the voter


@dataclass(frozen=True)
class Progress:
    """Where one voter stands (``VoterProgress``'s columns)."""

    priority: bool
    contacted_on: date | None = None
    support: int | None = None
    support_on: date | None = None
    vote_plan_on: date | None = None
    follow_ups: tuple = ()  # ((volunteer_id, day), ...), sorted
    marks: Marks | None = field(default=None)  # None: not known (a row written before they were kept)


@dataclass(frozen=True)
class Visit:
    """A live door visit as the dashboard sees it: whose door, on whose round, how it went."""

    household_id: int
    volunteer_id: int
    result: str
    happened_at: datetime
    priority: bool  # the door's: the voter file lists a priority voter in its household


Key = tuple[date, bool, str]  # (day, priority, metric)


def day_of(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _in_order(convs):
    return sorted(convs, key=lambda c: c.order)


def progress(convs: list[Conv], priority: bool, zone: ZoneInfo) -> Progress | None:
    """One voter's standing from their live conversations: contacted on the day of the first; the support of the
    latest one that gave any; a vote plan from the first that named a way to vote; each volunteer's open follow-up
    (the day set in that volunteer's latest conversation with them). None for a voter nobody talked to."""
    if not convs:
        return None
    convs = _in_order(convs)
    supported = [c for c in convs if c.support is not None]
    plans = [c for c in convs if c.vote_method in PLAN_METHODS]
    latest_by_volunteer = {c.volunteer_id: c for c in convs}
    return Progress(
        priority=priority, contacted_on=day_of(convs[0].happened_at, zone),
        support=supported[-1].support if supported else None,
        support_on=day_of(supported[-1].happened_at, zone) if supported else None,
        vote_plan_on=day_of(plans[0].happened_at, zone) if plans else None,
        follow_ups=tuple(sorted((v, c.follow_up_on) for v, c in latest_by_volunteer.items() if c.follow_up_on)),
        marks=Marks(convs[0].order, supported[-1].order if supported else None, plans[0].order if plans else None,
                    tuple(sorted((v, c.order) for v, c in latest_by_volunteer.items()))))


def progress_with(state: Progress | None, added: list[Conv], priority: bool, zone: ZoneInfo) -> Progress | None:
    """``progress`` of a voter's conversations plus ``added`` (new, live ones), from ``state`` (their progress
    without them, marks known) and ``added`` alone: a first only moves earlier and a latest later, so a push reads
    none of the voter's other conversations, however many there are."""
    if state is None:
        return progress(added, priority, zone)
    marks = state.marks
    first, contacted_on = marks.first, state.contacted_on
    support_at, support, support_on = marks.support, state.support, state.support_on
    plan_at, plan_on = marks.plan, state.vote_plan_on
    latest, follow_ups = dict(marks.latest), dict(state.follow_ups)
    for conv in added:
        at, day = conv.order, day_of(conv.happened_at, zone)
        if at < first:
            first, contacted_on = at, day
        if conv.support is not None and (support_at is None or at > support_at):
            support_at, support, support_on = at, conv.support, day
        if conv.vote_method in PLAN_METHODS and (plan_at is None or at < plan_at):
            plan_at, plan_on = at, day
        if conv.volunteer_id not in latest or at > latest[conv.volunteer_id]:
            latest[conv.volunteer_id] = at
            follow_ups.pop(conv.volunteer_id, None)
            if conv.follow_up_on:
                follow_ups[conv.volunteer_id] = conv.follow_up_on
    return Progress(priority, contacted_on, support, support_on, plan_on, tuple(sorted(follow_ups.items())),
                    Marks(first, support_at, plan_at, tuple(sorted(latest.items()))))


def progress_counts(state: Progress | None, refused: bool = False) -> Counter:
    """What one voter adds to the campaign's days: no follow-up of someone who asked not to be contacted at all
    (``refused``), whom nobody should call back."""
    counts = Counter()
    if state is None:
        return counts
    p = state.priority
    counts[(state.contacted_on, p, "contacted")] += 1
    if state.support is not None:
        counts[(state.support_on, p, f"support:{state.support}")] += 1
        if state.support in SUPPORTER:
            counts[(state.support_on, p, "supporter")] += 1
    if state.vote_plan_on is not None:
        counts[(state.vote_plan_on, p, "vote_plan")] += 1
    for _, day in () if refused else state.follow_ups:
        counts[(day, p, "follow_up")] += 1
    return counts


def conversation_counts(conv: Conv, zone: ZoneInfo) -> Counter:
    """What one live conversation adds: one of its channel, one of each issue, on its day."""
    day = day_of(conv.happened_at, zone)
    counts = Counter({(day, conv.priority, f"conv:{conv.channel}"): 1})
    for issue in conv.issues:
        counts[(day, conv.priority, f"issue:{issue}")] += 1
    return counts


def relationship_counts(rel: Rel, zone: ZoneInfo) -> Counter:
    return Counter({(day_of(rel.created_at, zone), rel.priority, "relationship"): 1})


def day_counts(convs: list[Conv], rels: list[Rel], zone: ZoneInfo, refused: frozenset = frozenset()) -> Counter:
    """Every metric by (day, priority) for a set of conversations and relationships: the whole campaign (the
    rebuild) or one volunteer's (the volunteer filter; then "contacted" means by them). ``refused``: the voters who
    asked not to be contacted at all."""
    counts = Counter()
    by_voter = defaultdict(list)
    for conv in convs:
        counts.update(conversation_counts(conv, zone))
        if conv.voter_id is not None:
            by_voter[conv.voter_id].append(conv)
    for voter_id, voter_convs in by_voter.items():
        counts.update(progress_counts(progress(voter_convs, voter_convs[0].priority, zone), voter_id in refused))
    for rel in rels:
        counts.update(relationship_counts(rel, zone))
    return counts


def visit_counts(visits: list[Visit], zone: ZoneInfo) -> Counter:
    """What a set of live door visits adds to the days: each visit under its result (``door:<result>``); each door
    knocked on a day once however many visits were logged there (``door_knocked``), and once more if someone talked
    there that day (``door_contact``). Given every visit of the doors and days it names, its counts for those
    door-days are exact, which is how a push counts its difference."""
    counts = Counter()
    doors = {}
    for visit in visits:
        day = day_of(visit.happened_at, zone)
        counts[(day, visit.priority, f"door:{visit.result}")] += 1
        key = (visit.household_id, day, visit.priority)
        doors[key] = doors.get(key, False) or visit.result == "talked"
    for (_, day, priority), talked in doors.items():
        counts[(day, priority, "door_knocked")] += 1
        counts[(day, priority, "door_contact")] += talked
    return counts


@dataclass
class Tally:
    """A volunteer's totals among priority voters or the others (``VolunteerTally``'s columns)."""

    relationships: int = 0
    contacted_relationships: int = 0
    refused_relationships: int = 0
    conversations: int = 0
    last_active_at: datetime | None = None
    follow_ups: dict | None = None


def volunteer_tallies(convs: list[Conv], rels: list[Rel], zone: ZoneInfo,
                      refused: frozenset = frozenset()) -> dict[bool, Tally]:
    """One volunteer's totals by priority, from their live conversations and relationships: the sum of each voter's
    ``voter_share`` (their records with no voter together), and last active, their latest conversation or
    relationship."""
    tallies = defaultdict(lambda: Tally(follow_ups={}))
    by_voter = defaultdict(lambda: ([], []))
    for conv in convs:
        by_voter[conv.voter_id][0].append(conv)
        tallies[conv.priority].last_active_at = max(filter(None, (tallies[conv.priority].last_active_at,
                                                                  conv.happened_at)))
    for rel in rels:
        by_voter[rel.voter_id][1].append(rel)
        tallies[rel.priority].last_active_at = max(filter(None, (tallies[rel.priority].last_active_at,
                                                                 rel.created_at)))
    for voter_id, (theirs, known) in by_voter.items():
        for (priority, name, day), n in voter_share(theirs, known, voter_id in refused).items():
            tally = tallies[priority]
            if day is None:
                setattr(tally, name, getattr(tally, name) + n)
            else:
                tally.follow_ups[day.isoformat()] = tally.follow_ups.get(day.isoformat(), 0) + n
    return dict(tallies)


ShareKey = tuple[bool, str, date | None]  # (priority, Tally field or "follow_up", the follow-up's day or None)


def voter_share(convs: list[Conv], rels: list[Rel], refused: bool = False) -> Counter:
    """What one voter adds to a volunteer's totals, from that volunteer's live conversations and relationships with
    them (or all of theirs with no voter): each relationship, contacted when they logged a conversation with its
    voter, refused when the voter asked not to be contacted at all (``refused``) and they had not; each
    conversation; the follow-up of their latest conversation with the voter, unless the voter refused. A sum over
    voters, so a push counts only the voters it touched."""
    share = Counter()
    voter_id = next((record.voter_id for record in (*convs, *rels)), None)
    for rel in rels:
        share[(rel.priority, "relationships", None)] += 1
        share[(rel.priority, "contacted_relationships", None)] += voter_id is not None and bool(convs)
        share[(rel.priority, "refused_relationships", None)] += voter_id is not None and refused and not convs
    for conv in convs:
        share[(conv.priority, "conversations", None)] += 1
    if convs and voter_id is not None and not refused:
        latest = max(convs, key=lambda c: c.order)
        if latest.follow_up_on:
            share[(latest.priority, "follow_up", latest.follow_up_on)] += 1
    return +share
