"""Three phones of one volunteer and an organizer's laptop, each with a replica and an outbox, sync through a
network that duplicates, reorders and drops deliveries, to an in-memory server that uses sync/ the way
server/ will. Hypothesis drives edits, pushes, deliveries and pulls. Nothing is applied twice, nothing is
lost, and once everything is delivered and pulled, every replica equals the server."""

import uuid
from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sync import hlc
from sync.decide import decide, merge
from sync.entities import ENTITIES, ORGANIZER, VOLUNTEER
from sync.hlc import Stamp
from sync.protocol import Action, Record, Status, parse_batch, parse_pull, pull_json

TAGS = frozenset({"housing", "transit"})
START_MS = 1_732_700_000_000
CONTENT = {  # a few values per field, so that edits collide and sometimes agree
    "relationship": {"kind": ("friend", "family", None), "closeness": (1, 5, None), "notes": ("", "knows Ana")},
    "conversation": {"channel": ("door", "call"), "happened_at": ("2026-11-27T18:04:05Z", "2026-11-28T09:00:00+01:00"),
                     "support": (1, 3, None), "issue_tags": ([], ["housing"], ["transit", "housing"]),
                     "registered": (True, None), "vote_method": ("mail", None), "vote_on": ("2026-11-03", None),
                     "notes": ("", "bus line", "rent"), "follow_up_on": ("2026-12-01", None)},
}
REVIEW = {"reviewed": (True, False), "review_reply": ("", "Thanks!", "Call her back"),
          "flagged_for_follow_up": (True, False)}
picks = st.integers(0, 10**6)


def voter_uuid(n: int) -> str:
    """A voter's public id, as the API shows it."""
    return f"00000000-0000-4000-8000-{n:012d}"


def ident(n: int) -> str:
    return str(uuid.UUID(int=n))


class Server:
    """server/ in miniature: records, stored results, history and a per-campaign change sequence."""

    def __init__(self):
        self.records: dict[tuple[str, str], Record] = {}
        self.seq_of: dict[tuple[str, str], int] = {}
        self.seq = 0
        self.results = {}  # op_id -> the result of an applied or conflicting op
        self.applied_log = []  # op ids in the order they took effect
        self.history = []

    def push(self, body: dict, role: str, now_ms: int) -> dict:
        batch, early = parse_batch(body, now_ms=now_ms)
        results = []
        for i, op in enumerate(batch.ops):
            if i in early:
                results.append(early[i].to_json())
                continue
            key = (op.entity, op.entity_id)
            decision = decide(op, role=role, current=self.records.get(key), already=self.results.get(op.op_id),
                              issue_tags=TAGS)
            # one transaction per op: its result, its history and its change together
            if decision.result.status in (Status.APPLIED, Status.CONFLICT):
                self.results[op.op_id] = decision.result
                self.applied_log.append(op.op_id)
            self.history.extend(decision.history)
            if decision.change:
                self.seq += 1
                self.records[key], self.seq_of[key] = decision.record, self.seq
            results.append(decision.result.to_json())
        return {"results": results}

    def pull(self, args: dict) -> dict:
        cursor, limit = parse_pull(args)
        rows = sorted(((seq, self.records[key]) for key, seq in self.seq_of.items() if seq > cursor),
                      key=lambda row: row[0])
        return pull_json(rows[:limit + 1], cursor=cursor, limit=limit)


@dataclass
class Device:
    id: str
    role: str
    skew_ms: int = 0
    replica: dict = field(default_factory=dict)  # (entity, entity_id) -> Record
    outbox: list = field(default_factory=list)  # op JSON, oldest first
    cursor: str = "0"
    clock: Stamp = field(init=False)

    def __post_init__(self):
        self.clock = Stamp(0, 0, self.id)  # kept in IndexedDB on a real phone

    def live(self, entity):
        return sorted(key for key, record in self.replica.items() if key[0] == entity and not record.deleted)

    def record_op(self, op_id, entity, entity_id, action, fields, now_ms, apply_locally=True):
        """What the PWA does in one IndexedDB transaction: stamp, change the local record, queue the op."""
        self.clock, stamp = hlc.send(self.clock, now_ms + self.skew_ms)
        encoded = stamp.encode()
        if apply_locally:
            deleted = action == Action.DELETE
            mine = Record(entity, entity_id, fields, dict.fromkeys(fields, encoded), deleted,
                          encoded if deleted else None, 0)
            self.replica[(entity, entity_id)] = merge(self.replica.get((entity, entity_id)), mine)
        self.outbox.append({"op_id": op_id, "entity": entity, "entity_id": entity_id, "action": str(action),
                            "fields": fields, "hlc": encoded})

    def hear_push(self, response, sent):
        """Drop an op from the outbox only when the server settled it; keep a rejected one."""
        settled = {r["op_id"] for r in response["results"] if r["status"] != "rejected"}
        assert [r["op_id"] for r in response["results"]] == [op["op_id"] for op in sent]
        kept = [op for op in self.outbox if op["op_id"] not in settled]
        dropped = {op["op_id"] for op in self.outbox} - {op["op_id"] for op in kept}
        self.outbox = kept
        return dropped, {r["op_id"] for r in response["results"] if r["status"] == "rejected"}

    def hear_pull(self, page, now_ms):
        for change in page["changes"]:
            remote = Record(change["entity"], change["entity_id"], change["fields"], change["stamps"],
                            change["deleted"], change["deleted_stamp"], change["version"])
            for stamp in [*remote.stamps.values(), remote.deleted_stamp]:
                if stamp:
                    self.clock = hlc.receive(self.clock, Stamp.decode(stamp), now_ms + self.skew_ms)
            key = (remote.entity, remote.entity_id)
            self.replica[key] = merge(self.replica.get(key), remote)
        self.cursor = page["cursor"]


