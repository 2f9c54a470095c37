"""Turfs: cutting the campaign's doors into walkable pieces, handing them to volunteers, and their progress.

A door is a household with at least one active voter. A turf is cut from a precinct, from streets picked from a
list, from a polygon drawn on the map, or automatically from a universe (priority voters, not yet contacted, a
precinct) into N turfs of balanced door counts (``cut.py``). Doors already in a live (unexpired) turf are left
out of a new one, so two volunteers are not sent to the same door; the answer says how many were. A campaign's
cuts take turns (``_one_cut_at_a_time``), or two at once would both take the doors they both found free.

Every query here is scoped to the campaign it is given; the views check the caller's role and, for a volunteer,
that they hold the turf.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_smorest import abort
from sqlalchemy import and_, distinct, exists, func, select, tuple_, update
from sqlalchemy.sql import Select

from server.auth.models import User
from server.campaigns.models import Campaign, Membership, Role
from server.canvass import cut
from server.canvass.models import Building, DoorVisit, Household, Turf, TurfHousehold
from server.columns import utcnow
from server.conversations.models import Conversation
from server.extensions import bulk_insert, db
from server.voters.models import Voter

DEFAULT_DAYS = 14  # a turf left unwalked is freed for others after two weeks, unless the organizer says otherwise


def take_url(turf: Turf) -> str:
    """The link a volunteer opens (or scans as a QR code) to take the turf; the app routes ``/take/...``."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/take/{turf.campaign_id}/{turf.take_token}"


# which households are doors: any with an active voter


def _active_voters(campaign_id: int):
    return and_(Voter.campaign_id == campaign_id, Voter.active.is_(True), Voter.household_id.is_not(None))


def _free(campaign_id: int, now: datetime):
    """Households in no live turf."""
    return ~exists().where(TurfHousehold.campaign_id == campaign_id, TurfHousehold.household_id == Household.id,
                           Turf.id == TurfHousehold.turf_id, Turf.expires_at > now)


def streets(campaign: Campaign) -> list[dict]:
    """Every street of the campaign (a street name within a ZIP), with its doors and voters, by name."""
    rows = db.session.execute(
        select(Building.street, Building.zip, func.min(Building.city), func.count(distinct(Household.id)),
               func.count(Voter.id))
        .join(Household, Household.building_id == Building.id)
        .join(Voter, and_(Voter.household_id == Household.id, _active_voters(campaign.id)))
        .where(Building.campaign_id == campaign.id)
        .group_by(Building.street, Building.zip).order_by(Building.street, Building.zip))
    return [{"street": street, "zip": zip_code, "city": city, "doors": doors, "voters": voters}
            for street, zip_code, city, doors, voters in rows]


def precincts(campaign: Campaign) -> list[dict]:
    """Every precinct the voter file names, with its doors and voters, by name."""
    rows = db.session.execute(
        select(Voter.precinct, func.count(distinct(Voter.household_id)), func.count())
        .where(_active_voters(campaign.id), Voter.precinct != "")
        .group_by(Voter.precinct).order_by(Voter.precinct))
    return [{"precinct": precinct, "doors": doors, "voters": voters} for precinct, doors, voters in rows]


# polygons


def _polygons():
    """``polygons.py``, imported when a polygon is first drawn: shapely and numpy under it add some 19 MB to every
    worker, which only polygon cuts and counts need (an export's worker stays under 100 MB)."""
    from server.canvass import polygons

    return polygons


