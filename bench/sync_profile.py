"""Where a push's server time goes: cProfile over pushes of batches of new conversations through the Flask test
client against PostgreSQL, split into the parts the push path is made of. It says what to make faster before
``bench/sync_load.py`` says how fast; the parts overlap where one calls another (the split names which).

    python bench/sync_profile.py [--volunteers 100] [--batch 20] [--pushes 200] [--warmup 100]

The pushes go round the volunteers, as in ``bench/sync_load.py``: how much each volunteer has logged already
matters (a push counts its volunteer's totals again).
"""

import argparse
import cProfile
import itertools
import os
import pstats
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.hlc import Stamp  # noqa: E402
from tests.server.sync.live import SECRET_KEY, seed  # noqa: E402

# (part, where: the end of the source file's path, function names); a part is the cumulative time of its functions
PARTS = (
    ("request in total", "flask/app.py", ("full_dispatch_request",)),
    ("auth: token and membership", "server/scoping.py", ("wrapper",)),  # less the view it wraps (UNDER)
    ("JSON in and out (Flask)", "flask/wrappers.py", ("get_json",)),
    ("JSON in and out (Flask)", "flask/json/provider.py", ("response",)),
    ("schemas (flask-smorest, marshmallow)", "marshmallow/schema.py", ("load", "dump")),
    ("parse the batch (sync/protocol.py)", "sync/protocol.py", ("parse_batch",)),
    ("load what the batch touches", "server/sync_api/service.py", ("__init__",)),
    ("decide (sync/decide.py)", "sync/decide.py", ("decide",)),
    ("write: ORM unit of work (flush)", "sqlalchemy/orm/session.py", ("flush",)),
    ("write: Core statements (store.py)", "server/sync_api/store.py", ("insert_records", "update_records",
                                                                       "insert_applied", "insert_history")),
    ("read models: conversations", "server/conversations/readmodel.py", ("follow", "number")),
    ("read models: dashboard rollup", "server/dashboard/rollup.py", ("before", "tallies", "prepare", "settle")),
    ("commit", "sqlalchemy/orm/session.py", ("commit",)),
)


# a part that is a decorator: its time less that of what it calls (flask-smorest's arguments decorator, the view)
UNDER = {"auth: token and membership": ("flask_smorest/arguments.py", ("wrapper",))}


def split(stats: pstats.Stats) -> dict[str, float]:
    """Seconds per part, from the profile's cumulative times."""
    seconds = dict.fromkeys((part for part, _, _ in PARTS), 0.0)
    for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for part, where, names in PARTS:
            if path.endswith(where) and name in names:
                seconds[part] += cumulative
        for part, (where, names) in UNDER.items():
            if path.endswith(where) and name in names:
                seconds[part] -= cumulative
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=100)
    parser.add_argument("--batch", type=int, default=20, help="ops per push")
    parser.add_argument("--pushes", type=int, default=200, help="pushes profiled")
    parser.add_argument("--warmup", type=int, default=100, help="pushes before the profile starts")
    parser.add_argument("--functions", type=int, default=0, help="also print the N functions with most own time")
    parser.add_argument("--save", metavar="FILE", help="also write the profile to FILE, for pstats or snakeviz")
    args = parser.parse_args()
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        print("sync profile: skipped (needs PostgreSQL: run through `make bench`)")
        return
    name = f"kin_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    uri = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"

    from flask_migrate import upgrade

    from server import create_app
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                          "SUPPRESSION_SEED": SECRET_KEY, "INSTANCE_PATH": instance})
        with app.app_context():
            upgrade()
        volunteers = seed(uri, Path(instance), campaigns=1, volunteers=args.volunteers, voters_per_campaign=2000)
        client, pick, turn = app.test_client(), random.Random(1), itertools.cycle(volunteers)
        device, wall = str(uuid.uuid4()), time.time_ns() // 1_000_000

        def push():
            nonlocal wall
            volunteer = next(turn)
            path = f"/api/campaigns/{volunteer.campaign_id}/sync/push"
            headers = {"Authorization": f"Bearer {volunteer.token}"}
            ops = []
            for _ in range(args.batch):
                wall += 1
                ops.append({"op_id": str(uuid.uuid4()), "entity": "conversation", "entity_id": str(uuid.uuid4()),
                            "action": "upsert", "hlc": Stamp(wall, 0, device).encode(),
                            "fields": {"voter_id": pick.choice(volunteer.voter_ids), "channel": "door",
                                       "happened_at": "2026-10-01T18:30:00-04:00", "support": 2,
                                       "notes": "Worried about rent; will vote early."}})
            response = client.post(path, headers=headers, json={"protocol": 1, "device_id": device, "ops": ops})
            if response.status_code != 200 or any(r["status"] != "applied" for r in response.json["results"]):
                raise RuntimeError(f"push answered {response.status_code}: {response.get_data(as_text=True)[:300]}")

        for _ in range(args.warmup):
            push()
        cpu = time.process_time()
        for _ in range(args.pushes):
            push()
        cpu = time.process_time() - cpu  # this process only: PostgreSQL's share is not in it
        profile = cProfile.Profile(time.process_time)  # CPU: waiting for PostgreSQL or for a core is not in it
        profile.enable()
        for _ in range(args.pushes):
            push()
        profile.disable()
    if args.save:
        profile.dump_stats(args.save)
    ops = args.pushes * args.batch
    print(f"sync profile: {args.pushes} pushes of {args.batch} new conversations by {args.volunteers} volunteers,"
          " PostgreSQL, test client;"
          f" load average {os.getloadavg()[0]:.2f}")
    print(f"  {cpu / ops * 1e6:8.0f} µs/op of Python CPU unprofiled; the split, profiled (its overhead included):")
    seconds = split(pstats.Stats(profile))
    total = seconds["request in total"] or 1
    for part, value in seconds.items():
        print(f"  {value / ops * 1e6:8.0f} µs/op  {value / total:6.1%}  {part}")
    if args.functions:
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.functions)


if __name__ == "__main__":
    main()
