"""The dashboard's one answer, from the maintained counts (``models.py``): a handful of small queries, none of which
reads every conversation, relationship or voter of the campaign. With a volunteer filter the numbers are counted
from that volunteer's own rows instead (an index range: a volunteer has hundreds, not millions)."""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_smorest import abort
from sqlalchemy import Float, case, cast, exists, func, select, true

from server.auth.models import User
from server.campaigns.models import Campaign, Membership, Role
from server.canvass.models import DoorVisit
from server.columns import utcnow
from server.conversations.models import Conversation
from server.dashboard import rollup, tally
from server.dashboard.models import DashboardDay, VolunteerFollowUp, VolunteerTally
from server.extensions import db
from server.matching.models import MatchUsage
from server.sync_api.models import SyncRecord
from server.voters.models import ImportStatus, VoterImport
from sync.entities import DOOR_RESULTS

WEEK = 7
FUNNEL = ("voters", "volunteers", "ran_matching", "relationships", "contacted", "supporters", "vote_plans")


def dashboard(campaign: Campaign, filters: dict) -> dict:
    """:raise 422: naming ``from`` after ``to``, or a ``volunteer`` who is not a member."""
    zone = ZoneInfo(campaign.time_zone)
    today = utcnow().astimezone(zone).date()
    start, end = filters.get("from_"), filters.get("to") or today
    if start and start > end:
        abort(422, message="The first day is after the last.", errors={"query": {"from": ["After to."]}})
    volunteer, priority = filters.get("volunteer"), filters["priority"]
    if volunteer is not None and not _is_member(campaign.id, volunteer):
        abort(422, message="Not a member of this campaign.",
              errors={"query": {"volunteer": ["Not a member of this campaign."]}})
    days = _days(campaign.id, volunteer, priority, zone)
    counted = _Counted(days, start, end)
    tiles = {
        "volunteers_joined": _joined(campaign.id, volunteer, start, end, zone),
        "volunteers_active": _active(campaign.id, volunteer, end, zone),
        "relationships": counted.tile("relationship"),
        "contacted": counted.tile("contacted"),
        "supporters": counted.tile("supporter"),
        "vote_plans": counted.tile("vote_plan"),
        "follow_ups_overdue": {"value": counted.total("follow_up", None, today - timedelta(days=1)),
                               "change": counted.total("follow_up", today - timedelta(days=WEEK),
                                                       today - timedelta(days=1))},
        "doors_knocked": counted.tile("door_knocked"),
        "door_contacts": counted.tile("door_contact"),
    }
    tiles["door_contact_rate"] = {key: tiles["door_contacts"][key] / tiles["doors_knocked"][key]
                                  if tiles["doors_knocked"][key] else None for key in ("value", "change")}
    funnel = {"voters": _voters_in_file(campaign.id, priority), "volunteers": _volunteers(campaign.id, volunteer),
              "ran_matching": _ran_matching(campaign.id, volunteer),
              **{key: tiles[key]["value"] for key in ("relationships", "contacted", "supporters", "vote_plans")}}
    return {
        "today": today, "from_": start, "to": end, "tiles": tiles,
        "funnel": [{"key": key, "value": funnel[key]} for key in FUNNEL],
        "series": counted.series(start or _first_day(campaign, days, zone)),
        "volunteers": _table(campaign.id, priority, today, filters),
        "support": [{"level": level, "voters": counted.total(f"support:{level}", start, end)}
                    for level in range(1, 6)],
        "issues": sorted(({"issue": metric.removeprefix("issue:"), "conversations": n}
                          for metric, n in counted.totals("issue:", start, end).items() if n),
                         key=lambda row: (-row["conversations"], row["issue"])),
        "door_results": [{"result": result, **_renamed(counted.tile(f"door:{result}"))} for result in DOOR_RESULTS],
    }


def _renamed(tile: dict) -> dict:
    return {"visits": tile["value"], "change": tile["change"]}


