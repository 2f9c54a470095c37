"""How each canvasser's doors went, and what looks unlike a walk: the signals an organizer checks before trusting a
turf's results (a canvasser who logs doors far faster than anyone walks, or who finds someone to talk to at every
door). Signals are for a conversation with the volunteer, not verdicts: the console says so.

Doors per hour counts arrivals at a new door against the time spent walking, where a pause of more than
``BREAK`` between two doors is a break, not walking. Kin never receives a phone's location, so visits logged far
from the door cannot be checked here.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select

from server.auth.models import User
from server.canvass.models import DoorVisit
from server.extensions import db

BREAK = timedelta(minutes=30)
ENOUGH_DOORS = 10  # fewer say nothing about a canvasser's pace
FAST = 3  # doors per hour this many times the campaign's median
ENOUGH_FOR_A_MEDIAN = 3  # canvassers with enough doors, for "the rest" to mean anything
ALL_CONTACTS_DOORS = 20  # someone at every one of this many doors is rare (a typical contact rate is 20-30 %)


@dataclass
class _Walk:
    name: str
    visits: int = 0
    doors: set = field(default_factory=set)
    contacts: set = field(default_factory=set)
    arrivals: int = 0
    walking: timedelta = timedelta()
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_door: int | None = None


def canvassers(campaign_id: int, since: datetime) -> list[dict]:
    """Each volunteer who knocked on doors since ``since``: doors, contacts, contact rate, doors per hour and the
    signals (``fast``, ``all_contacts``), busiest first."""
    walks: dict[int, _Walk] = {}
    rows = db.session.execute(
        select(DoorVisit.volunteer_id, User.display_name, DoorVisit.household_id, DoorVisit.result,
               DoorVisit.happened_at)
        .join(User, User.id == DoorVisit.volunteer_id)
        .where(DoorVisit.campaign_id == campaign_id, DoorVisit.deleted.is_(False), DoorVisit.happened_at >= since)
        .order_by(DoorVisit.volunteer_id, DoorVisit.happened_at))
    for volunteer_id, name, door, result, at in rows:
        walk = walks.setdefault(volunteer_id, _Walk(name))
        walk.visits += 1
        walk.doors.add(door)
        if result == "talked":
            walk.contacts.add(door)
        if door != walk.last_door:
            if walk.last_at is not None and at - walk.last_at <= BREAK:
                walk.walking += at - walk.last_at
            walk.arrivals += 1
            walk.last_door = door
        walk.first_at = walk.first_at or at
        walk.last_at = at
    rates = {volunteer_id: _per_hour(walk) for volunteer_id, walk in walks.items()}
    steady = [rate for volunteer_id, rate in rates.items()
              if rate is not None and len(walks[volunteer_id].doors) >= ENOUGH_DOORS]
    usual = median(steady) if len(steady) >= ENOUGH_FOR_A_MEDIAN else None
    out = []
    for volunteer_id, walk in walks.items():
        doors, contacts, rate = len(walk.doors), len(walk.contacts), rates[volunteer_id]
        signals = []
        if usual and rate is not None and doors >= ENOUGH_DOORS and rate > FAST * usual:
            signals.append("fast")
        if doors >= ALL_CONTACTS_DOORS and contacts == doors:
            signals.append("all_contacts")
        out.append({"volunteer_id": volunteer_id, "name": walk.name, "doors": doors, "visits": walk.visits,
                    "contacts": contacts, "contact_rate": round(contacts / doors, 3),
                    "doors_per_hour": None if rate is None else round(rate, 1), "first_at": walk.first_at,
                    "last_at": walk.last_at, "signals": signals})
    out.sort(key=lambda row: (-row["doors"], row["name"]))
    return out


def _per_hour(walk: _Walk) -> float | None:
    """New doors after the first per hour of walking; None before two doors a walk apart."""
    hours = walk.walking.total_seconds() / 3600
    return (walk.arrivals - 1) / hours if hours > 0 else None
