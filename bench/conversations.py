"""The organizers' review list and the exports at campaign scale, on PostgreSQL.

Generates (fixed seed) one campaign with 1,000,000 voters, 2,000 volunteers, 200,000 relationships and 500,000
conversations straight into the tables with COPY (sync records and the conversation read model that a push would
have written, with their issue rows), then runs the app under gunicorn and prints, each against its target:

- the review list's first page, p95 over ``--rounds`` requests, for each filter (target <= 100 ms), and a later
  page by cursor;
- the conversations export's rate, from the first byte asked to the last received (target >= 50,000 rows/s), and
  the VAN export's (with ``--door-visits N``: N door visits too, which the VAN export carries after the
  conversations);
- the peak memory (RSS) of the gunicorn worker that served each export (target < 100 MB);
- the plan (EXPLAIN ANALYZE) of every review-list query: none may read the conversation or voter table whole
  (no Seq Scan over either), whatever the timing.

Each part prints the load average and the cores the machine was busy with meanwhile, since other work on the
machine skews the numbers, and the CPU that gunicorn and PostgreSQL spent (per request, per row), which it skews
much less.

    python bench/conversations.py [--scale 1.0] [--rounds 40] [--workers 2] [--threads 4] [--door-visits 0]
                                  [--only review|exports|plans ...]

``--scale`` multiplies every count (0.1: 100,000 voters ...), for a quicker run on a busy machine.
"""

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale.campaign import Load, generate, p95, timed_gets, token_for, verdict  # noqa: E402
from bench.sync_load import cpu_seconds, postmaster_pid  # noqa: E402
from tests.server.sync.live import SECRET_KEY, LiveServer  # noqa: E402

TARGET_PAGE_MS, TARGET_ROWS_PER_S, TARGET_MB = 100, 50_000, 100

PARTS = ("review", "exports", "plans")
FILTERS = {  # name → query string of the first page
    "none": "",
    "volunteer": "volunteer={volunteer}",
    "dates (one week)": "from=2026-09-01&to=2026-09-07",
    "support=1": "support=1",
    "support=1,2": "support=1&support=2",
    "issue": "issue=transit",
    "reviewed=false": "reviewed=false",
    "reviewed=true": "reviewed=true",
    "flagged": "flagged=true",
    "volunteer+unreviewed": "volunteer={volunteer}&reviewed=false",
    "issue+support+week": "issue=housing&support=1&from=2026-09-01&to=2026-09-07",
}


def review_list(server: LiveServer, postmaster: int, token: str, volunteer: int, rounds: int) -> dict:
    """p95 of the first page for each filter, over keep-alive HTTP as the console asks, and the server's CPU
    (gunicorn and PostgreSQL) per request."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    results = {}
    for name, query in FILTERS.items():
        url = "/api/campaigns/1/conversations?" + query.format(volunteer=volunteer)
        times, server_ms, body = timed_gets(conn, url, headers, rounds, server, postmaster)
        page = json.loads(body)
        results[name] = (p95(times), len(page["conversations"]), page["cursor"], server_ms)
    # a later page, by cursor
    times, server_ms, body = timed_gets(conn, f"/api/campaigns/1/conversations?cursor={results['none'][2]}", headers,
                                        rounds, server, postmaster, warm=0)
    results["none, page 2 (cursor)"] = (p95(times), len(json.loads(body)["conversations"]), None, server_ms)
    conn.close()
    return results


def workers(server: LiveServer) -> list[int]:
    master = server.process.pid
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    """Each gunicorn worker's RSS, twenty times a second; ``peak`` maps a worker to the most it used."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.running = pids, dict.fromkeys(pids, 0.0), True

    def run(self):
        while self.running:
            for pid in self.pids:
                try:
                    self.peak[pid] = max(self.peak[pid], rss_mb(pid))
                except OSError:
                    pass
            time.sleep(0.05)


def export(server: LiveServer, postmaster: int, token: str, path: str) -> dict:
    """Download an export, timing it and sampling the workers' memory; returns rows, seconds, MB and the CPU
    seconds gunicorn and PostgreSQL spent."""
    pids = workers(server)
    cpu = cpu_seconds(server, postmaster)
    before = {pid: rss_mb(pid) for pid in pids}
    sampler = RssSampler(pids)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"/api/campaigns/1/exports/{path}", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    lines, first_byte = 0, None
    while chunk := response.read(1 << 16):
        first_byte = first_byte or time.perf_counter() - started
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    used = cpu_seconds(server, postmaster)
    sampler.running = False
    sampler.join()
    conn.close()
    serving = max(pids, key=lambda pid: sampler.peak[pid] - before[pid])  # the one whose memory moved
    return {"rows": lines - 1, "seconds": seconds, "first_byte": first_byte or seconds, "status": response.status,
            "export_id": response.getheader("X-Kin-Export-Id"), "before": before[serving],
            "peak": sampler.peak[serving], "web_cpu": used["gunicorn"] - cpu["gunicorn"],
            "db_cpu": used["PostgreSQL"] - cpu["PostgreSQL"]}


