"""The tag build alone, against the machine's floor: how close building in ranges comes to every core's crypto rate.

First the floor, on one core of this process (CPU time, so other work on the machine does not lower it): ristretto255
scalar multiplications a second (libsodium alone) and whole tags a second (oprf.evaluate_many, as the build calls it:
hash to the group, the multiplication, the final hash: what a tag costs at the least). Then a campaign of
``--identifiers`` phone numbers in PostgreSQL has its tag table built from the same plan three ways: by the import's
own processes (build.work on every core, as an import does without Redis), by one RQ worker and by two (``flask kin
worker``, the jobs queued by build.start as an import with Redis queues them). For each: tags/s, the ratio against
tags/s per core x cores, the builders' and PostgreSQL's CPU, tags per CPU-second the builders got against the floor
and PostgreSQL's CPU a tag (which other work on the machine cannot skew), and the load average (which skews the
rates: read it). Then the two-worker speed-up. Targets: at least 85 % of rate per core x cores; two workers at least
1.8x one.

    python bench/tag_build.py [--identifiers 150000]
"""

import argparse
import ctypes
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching import Cores, postmaster_pid  # noqa: E402
from tests.server.sync.live import SECRET_KEY, redis_server, rq_worker  # noqa: E402

TARGET_SHARE_OF_FLOOR, TARGET_SPEED_UP = 0.85, 1.8
FLOOR_OPERATIONS = 4_000


def floor() -> tuple[float, float]:
    """(scalar multiplications, tags) a second on one core: the median of three timed rounds in CPU time."""
    from pysodium import sodium

    import oprf

    scalar = oprf.derive_key_pair(bytes(32), b"bench")
    elements = [oprf.blind(f"tel:+1919555{n:04d}".encode())[1] for n in range(FLOOR_OPERATIONS)]
    inputs = [f"tel:+1919555{n:04d}".encode() for n in range(FLOOR_OPERATIONS)]
    product, multiply = ctypes.create_string_buffer(oprf.ELEMENT_SIZE), sodium.crypto_scalarmult_ristretto255

    def rate(operation) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            operation()
            times.append(time.process_time() - start)
        return FLOOR_OPERATIONS / statistics.median(times)

    return (rate(lambda: [multiply(product, scalar, element) for element in elements]),
            rate(lambda: oprf.evaluate_many(scalar, inputs)))


def seed(identifiers: int) -> int:
    """A campaign with that many voters, one phone each, and its first key's build planned; its id."""
    from sqlalchemy import String, cast, func, insert, literal, select

    from server.campaigns.models import Campaign
    from server.campaigns.service import create_campaign
    from server.extensions import db
    from server.matching import build
    from server.voters.models import Voter, VoterIdentifier

    campaign = create_campaign(name="Bench", phone_region="US")
    db.session.commit()
    for start in range(0, identifiers, 50_000):
        db.session.execute(insert(Voter), [
            {"campaign_id": campaign.id, "external_id": str(n), "first_name": "Voter", "last_name": str(n),
             "search_name": f"voter {n}"} for n in range(start, min(identifiers, start + 50_000))])
    db.session.execute(insert(VoterIdentifier).from_select(
        ["campaign_id", "voter_id", "kind", "value"],
        select(Voter.campaign_id, Voter.id, literal("phone"), "+1919" + func.lpad(cast(Voter.id, String), 7, "0"))
        .where(Voter.campaign_id == campaign.id)))
    db.session.commit()
    build.plan_all(db.session.get(Campaign, campaign.id))
    return campaign.id


def replan(campaign_id: int) -> None:
    """Delete the campaign's tags and plan its whole table again, as a rotation would plan it."""
    from sqlalchemy import delete

    from server.extensions import db
    from server.matching import build
    from server.matching.keys import campaign_keys
    from server.matching.models import MatchTag, TagRange

    keys = campaign_keys(campaign_id)
    db.session.execute(delete(TagRange).where(TagRange.key_id.in_([key.id for key in keys])))
    db.session.execute(delete(MatchTag).where(MatchTag.key_id.in_([key.id for key in keys])))
    for key in keys:
        build.plan(key)
    db.session.commit()


def open_ranges(campaign_id: int) -> int:
    from sqlalchemy import func, select

    from server.extensions import db
    from server.matching.models import MatchKey, TagRange

    db.session.rollback()  # a fresh snapshot
    return db.session.execute(select(func.count()).select_from(TagRange).join(MatchKey)
                              .where(MatchKey.campaign_id == campaign_id)).scalar_one()


def in_processes(campaign_id: int, postmaster: int) -> dict:
    """The import's own processes: build.work with a pool of every core, as an import without Redis runs it."""
    from server.matching import build

    replan(campaign_id)
    load, cores, start = os.getloadavg()[0], Cores(postmaster), time.perf_counter()
    tags = build.work(campaign_id, processes=os.cpu_count() or 1)
    return {"tags": tags, "seconds": time.perf_counter() - start, **used(cores), "load": load}