def _in_polygon(campaign_id: int, shape, now: datetime | None = None) -> tuple[list[int], int, int]:
    """The campaign's doors inside the polygon (each building's households with active voters; free ones only
    when ``now`` is given): (household ids, doors, voters)."""
    west, south, east, north = shape.bounds
    query = (select(Building.id, Building.latitude, Building.longitude, Household.id, func.count(Voter.id))
             .join(Household, Household.building_id == Building.id)
             .join(Voter, and_(Voter.household_id == Household.id, _active_voters(campaign_id)))
             .where(Building.campaign_id == campaign_id, Building.latitude.between(south, north),
                    Building.longitude.between(west, east))
             .group_by(Building.id, Building.latitude, Building.longitude, Household.id))
    if now is not None:
        query = query.where(_free(campaign_id, now))
    rows = db.session.execute(query).all()
    if not rows:
        return [], 0, 0
    inside = _polygons().contains_xy(shape, [r[2] for r in rows], [r[1] for r in rows])
    households = [r[3] for r, yes in zip(rows, inside, strict=True) if yes]
    return households, len(households), sum(r[4] for r, yes in zip(rows, inside, strict=True) if yes)


def count_in_polygon(campaign: Campaign, geometry: dict) -> dict:
    """Doors and voters inside a polygon, for the live count while an organizer draws."""
    _, doors, voters = _in_polygon(campaign.id, _polygons().shape_of(geometry))
    return {"doors": doors, "voters": voters}


# cutting


@dataclass
class Cut:
    turfs: list[Turf]
    left_out: int  # doors of the area already in a live turf
    balance: float | None = None  # largest turf's doors over the smallest's, for an automatic cut


def _households_of(campaign_id: int, data: dict) -> Select:
    """The household ids of a precinct's or the picked streets' doors."""
    if "precinct" in data:
        return (select(Voter.household_id).where(_active_voters(campaign_id), Voter.precinct == data["precinct"])
                .distinct())
    picked = [(s["street"], s["zip"]) for s in data["streets"]]
    return (select(Household.id).join(Building, Building.id == Household.building_id)
            .where(Building.campaign_id == campaign_id, tuple_(Building.street, Building.zip).in_(picked),
                   exists().where(Voter.household_id == Household.id, _active_voters(campaign_id))))


def _one_cut_at_a_time(campaign_id: int) -> None:
    """Hold the campaign's row until the cut commits, before reading which doors are free: FOR NO KEY UPDATE, so
    the rows that only refer to the campaign (a push's, an import's) are not held up, only another cut (and a
    change of the campaign's settings). SQLite has one writer: a write first takes it, before anything is read."""
    if db.session.connection().dialect.name == "sqlite":
        db.session.execute(update(Campaign).where(Campaign.id == campaign_id).values(name=Campaign.name))
    else:
        db.session.execute(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update(key_share=True))


def cut_turf(campaign: Campaign, membership: Membership, data: dict) -> Cut:
    """One turf from a precinct, picked streets or a polygon, of the doors there not in a live turf.

    :raise 409: when every door there is already in a live turf (or there is none).
    """
    _one_cut_at_a_time(campaign.id)
    now = utcnow()
    if "polygon" in data:
        shape = _polygons().shape_of(data["polygon"])
        everyone, _, _ = _in_polygon(campaign.id, shape)
        free, _, _ = _in_polygon(campaign.id, shape, now)
        kind, area = "polygon", {"polygon": data["polygon"]}
    else:
        selected = _households_of(campaign.id, data)
        everyone = db.session.execute(selected).scalars().all()
        free = db.session.execute(select(Household.id).where(
            Household.campaign_id == campaign.id, Household.id.in_(selected), _free(campaign.id, now))
        ).scalars().all()
        kind = "precinct" if "precinct" in data else "streets"
        area = {"precinct": data["precinct"]} if kind == "precinct" else {"streets": data["streets"]}
    if not free:
        abort(409, message="Every door there is already in a turf." if everyone else "There are no doors there.")
    turf = _new_turf(campaign, membership, data["name"], kind, area, data.get("days"), now)
    turf.doors = len(free)
    _put_doors([(turf, free)])
    turf.voters = db.session.execute(select(func.count()).select_from(Voter).where(
        _active_voters(campaign.id), Voter.household_id.in_(
            select(TurfHousehold.household_id).where(TurfHousehold.turf_id == turf.id)))).scalar_one()
    return Cut([turf], len(everyone) - len(free))


