"""Nothing lost, nothing twice, against the real thing: the app under gunicorn on PostgreSQL, 20 phones that
hang up before reading answers and retry, and a server killed (SIGKILL, master and workers) twice mid-run. Each
phone logs conversations and knocks doors (door visits), as a canvassing volunteer's phone does."""

import http.client
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import psycopg
import pytest

from sync.protocol import SETTLED
from tests.conftest import empty_database_uri
from tests.server.sync.conftest import conversation_fields
from tests.server.sync.live import LiveServer, Phone, seed

PHONES = 20
CREATIONS, EDITS = 200, 50  # per phone: conversations logged and doors knocked, and later edits of them
DOOR_EVERY = 4  # every fourth record a phone makes is a door visit
TOTAL_OPS = PHONES * (CREATIONS + EDITS)  # 5,000
BATCH = 20
DROP_RATE = 0.1  # share of pushes whose connection the phone closes before reading the answer
KILL_AT = (0.3, 0.6)  # share of all ops settled when the server is killed
RUN_SECONDS = 180  # a bound for a stuck run; it takes about 30 s on 2 cores
MAX_ATTEMPTS = 1_000  # pushes per phone, retries included
SEED = 20261103


def outbox(phone: Phone, voter_id: str, household_id: str,
           rng: random.Random) -> tuple[list[dict], dict[str, tuple[int, dict]]]:
    """A day offline: 200 records made (150 conversations, 50 door visits) and 50 edits of earlier ones (each
    setting another support value), in outbox order; and what the server should end with, {entity_id: (version,
    fields)}."""
    ops, expected, entity_of = [], {}, {}
    edit_slots = set(rng.sample(range(1, CREATIONS + EDITS), EDITS))
    for slot in range(CREATIONS + EDITS):
        if slot in edit_slots:
            entity_id = rng.choice(sorted(expected))
            version, fields = expected[entity_id]
            support = rng.choice([n for n in range(1, 6) if n != fields["support"]])
            ops.append(phone.op(entity_id, {"support": support}, entity_of[entity_id]))
            expected[entity_id] = (version + 1, {**fields, "support": support})
        else:
            entity_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            if len(expected) % DOOR_EVERY == DOOR_EVERY - 1:
                entity_of[entity_id] = "door_visit"
                fields = {"household_id": household_id, "voter_id": voter_id, "result": "talked", "support": 2,
                          "happened_at": "2026-10-03T11:02:00-04:00", "notes": f"Door {slot} on {phone.device_id}."}
            else:
                entity_of[entity_id] = "conversation"
                fields = conversation_fields(voter_id=voter_id, notes=f"Conversation {slot} on {phone.device_id}.")
            ops.append(phone.op(entity_id, fields, entity_of[entity_id]))
            expected[entity_id] = (1, fields)
    return ops, expected


class Progress:
    """Ops settled across all phones, which the supervisor waits on before each kill."""

    def __init__(self):
        self.changed = threading.Condition()
        self.settled = 0
        self.running = PHONES

    def add(self, ops: int) -> None:
        with self.changed:
            self.settled += ops
            self.changed.notify_all()

    def phone_done(self) -> None:
        with self.changed:
            self.running -= 1
            self.changed.notify_all()

    def reached(self, ops: int, timeout: float) -> bool:
        with self.changed:
            self.changed.wait_for(lambda: self.settled >= ops or self.running == 0, timeout)
            return self.settled >= ops