class Sync(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.server = Server()
        self.devices = [Device(ident(1001 + i), VOLUNTEER) for i in range(3)] + [Device(ident(2001), ORGANIZER)]
        self.now = START_MS
        self.next_id = 0
        self.in_flight = []  # (device index, batch) sent and not yet arrived
        self.dropped_from_outboxes = set()
        self.attempts_to_reject = set()  # the organizer's edits of content fields
        self.rejected = set()

    def new_id(self):
        self.next_id += 1
        return ident(self.next_id)

    @property
    def organizer(self):
        return self.devices[3]

    @initialize()
    def everyone_starts_with_a_shared_relationship_and_conversation(self):
        relationship_id = self.new_id()
        self.devices[0].record_op(self.new_id(), "relationship", relationship_id, Action.UPSERT,
                                  {"voter_id": voter_uuid(1), "source": "search"}, self.now)
        self.devices[0].record_op(self.new_id(), "conversation", self.new_id(), Action.UPSERT,
                                  {"relationship_id": relationship_id, "channel": "call",
                                   "happened_at": "2026-11-27T18:04:05Z"}, self.now)
        self.deliver(0, {"protocol": 1, "device_id": self.devices[0].id, "ops": list(self.devices[0].outbox)})
        for device in range(len(self.devices)):
            self.pull(device, limit=10)

    @rule(ms=st.integers(0, 3))
    def time_passes(self, ms):
        self.now += ms  # 0: the clock stutters

    @rule(device=st.integers(0, 3), skew=st.integers(-40, 40))
    def a_device_clock_jumps(self, device, skew):
        self.devices[device].skew_ms = skew  # backwards, too

    @rule(device=st.integers(0, 2), voter=st.integers(1, 5), kind=st.sampled_from(CONTENT["relationship"]["kind"]))
    def volunteer_confirms_a_relationship(self, device, voter, kind):
        fields = {"voter_id": voter_uuid(voter), "source": "match", "kind": kind}
        self.devices[device].record_op(self.new_id(), "relationship", self.new_id(), Action.UPSERT, fields, self.now)

    @rule(device=st.integers(0, 2), pick=picks, voter=st.integers(1, 5), channel=st.sampled_from(["door", "call"]))
    def volunteer_logs_a_conversation(self, device, pick, voter, channel):
        phone = self.devices[device]
        relationships = phone.live("relationship")
        who = {"relationship_id": relationships[pick % len(relationships)][1]} if relationships and pick % 3 else {
            "voter_id": voter_uuid(voter)}
        fields = {**who, "channel": channel, "happened_at": "2026-11-27T18:04:05-05:00", "notes": "first"}
        phone.record_op(self.new_id(), "conversation", self.new_id(), Action.UPSERT, fields, self.now)

    @rule(device=st.integers(0, 2), pick=picks, field_picks=st.lists(picks, min_size=1, max_size=2), value=picks)
    def volunteer_edits(self, device, pick, field_picks, value):
        phone = self.devices[device]
        records = phone.live("relationship") + phone.live("conversation")
        if records:
            entity, entity_id = records[pick % len(records)]
            names = sorted(CONTENT[entity])
            choices = {names[n % len(names)]: CONTENT[entity][names[n % len(names)]] for n in field_picks}
            fields = {name: values[value % len(values)] for name, values in choices.items()}
            phone.record_op(self.new_id(), entity, entity_id, Action.UPSERT, fields, self.now)

    @rule(device=st.integers(0, 2), pick=picks)
    def volunteer_deletes(self, device, pick):
        phone = self.devices[device]
        records = phone.live("relationship") + phone.live("conversation")
        if records:
            entity, entity_id = records[pick % len(records)]
            phone.record_op(self.new_id(), entity, entity_id, Action.DELETE, {}, self.now)

    @rule(pick=picks, name=st.sampled_from(sorted(REVIEW)), value=picks)
    def organizer_reviews(self, pick, name, value):
        conversations = self.organizer.live("conversation")
        if conversations:
            fields = {name: REVIEW[name][value % len(REVIEW[name])]}
            self.organizer.record_op(self.new_id(), "conversation", conversations[pick % len(conversations)][1],
                                     Action.UPSERT, fields, self.now)

    @rule(pick=picks)
    def organizer_tries_to_change_what_the_volunteer_wrote(self, pick):
        conversations = self.organizer.live("conversation")
        if conversations:
            op_id = self.new_id()
            self.attempts_to_reject.add(op_id)
            self.organizer.record_op(op_id, "conversation", conversations[pick % len(conversations)][1],
                                     Action.UPSERT, {"notes": "organizer's words"}, self.now, apply_locally=False)

    @precondition(lambda self: any(d.outbox for d in self.devices))
    @rule(device=st.integers(0, 3), size=st.integers(1, 8))
    def a_device_pushes(self, device, size):
        outbox = self.devices[device].outbox
        if outbox:  # a prefix: the outbox goes out in order
            self.in_flight.append((device, {"protocol": 1, "device_id": self.devices[device].id,
                                            "ops": list(outbox[:size])}))

    @precondition(lambda self: self.in_flight)
    @rule(pick=picks, response_lost=st.booleans(), duplicated=st.booleans())
    def the_network_delivers(self, pick, response_lost, duplicated):
        i = pick % len(self.in_flight)  # any of them: deliveries arrive out of order
        device, body = self.in_flight[i] if duplicated else self.in_flight.pop(i)
        self.deliver(device, body, response_lost)

    @precondition(lambda self: self.in_flight)
    @rule(pick=picks)
    def the_network_drops(self, pick):
        self.in_flight.pop(pick % len(self.in_flight))

    @rule(device=st.integers(0, 3), limit=st.integers(1, 4), pages=st.integers(1, 3), response_lost=st.booleans())
    def a_device_pulls(self, device, limit, pages, response_lost):
        while self.pull(device, limit, response_lost) and pages > 1:
            pages -= 1

    def deliver(self, device, body, response_lost=False):
        phone = self.devices[device]
        response = self.server.push(body, phone.role, self.now)
        if not response_lost:
            dropped, rejected = phone.hear_push(response, body["ops"])
            self.dropped_from_outboxes |= dropped
            self.rejected |= rejected

    def pull(self, device, limit, response_lost=False):
        phone = self.devices[device]
        page = self.server.pull({"protocol": "1", "cursor": phone.cursor, "limit": str(limit)})
        if not response_lost:
            phone.hear_pull(page, self.now)
        return page["more"]

    @invariant()
    def no_op_is_applied_twice(self):
        assert len(self.server.applied_log) == len(set(self.server.applied_log))

    @invariant()
    def no_op_is_lost(self):
        assert self.dropped_from_outboxes <= set(self.server.results)

    @invariant()
    def only_the_organizers_content_edits_are_rejected(self):
        assert self.rejected <= self.attempts_to_reject
        assert not self.attempts_to_reject & set(self.server.results)

    @invariant()
    def each_side_wrote_only_its_own_fields(self):
        volunteers = {d.id for d in self.devices[:3]}
        for record in self.server.records.values():
            for name, stamp in record.stamps.items():
                owner = ENTITIES[record.entity].fields[name].owner
                assert Stamp.decode(stamp).node in (volunteers if owner == VOLUNTEER else {self.organizer.id})

    def teardown(self):
        """Let the network settle: late deliveries arrive, every outbox is retried, everyone pulls."""
        for device, body in self.in_flight:
            self.deliver(device, body, response_lost=True)
        for device, phone in enumerate(self.devices):
            if phone.outbox:
                self.deliver(device, {"protocol": 1, "device_id": phone.id, "ops": list(phone.outbox)})
            assert {op["op_id"] for op in phone.outbox} <= self.attempts_to_reject
        self.no_op_is_lost()
        for device in range(len(self.devices)):
            while self.pull(device, limit=3):
                pass
        for phone in self.devices:
            assert set(phone.replica) == set(self.server.records)
            for key, record in self.server.records.items():
                mine = phone.replica[key]
                assert (mine.deleted, mine.deleted_stamp, mine.version) == (
                    record.deleted, record.deleted_stamp, record.version)
                if not record.deleted:
                    assert (mine.values, mine.stamps) == (record.values, record.stamps)


Sync.TestCase.settings = settings(max_examples=200, stateful_step_count=50, deadline=None, derandomize=True)
test_replicas_converge_with_nothing_lost_and_nothing_applied_twice = Sync.TestCase