class _Counted:
    """The campaign's (or one volunteer's) metrics by day, summed over priority as filtered."""

    def __init__(self, days: Counter, start: date | None, end: date):
        self.by_metric = defaultdict(Counter)
        for (day, _, metric), n in days.items():
            self.by_metric[metric][day] += n
        self.start, self.end = start, end

    def total(self, metric: str, start: date | None, end: date) -> int:
        return sum(n for day, n in self.by_metric[metric].items() if (start is None or day >= start) and day <= end)

    def totals(self, prefix: str, start: date | None, end: date) -> dict[str, int]:
        return {metric: self.total(metric, start, end) for metric in self.by_metric if metric.startswith(prefix)}

    def tile(self, metric: str) -> dict:
        """In the range, and in its last 7 days."""
        week = self.end - timedelta(days=WEEK - 1)
        return {"value": self.total(metric, self.start, self.end),
                "change": self.total(metric, max(week, self.start) if self.start else week, self.end)}

    def series(self, first: date) -> dict:
        """One count per day from ``first`` to the range's end: conversations per channel, new relationships, door
        visits (every result)."""
        days = [first + timedelta(days=n) for n in range((self.end - first).days + 1)]
        channels = sorted(metric.removeprefix("conv:") for metric in self.by_metric if metric.startswith("conv:"))
        results = [self.by_metric[f"door:{result}"] for result in DOOR_RESULTS]
        return {"days": days,
                "conversations": {c: [self.by_metric[f"conv:{c}"][day] for day in days] for c in channels},
                "relationships": [self.by_metric["relationship"][day] for day in days],
                "door_visits": [sum(by_day[day] for by_day in results) for day in days]}


def _days(campaign_id: int, volunteer: int | None, priority: bool, zone: ZoneInfo) -> Counter:
    """(day, priority, metric) -> n: the maintained days, or counted from one volunteer's rows."""
    if volunteer is None:
        # summed over priority in the database: half the rows to bring back
        query = select(DashboardDay.day, DashboardDay.metric, func.sum(DashboardDay.n)).where(
            DashboardDay.campaign_id == campaign_id).group_by(DashboardDay.day, DashboardDay.metric)
        if priority:
            query = query.where(DashboardDay.priority.is_(True))
        return Counter({(day, priority, metric): int(n) for day, metric, n in db.session.execute(query)})
    convs = [conv for _, conv, _ in rollup._convs(db.session, campaign_id, Conversation.volunteer_id == volunteer)]
    rels = rollup.relationships(db.session, campaign_id, SyncRecord.owner_id == volunteer)
    visits = rollup.door_visits(db.session, campaign_id, DoorVisit.volunteer_id == volunteer)
    refused = rollup.refusing(db.session, campaign_id, {conv.voter_id for conv in convs})
    counts = tally.day_counts(convs, rels, zone, refused) + tally.visit_counts(visits, zone)
    return Counter({key: n for key, n in counts.items() if key[1] or not priority})


def _first_day(campaign: Campaign, days: Counter, zone: ZoneInfo) -> date:
    """Where the daily series starts without a range: the campaign's first day, or its first activity before."""
    active = [day for day, _, metric in days if metric.startswith(("conv:", "door:")) or metric == "relationship"]
    return min([campaign.created_at.astimezone(zone).date(), *active])


def _is_member(campaign_id: int, user_id: int) -> bool:
    return db.session.execute(select(exists().where(Membership.campaign_id == campaign_id,
                                                    Membership.user_id == user_id))).scalar()


def _joined(campaign_id: int, volunteer: int | None, start: date | None, end: date, zone: ZoneInfo) -> dict:
    """Active volunteers (the role) who joined in the range, and in its last 7 days."""
    def since(day: date | None):
        return Membership.created_at >= datetime.combine(day, time.min, zone) if day else true()
    first_of_week = end - timedelta(days=WEEK - 1)
    until = Membership.created_at < datetime.combine(end + timedelta(days=1), time.min, zone)
    value, change = db.session.execute(select(
        func.count().filter(since(start), until),
        func.count().filter(since(max(first_of_week, start) if start else first_of_week), until))
        .where(*_active_members(campaign_id, volunteer))).one()
    return {"value": value, "change": change}


def _volunteers(campaign_id: int, volunteer: int | None) -> int:
    return db.session.execute(select(func.count()).select_from(Membership).where(
        *_active_members(campaign_id, volunteer))).scalar_one()


def _active(campaign_id: int, volunteer: int | None, end: date, zone: ZoneInfo) -> dict:
    """Active members who logged a conversation that happened in the 7 days ending with the range, and how many
    more (or fewer) than in the 7 days before: one index probe per member, not a read of the week's conversations."""
    def count(last: date) -> int:
        since = datetime.combine(last - timedelta(days=WEEK - 1), time.min, zone)
        until = datetime.combine(last + timedelta(days=1), time.min, zone)
        logged = exists().where(Conversation.campaign_id == campaign_id,
                                Conversation.volunteer_id == Membership.user_id, Conversation.happened_at >= since,
                                Conversation.happened_at < until, Conversation.deleted.is_(False))
        return db.session.execute(select(func.count()).select_from(Membership).where(
            *_active_members(campaign_id, volunteer), logged)).scalar_one()
    now = count(end)
    return {"value": now, "change": now - count(end - timedelta(days=WEEK))}


