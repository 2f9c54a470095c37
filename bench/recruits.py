"""The recruitment tree the console's Volunteers screen reads (``GET /api/campaigns/<id>/recruits``).

A campaign of ``--members`` members (default 5,000: each after the first hundred recruited by an earlier one, one
in three), ``--visits`` door visits (default 200,000, one in 20 inviting someone) spread over them, and a second
campaign of the same size beside it. Prints the request's median and p95 over ``--rounds`` requests through the app
with a bearer token (ms), the answer's size (kB) and the plan of its invitations count, on SQLite and (under
``scripts/with-postgres.sh``) PostgreSQL, with the load average.

    python bench/recruits.py [--members 5000] [--visits 200000] [--rounds 20]
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 13
CHUNK = 5_000


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.95) - 1)]


def _campaign(db, members: int, visits: int, rng: random.Random) -> tuple[int, int]:
    """One campaign's members, recruits and door visits, written in bulk; (campaign id, an organizer's user id)."""
    from sqlalchemy import insert, select

    from server.auth.models import User
    from server.campaigns.models import Campaign, Membership, Role
    from server.canvass.models import Building, DoorVisit, Household
    from server.sync_api.models import SyncRecord

    campaign = Campaign(name="Bench")
    db.session.add(campaign)
    db.session.flush()
    tag = uuid.uuid4().hex[:8]
    db.session.execute(insert(User), [{"email": f"m{n}-{tag}@example.org", "password_hash": "x",
                                       "display_name": f"Member {n}", "language": "en"} for n in range(members)])
    users = db.session.execute(select(User.id).where(User.email.like(f"%-{tag}@example.org"))
                               .order_by(User.id)).scalars().all()
    ids = []
    for n, user_id in enumerate(users):  # one by one: each recruiter must have an id before their recruits
        recruiter = rng.choice(ids) if n >= 100 and rng.random() < 1 / 3 else None
        member = Membership(campaign_id=campaign.id, user_id=user_id, recruited_by_id=recruiter,
                            role=Role.ORGANIZER if n == 0 else Role.VOLUNTEER)
        db.session.add(member)
        db.session.flush()
        ids.append(member.id)
    building = Building(campaign_id=campaign.id, key=f"bench|{tag}", street="OAK ST", house_number="1", zip="27601")
    db.session.add(building)
    db.session.flush()
    household = Household(campaign_id=campaign.id, building_id=building.id, unit="", unit_label="")
    db.session.add(household)
    db.session.flush()
    when = datetime(2026, 10, 1, tzinfo=UTC)
    for start in range(0, visits, CHUNK):
        rows = []
        for n in range(start, min(visits, start + CHUNK)):
            invited = rng.random() < 0.05
            values = {"household_id": str(household.public_id), "result": "talked",
                      "happened_at": when.isoformat(), **({"agreed_to": ["invited"]} if invited else {})}
            rows.append({"campaign_id": campaign.id, "entity": "door_visit", "entity_id": uuid.uuid4(),
                         "owner_id": rng.choice(users), "values": values, "stamps": {}, "version": 1, "seq": n + 1,
                         "deleted": False})
        records = db.session.execute(insert(SyncRecord).returning(SyncRecord.id, SyncRecord.entity_id,
                                                                  SyncRecord.owner_id, SyncRecord.values),
                                     rows).all()
        db.session.execute(insert(DoorVisit), [
            {"campaign_id": campaign.id, "id": entity_id, "record_id": record_id, "volunteer_id": owner_id,
             "household_id": household.id, "result": "talked", "happened_at": when, "deleted": False,
             "invited": "invited" in values.get("agreed_to", ())}
            for record_id, entity_id, owner_id, values in records])
    db.session.commit()
    return campaign.id, users[0]


def _plan(db, campaign_id: int) -> str:
    """How the database counts invitations per volunteer: it should read ix_door_visit_invited, not every visit."""
    from sqlalchemy import false, func, select, text, true

    from server.canvass.models import DoorVisit

    stmt = (select(DoorVisit.volunteer_id, func.count()).where(
        DoorVisit.campaign_id == campaign_id, DoorVisit.invited == true(), DoorVisit.deleted == false())
        .group_by(DoorVisit.volunteer_id))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    rows = db.session.execute(text(f"EXPLAIN {'QUERY PLAN ' if db.engine.dialect.name == 'sqlite' else ''}{sql}"))
    return " | ".join(str(row[-1]).strip() for row in rows)


def bench(backend: str, uri: str, members: int, visits: int, rounds: int, folder: Path) -> None:
    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench-secret-key-long-enough-for-hs256-x",
                      "OPRF_SEED": "bench-oprf-seed-long-enough-to-derive-keys", "INSTANCE_PATH": str(folder),
                      "SUPPRESSION_SEED": "bench-oprf-seed-long-enough-to-derive-keys"})
    rng = random.Random(SEED)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        campaign_id, organizer = _campaign(db, members, visits, rng)
        _campaign(db, members, visits, rng)  # a neighbour the queries must not read
        made = time.perf_counter() - started
        headers = {"Authorization": f"Bearer {create_access_token(identity=str(organizer))}"}
    client = app.test_client()
    url = f"/api/campaigns/{campaign_id}/recruits"
    assert client.get(url, headers=headers).status_code == 200  # warm
    times, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        size = len(response.data)
    with app.app_context():
        print(f"{backend}: plan of the invitations count: {_plan(db, campaign_id)}")
    print(f"{backend}: recruitment tree of {members:,} members and {visits:,} door visits (two campaigns of that, "
          f"made in {made:.1f} s): median {statistics.median(times):.0f} ms, p95 {_p95(times):.0f} ms, "
          f"{size / 1000:.0f} kB; {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(load())
    with tempfile.TemporaryDirectory() as folder:
        bench("sqlite", f"sqlite:///{folder}/recruits.sqlite3", args.members, args.visits, args.rounds, Path(folder))
        if os.environ.get("KIN_TEST_POSTGRES_URL"):
            from tests.conftest import empty_database_uri
            bench("postgresql", empty_database_uri("postgresql", Path(folder)), args.members, args.visits,
                  args.rounds, Path(folder))
        else:
            print("PostgreSQL skipped: run under scripts/with-postgres.sh to time it too")


if __name__ == "__main__":
    main()
