"""Give voters the household of their address: the voter import does it for the voters it adds or changes, and
``flask kin voters households`` for a whole campaign (voters imported before households existed).

Buildings and households are found by key (``addresses.normalise``), never made twice, and never deleted, so a
re-import that lists the same addresses lands every voter in the same household, with the same public id.
"""

import uuid
from collections.abc import Callable

from sqlalchemy import ColumnElement, bindparam, select, update

from server.canvass.addresses import Address, normalise
from server.canvass.models import Building, Household
from server.extensions import db, upsert
from server.voters.models import Voter

BATCH = 5000
IN_LIST = 10_000  # ids in one IN (...): SQLite allows 32,766 bound values in one statement

# the voter file's own coordinates, once voters have them (another change adds the columns); until then none
_COORDINATES = tuple(getattr(Voter, name) for name in ("latitude", "longitude") if hasattr(Voter, name))


def assign(campaign_id: int, where: ColumnElement[bool] | None = None,
           progress: Callable[[int], None] | None = None) -> int:
    """Set ``household_id`` of the campaign's voters (those ``where`` selects, or all), batch by batch in the
    current transaction; the caller commits. Returns how many voters changed household. A voter without a street
    has none. ``progress`` hears how many voters each batch read."""
    changed, after = 0, 0
    query = select(Voter.id, Voter.house_number, Voter.street, Voter.unit, Voter.zip, Voter.city,
                   Voter.household_id, *_COORDINATES).where(Voter.campaign_id == campaign_id)
    if where is not None:
        query = query.where(where)
    while rows := db.session.execute(query.where(Voter.id > after).order_by(Voter.id).limit(BATCH)).all():
        after = rows[-1].id
        changed += _assign_batch(campaign_id, rows)
        if progress:
            progress(len(rows))
    return changed


def _assign_batch(campaign_id: int, rows) -> int:
    addresses = {row.id: normalise(row.house_number, row.street, row.unit, row.zip, row.city) for row in rows}
    placed = {a.building_key: a for a in addresses.values() if a is not None}
    buildings = _buildings(campaign_id, placed)
    _place(buildings, rows, addresses)
    households = _households(campaign_id, buildings, addresses.values())
    moves = []
    for row in rows:
        address = addresses[row.id]
        household = address and households[(buildings[address.building_key], address.unit)]
        if household != row.household_id:
            moves.append({"voter_id": row.id, "household": household})
    if moves:
        db.session.execute(update(Voter.__table__).where(Voter.__table__.c.id == bindparam("voter_id"))
                           .values(household_id=bindparam("household")), moves)
    return len(moves)


def _chunks(items: list, size: int = IN_LIST):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _buildings(campaign_id: int, placed: dict[str, Address]) -> dict[str, int]:
    """{building key: id}, making the buildings not seen before."""
    keys = list(placed)
    found = _building_ids(campaign_id, keys)
    new = [{"campaign_id": campaign_id, "key": key, "street": a.street, "house_number": a.number.text,
            "zip": a.zip, "city": a.city[:100]} for key, a in placed.items() if key not in found]
    if new:  # DO NOTHING: an import and a backfill running at once make the same building
        db.session.execute(upsert(Building.__table__)
                           .on_conflict_do_nothing(index_elements=["campaign_id", "key"]), new)
    if new:
        found |= _building_ids(campaign_id, [row["key"] for row in new])
    return found


def _building_ids(campaign_id: int, keys: list[str]) -> dict[str, int]:
    found = {}
    for chunk in _chunks(keys):
        found.update(db.session.execute(select(Building.key, Building.id).where(
            Building.campaign_id == campaign_id, Building.key.in_(chunk))).all())
    return found


def _place(buildings: dict[str, int], rows, addresses) -> None:
    """Where the voter file gives coordinates, they become the building's (the mean of its voters')."""
    if not _COORDINATES:
        return
    points: dict[int, list[tuple[float, float]]] = {}
    for row in rows:
        latitude, longitude = row[-2], row[-1]
        if addresses[row.id] is not None and latitude is not None and longitude is not None:
            points.setdefault(buildings[addresses[row.id].building_key], []).append((latitude, longitude))
    set_coordinates(points)


def set_coordinates(points: dict[int, list[tuple[float, float]]]) -> None:
    """Give each building (by id) the mean of the points given for it."""
    values = [{"building": building, "lat": sum(p[0] for p in ps) / len(ps), "lon": sum(p[1] for p in ps) / len(ps)}
              for building, ps in points.items()]
    if values:
        table = Building.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("building"))
                           .values(latitude=bindparam("lat"), longitude=bindparam("lon")), values)


def _households(campaign_id: int, buildings: dict[str, int], addresses) -> dict[tuple[int, str], int]:
    """{(building id, unit): household id}, making the households not seen before."""
    wanted = {(buildings[a.building_key], a.unit): a.unit_label for a in addresses if a is not None}
    found = _household_ids(sorted({building for building, _ in wanted}))
    new = [{"campaign_id": campaign_id, "building_id": building, "unit": unit, "unit_label": label,
            "public_id": uuid.uuid4()}
           for (building, unit), label in wanted.items() if (building, unit) not in found]
    if new:
        db.session.execute(upsert(Household.__table__)
                           .on_conflict_do_nothing(index_elements=["building_id", "unit"]), new)
    if new:
        found |= _household_ids(sorted({row["building_id"] for row in new}))
    return found


def _household_ids(building_ids: list[int]) -> dict[tuple[int, str], int]:
    found = {}
    for chunk in _chunks(building_ids):
        found.update({(building, unit): household for household, building, unit in db.session.execute(
            select(Household.id, Household.building_id, Household.unit).where(Household.building_id.in_(chunk)))})
    return found