def used(cores: Cores) -> dict:
    """The builders' CPU seconds (this script's process tree: its pool, or the RQ workers it started),
    PostgreSQL's, and the cores line."""
    end = cores.read()
    return {"cpu": end["bench"] - cores.start["bench"], "postgresql": end["PostgreSQL"] - cores.start["PostgreSQL"],
            "cores": cores.since_start()}


def by_rq_workers(app, campaign_id: int, postmaster: int, count: int, env: dict, folder: Path) -> dict:
    """``count`` RQ workers, started and listening first; then build.start queues the jobs, timed until the last
    range is done (polled: this is a bench, not a test)."""
    from redis import Redis
    from rq import Queue, Worker

    from server import jobs
    from server.extensions import db
    from server.matching import build
    from server.matching.models import MatchTag

    replan(campaign_id)
    connection = Redis.from_url(env["KIN_REDIS_URL"])
    with ExitStack() as stack:
        for n in range(count):
            stack.enter_context(rq_worker(env, folder / f"worker-{count}-{n}.log"))
        while Worker.count(connection=connection, queue=Queue(jobs.QUEUE, connection=connection)) < count:
            time.sleep(0.05)
        load, cores, start = os.getloadavg()[0], Cores(postmaster), time.perf_counter()
        app.config["REDIS_URL"] = env["KIN_REDIS_URL"]
        try:
            build.start(campaign_id)
        finally:
            app.config["REDIS_URL"] = None
        while open_ranges(campaign_id):
            time.sleep(0.2)  # seldom: the polling is this process's CPU, counted with the workers'
        seconds, cpu = time.perf_counter() - start, used(cores)
    from sqlalchemy import func, select

    tags = db.session.execute(select(func.count()).select_from(MatchTag)).scalar_one()
    return {"tags": tags, "seconds": seconds, **cpu, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identifiers", type=int, default=150_000)
    args = parser.parse_args()
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        print("tag_build: skipped (needs PostgreSQL: run through `make bench`)")
        return
    cpus = os.cpu_count() or 1
    multiplications, per_core = floor()
    print(f"tag build: {args.identifiers:,} identifiers, {cpus} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"  floor, one core: {multiplications:,.0f} ristretto255 scalar multiplications/s;"
          f" {per_core:,.0f} tags/s (oprf.evaluate_many: hash to the group, multiply, hash)")
    print(f"  the ceiling, rate per core x cores: {per_core * cpus:,.0f} tags/s")

    name = f"kin_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = admin.rsplit("/", 1)[0] + f"/{name}"
    uri = database_url.replace("postgresql://", "postgresql+psycopg://")

    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        folder = Path(instance)
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                          "SUPPRESSION_SEED": SECRET_KEY, "INSTANCE_PATH": instance})
        with app.app_context(), redis_server(folder) as redis_url:
            upgrade()
            postmaster = postmaster_pid(admin)
            start = time.perf_counter()
            campaign_id = seed(args.identifiers)
            print(f"  seeded in {time.perf_counter() - start:.1f} s")
            env = {**os.environ, "KIN_DATABASE_URL": database_url, "KIN_SECRET_KEY": SECRET_KEY,
                   "KIN_OPRF_SEED": SECRET_KEY, "KIN_SUPPRESSION_SEED": SECRET_KEY, "KIN_REDIS_URL": redis_url,
                   "KIN_INSTANCE_PATH": instance}
            runs = {"the import's processes": in_processes(campaign_id, postmaster),
                    "1 RQ worker": by_rq_workers(app, campaign_id, postmaster, 1, env, folder),
                    "2 RQ workers": by_rq_workers(app, campaign_id, postmaster, 2, env, folder)}
            db.session.remove()
            db.engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    rates = {}
    for label, run in runs.items():
        rate = rates[label] = run["tags"] / run["seconds"]
        ceiling = per_core * (1 if label == "1 RQ worker" else 2 if label == "2 RQ workers" else cpus)
        print(f"  {label}: {run['tags']:,} tags in {run['seconds']:.1f} s, {rate:,.0f} tags/s = {rate / ceiling:.0%}"
              f" of its cores' floor ({ceiling:,.0f}/s), {rate / (per_core * cpus):.0%} of the machine's;"
              f" load average {run['load']:.2f} at its start")
        print(f"    CPU in cores: {run['cores']}; per CPU-second the builders got, {run['tags'] / run['cpu']:,.0f}"
              f" tags = {run['tags'] / run['cpu'] / per_core:.0%} of the floor (what load cannot skew);"
              f" PostgreSQL's CPU, {run['postgresql'] / run['tags'] * 1e6:.1f} µs a tag")
    share = rates["the import's processes"] / (per_core * cpus)
    speed_up = rates["2 RQ workers"] / rates["1 RQ worker"]
    print(f"  the import's processes: {share:.0%} of rate per core x cores (target {TARGET_SHARE_OF_FLOOR:.0%}):"
          f" {'met' if share >= TARGET_SHARE_OF_FLOOR else 'NOT met'}")
    print(f"  2 RQ workers / 1: {speed_up:.2f}x (target {TARGET_SPEED_UP}x):"
          f" {'met' if speed_up >= TARGET_SPEED_UP else 'NOT met'}; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
