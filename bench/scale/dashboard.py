"""The dashboard at the issue's scale, on PostgreSQL (run from bench/console.py, which prints the console's other
numbers): the campaign of bench/campaign.py (1,000,000 voters, 2,000 volunteers, 200,000 relationships, 500,000
conversations; with ``door_visits``, that many door visits too), its dashboard counts made as an import makes
them, then

- ``GET /api/campaigns/1/dashboard`` p95 over ``rounds`` requests under gunicorn, with no filter and each filter
  (the volunteer filter for the busiest volunteer), against 150 ms, with the server's CPU per request;
- the plan (EXPLAIN (ANALYZE, BUFFERS)) of every query one dashboard request runs, captured as the app sends them:
  a Seq Scan on the conversation, conversation_issue, voter, sync_record (relationships) or door_visit table fails
  the run.
"""

import http.client
import json
import re
import time
from pathlib import Path

from bench.scale.campaign import Load, count_for_the_dashboard, generate, p95, timed_gets, token_for, verdict
from bench.sync_load import postmaster_pid
from tests.server.sync.live import SECRET_KEY, LiveServer

TARGET_MS = 150
SEQ_SCAN = re.compile(r"Seq Scan on (conversation|conversation_issue|voter|sync_record|door_visit)\b")
FILTERS = {  # name → query string (the conversations run from 2026-08-01 for 90 days)
    "none": "",
    "priority voters": "priority=true",
    "one week": "from=2026-09-01&to=2026-09-07",
    "one week, priority": "from=2026-09-01&to=2026-09-07&priority=true",
    "busiest volunteer": "volunteer={volunteer}",
    "busiest volunteer, priority": "volunteer={volunteer}&priority=true",
    "volunteers by name, page 2": "sort=name&desc=false&offset=100",
}


def requests(server: LiveServer, postmaster: int, token: str, volunteer: int, rounds: int) -> dict:
    """p95 and server CPU (gunicorn and PostgreSQL) per request for each filter, over keep-alive HTTP."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers, results = {"Authorization": f"Bearer {token}"}, {}
    for name, query in FILTERS.items():
        url = "/api/campaigns/1/dashboard?" + query.format(volunteer=volunteer)
        times, server_ms, body = timed_gets(conn, url, headers, rounds, server, postmaster)
        answer = json.loads(body)
        results[name] = (p95(times), server_ms, len(body), answer["tiles"]["contacted"]["value"],
                         answer["tiles"].get("doors_knocked", {}).get("value"))
    conn.close()
    return results


def plans(database_uri: str, instance: Path, volunteer: int) -> dict[str, list[tuple[str, list[str]]]]:
    """For each filter, every statement one dashboard answer runs, with its EXPLAIN (ANALYZE, BUFFERS)."""
    from sqlalchemy import event
    from werkzeug.datastructures import MultiDict

    from server import create_app
    from server.campaigns.models import Campaign
    from server.dashboard import service
    from server.dashboard.schemas import DashboardFilterSchema
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance)})
    out = {}
    with app.test_request_context():
        seen = []
        engine = db.engine
        listener = lambda _c, _cursor, statement, parameters, _ctx, _many: seen.append((statement, parameters))  # noqa: E731
        campaign = db.session.get(Campaign, 1)
        for name, query in FILTERS.items():
            args = MultiDict([pair.split("=", 1) for pair in query.format(volunteer=volunteer).split("&") if pair])
            filters = DashboardFilterSchema().load(dict(args))
            seen.clear()
            event.listen(engine, "before_cursor_execute", listener)
            try:
                service.dashboard(campaign, filters)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            statements = list(seen)
            connection = db.session.connection()
            out[name] = [(statement, [row[0] for row in connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + statement, parameters)])
                for statement, parameters in statements]
            db.session.rollback()
    return out


def run(admin: str, url: str, database_uri: str, folder: Path, scale: float, rounds: int, workers: int,
        threads: int, door_visits: int = 0) -> bool:
    """Generate, measure, print; False when a plan reads a whole table or a p95 misses its target."""
    instance = folder
    with LiveServer(database_uri, folder, workers=workers, threads=threads) as server:
        server.migrate()
        print(f"   generating at scale {scale:g} (fixed seed) ...", flush=True)
        with Load() as load:
            started = time.monotonic()
            world = generate(url, scale, door_visits)  # door visits come after the rest: the same seed, same work
            generated = time.monotonic() - started
            rebuild = count_for_the_dashboard(database_uri, instance, url)
        print(f"   generated in {generated:.0f} s; the dashboard's counts made from scratch (as after an import) in "
              f"{rebuild:.1f} s {load}")
        server.start()
        token, postmaster = token_for(database_uri, instance, 1), postmaster_pid(admin)
        print(f"\n   GET /api/campaigns/1/dashboard, p95 of {rounds} requests, gunicorn {workers} workers x "
              f"{threads} threads (busiest volunteer: user {world['volunteer']}):")
        with Load() as load:
            results = requests(server, postmaster, token, world["volunteer"], rounds)
        ok = True
        for name, (ms, server_ms, size, contacted, knocked) in results.items():
            ok &= ms <= TARGET_MS
            print(f"     {name:<28} p95 {ms:6.1f} ms  (server CPU {server_ms:5.1f} ms a request; {size / 1000:.0f} kB; "
                  f"{contacted:,} contacted, {knocked:,} doors)  target <= {TARGET_MS} ms  {verdict(ms <= TARGET_MS)}")
        print(f"     {load}")
    print("\n   Plans of every query behind the dashboard (EXPLAIN (ANALYZE, BUFFERS)):")
    scans = []
    for name, statements in plans(database_uri, instance, world["volunteer"]).items():
        print(f"   -- {name}: {len(statements)} queries")
        for statement, lines in statements:
            found = [line.strip() for line in lines if SEQ_SCAN.search(line)]
            scans += found
            print(f"      {' '.join(statement.split())[:150]}")
            print("        " + ("SEQ SCAN OVER A WHOLE TABLE" if found
                                  else "no Seq Scan over conversation, voter, relationships or door visits"))
            for line in lines:
                print(f"          {line}")
    print(f"\n   No dashboard query reads every conversation, relationship or voter: {verdict(not scans)}")
    for line in scans:
        print(f"     {line}")
    return ok and not scans