def plans(database_uri: str, instance: Path, url: str, volunteer: int) -> dict:
    """EXPLAIN ANALYZE of the select behind each filter's first page (and a cursor page), as the app builds it."""
    from sqlalchemy.dialects import postgresql
    from werkzeug.datastructures import MultiDict

    from server import create_app
    from server.campaigns.models import Campaign
    from server.conversations import service
    from server.conversations.schemas import ReviewFilterSchema
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance)})
    out = {}
    with app.test_request_context(), psycopg.connect(url) as conn:
        campaign = db.session.get(Campaign, 1)
        first = service.page(campaign, ReviewFilterSchema().load({}))
        queries = {**FILTERS, "none, page 2 (cursor)": f"cursor={first['cursor']}"}
        for name, query in queries.items():
            args = MultiDict([pair.split("=", 1) for pair in query.format(volunteer=volunteer).split("&") if pair])
            filters = ReviewFilterSchema().load({key: args.getlist(key) if key == "support" else args[key]
                                                 for key in args})
            compiled = service.review_query(campaign, filters).compile(
                dialect=postgresql.psycopg.dialect(), compile_kwargs={"render_postcompile": True})
            lines = [row[0] for row in conn.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
                                                    + str(compiled), compiled.params)]
            out[name] = lines
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (default: the issue's)")
    parser.add_argument("--rounds", type=int, default=40, help="requests per filter")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--door-visits", type=int, default=0, help="door visits to add (not scaled)")
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    args = parser.parse_args()
    parts = args.only or PARTS
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        sys.exit("Run under scripts/with-postgres.sh (or set KIN_TEST_POSTGRES_URL).")
    name = f"kin_bench_conversations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    database_uri = url.replace("postgresql://", "postgresql+psycopg://")
    try:
        with tempfile.TemporaryDirectory(prefix="kin-bench-conversations-") as folder, \
                LiveServer(database_uri, Path(folder), workers=args.workers, threads=args.threads) as server:
            instance = Path(folder)
            server.migrate()
            print(f"Generating at scale {args.scale:g} (fixed seed):", flush=True)
            with Load() as load:
                started = time.monotonic()
                world = generate(url, args.scale, args.door_visits)
            print(f"  done in {time.monotonic() - started:.0f} s {load}")
            with psycopg.connect(url) as conn:
                sizes = conn.execute("SELECT (SELECT count(*) FROM voter), (SELECT count(*) FROM \"user\"), "
                                     "(SELECT count(*) FROM sync_record WHERE entity = 'relationship'), "
                                     "(SELECT count(*) FROM conversation), "
                                     "pg_size_pretty(pg_total_relation_size('conversation')), "
                                     "pg_size_pretty(pg_total_relation_size('conversation_issue'))").fetchone()
            print(f"  {sizes[0]:,} voters, {sizes[1] - 1:,} volunteers, {sizes[2]:,} relationships, "
                  f"{sizes[3]:,} conversations (conversation {sizes[4]}, conversation_issue {sizes[5]} with indexes)")
            server.start()
            token = token_for(database_uri, instance, 1)
            postmaster = postmaster_pid(admin)

            if "review" in parts:
                print(f"\nReview list, first page (50), p95 of {args.rounds} requests, "
                      f"gunicorn {args.workers} workers x {args.threads} threads:")
                with Load() as load:
                    results = review_list(server, postmaster, token, world["volunteer"], args.rounds)
                for label, (p95, count, _cursor, server_ms) in results.items():
                    print(f"  {label:<24} p95 {p95:7.1f} ms  ({count} rows; server CPU {server_ms:5.1f} ms a request)  "
                          f"target <= {TARGET_PAGE_MS} ms  {verdict(p95 <= TARGET_PAGE_MS)}")
                print(f"  {load}")

            if "exports" in parts:
                print("\nExports (streamed; memory is the RSS of the gunicorn worker that served it):")
                for path in ("conversations.csv", "conversations.csv?notes=true", "van-canvass-results.csv"):
                    with Load() as load:
                        done = export(server, postmaster, token, path)
                    rate = done["rows"] / done["seconds"]
                    print(f"  {path:<30} {done['rows']:,} rows in {done['seconds']:.1f} s = {rate:,.0f} rows/s  "
                          f"target >= {TARGET_ROWS_PER_S:,}  {verdict(rate >= TARGET_ROWS_PER_S)}  "
                          f"(first byte after {done['first_byte'] * 1000:.0f} ms, status {done['status']})")
                    print(f"  {'':<30} CPU: web worker {done['web_cpu']:.1f} s "
                          f"({done['rows'] / max(done['web_cpu'], 1e-9):,.0f} rows per core-second), "
                          f"PostgreSQL {done['db_cpu']:.1f} s ({done['rows'] / max(done['db_cpu'], 1e-9):,.0f})")
                    print(f"  {'':<30} worker RSS {done['before']:.0f} MB before, peak {done['peak']:.0f} MB  "
                          f"target < {TARGET_MB} MB  {verdict(done['peak'] < TARGET_MB)}  {load}")

            if "plans" in parts:
                print("\nPlans of the review list's queries (EXPLAIN ANALYZE):")
                scans = []
                for label, lines in plans(database_uri, instance, url, world["volunteer"]).items():
                    seq = [line.strip() for line in lines if "Seq Scan on conversation" in line
                           or "Seq Scan on voter" in line]
                    scans += seq
                    print(f"  -- {label}: {'no Seq Scan over conversation or voter' if not seq else 'SEQ SCAN'}")
                    for line in lines:
                        print(f"     {line}")
                print(f"\nNo review-list query reads every conversation or voter: {verdict(not scans)}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