def _active_members(campaign_id: int, volunteer: int | None) -> tuple:
    """Active volunteers (the role: an organizer's own conversations count in the numbers, not as a volunteer)."""
    where = (Membership.campaign_id == campaign_id, Membership.active.is_(True), Membership.role == Role.VOLUNTEER)
    return where if volunteer is None else (*where, Membership.user_id == volunteer)


def _voters_in_file(campaign_id: int, priority: bool) -> int:
    """As the latest successful import counted them."""
    column = VoterImport.priority_in_file if priority else VoterImport.voters_in_file
    return db.session.execute(select(column).where(
        VoterImport.campaign_id == campaign_id, VoterImport.status == ImportStatus.SUCCEEDED)
        .order_by(VoterImport.id.desc()).limit(1)).scalar() or 0


def _ran_matching(campaign_id: int, volunteer: int | None) -> int:
    """Active volunteers who had their contacts evaluated at least once."""
    ran = exists().where(MatchUsage.membership_id == Membership.id, MatchUsage.elements > 0)
    return db.session.execute(select(func.count()).select_from(Membership).where(
        *_active_members(campaign_id, volunteer), ran)).scalar_one()


def _table(campaign_id: int, priority: bool, today: date, filters: dict) -> dict:
    """The volunteers table to date: every active member (any role) with a row, summed, sorted and paged by the
    database, so only one page of rows comes back however many volunteers the campaign has."""
    volunteer = filters.get("volunteer")
    mine = (VolunteerTally.campaign_id == campaign_id, *((VolunteerTally.priority.is_(True),) if priority else ()))
    totals = (select(VolunteerTally.volunteer_id, func.sum(VolunteerTally.relationships).label("relationships"),
                     func.sum(VolunteerTally.conversations).label("conversations"),
                     func.sum(VolunteerTally.contacted_relationships).label("contacted_relationships"),
                     func.sum(VolunteerTally.refused_relationships).label("refused_relationships"),
                     func.max(VolunteerTally.last_active_at).label("last_active_at"))
              .where(*mine).group_by(VolunteerTally.volunteer_id).subquery())
    overdue = (select(VolunteerFollowUp.volunteer_id, func.sum(VolunteerFollowUp.n).label("n"))
               .where(VolunteerFollowUp.campaign_id == campaign_id, VolunteerFollowUp.day < today,
                      *((VolunteerFollowUp.priority.is_(True),) if priority else ()))
               .group_by(VolunteerFollowUp.volunteer_id).subquery())
    relationships = func.coalesce(totals.c.relationships, 0)
    columns = {
        "relationships": relationships,
        "conversations": func.coalesce(totals.c.conversations, 0),
        "contacted_relationships": func.coalesce(totals.c.contacted_relationships, 0),
        "last_active_at": totals.c.last_active_at,
        "follow_ups_overdue": func.coalesce(overdue.c.n, 0),
        # of the relationships someone could still reach or already had: whom nobody may contact is not missed
        "contact_rate": cast(totals.c.contacted_relationships, Float) / func.nullif(
            relationships - func.coalesce(totals.c.refused_relationships, 0), 0),
    }
    members = (Membership.campaign_id == campaign_id, Membership.active.is_(True),
               *((Membership.user_id == volunteer,) if volunteer is not None else ()))
    name = func.lower(User.display_name)
    sort, desc = filters["sort"], filters["desc"]
    if sort == "name":
        order = (name.desc(), Membership.user_id.desc()) if desc else (name, Membership.user_id)
    else:
        # rows without a value (no relationships, never active) go last either way, by name
        value = columns[sort]
        order = (value.is_(None), value.desc() if desc else value, case((value.is_(None), name)),
                 *((name.desc(), Membership.user_id.desc()) if desc else (name, Membership.user_id)))
    query = (select(Membership.user_id.label("id"), User.display_name,
                    *(column.label(key) for key, column in columns.items()))
             .join(User, User.id == Membership.user_id)
             .outerjoin(totals, totals.c.volunteer_id == Membership.user_id)
             .outerjoin(overdue, overdue.c.volunteer_id == Membership.user_id)
             .where(*members).order_by(*order).offset(filters["offset"]).limit(filters["limit"]))
    total = db.session.execute(select(func.count()).select_from(Membership).where(*members)).scalar_one()
    return {"total": total, "offset": filters["offset"], "rows": [row._asdict() for row in db.session.execute(query)]}
