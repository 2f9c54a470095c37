"""What the console's turf map draws: the campaign's doors by building (where they are, their street, how many are
still free to cut) and the outline of each live turf, the polygon it was cut with or the hull of its buildings.
Progress is not repeated here: the map reads it from the turf list, so both show the same numbers."""

from sqlalchemy import select

from server.campaigns.models import Campaign
from server.canvass.models import Building, Household, Turf, TurfHousehold
from server.canvass.turfs import _active_voters, _polygons
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter


def map_of(campaign: Campaign) -> dict:
    """{buildings: {longitude: [...], latitude: [...], street: [...], doors: [...], free: [...]}, streets: [...],
    unplaced: doors without coordinates, turfs: [{id, outline}]} for the campaign's doors and live turfs.
    Buildings come as columns, a street as its place in ``streets``: 40,000 buildings as objects were 4.5 MB of
    repeated keys and street names, and most of the answer's time went to writing them."""
    now = utcnow()
    # two plain reads joined here: an outer join to the live turfs' households as a subquery has no index on
    # SQLite, which then scans it once per door (three minutes for 50,000 doors)
    turf_of = dict(db.session.execute(
        select(TurfHousehold.household_id, TurfHousehold.turf_id).join(Turf, Turf.id == TurfHousehold.turf_id)
        .where(TurfHousehold.campaign_id == campaign.id, Turf.expires_at > now)).all())
    doors = select(Voter.household_id).where(_active_voters(campaign.id))
    rows = db.session.execute(
        select(Building.id, Building.latitude, Building.longitude, Building.street, Household.id)
        .join(Household, Household.building_id == Building.id)
        .where(Building.campaign_id == campaign.id, Household.id.in_(doors))
        .order_by(Building.id)).all()
    buildings: dict[int, dict] = {}
    turf_points: dict[int, dict[int, tuple[float, float]]] = {}
    unplaced = 0
    for building, lat, lon, street, household in rows:
        if lat is None or lon is None:
            unplaced += 1
            continue
        place = buildings.setdefault(building, {"latitude": lat, "longitude": lon, "street": street, "doors": 0,
                                                "free": 0})
        place["doors"] += 1
        turf_id = turf_of.get(household)
        if turf_id is None:
            place["free"] += 1
        else:
            turf_points.setdefault(turf_id, {})[building] = (lon, lat)
    streets: dict[str, int] = {}
    places = list(buildings.values())
    columns = {"longitude": [round(p["longitude"], 6) for p in places],  # six decimals: about 10 cm
               "latitude": [round(p["latitude"], 6) for p in places],
               "street": [streets.setdefault(p["street"], len(streets)) for p in places],
               "doors": [p["doors"] for p in places], "free": [p["free"] for p in places]}
    return {"buildings": columns, "streets": list(streets), "unplaced": unplaced,
            "turfs": _outlines(campaign, now, turf_points)}


def _outlines(campaign: Campaign, now, points: dict[int, dict[int, tuple[float, float]]]) -> list[dict]:
    """Each live turf's outline: the polygon it was cut with, else the hull of its placed buildings; a turf none
    of whose doors has coordinates has none (the console lists it beside the map)."""
    turfs = db.session.execute(select(Turf.id, Turf.area).where(
        Turf.campaign_id == campaign.id, Turf.expires_at > now).order_by(Turf.id)).all()
    out = []
    for turf_id, area in turfs:
        if isinstance(area, dict) and isinstance(area.get("polygon"), dict):
            out.append({"id": turf_id, "outline": area["polygon"]})
        elif turf_id in points:
            lons, lats = zip(*points[turf_id].values(), strict=True)
            out.append({"id": turf_id, "outline": _polygons().outline_of(list(lons), list(lats))})
        else:
            out.append({"id": turf_id, "outline": None})
    return out