class FlakyPhone(threading.Thread):
    """Pushes its outbox in order, one batch at a time, as the PWA does, over a connection that fails: it
    sometimes hangs up before the answer, and resends the same batch (same op ids) after any failure. An op
    leaves the outbox only on a settled result."""

    def __init__(self, phone: Phone, ops: list[dict], number: int, progress: Progress, deadline: float):
        super().__init__(name=f"phone-{number}", daemon=True)
        self.phone, self.outbox, self.progress, self.deadline = phone, list(ops), progress, deadline
        self.op_ids = [op["op_id"] for op in ops]
        self.drops = random.Random(SEED + number)  # its own generator: which pushes it hangs up on is fixed
        self.jitter = random.Random(SEED - number)
        self.tally = Counter()  # attempts, drops, errors by kind, results by status
        self.problems = []  # what must never happen: a 4xx, a rejected op, results that do not match the batch

    def run(self):
        try:
            self.sync()
        except Exception as exc:  # reported by the test, never lost in a thread
            self.problems.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.phone.drop()
            self.progress.phone_done()

    def sync(self):
        failures = 0
        while self.outbox and self.tally["attempts"] < MAX_ATTEMPTS and time.monotonic() < self.deadline:
            batch = self.outbox[:BATCH]
            self.tally["attempts"] += 1
            try:
                self.phone.send_push(batch)
                if self.drops.random() < DROP_RATE:
                    self.phone.drop()  # gone before the answer: the server may or may not have applied it
                    self.tally["drops"] += 1
                    failures += 1
                    self.back_off(failures)
                    continue
                status, body = self.phone.answer()
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out: the server died
                self.phone.drop()
                self.tally[f"error {type(exc).__name__}"] += 1
                failures += 1
                self.back_off(failures)
                continue
            if status >= 500:
                self.tally[f"error {status}"] += 1
                failures += 1
                self.back_off(failures)
                continue
            if status != 200:
                self.problems.append(f"push answered {status}: {body}")
                return
            results = body["results"]
            if [r["op_id"] for r in results] != [op["op_id"] for op in batch]:
                self.problems.append(f"results do not match the batch: {results}")
                return
            self.tally.update(f"result {r['status']}" for r in results)
            if unsettled := [r for r in results if r["status"] not in SETTLED]:
                self.problems.append(f"not settled: {unsettled}")
                return
            self.outbox = self.outbox[len(batch):]
            self.progress.add(len(batch))
            failures = 0

    def back_off(self, failures: int) -> None:
        time.sleep(min(0.5, 0.01 * 2 ** min(failures, 6)) * (0.5 + self.jitter.random()))


def run_phones(server: LiveServer, phones: list[FlakyPhone], progress: Progress, deadline: float) -> list[int]:
    """Start the phones; kill and restart the server as progress passes each KILL_AT; wait for the phones.
    Returns how many ops had settled at each kill."""
    for phone in phones:
        phone.start()
    killed_at = []
    try:
        for share in KILL_AT:
            if not progress.reached(int(share * TOTAL_OPS), timeout=max(0.0, deadline - time.monotonic())):
                break
            server.kill()
            killed_at.append(progress.settled)
            server.start()
    finally:
        for phone in phones:  # each stops by itself at the deadline, or at MAX_ATTEMPTS
            phone.join(timeout=max(0.0, deadline - time.monotonic()) + 15)
    return killed_at


