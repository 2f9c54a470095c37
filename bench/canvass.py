"""Canvassing's server-side foundations: grouping voters into households, and ordering a turf's doors.

1. **Grouping** (pure): 1,000,000 synthetic voter addresses (fixed seed; street suffixes and directionals
   written several ways, 1 in 20 numbers like "12 1/2" or "12-B", a quarter in apartments, half the ZIPs with
   +4) normalised into household keys and grouped into buildings and households, in one process: rows/s.
2. **Assigning** (the database): ``households.assign`` over a campaign of ``--db-voters`` voters (default
   100,000), as ``flask kin voters households`` runs it, on SQLite and (under ``scripts/with-postgres.sh``) on
   PostgreSQL: rows/s.
3. **Walk order**: a 1,000-door turf (40 street sides of 25 doors, on a grid with coordinates; and the same turf
   without them), median of ``--rounds`` runs: ms.

    python bench/canvass.py [--voters 1000000] [--db-voters 100000] [--rounds 20]

No targets are set for these yet (the issue's turf targets are for the phone and for cutting turfs, which come
later); the load average is printed beside each number, since other work on the machine skews them.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.canvass.addresses import normalise  # noqa: E402
from server.canvass.walk import Door, walk_order  # noqa: E402

SEED = 20261206
NAMES = ["Oak", "Maple", "Pine", "Cedar", "Elm", "Walnut", "Hickory", "Dogwood", "Magnolia", "Willow", "Chestnut",
         "Poplar", "Birch", "Holly", "Laurel", "Sycamore", "Spruce", "Aspen", "Juniper", "Cypress"]
SUFFIXES = [("Street", "St", "ST."), ("Avenue", "Ave", "AV"), ("Road", "Rd", "RD"), ("Drive", "Dr", "DR."),
            ("Court", "Ct", "CRT"), ("Lane", "Ln", "LANE"), ("Boulevard", "Blvd", "BLVD")]
DIRECTIONS = [("", ""), ("North", "N"), ("South", "S"), ("West", "W"), ("East", "E")]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def addresses(count: int, seed: int = SEED):
    """(house number, street, unit, zip) rows; the same building is written several ways."""
    rng = random.Random(seed)
    streets = [(d, n, s, 27600 + rng.randrange(40)) for d in DIRECTIONS for n in NAMES for s in SUFFIXES]
    for _ in range(count):
        direction, name, suffix, zip5 = rng.choice(streets)
        number = rng.randrange(1, 400)
        odd = rng.random()
        house = f"{number} 1/2" if odd < 0.025 else f"{number}-B" if odd < 0.05 else str(number)
        street = " ".join(part for part in (rng.choice(direction), name, rng.choice(suffix)) if part)
        unit = rng.choice(("APT {}", "#{}", "Unit {}", "{}")).format(rng.randrange(1, 30)) if rng.random() < .25 else ""
        zip_code = f"{zip5}-{rng.randrange(10_000):04d}" if rng.random() < .5 else str(zip5)
        yield house, street, unit, zip_code


def bench_grouping(count: int) -> None:
    rows = list(addresses(count))
    started = time.perf_counter()
    buildings: dict[str, set[str]] = {}
    for house, street, unit, zip_code in rows:
        address = normalise(house, street, unit, zip_code)
        buildings.setdefault(address.building_key, set()).add(address.unit)
    seconds = time.perf_counter() - started
    homes = sum(len(units) for units in buildings.values())
    print(f"grouping: {count:,} voters into {homes:,} households in {len(buildings):,} buildings in {seconds:.1f} s: "
          f"{count / seconds:,.0f} rows/s ({load()})")


def bench_assign(backend: str, uri: str, count: int, folder: Path) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from server import create_app
    from server.campaigns.models import Campaign
    from server.canvass import households
    from server.columns import utcnow
    from server.extensions import db
    from server.voters.models import VOTER_FIELDS, Voter

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-secret-key-long-enough-for-hs256-x",
                      "OPRF_SEED": "bench-oprf-seed-long-enough-to-derive-keys", "INSTANCE_PATH": str(folder)})
    with app.app_context():
        upgrade()
        campaign = Campaign(name="Bench")
        db.session.add(campaign)
        db.session.flush()
        now = utcnow()
        blank = {name: "" for name in VOTER_FIELDS} | {"birth_year": None, "priority": False}
        rows = [blank | {"campaign_id": campaign.id, "external_id": f"b{n}", "public_id": uuid.uuid4(),
                         "search_name": "ana lopez", "active": True, "updated_at": now, "first_name": "Ana",
                         "last_name": "Lopez", "house_number": house, "street": street, "unit": unit, "zip": zip_code}
                for n, (house, street, unit, zip_code) in enumerate(addresses(count, SEED + 1))]
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Voter.__table__), rows[start:start + 10_000])
        db.session.commit()
        started = time.perf_counter()
        changed = households.assign(campaign.id)
        db.session.commit()
        seconds = time.perf_counter() - started
        print(f"assigning on {backend}: {changed:,} voters given households in {seconds:.1f} s: "
              f"{count / seconds:,.0f} rows/s ({load()})")
        started = time.perf_counter()
        households.assign(campaign.id)
        db.session.commit()
        again = time.perf_counter() - started
        print(f"assigning again on {backend} (nothing changes): {again:.1f} s: {count / again:,.0f} rows/s")
        db.session.remove()
        db.engine.dispose()


def turf(with_coordinates: bool) -> list[Door]:
    """40 street sides of 25 doors: 20 streets on a 150 m grid, shuffled."""
    rng = random.Random(SEED)
    degree = 1 / 111_000
    doors = []
    for s in range(20):
        east_west = s % 2 == 0
        for n in range(1, 51):
            along, across = n * 6 * degree, (s // 2) * 150 * degree + (n % 2) * 12 * degree
            lat, lon = (35.78 + across, -78.64 + along) if east_west else (35.78 + along, -78.64 + across)
            doors.append(Door(f"{s}-{n}", f"S{s:02d} ST", str(n), *((lat, lon) if with_coordinates else (None, None))))
    rng.shuffle(doors)
    return doors


def bench_walk(rounds: int) -> None:
    for with_coordinates in (True, False):
        doors = turf(with_coordinates)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            walk_order(doors)
            times.append((time.perf_counter() - started) * 1000)
        kind = "with coordinates (chain + 2-opt)" if with_coordinates else "without coordinates (street order)"
        print(f"walk order, {len(doors):,} doors {kind}: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms over {rounds} runs ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument("--db-voters", type=int, default=100_000, help="0 skips the database runs")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(load())
    bench_walk(args.rounds)
    bench_grouping(args.voters)
    if args.db_voters:
        with tempfile.TemporaryDirectory() as folder:
            bench_assign("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.db_voters, Path(folder))
            if os.environ.get("KIN_TEST_POSTGRES_URL"):
                from tests.conftest import empty_database_uri
                bench_assign("postgresql", empty_database_uri("postgresql", Path(folder)), args.db_voters,
                             Path(folder))
            else:
                print("PostgreSQL skipped: run under scripts/with-postgres.sh to time it too")


if __name__ == "__main__":
    main()