def cut_automatically(campaign: Campaign, membership: Membership, data: dict) -> Cut:
    """``count`` turfs of balanced door counts from a universe's free doors, named "<name> 1" ... in map order.

    :raise 409: when the universe has fewer buildings than turfs asked for.
    """
    _one_cut_at_a_time(campaign.id)
    now, universe = utcnow(), data["universe"]
    narrowing = []  # what picks the universe's voters among the active ones
    if universe.get("priority"):
        narrowing.append(Voter.priority.is_(True))
    if universe.get("precinct"):
        narrowing.append(Voter.precinct == universe["precinct"])
    if universe.get("not_contacted"):
        narrowing += [
            ~exists().where(Conversation.campaign_id == campaign.id, Conversation.voter_id == Voter.id,
                            Conversation.deleted.is_(False)),
            ~exists().where(DoorVisit.campaign_id == campaign.id, DoorVisit.household_id == Voter.household_id,
                            DoorVisit.result == "talked", DoorVisit.deleted.is_(False))]
    living = (select(Voter.household_id, func.count().label("voters")).where(_active_voters(campaign.id))
              .group_by(Voter.household_id).subquery())  # every active voter of a door, not only the universe's
    query = (select(Building.id, Building.street, Building.zip, Building.house_number, Building.latitude,
                    Building.longitude, Household.id, living.c.voters)
             .join(Household, Household.building_id == Building.id)
             .join(living, living.c.household_id == Household.id)
             .where(Building.campaign_id == campaign.id, _free(campaign.id, now)))
    if narrowing:  # else every door is the universe's, and the voters are read once
        query = query.where(Household.id.in_(
            select(Voter.household_id).where(_active_voters(campaign.id), *narrowing).distinct()))
    rows = db.session.execute(query).all()
    homes: dict[int, list[int]] = {}
    places: dict[int, tuple] = {}
    living_in: dict[int, int] = {}
    for building, street, zip_code, number, lat, lon, household, count in rows:
        homes.setdefault(building, []).append(household)
        places[building] = (street, zip_code, number, lat, lon)
        living_in[household] = count
    try:
        groups = cut.cut([cut.Place(b, s, z, n, len(homes[b]), lat, lon) for b, (s, z, n, lat, lon) in places.items()],
                         data["count"])
    except cut.TooFewDoors:
        abort(409, message=f"The universe has {len(places):,} buildings without a turf: too few for "
                           f"{data['count']:,} turfs.")
    doors_of = []
    for number, group in enumerate(groups, start=1):
        turf = _new_turf(campaign, membership, f"{data['name']} {number}", "auto", {"universe": universe},
                         data.get("days"), now)
        doors = [household for place in group for household in homes[place.id]]
        turf.doors, turf.voters = len(doors), sum(living_in[household] for household in doors)
        doors_of.append((turf, doors))
    _put_doors(doors_of)
    return Cut([turf for turf, _ in doors_of], 0, cut.balance(groups))


def _new_turf(campaign: Campaign, membership: Membership, name: str, kind: str, area: dict, days: int | None,
              now: datetime) -> Turf:
    return Turf(campaign_id=campaign.id, name=name, cut=kind, area=area, created_by_id=membership.user_id,
                created_at=now, expires_at=now + timedelta(days=days or DEFAULT_DAYS))


def _put_doors(doors_of: list[tuple[Turf, list[int]]]) -> None:
    """Write the turfs (with their counts) and then their households, all at once: one INSERT of the turfs and
    one COPY of the doors, rather than an UPDATE of each turf's counts after its own COPY."""
    db.session.add_all(turf for turf, _ in doors_of)
    db.session.flush()
    bulk_insert(TurfHousehold.__table__, ("turf_id", "household_id", "campaign_id"),
                [(turf.id, household, turf.campaign_id) for turf, households in doors_of for household in households])


# holding


def visible(campaign: Campaign, membership: Membership):
    """The turfs the caller may see: all of them for organizers, those they hold for a volunteer."""
    query = select(Turf).where(Turf.campaign_id == campaign.id)
    if not membership.role.at_least(Role.ORGANIZER):
        query = query.where(Turf.holder_id == membership.id)
    return query


