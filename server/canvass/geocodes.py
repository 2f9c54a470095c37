"""Coordinates from a geocoder's CSV: each voter's external id with a latitude and longitude.

Two shapes are read (docs/canvassing.md says how to make either):
- a CSV with a header naming an id column (``external_id``, ``voter_id``, ``id``, ``vanid``, ``unique id``), a
  latitude column (``latitude``, ``lat``, ``y``) and a longitude column (``longitude``, ``lon``, ``lng``, ``x``);
- the Census Bureau batch geocoder's ``GeocodeResults.csv``, which has no header: id, input address, ``Match`` /
  ``No_Match`` / ``Tie``, match type, matched address, ``"longitude,latitude"``, TIGER line id, side (and four
  more columns from its "geographies" form). Rows it did not match are counted, not reported as problems.

The file is read whole and checked before anything changes: any bad row, and nothing is applied.
"""

import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update

from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter

ID_COLUMNS = ("external_id", "voter_id", "id", "vanid", "unique_id", "unique id")
LATITUDE_COLUMNS = ("latitude", "lat", "y")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng", "long", "x")
CENSUS_MATCH = ("Match", "No_Match", "Tie")
MAX_PROBLEMS = 1000  # a wrong file has a problem on every line: keep the first ones, count the rest


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass
class Geocodes:
    """What a file says: {external id: (latitude, longitude, line)}, its problems, rows the geocoder could not
    match, and how many problems were past the first ``MAX_PROBLEMS``."""

    points: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unmatched: int = 0
    more_problems: int = 0
    shape: str = ""

    def problem(self, line: int, field_name: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(line, field_name, reason))
        else:
            self.more_problems += 1


def _degrees(text: str, limit: float) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cleaned = [name.strip().lower().replace("-", "_") for name in header]
    return next((cleaned.index(name) for name in names if name in cleaned), None)


def read(lines: Iterable[str], progress: Callable[[str], None] | None = None) -> Geocodes:
    """Parse and check every row (no database): ``progress`` hears each line read."""
    result = Geocodes()
    rows = csv.reader(_counted(lines, progress))
    first = next(rows, None)
    if first is None:
        result.problem(1, "file", "The file is empty.")
        return result
    columns = [_column(first, names) for names in (ID_COLUMNS, LATITUDE_COLUMNS, LONGITUDE_COLUMNS)]
    if None not in columns:
        result.shape = "columns"
        body = rows
    elif len(first) >= 3 and first[2].strip() in CENSUS_MATCH:
        result.shape = "census"
        body = _chain([first], rows)
    else:
        missing = [kind for kind, at in zip(("an id", "a latitude", "a longitude"), columns, strict=True) if at is None]
        result.problem(1, "header", f"No {', '.join(missing)} column, and not the Census geocoder's output "
                       "(its third column is Match, No_Match or Tie).")
        return result
    start = 2 if result.shape == "columns" else 1
    for line, row in enumerate(body, start=start):
        if not any(cell.strip() for cell in row):
            continue
        if result.shape == "census":
            _census_row(result, line, row)
        else:
            _columns_row(result, line, row, *columns)
    return result


def _counted(lines, progress):
    for text in lines:
        if progress:
            progress(text)
        yield text


def _chain(*parts):
    for part in parts:
        yield from part


def _add(result: Geocodes, line: int, external_id: str, latitude: float, longitude: float) -> None:
    earlier = result.points.get(external_id)
    if earlier is not None and earlier[:2] != (latitude, longitude):
        result.problem(line, "id", f"{external_id!r} is on line {earlier[2]} too, with other coordinates.")
    elif earlier is None:
        result.points[external_id] = (latitude, longitude, line)


