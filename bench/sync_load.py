"""Sync under load: simulated volunteers pushing batches of ops and pulling, against gunicorn + PostgreSQL.

Each volunteer is a thread with one persistent HTTP/1.1 connection, as a phone keeps one: push a batch of new
conversations, pull what changed since its cursor, wait for its next turn. Every volunteer is in one campaign
by default, the worst case: the campaign's counter row serialises its pushes. Prints ops/s, pushes/s, pulls/s,
push and pull latency, errors, and the CPU that gunicorn, PostgreSQL and this load generator used (they
share the machine). Targets on 2 cores: at least 1,000 ops/s sustained with p99 push latency at most 250 ms
at 100 concurrent volunteers.

Before each run it measures two **floors**: what writing the same rows costs with no Kin in the way, on the same
PostgreSQL, into copies of the same tables with the same indexes, by bare psycopg ``executemany`` in one
transaction per batch: a batch's records and applied ops alone (new conversations lose no value, so no history),
and every row a push of new conversations writes (those, the conversation read model, the voters' progress, the
volunteer's totals, the day's counts and the campaign's counter, taken last as a push takes it). The floors'
writers are as many threads as gunicorn serves requests on (workers x threads; ``--floor-threads``): 100 threads in
one process spent more of their CPU taking turns at the GIL than writing (217-395 µs an op against 173-180 µs from
10 threads, moving with the machine's load), which measured the bench, not the floor. Each run then prints Kin's
CPU per op (gunicorn's, its pulls included, plus PostgreSQL's) against each floor's (its client's plus
PostgreSQL's); the target is at most 3x the floor of every row.

    python bench/sync_load.py [--volunteers 100] [--campaigns 1] [--voters 2000] [--batch 20] [--rate 1000 0]
                              [--seconds 20] [--workers 2] [--threads 8] [--floor-threads N] [--cold]

``--rate`` is the load offered by all volunteers together, in ops/s (each pushes a batch every
volunteers x batch / rate seconds); 0 pushes flat out, to find the ceiling. Several rates run one after another.
"""

import argparse
import http.client
import itertools
import os
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.hlc import Stamp  # noqa: E402
from sync.protocol import SETTLED  # noqa: E402
from tests.server.sync.live import LiveServer, Phone, seed  # noqa: E402

TARGET_OPS_PER_S, TARGET_P99_MS, TARGET_RATIO = 1000, 250, 3
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class Volunteer(threading.Thread):
    """Push a batch, pull since the cursor, wait for the next turn; until ``end``."""

    def __init__(self, phone: Phone, voter_ids: tuple[str, ...], seed: int, args, interval: float, first_at: float,
                 end: float):
        super().__init__(daemon=True)
        self.phone, self.voter_ids, self.batch = phone, voter_ids, args.batch
        self.random = random.Random(seed)  # which voters each batch is about: the same on every run
        self.interval, self.next_at, self.end = interval, first_at, end
        self.pushes, self.pulls = [], []  # (started at, seconds, ops) and (started at, seconds)
        self.tally = Counter()  # errors by kind, stale connections reopened, turns started late
        self.cursor = "0"

    def run(self):
        for _ in range(1_000_000):  # bounded; the end time stops it long before
            if self.interval:
                time.sleep(max(0.0, min(self.next_at, self.end) - time.monotonic()))
            now = time.monotonic()
            if now >= self.end:
                return
            if self.interval:
                if now - self.next_at > self.interval / 2:
                    self.tally["late"] += 1
                self.next_at = max(self.next_at + self.interval, now)
            try:
                self.push()
                self.pull()
            except Exception as exc:  # counted and reported; the volunteer carries on with a new connection
                self.tally[f"error {type(exc).__name__}"] += 1
                self.phone.drop()

    def call(self, request):
        """One request; reopen a kept-alive connection the server closed meanwhile and send again (a push
        may be sent twice: its op ids make that safe)."""
        reused = self.phone.conn.sock is not None
        try:
            return request()
        except STALE:
            if not reused:
                raise
            self.phone.drop()
            self.tally["reopened"] += 1
            return request()

    def push(self):
        fields = {"channel": "door", "happened_at": "2026-10-01T18:30:00-04:00", "support": 2,
                  "notes": "Worried about rent; will vote early."}
        ops = [self.phone.op(str(uuid.uuid4()), {**fields, "voter_id": self.random.choice(self.voter_ids)})
               for _ in range(self.batch)]
        start = time.monotonic()
        status, body = self.call(lambda: self.phone.push(ops))
        finished = time.monotonic()
        if status != 200:
            self.tally[f"push {status}"] += 1
            return
        if unsettled := sum(result["status"] not in SETTLED for result in body["results"]):
            self.tally["ops not settled"] += unsettled
        self.pushes.append((start, finished - start, len(ops)))

    def pull(self):
        for _ in range(100):  # pages
            start = time.monotonic()
            status, page = self.call(lambda: self.phone.pull(self.cursor, 1000))
            finished = time.monotonic()
            if status != 200:
                self.tally[f"pull {status}"] += 1
                return
            self.pulls.append((start, finished - start))
            self.cursor = page["cursor"]
            if not page["more"]:
                return


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))]