def get_visible(campaign: Campaign, membership: Membership, turf_id: int) -> Turf:
    """One turf the caller may see. :raise 404: for another campaign's, or a volunteer's not held by them."""
    return db.first_or_404(visible(campaign, membership).where(Turf.id == turf_id))


def assign(turf: Turf, holder_id: int | None) -> None:
    """Give the turf to an active member of its campaign, or free it (None).

    :raise 422: naming ``holder_id`` when that is no active member of the campaign.
    """
    if holder_id is None:
        turf.holder_id, turf.held_since, turf.taken = None, None, False
        return
    member = db.session.execute(select(Membership).where(
        Membership.id == holder_id, Membership.campaign_id == turf.campaign_id, Membership.active.is_(True))
    ).scalar_one_or_none()
    if member is None:
        abort(422, message="Not an active member of this campaign.",
              errors={"json": {"holder_id": ["Not an active member of this campaign."]}})
    if turf.holder_id != holder_id:
        turf.holder_id, turf.held_since, turf.taken = holder_id, utcnow(), False


def take(campaign: Campaign, membership: Membership, token: str) -> Turf:
    """The caller takes the turf of a take link, if it is free (or already theirs) and not expired.

    :raise 404: no turf of this campaign has that token. :raise 409: another volunteer holds it.
    :raise 410: it has expired.
    """
    turf = db.first_or_404(select(Turf).where(Turf.campaign_id == campaign.id, Turf.take_token == token)
                           .with_for_update())
    if turf.expired(utcnow()):
        abort(410, message="This turf has expired; ask an organizer for another.")
    if turf.holder_id not in (None, membership.id):
        abort(409, message="Another volunteer has already taken this turf.")
    if turf.holder_id is None:
        turf.holder_id, turf.held_since, turf.taken = membership.id, utcnow(), True
    return turf


# progress


def progress(turfs: list[Turf]) -> dict[int, dict]:
    """{turf id: doors knocked, contacts (doors where someone talked), contact rate}, from the door visits made
    to the turf's doors since it was cut."""
    if not turfs:
        return {}
    th, visit = TurfHousehold, DoorVisit
    rows = db.session.execute(
        select(th.turf_id, func.count(distinct(visit.household_id)),
               func.count(distinct(visit.household_id)).filter(visit.result == "talked"))
        .join(Turf, Turf.id == th.turf_id)
        .join(visit, and_(visit.campaign_id == th.campaign_id, visit.household_id == th.household_id,
                          visit.happened_at >= Turf.created_at, visit.deleted.is_(False)))
        .where(th.turf_id.in_([t.id for t in turfs]))
        .group_by(th.turf_id)).all()
    found = {turf_id: (knocked, contacts) for turf_id, knocked, contacts in rows}
    out = {}
    for turf in turfs:
        knocked, contacts = found.get(turf.id, (0, 0))
        out[turf.id] = {"knocked": knocked, "contacts": contacts,
                        "contact_rate": round(contacts / knocked, 3) if knocked else None}
    return out


def listing(campaign: Campaign, membership: Membership, include_expired: bool) -> list[dict]:
    """The turfs the caller may see, newest first, each with its holder's name and progress."""
    query = visible(campaign, membership).order_by(Turf.created_at.desc(), Turf.id.desc())
    if not include_expired:
        query = query.where(Turf.expires_at > utcnow())
    turfs = db.session.execute(query).scalars().all()
    return describe(turfs)


def describe(turfs: list[Turf]) -> list[dict]:
    """Turfs as the API shows them: their columns, holder's name, progress and whether expired."""
    holders = dict(db.session.execute(select(Membership.id, User.display_name).join(
        User, User.id == Membership.user_id).where(
        Membership.id.in_({t.holder_id for t in turfs if t.holder_id}))).all()) if turfs else {}
    done, now = progress(turfs), utcnow()
    return [{"turf": t, "holder_name": holders.get(t.holder_id), "progress": done[t.id],
             "expired": t.expired(now)} for t in turfs]

