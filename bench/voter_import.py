"""Voter-file import speed and memory, on SQLite and (under `make bench`) PostgreSQL.

Generates a synthetic North Carolina `ncvoter` file (Faker pools, fixed seed), then imports it in a fresh
process per database, so each peak RSS is the import's own. Targets on 2 cores: 1M rows in at most 60 s on
PostgreSQL and 120 s on SQLite, peak RSS at most 300 MB at any size.

    python bench/voter_import.py [--rows 1000000] [--only sqlite|postgresql]
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"
# the columns of the NC SBOE ncvoter layout that Kin reads, in the order of the state's file
NC_COLUMNS = (
    "county_id", "county_desc", "voter_reg_num", "ncid", "last_name", "first_name", "middle_name", "name_suffix_lbl",
    "status_cd", "voter_status_desc", "res_street_address", "res_city_desc", "state_cd", "zip_code",
    "full_phone_number", "party_cd", "birth_year", "precinct_abbrv", "cong_dist_abbrv", "nc_senate_abbrv",
    "nc_house_abbrv",
)


def generate(rows: int, path: Path) -> None:
    """Write the file row by row from pools that Faker fills once (Faker per row would dominate the run)."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    firsts = [fake.first_name().upper() for _ in range(3000)]
    lasts = [fake.last_name().upper() for _ in range(5000)]
    streets = [fake.street_name().upper() for _ in range(4000)]
    cities = [fake.city().upper() for _ in range(300)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(NC_COLUMNS) + "\r\n")
        for n in range(rows):
            area = rng.choice(("919", "984", "336", "704", "910"))
            phone = f"{area}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            values = (
                str(rng.randint(1, 100)), "DURHAM", str(n), f"BN{n:07d}", rng.choice(lasts), rng.choice(firsts),
                rng.choice(firsts), "", "A", "ACTIVE", f"{rng.randint(1, 9999)} {rng.choice(streets)}",
                rng.choice(cities), "NC", f"27{rng.randint(100, 999)}",
                phone if rng.random() < 0.7 else ("12345" if rng.random() < 0.02 else ""),
                rng.choice(("DEM", "REP", "UNA", "LIB")), str(rng.randint(1930, 2007)), f"{rng.randint(1, 60):02d}",
                str(rng.randint(1, 14)), str(rng.randint(1, 50)), str(rng.randint(1, 120)),
            )
            out.write("\t".join(values) + "\r\n")


def tree_rss_mb(root: int) -> float:
    """Memory of a process and all its descendants (the file is read in a child process), as proportional set
    size, so pages the forked reader shares with its parent count once."""
    parents, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                rollup = (entry / "smaps_rollup").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            rss[int(entry.name)] = next((int(line.split()[1]) for line in rollup.splitlines()
                                         if line.startswith("Pss:")), 0)
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree) / 1024


class PeakSampler(threading.Thread):
    """Samples the process tree's memory ten times a second; ``peak`` is the most it saw."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, tree_rss_mb(os.getpid()))
            time.sleep(0.1)


def import_once(path: Path, database_uri: str) -> dict:
    """Import into a fresh database in this process; the parent reads the JSON line it prints."""
    from flask_migrate import upgrade

    from server import create_app
    from server.campaigns.service import create_campaign
    from server.canvass import households
    from server.extensions import db
    from server.voters import importer

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
                          "OPRF_SEED": "bench-oprf-seed-long-enough", "INSTANCE_PATH": instance,
                          "SUPPRESSION_SEED": "bench-oprf-seed-long-enough",
                          "SQLALCHEMY_DATABASE_URI": database_uri})
        with app.app_context():
            upgrade()
            campaign = create_campaign(name="Bench", phone_region="US")
            db.session.commit()
            upload = Path(instance) / "upload.tsv"  # the import deletes its upload when done
            shutil.copyfile(path, upload)
            tagged = []  # (tags, seconds): the matching tag table, built once the voters are committed
            build = importer.build.start

            def timed(*args):
                start = time.perf_counter()
                tagged.append((build(*args), time.perf_counter() - start))
                return tagged[-1][0]

            importer.build.start = timed
            add_staged, grouped = households.add_staged, []  # seconds making the file's buildings and households

            def timed_households(*args, **kwargs):
                start = time.perf_counter()
                add_staged(*args, **kwargs)
                grouped.append(time.perf_counter() - start)

            households.add_staged = timed_households
            sampler = PeakSampler()
            sampler.start()
            start = time.perf_counter()
            job = importer.run_import(importer.create_import(campaign.id, upload, path.name, "nc").id)
            seconds = time.perf_counter() - start
            importer.build.start = build
            households.add_staged = add_staged
            sampler.running = False
            sampler.join()
            return {"status": job.status.value, "message": job.message, "rows": job.rows_read,
                    "rejected": job.rows_rejected, "seconds": seconds,
                    "tags": tagged[0][0] if tagged else 0, "tag_seconds": tagged[0][1] if tagged else 0.0,
                    "household_seconds": sum(grouped),
                    "peak_rss_mb": max(sampler.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def database_for(name: str, folder: Path) -> str | None:
    if name == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        return None
    import psycopg

    database = f"kin_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--import-into", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_into:
        print(json.dumps(import_once(Path(args.file), args.import_into)))
        return

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"ncvoter_{args.rows}.tsv"
    if not path.exists():
        start = time.perf_counter()
        generate(args.rows, path)
        megabytes, seconds = path.stat().st_size / 1e6, time.perf_counter() - start
        print(f"generated {args.rows:,} rows ({megabytes:.0f} MB) in {seconds:.1f} s")
    print(f"voter import, NC layout, {args.rows:,} rows")
    for name in ("sqlite", "postgresql"):
        if args.only and name != args.only:
            continue
        with tempfile.TemporaryDirectory() as folder:
            uri = database_for(name, Path(folder))
            if uri is None:
                print(f"  {name:<11} skipped (run through `make bench` for PostgreSQL)")
                continue
            out = subprocess.run([sys.executable, __file__, "--import-into", uri, "--file", str(path)],
                                 check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            result = json.loads(out)
            rate, memory = result["rows"] / result["seconds"], result["peak_rss_mb"]
            print(f"  {name:<11} {result['status']:<9} {rate:>9,.0f} rows/s  {result['seconds']:7.1f} s"
                  f"  peak memory (PSS, with the reader process) {memory:6.0f} MB"
                  f"  rejected {result['rejected']:,} {result['message']}")
            if result["tags"]:
                print(f"  {'':<11} of which the matching tag table: {result['tags']:,} tags in"
                      f" {result['tag_seconds']:.1f} s ({result['tags'] / result['tag_seconds']:,.0f} tags/s,"
                      f" {result['tag_seconds'] / result['seconds']:.0%} of the import)")
            if result["household_seconds"]:
                print(f"  {'':<11} of which making its buildings and households: {result['household_seconds']:.1f} s"
                      f" ({result['household_seconds'] / result['seconds']:.0%} of the import; setting each voter's"
                      " household is part of the voter upsert)")


if __name__ == "__main__":
    main()
