"""Sync under load: simulated volunteers pushing batches of ops and pulling, against gunicorn + PostgreSQL.

Each volunteer is a thread with one persistent HTTP/1.1 connection, as a phone keeps one: push a batch of new
conversations, pull what changed since its cursor, wait for its next turn. Every volunteer is in one campaign
by default, the worst case: the campaign's counter row serialises its pushes. Prints ops/s, pushes/s, pulls/s,
push and pull latency, errors, and the CPU that gunicorn, PostgreSQL and this load generator used (they
share the machine). Targets on 2 cores: at least 1,000 ops/s sustained with p99 push latency at most 250 ms
at 100 concurrent volunteers.

First it measures the **floor**: what writing the same rows (the records and the applied ops of each batch; new
conversations lose no value, so no history) costs with no Kin in the way, on the same PostgreSQL, into copies of
the same tables with the same indexes, by bare psycopg ``executemany`` in one transaction per batch from as many
threads as there are volunteers. Each run then prints Kin's CPU per op (gunicorn's, its pulls included, plus
PostgreSQL's) against the floor's (its client's plus PostgreSQL's): the ratio, whose target is at most 3.

    python bench/sync_load.py [--volunteers 100] [--campaigns 1] [--voters 2000] [--batch 20] [--rate 1000 0]
                              [--seconds 20] [--workers 2] [--threads 8] [--cold]

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
from datetime import UTC, datetime
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
        elif postmaster in (int(entry.name), int(fields[1])):
            out["PostgreSQL"] += seconds
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["load generator"] = usage.ru_utime + usage.ru_stime
    cpu = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    out["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / CLOCK_TICKS  # all but idle and iowait
    return out


FLOOR_TABLES = ("sync_record", "applied_op")


class FloorWriter(threading.Thread):
    """One client of the floor: batches of new conversation records and their applied ops, each batch one
    transaction of two ``executemany``, until ``end``."""

    def __init__(self, database_url: str, volunteer, batch: int, seq, end: float, done: threading.Barrier,
                 measured: threading.Event):
        super().__init__(daemon=True)
        self.database_url, self.volunteer, self.batch, self.seq, self.end = database_url, volunteer, batch, seq, end
        self.done, self.measured = done, measured
        self.ops = 0

    def run(self):
        device = uuid.uuid4()
        stamp = Stamp(time.time_ns() // 1_000_000, 0, str(device)).encode()
        fields = {"channel": "door", "happened_at": "2026-10-01T18:30:00-04:00", "support": 2,
                  "notes": "Worried about rent; will vote early."}
        who = self.volunteer.campaign_id, self.volunteer.user_id
        with psycopg.connect(self.database_url) as conn:
            while time.monotonic() < self.end:
                now = datetime.now(UTC)
                values = [{**fields, "voter_id": voter_id} for voter_id in self.volunteer.voter_ids[:self.batch]]
                records = [(*who, "conversation", uuid.uuid4(), Json(v), Json(dict.fromkeys(v, stamp)), next(self.seq),
                            now, now) for v in values]
                applied = [(who[0], uuid.uuid4(), who[1], device, now) for _ in values]
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO floor.sync_record (campaign_id, owner_id, entity, entity_id, values, stamps,"
                        " deleted, forgotten, version, seq, created_at, updated_at)"
                        " VALUES (%s, %s, %s, %s, %s, %s, false, false, 1, %s, %s, %s)", records)
                    cur.executemany("INSERT INTO floor.applied_op (campaign_id, op_id, user_id, device_id, status,"
                                    " version, applied_at) VALUES (%s, %s, %s, %s, 'applied', 1, %s)", applied)
                self.ops += len(records)
            # the connection stays open until the CPU is read: a backend that exited takes its CPU time with it
            self.done.wait()
            self.measured.wait(timeout=60)


def floor(server: LiveServer, postmaster: int, database_url: str, volunteers, args) -> float:
    """The floor's CPU per op in µs (its client's and PostgreSQL's), printed with its rate."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA floor")
        for name in FLOOR_TABLES:  # the same columns, defaults, keys and indexes (not the foreign keys)
            conn.execute(f"CREATE TABLE floor.{name} (LIKE public.{name} INCLUDING ALL)")
    seq, end = itertools.count(1), time.monotonic() + args.seconds
    done, measured = threading.Barrier(len(volunteers) + 1, timeout=args.seconds + 60), threading.Event()
    writers = [FloorWriter(database_url, volunteer, args.batch, seq, end, done, measured) for volunteer in volunteers]
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
    print(f"  floor (bare psycopg executemany, {len(writers)} threads, batches of {args.batch}):"
          f" {ops / elapsed:8,.0f} ops/s  CPU per op: client {client:.0f} µs + PostgreSQL {database:.0f} µs"
          f" = {client + database:.0f} µs  (machine {(after['machine'] - before['machine']) / elapsed:.2f} cores)")
    return client + database


def run(server: LiveServer, postmaster: int, database_url: str, volunteers, args, rate: float,
        floor_us: float) -> None:
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
    print(f"    CPU per op: gunicorn {per_op['gunicorn']:.0f} µs (pulls included) + PostgreSQL"
          f" {per_op['PostgreSQL']:.0f} µs = {kin_us:.0f} µs;  floor {floor_us:.0f} µs;"
          f"  ratio {kin_us / floor_us:.1f}x (target <= {TARGET_RATIO}x)")
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
            floor_us = floor(server, postmaster, database_url, volunteers, args)
            for rate in args.rate:
                run(server, postmaster, database_url, volunteers, args, rate, floor_us)


if __name__ == "__main__":
    main()