def postmaster_pid(admin_url: str) -> int:
    """The PostgreSQL server's main process: the parent of a backend we ask for."""
    with psycopg.connect(admin_url) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        return int(_stat(backend)[1][1])  # ppid


def _stat(pid: int | str) -> tuple[str, list[str]]:
    """A process's name and the fields of /proc/<pid>/stat after it (state, ppid, pgrp, ...)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()


def cpu_seconds(server: LiveServer, postmaster: int) -> Counter:
    """CPU time so far of gunicorn (its process group), this PostgreSQL server (its postmaster and children),
    this process, and the whole machine (busy time of all cores, whoever used it)."""
    out = Counter()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            _comm, fields = _stat(entry.name)
        except OSError:  # gone meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        if int(fields[2]) == server.process.pid:  # pgrp
            out["gunicorn"] += seconds
        elif int(entry.name) == postmaster:  # with its children that exited (cutime + cstime), such as an
            # autovacuum worker: without them, one that ran at the first reading and exited before the next took
            # all its CPU out of the difference (a floor's PostgreSQL share read 64 µs an op, another 352)
            out["PostgreSQL"] += seconds + (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        elif int(fields[1]) == postmaster:
            out["PostgreSQL"] += seconds
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["load generator"] = usage.ru_utime + usage.ru_stime
    cpu = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    out["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / CLOCK_TICKS  # all but idle and iowait
    return out


# the floor's two sets of rows: what the target was first measured against (a batch's records and applied ops), and
# every row a push of new conversations writes (with the conversation read model, the dashboard's counts and the
# campaign's counter, which the floor's writers take last as a push does)
RECORDS_ONLY = ("sync_record", "applied_op")
EVERY_ROW = (*RECORDS_ONLY, "conversation", "voter_progress", "volunteer_tally", "dashboard_day", "sync_counter")
FLOOR_SEQ = itertools.count(1)  # the floor's change numbers, unique over all its runs (its tables are kept)
UPSERT_PROGRESS = (
    "INSERT INTO floor.voter_progress (campaign_id, voter_id, priority, contacted_on, support, support_on,"
    " vote_plan_on, follow_ups, marks) VALUES (%s, %s, false, %s, 2, %s, NULL, '{}', %s)"
    " ON CONFLICT (campaign_id, voter_id) DO UPDATE SET contacted_on = excluded.contacted_on,"
    " support = excluded.support, support_on = excluded.support_on, marks = excluded.marks")
UPSERT_DAY = ("INSERT INTO floor.dashboard_day (campaign_id, day, priority, metric, n) VALUES (%s, %s, false, %s, %s)"
              " ON CONFLICT (campaign_id, day, priority, metric) DO UPDATE SET n = floor.dashboard_day.n + excluded.n")


class FloorWriter(threading.Thread):
    """One client of the floor: batches of new conversations, each batch one transaction of ``executemany``, until
    ``end``: their records and applied ops, and with ``every_row`` their read-model rows, their voters' progress,
    the volunteer's totals, the day's counts and the campaign's counter too."""

    def __init__(self, database_url: str, volunteer, batch: int, seq, end: float, done: threading.Barrier,
                 measured: threading.Event, every_row: bool):
        super().__init__(daemon=True)
        self.database_url, self.volunteer, self.batch, self.seq, self.end = database_url, volunteer, batch, seq, end
        self.done, self.measured, self.every_row = done, measured, every_row
        self.ops = 0

    def run(self):
        device = uuid.uuid4()
        stamp = Stamp(time.time_ns() // 1_000_000, 0, str(device)).encode()
        fields = {"channel": "door", "happened_at": "2026-10-01T18:30:00-04:00", "support": 2,
                  "notes": "Worried about rent; will vote early."}
        happened, day = datetime.fromisoformat(fields["happened_at"]), date(2026, 10, 1)
        campaign_id, user_id = who = self.volunteer.campaign_id, self.volunteer.user_id
        with psycopg.connect(self.database_url) as conn:
            while time.monotonic() < self.end:
                now = datetime.now(UTC)
                voters = list(enumerate(self.volunteer.voter_ids[:self.batch], start=1))
                values = [{**fields, "voter_id": voter_id} for _, voter_id in voters]
                ids = [(uuid.uuid4(), next(self.seq)) for _ in values]
                records = [(*who, "conversation", entity_id, Json(v), Json(dict.fromkeys(v, stamp)), seq, now, now)
                           for v, (entity_id, seq) in zip(values, ids, strict=True)]
                applied = [(campaign_id, uuid.uuid4(), user_id, device, now) for _ in values]
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO floor.sync_record (campaign_id, owner_id, entity, entity_id, values, stamps,"
                        " deleted, forgotten, version, seq, created_at, updated_at)"
                        " VALUES (%s, %s, %s, %s, %s, %s, false, false, 1, %s, %s, %s)", records)
                    cur.executemany("INSERT INTO floor.applied_op (campaign_id, op_id, user_id, device_id, status,"
                                    " version, applied_at) VALUES (%s, %s, %s, %s, 'applied', 1, %s)", applied)
                    if self.every_row:
                        self.rest(cur, voters, ids, happened, day, now, fields["notes"])
                self.ops += len(records)
            # the connection stays open until the CPU is read: a backend that exited takes its CPU time with it
            self.done.wait()
            self.measured.wait(timeout=60)

    def rest(self, cur, voters, ids, happened, day, now, notes):
        campaign_id, user_id = self.volunteer.campaign_id, self.volunteer.user_id
        marks = Json({"first": [happened.isoformat(), 1], "support": [happened.isoformat(), 1], "plan": None,
                      "latest": {str(user_id): [happened.isoformat(), 1]}})
        cur.executemany(
            "INSERT INTO floor.conversation (campaign_id, id, record_id, volunteer_id, voter_id, happened_at, channel,"
            " support, issue_tags, notes, reviewed, review_reply, flagged_for_follow_up, deleted, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'door', 2, '[]', %s, false, '', false, false, %s)",
            [(campaign_id, entity_id, seq, user_id, voter, happened, notes, now)
             for (voter, _), (entity_id, seq) in zip(voters, ids, strict=True)])
        cur.executemany(UPSERT_PROGRESS, [(campaign_id, voter, day, day, marks) for voter, _ in voters])
        cur.execute("INSERT INTO floor.volunteer_tally (campaign_id, volunteer_id, priority, relationships,"
                    " contacted_relationships, refused_relationships, conversations, last_active_at)"
                    " VALUES (%s, %s, false, 0, 0, 0, %s, %s) ON CONFLICT (campaign_id, volunteer_id, priority)"
                    " DO UPDATE SET conversations = floor.volunteer_tally.conversations + excluded.conversations,"
                    " last_active_at = excluded.last_active_at", (campaign_id, user_id, len(ids), now))
        cur.executemany(UPSERT_DAY, [(campaign_id, day, metric, len(ids))
                                     for metric in ("conv:door", "support:2", "supporter", "contacted")])
        cur.execute("UPDATE floor.sync_counter SET last_seq = last_seq + %s WHERE campaign_id = %s RETURNING last_seq",
                    (len(ids), campaign_id))


def floor(server: LiveServer, postmaster: int, database_url: str, volunteers, args, every_row: bool) -> float:
    """The floor's CPU per op in µs (its client's and PostgreSQL's), printed with its rate."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS floor")
        for name in EVERY_ROW:  # the same columns, defaults, keys and indexes (not the foreign keys)
            conn.execute(f"CREATE TABLE IF NOT EXISTS floor.{name} (LIKE public.{name} INCLUDING ALL)")
        conn.execute("INSERT INTO floor.sync_counter SELECT * FROM public.sync_counter ON CONFLICT DO NOTHING")
    end = time.monotonic() + args.seconds
    threads = args.floor_threads or args.workers * args.threads
    done, measured = threading.Barrier(threads + 1, timeout=args.seconds + 60), threading.Event()
    writers = [FloorWriter(database_url, volunteer, args.batch, FLOOR_SEQ, end, done, measured, every_row)
               for volunteer in itertools.islice(itertools.cycle(volunteers), threads)]
    before, started = cpu_seconds(server, postmaster), time.monotonic()
    for writer in writers:
        writer.start()
    done.wait()
    after, elapsed = cpu_seconds(server, postmaster), time.monotonic() - started
    measured.set()
    for writer in writers:
        writer.join(timeout=60)
    ops = sum(writer.ops for writer in writers)
    client, database = ((after[name] - before[name]) / ops * 1e6 for name in ("load generator", "PostgreSQL"))
    what = "every row a push writes" if every_row else "records and applied ops"
    print(f"  floor, {what} (bare psycopg executemany, {len(writers)} threads, batches of {args.batch}):"
          f" {ops / elapsed:8,.0f} ops/s  CPU per op: client {client:.0f} µs + PostgreSQL {database:.0f} µs"
          f" = {client + database:.0f} µs  (machine {(after['machine'] - before['machine']) / elapsed:.2f} cores)")
    return client + database


def run(server: LiveServer, postmaster: int, database_url: str, volunteers, args, rate: float,
        floors: tuple[float, float]) -> None:
    interval = args.volunteers * args.batch / rate if rate else 0.0
    label = f"paced at {rate:,.0f} ops/s" if rate else "flat out"
    print(f"  {label}, {args.seconds} s measured after {args.warmup} s warm-up:")
    start = time.monotonic() + 0.5
    end = start + args.warmup + args.seconds
    threads = [Volunteer(Phone(volunteer, server.port, timeout=30), volunteer.voter_ids, n, args, interval,
                         start + interval * n / len(volunteers), end) for n, volunteer in enumerate(volunteers)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start + args.warmup - time.monotonic()))
    if not args.cold:
        # what autovacuum does on a running server; without statistics PostgreSQL looks a record up through
        # ix_sync_record_review and reads every record of the campaign (see `--cold`)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    cpu_before, window_start = cpu_seconds(server, postmaster), time.monotonic()
    time.sleep(max(0.0, end - time.monotonic()))
    cpu_after, window = cpu_seconds(server, postmaster), time.monotonic() - window_start
    for thread in threads:
        thread.join(timeout=60)
        thread.phone.drop()

    # requests started in the window count (a paced run starts exactly rate x seconds ops there, unless late)
    measured = start + args.warmup
    pushes = [(seconds, ops) for t in threads for started, seconds, ops in t.pushes if measured <= started < end]
    pulls = sorted(seconds for t in threads for started, seconds in t.pulls if measured <= started < end)
    latency = sorted(seconds for seconds, _ in pushes)
    tally = sum((t.tally for t in threads), Counter())
    errors = {key: n for key, n in tally.items() if key not in ("late", "reopened")}
    ops_per_s = sum(ops for _, ops in pushes) / args.seconds
    ms = lambda values, share: percentile(values, share) * 1000  # noqa: E731
    print(f"    {ops_per_s:8,.0f} ops/s  {len(pushes) / args.seconds:6.1f} pushes/s  {len(pulls) / args.seconds:6.1f}"
          f" pulls/s  errors {sum(errors.values())} {errors or ''}  late turns {tally['late']}"
          f"  reopened connections {tally['reopened']}")
    print(f"    push latency  p50 {ms(latency, 0.5):6.1f} ms  p95 {ms(latency, 0.95):6.1f} ms"
          f"  p99 {ms(latency, 0.99):6.1f} ms  max {ms(latency, 1):6.1f} ms")
    print(f"    pull latency  p50 {ms(pulls, 0.5):6.1f} ms  p95 {ms(pulls, 0.95):6.1f} ms"
          f"  p99 {ms(pulls, 0.99):6.1f} ms  max {ms(pulls, 1):6.1f} ms")
    used = {name: (cpu_after[name] - cpu_before[name]) / window for name in cpu_after}
    others = used["machine"] - used["gunicorn"] - used["PostgreSQL"] - used["load generator"]
    print(f"    CPU in cores: gunicorn {used['gunicorn']:.2f}  PostgreSQL {used['PostgreSQL']:.2f}"
          f"  load generator {used['load generator']:.2f}  anything else {max(0.0, others):.2f}"
          f"  (machine {used['machine']:.2f} of {os.cpu_count()}; load average {os.getloadavg()[0]:.2f})")
    per_op = {name: (cpu_after[name] - cpu_before[name]) / max(1, sum(ops for _, ops in pushes)) * 1e6
              for name in ("gunicorn", "PostgreSQL")}
    kin_us = per_op["gunicorn"] + per_op["PostgreSQL"]
    records_only, every_row = floors
    print(f"    CPU per op: gunicorn {per_op['gunicorn']:.0f} µs (pulls included) + PostgreSQL"
          f" {per_op['PostgreSQL']:.0f} µs = {kin_us:.0f} µs")
    print(f"    ratio {kin_us / every_row:.1f}x the floor of every row a push writes ({every_row:.0f} µs; target <="
          f" {TARGET_RATIO}x), {kin_us / records_only:.1f}x that of records and applied ops ({records_only:.0f} µs)")
    # 1% slack: a push more or less at the edges of the window
    met = ops_per_s >= 0.99 * TARGET_OPS_PER_S and ms(latency, 0.99) <= TARGET_P99_MS and not errors
    print(f"    target (>= {TARGET_OPS_PER_S:,} ops/s, p99 push <= {TARGET_P99_MS} ms, no errors):"
          f" {'met' if met else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=100)
    parser.add_argument("--campaigns", type=int, default=1, help="spread the volunteers over this many campaigns")
    parser.add_argument("--batch", type=int, default=20, help="ops per push")
    parser.add_argument("--voters", type=int, default=2000,
                        help="voters per campaign; each op is about one drawn at random (1: every conversation about "
                             "one voter, the worst case for the dashboard's per-voter counts)")
    parser.add_argument("--rate", type=float, nargs="+", default=[TARGET_OPS_PER_S, 0],
                        help="offered ops/s over all volunteers; 0 pushes flat out")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per rate")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--floor-threads", type=int, default=0,
                        help="the floor's writing threads (default: gunicorn's workers x threads)")
    parser.add_argument("--cold", action="store_true",
                        help="skip the ANALYZE after the warm-up: a new database, before autovacuum's first visit")
    args = parser.parse_args()
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        print("sync load: skipped (needs PostgreSQL: run through `make bench`)")
        return
    name = f"kin_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = admin.rsplit("/", 1)[0] + f"/{name}"
    uri = database_url.replace("postgresql://", "postgresql+psycopg://")

    print(f"sync load: {args.volunteers} volunteers in {args.campaigns} campaign(s), batches of {args.batch},"
          f" gunicorn {args.workers} workers x {args.threads} threads, {os.cpu_count()} cores"
          f"{', no ANALYZE (cold)' if args.cold else ''}")
    with tempfile.TemporaryDirectory() as instance:
        server = LiveServer(uri, Path(instance), workers=args.workers, threads=args.threads)
        server.migrate()
        volunteers = seed(uri, Path(instance), campaigns=args.campaigns, volunteers=args.volunteers,
                          voters_per_campaign=args.voters)
        with server:
            server.start()
            postmaster = postmaster_pid(admin)
            for rate in args.rate:  # the floors again before each run: the machine's own speed moves
                floors = tuple(floor(server, postmaster, database_url, volunteers, args, every_row)
                               for every_row in (False, True))
                run(server, postmaster, database_url, volunteers, args, rate, floors)


if __name__ == "__main__":
    main()
