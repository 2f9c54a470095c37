"""Give voters the household of their address: the voter import for the voters in its file, and
``flask kin voters households`` for a whole campaign (voters imported before households existed).

Buildings and households are found by key (``addresses.normalise``), never made twice, and never deleted, so a
re-import that lists the same addresses lands every voter in the same household, with the same public id.

The import's reader normalises each address as it stages the row (``staged_voter``'s household columns); the
apply step then makes the file's missing buildings and households in one statement each (``add_staged``) and
sets every voter's household in the voter upsert itself (``staged_households``), so no voter row is written
twice. The command normalises batches of existing voters into a temporary table and points them at their
households with a few set statements per batch (``assign``).
"""

import uuid
from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Float,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    select,
    text,
    tuple_,
    update,
)

from server.canvass.addresses import normalise
from server.canvass.models import Building, Household
from server.extensions import bulk_insert, db, upsert
from server.voters.models import Voter

BATCH = 20_000

# one row per voter of the batch, with its normalised address; a temporary table, outside the schema's metadata
# (Alembic never sees it). PostgreSQL drops it at commit: behind a transaction pooler the server connection is
# someone else's after that (docs/operations.md, section 11). SQLite keeps it with the connection, emptied before
# each use
_staging = Table(
    "household_staging", MetaData(),
    Column("voter_id", Integer, primary_key=True),
    Column("key", String(400)),  # the building's key; None: no street
    Column("street", String(200)), Column("house_number", String(40)), Column("zip", String(5)),
    Column("city", String(100)), Column("unit", String(60)), Column("unit_label", String(60)),
    Column("new_building", Boolean), Column("new_household", Boolean),  # the first row of each, in this batch
    Column("public_id", Uuid),  # for the household, if it is new
    Column("latitude", Float), Column("longitude", Float),
    prefixes=["TEMPORARY"], postgresql_on_commit="DROP",
)


def assign(campaign_id: int, where: ColumnElement[bool] | None = None,
           progress: Callable[[int], None] | None = None) -> int:
    """Set ``household_id`` of the campaign's voters (those ``where`` selects, or all), batch by batch in the
    current transaction; the caller commits. Returns how many voters changed household. A voter without a street
    has none. ``progress`` hears how many voters each batch read."""
    connection = db.session.connection()
    _staging.create(connection, checkfirst=True)  # a failed transaction rolls its creation back with it
    db.session.execute(delete(_staging))
    changed, after = 0, 0
    query = select(Voter.id, Voter.house_number, Voter.street, Voter.unit, Voter.zip, Voter.city,
                   Voter.latitude, Voter.longitude).where(Voter.campaign_id == campaign_id)
    if where is not None:
        query = query.where(where)
    while rows := db.session.execute(query.where(Voter.id > after).order_by(Voter.id).limit(BATCH)).all():
        after = rows[-1].id
        _stage(rows)
        changed += _apply(campaign_id)
        db.session.execute(delete(_staging))
        if progress:
            progress(len(rows))
    _staging.drop(connection)
    return changed


def _stage(rows) -> None:
    hex_ids = db.session.connection().dialect.name == "sqlite"  # how SQLite stores a Uuid column: 32 hex digits
    staged, buildings, homes = [], set(), set()
    for row in rows:
        address = normalise(row.house_number, row.street, row.unit, row.zip, row.city)
        if address is None:
            staged.append((row.id, None, None, None, None, None, None, None, False, False, None, None, None))
            continue
        key, home = address.building_key, (address.building_key, address.unit)
        new_building, new_household = key not in buildings, home not in homes
        buildings.add(key)
        homes.add(home)
        public_id = None
        if new_household:
            public_id = uuid.uuid4().hex if hex_ids else uuid.uuid4()
        placed = row.latitude is not None and row.longitude is not None
        staged.append((row.id, key, address.street, address.number.text, address.zip, address.city[:100],
                       address.unit, address.unit_label, new_building, new_household, public_id,
                       row.latitude if placed else None, row.longitude if placed else None))
    bulk_insert(_staging, tuple(column.name for column in _staging.columns), staged)


def _apply(campaign_id: int) -> int:
    """Make the staged batch's missing buildings and households, place buildings the voter file gives
    coordinates for, and point each voter at their household; returns how many voters changed household."""
    s, building, household, voter = _staging.c, Building.__table__, Household.__table__, Voter.__table__
    # the WHERE keeps SQLite from reading ON CONFLICT as part of the SELECT
    db.session.execute(upsert(building).from_select(
        ["campaign_id", "key", "street", "house_number", "zip", "city"],
        select(literal(campaign_id), s.key, s.street, s.house_number, s.zip, s.city).where(s.new_building.is_(True)),
    ).on_conflict_do_nothing(index_elements=["campaign_id", "key"]))
    same_building = and_(building.c.campaign_id == campaign_id, building.c.key == s.key)
    db.session.execute(upsert(household).from_select(
        ["campaign_id", "building_id", "unit", "unit_label", "public_id"],
        select(literal(campaign_id), building.c.id, s.unit, s.unit_label, s.public_id)
        .join_from(_staging, building, same_building).where(s.new_household.is_(True)),
    ).on_conflict_do_nothing(index_elements=["building_id", "unit"]))
    _place_from_voters(campaign_id)
    resolved = (select(s.voter_id, household.c.id.label("household_id"))
                .join_from(_staging, building, same_building)
                .join(household, and_(household.c.building_id == building.c.id, household.c.unit == s.unit))
                .subquery())
    moved = db.session.execute(update(voter).where(
        voter.c.id == resolved.c.voter_id, voter.c.household_id.is_distinct_from(resolved.c.household_id),
    ).values(household_id=resolved.c.household_id)).rowcount
    unplaced = select(s.voter_id).where(s.key.is_(None))
    moved += db.session.execute(update(voter).where(
        voter.c.id.in_(unplaced), voter.c.household_id.is_not(None)).values(household_id=None)).rowcount
    return moved