def _columns_row(result: Geocodes, line: int, row: list[str], id_at: int, lat_at: int, lon_at: int) -> None:
    if len(row) <= max(id_at, lat_at, lon_at):
        result.problem(line, "row", f"{len(row)} columns; the header has more.")
        return
    external_id = row[id_at].strip()
    latitude, longitude = _degrees(row[lat_at], 90), _degrees(row[lon_at], 180)
    if not external_id:
        result.problem(line, "id", "Empty.")
    if latitude is None:
        result.problem(line, "latitude", f"{row[lat_at].strip()!r} is not a latitude (-90 to 90 degrees).")
    if longitude is None:
        result.problem(line, "longitude", f"{row[lon_at].strip()!r} is not a longitude (-180 to 180 degrees).")
    if external_id and latitude is not None and longitude is not None:
        _add(result, line, external_id, latitude, longitude)


def _census_row(result: Geocodes, line: int, row: list[str]) -> None:
    status = row[2].strip() if len(row) > 2 else ""
    if status not in CENSUS_MATCH:
        result.problem(line, "match", f"{status!r} is not Match, No_Match or Tie.")
        return
    if status != "Match":
        result.unmatched += 1
        return
    external_id = row[0].strip()
    parts = row[5].split(",") if len(row) > 5 else []
    longitude = _degrees(parts[0], 180) if len(parts) == 2 else None
    latitude = _degrees(parts[1], 90) if len(parts) == 2 else None
    if not external_id:
        result.problem(line, "id", "Empty.")
    if latitude is None or longitude is None:
        shown = row[5] if len(row) > 5 else ""
        result.problem(line, "coordinates", f"{shown!r} is not \"longitude,latitude\".")
    elif external_id:
        _add(result, line, external_id, latitude, longitude)


def unknown_ids(campaign_id: int, geocodes: Geocodes) -> None:
    """Report, as problems of their lines, ids that name no voter of the campaign."""
    known = set(_voters(campaign_id, list(geocodes.points)))
    for external_id, (_lat, _lon, line) in sorted(geocodes.points.items(), key=lambda item: item[1][2]):
        if external_id not in known:
            geocodes.problem(line, "id", f"No voter with id {external_id!r} in this campaign.")


def _voters(campaign_id: int, external_ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """{external id: (voter id, household id)}."""
    found = {}
    for start in range(0, len(external_ids), 10_000):
        rows = db.session.execute(select(Voter.external_id, Voter.id, Voter.household_id).where(
            Voter.campaign_id == campaign_id, Voter.external_id.in_(external_ids[start:start + 10_000])))
        found.update({external_id: (voter_id, household_id) for external_id, voter_id, household_id in rows})
    return found


def apply(campaign_id: int, geocodes: Geocodes) -> int:
    """Give each voter the coordinates, and each voter's building the mean of its voters', in the current
    transaction; the caller commits. Voters not yet in a
    household are given theirs first. Returns how many buildings were placed."""
    households.assign(campaign_id, Voter.household_id.is_(None))  # voters imported before households existed
    voters = _voters(campaign_id, list(geocodes.points))
    household_ids = sorted({h for _, h in voters.values() if h is not None})
    building_of = {}
    for start in range(0, len(household_ids), 10_000):
        building_of.update(db.session.execute(select(Household.id, Household.building_id).where(
            Household.campaign_id == campaign_id, Household.id.in_(household_ids[start:start + 10_000]))).all())
    points: dict[int, list[tuple[float, float]]] = {}
    for external_id, (_voter, household_id) in voters.items():
        if household_id is not None:
            points.setdefault(building_of[household_id], []).append(geocodes.points[external_id][:2])
    households.set_coordinates(points)
    if voters:
        db.session.execute(update(Voter.__table__).where(Voter.__table__.c.id == bindparam("voter"))
                           .values(latitude=bindparam("lat"), longitude=bindparam("lon")),
                           [{"voter": voter_id, "lat": geocodes.points[external_id][0],
                             "lon": geocodes.points[external_id][1]}
                            for external_id, (voter_id, _) in voters.items()])
    return len(points)