@dataclass
class Outcome:
    """What one faulty run left behind: on the phones, in their pulls, and in PostgreSQL."""

    phones: list[FlakyPhone]
    expected: dict[str, dict[str, tuple[int, dict]]]  # device_id -> entity_id -> (version, fields)
    pulled: dict[str, list[dict]]  # device_id -> changes pulled back after the run
    killed_at: list[int]  # ops settled at each kill
    stored: dict[str, int]  # entity_id -> version, from sync_record
    entities: Counter  # records of each entity, from sync_record
    applied: list[tuple[str, str]]  # (op_id, status), from applied_op
    last_seq: int
    seqs: list[int]  # each record's change sequence number, from sync_record
    history: int
    report: str  # counts and the server's log, for failure messages

    @property
    def tally(self) -> Counter:
        return sum((phone.tally for phone in self.phones), Counter())


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> Outcome:
    """Run the phones against a server killed twice; one run (about 30 s) for every test below."""
    folder = tmp_path_factory.mktemp("fault")
    database_uri = empty_database_uri("postgresql", folder)  # fails, naming PostgreSQL, when it is missing
    server = LiveServer(database_uri, folder, workers=2, threads=8)
    server.migrate()
    volunteers = seed(database_uri, folder, campaigns=1, volunteers=PHONES)
    campaign_id, rng = volunteers[0].campaign_id, random.Random(SEED)
    with server:
        server.start()
        progress, deadline = Progress(), time.monotonic() + RUN_SECONDS
        phones, expected = [], {}
        for n, volunteer in enumerate(volunteers):
            phone = Phone(volunteer, server.port)
            ops, expected[phone.device_id] = outbox(phone, volunteer.voter_ids[n], volunteer.household_ids[n], rng)
            phones.append(FlakyPhone(phone, ops, n, progress, deadline))
        killed_at = run_phones(server, phones, progress, deadline)
        pulled = {}
        for phone in phones:
            pulled[phone.phone.device_id] = phone.phone.pull_all()
            phone.phone.drop()
        report = (f"{dict(sorted(sum((p.tally for p in phones), Counter()).items()))}; {server.kills} kills, at "
                  f"{killed_at} of {TOTAL_OPS} ops settled; {progress.settled} settled\n{server.log_tail()}")

    with psycopg.connect(database_uri.replace("postgresql+psycopg://", "postgresql://")) as conn:
        where = {"campaign_id": campaign_id}
        stored = dict(conn.execute("SELECT entity_id::text, version FROM sync_record "
                                   "WHERE campaign_id = %(campaign_id)s", where).fetchall())
        entities = Counter(dict(conn.execute("SELECT entity, count(*) FROM sync_record WHERE campaign_id = "
                                             "%(campaign_id)s GROUP BY entity", where).fetchall()))
        seqs = [seq for (seq,) in conn.execute("SELECT seq FROM sync_record WHERE campaign_id = %(campaign_id)s",
                                               where).fetchall()]
        applied = conn.execute("SELECT op_id::text, status FROM applied_op WHERE campaign_id = %(campaign_id)s",
                               where).fetchall()
        last_seq = conn.execute("SELECT last_seq FROM sync_counter WHERE campaign_id = %(campaign_id)s",
                                where).fetchone()[0]
        history = conn.execute("SELECT count(*) FROM sync_history").fetchone()[0]
    return Outcome(phones, expected, pulled, killed_at, stored, entities, applied, last_seq, seqs, history, report)


def test_the_faults_really_happened(outcome):
    tally = outcome.tally
    assert tally["drops"] >= 1, outcome.report  # hung up before the answer
    assert tally["result duplicate"] >= 1, outcome.report  # and resent ops the server had applied
    assert len(outcome.killed_at) == 2 and all(0 < ops < TOTAL_OPS for ops in outcome.killed_at), outcome.report
    assert sum(n for kind, n in tally.items() if kind.startswith("error ")) >= 2, outcome.report


def test_every_phone_empties_its_outbox_with_nothing_rejected(outcome):
    assert [problem for phone in outcome.phones for problem in phone.problems] == [], outcome.report
    assert [len(phone.outbox) for phone in outcome.phones] == [0] * PHONES, outcome.report
    assert outcome.tally["result rejected"] == 0


def test_every_op_is_applied_exactly_once(outcome):
    op_ids = sorted(op_id for op_id, _ in outcome.applied)
    assert len(op_ids) == TOTAL_OPS and op_ids == sorted(op_id for phone in outcome.phones for op_id in phone.op_ids)
    assert {status for _, status in outcome.applied} == {"applied"}


def test_the_database_holds_exactly_the_changes_made(outcome):
    expected = {entity_id: version for records in outcome.expected.values()
                for entity_id, (version, _fields) in records.items()}
    assert len(outcome.stored) == PHONES * CREATIONS
    assert outcome.stored == expected  # every record, at the version its creation and edits make
    assert sum(outcome.stored.values()) == TOTAL_OPS  # 5,000 changes, none twice
    # every record's latest change has a number of its own, handed out by the counter (a batch that changes a
    # record twice numbers it once)
    assert len(set(outcome.seqs)) == len(outcome.seqs) and 0 < min(outcome.seqs)
    assert max(outcome.seqs) == outcome.last_seq <= TOTAL_OPS
    assert outcome.history == PHONES * EDITS  # each edit replaced one value, kept in history once
    assert outcome.entities == {"conversation": PHONES * CREATIONS * 3 // 4, "door_visit": PHONES * CREATIONS // 4}


def test_each_volunteer_pulls_back_exactly_what_they_pushed(outcome):
    for device_id, changes in outcome.pulled.items():
        pulled = {change["entity_id"]: (change["version"], change["fields"]) for change in changes}
        assert len(changes) == len(pulled) and pulled == outcome.expected[device_id]