def _place_from_voters(campaign_id: int) -> None:
    """Where the voter file gives coordinates, they become the building's (the mean of its voters')."""
    s, building = _staging.c, Building.__table__
    points = (select(s.key, func.avg(s.latitude).label("latitude"), func.avg(s.longitude).label("longitude"))
              .where(s.latitude.is_not(None), s.longitude.is_not(None)).group_by(s.key).subquery())
    db.session.execute(update(building).where(building.c.campaign_id == campaign_id, building.c.key == points.c.key)
                       .values(latitude=points.c.latitude, longitude=points.c.longitude))


def set_coordinates(points: dict[int, list[tuple[float, float]]]) -> None:
    """Give each building (by id) the mean of the points given for it."""
    values = [{"building": building, "lat": sum(p[0] for p in ps) / len(ps), "lon": sum(p[1] for p in ps) / len(ps)}
              for building, ps in points.items()]
    if values:
        table = Building.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("building"))
                           .values(latitude=bindparam("lat"), longitude=bindparam("lon")), values)


def add_staged(campaign_id: int, staged: Table, where: ColumnElement[bool]) -> None:
    """Make the buildings and households the staged rows (``where``) name that the campaign lacks, and place the
    buildings the file gives coordinates for (the mean of its voters'): three set statements for the whole file."""
    s, building, household = staged.c, Building.__table__, Household.__table__
    rows = and_(where, s.building_key.is_not(None))
    postgresql = db.session.connection().dialect.name == "postgresql"
    if postgresql:  # a file's worth of keys sorts and hashes in memory, not in temporary files (this transaction)
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
    db.session.execute(upsert(building).from_select(
        ["campaign_id", "key", "street", "house_number", "zip", "city"],
        select(literal(campaign_id), s.building_key, func.min(s.building_street), func.min(s.building_number),
               func.min(s.building_zip), func.min(s.building_city))
        .where(rows, ~exists().where(building.c.campaign_id == campaign_id, building.c.key == s.building_key))
        .group_by(s.building_key),
    ).on_conflict_do_nothing(index_elements=["campaign_id", "key"]))
    same_building = and_(building.c.campaign_id == campaign_id, building.c.key == s.building_key)
    db.session.execute(upsert(household).from_select(
        ["campaign_id", "building_id", "unit", "unit_label", "public_id"],
        # the smallest of the rows' fresh ids: any one of them, the same on both databases
        select(literal(campaign_id), building.c.id, s.unit_key, func.min(s.unit_label),
               cast(func.min(s.household_public_id), Uuid))
        .join_from(staged, building, same_building)
        .where(rows, ~exists().where(household.c.building_id == building.c.id, household.c.unit == s.unit_key))
        .group_by(building.c.id, s.unit_key),
    ).on_conflict_do_nothing(index_elements=["building_id", "unit"]))
    if postgresql:  # the voter upsert joins the new rows: without statistics it plans for empty tables
        db.session.execute(text("ANALYZE building, household"))
    points = (select(s.building_key.label("key"), func.avg(s.latitude).label("latitude"),
                     func.avg(s.longitude).label("longitude"))
              .where(rows, s.latitude.is_not(None), s.longitude.is_not(None)).group_by(s.building_key).subquery())
    db.session.execute(update(building).where(
        building.c.campaign_id == campaign_id, building.c.key == points.c.key,
        # an unchanged point is not rewritten
        tuple_(building.c.latitude, building.c.longitude).is_distinct_from(
            tuple_(points.c.latitude, points.c.longitude)),
    ).values(latitude=points.c.latitude, longitude=points.c.longitude))


def staged_households(campaign_id: int, staged: Table) -> tuple[FromClause, ColumnElement]:
    """The staged rows joined to their households (made by ``add_staged``), and the household id column (None
    for a row without a street), for the voter upsert's SELECT."""
    s, building, household = staged.c, Building.__table__, Household.__table__
    joined = (staged.outerjoin(building, and_(building.c.campaign_id == campaign_id, building.c.key == s.building_key))
              .outerjoin(household, and_(household.c.building_id == building.c.id, household.c.unit == s.unit_key)))
    return joined, household.c.id
