"""Parsing pushed batches and pull requests: whole-batch problems raise and name the field; a bad op becomes
a rejected result that names the field, and the rest of the batch goes on."""

import json
import re
from pathlib import Path

import pytest

from sync.decide import decide
from sync.errors import ProtocolError, UnsupportedProtocol
from sync.hlc import MAX_DRIFT_MS, Stamp
from sync.protocol import (
    MAX_OPS,
    Action,
    Batch,
    Op,
    OpResult,
    Record,
    Status,
    change_json,
    constants,
    parse_batch,
    parse_pull,
    pull_json,
)

DEVICE = "5f0c2a4e-8d1b-4c3a-9e2f-1a2b3c4d5e6f"
OP_ID = "7d9e1f20-3a4b-4c5d-8e6f-0a1b2c3d4e5f"
ENTITY_ID = "0b6f6d3e-3c1f-4a57-9a43-2f1d2b7c9e10"
NOT_AN_ENTITY = "Not one of: relationship, conversation, door_visit, contact_preference."
NOW = 1_732_700_000_000
HLC = Stamp(NOW, 0, DEVICE).encode()


def an_op(**changes):
    op = {"op_id": OP_ID, "entity": "conversation", "entity_id": ENTITY_ID, "action": "upsert",
          "fields": {"notes": "Talked about the bus line."}, "hlc": HLC}
    op.update(changes)
    return {key: value for key, value in op.items() if value is not ...}


def a_batch(*ops, **changes):
    return {"protocol": 1, "device_id": DEVICE, "ops": list(ops), **changes}


def rejected_errors(op, now_ms=None):
    batch, rejected = parse_batch(a_batch(op), now_ms=now_ms)
    assert batch.ops == (None,)
    assert rejected[0].status is Status.REJECTED
    return rejected[0].errors


def test_a_good_batch_parses_into_ops():
    batch, rejected = parse_batch(a_batch(an_op(), an_op(action="delete", fields=...)))
    assert rejected == {}
    assert batch == Batch(1, DEVICE, (
        Op(OP_ID, "conversation", ENTITY_ID, Action.UPSERT, {"notes": "Talked about the bus line."},
           Stamp(NOW, 0, DEVICE)),
        Op(OP_ID, "conversation", ENTITY_ID, Action.DELETE, {}, Stamp(NOW, 0, DEVICE)),
    ))


def test_an_empty_batch_is_fine():
    assert parse_batch(a_batch()) == (Batch(1, DEVICE, ()), {})


@pytest.mark.parametrize(("data", "field"), [
    ([], None),
    ("ops", None),
    (None, None),
    ({"device_id": DEVICE, "ops": []}, "protocol"),
    (a_batch(protocol="1"), "protocol"),
    (a_batch(protocol=True), "protocol"),
    (a_batch(protocol=1.0), "protocol"),
    (a_batch(extra=1), "extra"),
    ({"protocol": 1, "ops": []}, "device_id"),
    (a_batch(device_id="phone"), "device_id"),
    (a_batch(device_id=DEVICE.upper()), "device_id"),
    ({"protocol": 1, "device_id": DEVICE}, "ops"),
    (a_batch(ops={"0": an_op()}), "ops"),
    (a_batch(*[an_op()] * (MAX_OPS + 1)), "ops"),
])
def test_whole_batch_problems_raise_and_name_the_field(data, field):
    with pytest.raises(ProtocolError) as raised:
        parse_batch(data)
    assert raised.value.field == field
    assert raised.value.message


def test_a_full_batch_is_allowed():
    batch, rejected = parse_batch(a_batch(*[an_op()] * MAX_OPS))
    assert len(batch.ops) == MAX_OPS and not rejected


@pytest.mark.parametrize("version", [0, 2, 99])
def test_a_protocol_the_server_does_not_speak_is_unsupported(version):
    with pytest.raises(UnsupportedProtocol) as raised:
        parse_batch({"protocol": version, "whatever": "a later version sends"})
    assert raised.value.version == version
    assert raised.value.message == f"Sync protocol {version} is not supported; this server speaks 1. Update the app."


@pytest.mark.parametrize(("op", "errors"), [
    ("not an op", {"op": ["Expected an object."]}),
    (an_op(op_id=...), {"op_id": ["Required."]}),
    (an_op(op_id="42"), {"op_id": ["Not a lowercase UUID."]}),
    (an_op(op_id=OP_ID.upper()), {"op_id": ["Not a lowercase UUID."]}),
    (an_op(entity="walk_list"), {"entity": [NOT_AN_ENTITY]}),
    (an_op(entity=["conversation"]), {"entity": [NOT_AN_ENTITY]}),
    (an_op(entity_id=...), {"entity_id": ["Required."]}),
    (an_op(entity_id=7), {"entity_id": ["Not a lowercase UUID."]}),
    (an_op(action="patch"), {"action": ["Not one of: upsert, delete."]}),
    (an_op(action={}), {"action": ["Not one of: upsert, delete."]}),
    (an_op(fields=...), {"fields": ["Required."]}),
    (an_op(fields=["notes"]), {"fields": ["Expected an object with at least one field."]}),
    (an_op(fields={}), {"fields": ["Expected an object with at least one field."]}),
    (an_op(action="delete"), {"fields": ["A delete carries no fields."]}),
    (an_op(hlc=...), {"hlc": ["Required."]}),
    (an_op(hlc=1732700000000), {"hlc": ["Not a hybrid logical clock stamp."]}),
    (an_op(hlc="2026-11-27T18:04:05Z"), {"hlc": ["Not a hybrid logical clock stamp."]}),
    (an_op(hlc=f"{NOW:015d}-65536-{DEVICE}"), {"hlc": ["Not a hybrid logical clock stamp."]}),  # counter too big
    (an_op(hlc=Stamp(NOW, 0, "another-device").encode()),
     {"hlc": ["Not stamped by this device: the node must be the device_id."]}),
    (an_op(colour="red"), {"colour": ["Unknown field."]}),
])
def test_a_malformed_op_is_rejected_with_errors_naming_the_field(op, errors):
    assert rejected_errors(op) == errors


def test_every_problem_of_an_op_is_named_at_once():
    assert rejected_errors(an_op(op_id=..., entity="x", action="x", hlc="x")) == {
        "op_id": ["Required."], "entity": [NOT_AN_ENTITY],
        "action": ["Not one of: upsert, delete."], "hlc": ["Not a hybrid logical clock stamp."]}


def test_an_op_stamped_too_far_ahead_of_the_servers_clock_is_rejected():
    ahead = an_op(hlc=Stamp(NOW + MAX_DRIFT_MS + 1, 0, DEVICE).encode())
    assert rejected_errors(ahead, now_ms=NOW) == {
        "hlc": ["Stamped too far ahead of the server's clock: check the phone's date and time."]}
    just_in_time = an_op(hlc=Stamp(NOW + MAX_DRIFT_MS, 0, DEVICE).encode())
    assert parse_batch(a_batch(just_in_time), now_ms=NOW)[1] == {}


def test_a_rejected_op_keeps_its_position_and_id_and_the_rest_go_on():
    batch, rejected = parse_batch(a_batch(an_op(), an_op(entity="x"), "junk", an_op(op_id="x")))
    assert [op is None for op in batch.ops] == [False, True, True, True]
    assert {i: r.op_id for i, r in rejected.items()} == {1: OP_ID, 2: None, 3: None}


def test_a_result_becomes_json_without_empty_keys():
    assert OpResult(OP_ID, Status.APPLIED, version=3).to_json() == {"op_id": OP_ID, "status": "applied", "version": 3}
    assert OpResult(None, Status.REJECTED, {"hlc": ["Bad."]}).to_json() == {
        "op_id": None, "status": "rejected", "errors": {"hlc": ["Bad."]}}


@pytest.mark.parametrize(("status", "settled"), [
    (Status.APPLIED, True), (Status.DUPLICATE, True), (Status.CONFLICT, True), (Status.REJECTED, False)])
def test_the_phone_drops_an_op_unless_it_was_rejected(status, settled):
    assert OpResult(OP_ID, status).settled is settled


def test_a_pull_request_has_defaults():
    assert parse_pull({"protocol": "1"}) == (0, 200)
    assert parse_pull({"protocol": "1", "cursor": "", "limit": ""}) == (0, 200)
    assert parse_pull({"protocol": "1", "cursor": "42", "limit": "1000"}) == (42, 1000)


@pytest.mark.parametrize(("args", "field"), [
    ({}, "protocol"),
    ({"protocol": "one"}, "protocol"),
    ({"protocol": "1", "cursor": "-1"}, "cursor"),
    ({"protocol": "1", "cursor": "abc"}, "cursor"),
    ({"protocol": "1", "cursor": "٤٢"}, "cursor"),
    ({"protocol": "1", "cursor": "1" * 20}, "cursor"),
    ({"protocol": "1", "cursor": "9" * 5000}, "cursor"),
    ({"protocol": "1", "limit": "0"}, "limit"),
    ({"protocol": "1", "limit": "1001"}, "limit"),
    ({"protocol": "1", "limit": "9" * 5000}, "limit"),
    ({"protocol": "1", "since": "3"}, "since"),
])
def test_a_bad_pull_request_names_the_field(args, field):
    with pytest.raises(ProtocolError) as raised:
        parse_pull(args)
    assert raised.value.field == field


def test_a_pull_in_an_old_protocol_is_unsupported():
    with pytest.raises(UnsupportedProtocol):
        parse_pull({"protocol": "0"})


def record(entity_id, deleted=False):
    stamp = Stamp(NOW, 0, DEVICE).encode()
    return Record("relationship", entity_id, {"notes": "hi"}, {"notes": stamp}, deleted,
                  Stamp(NOW, 1, DEVICE).encode() if deleted else None, 2)


def test_a_pull_page_says_where_to_go_on_from_and_whether_there_is_more():
    rows = [(5, record("a")), (9, record("b", deleted=True)), (12, record("c"))]
    page = pull_json(rows, cursor=3, limit=2)
    assert page["cursor"] == "9" and page["more"] is True
    assert page["changes"][0] == {"seq": 5, "entity": "relationship", "entity_id": "a", "version": 2,
                                  "deleted": False, "deleted_stamp": None,
                                  "fields": {"notes": "hi"}, "stamps": {"notes": record("a").stamps["notes"]}}
    assert pull_json(rows, cursor=3, limit=3)["more"] is False


def test_a_tombstone_is_pulled_without_its_values():
    change = pull_json([(9, record("b", deleted=True))], cursor=0, limit=10)["changes"][0]
    assert change["deleted"] is True and change["fields"] == {} and change["stamps"] == {}
    assert change["deleted_stamp"] == Stamp(NOW, 1, DEVICE).encode()


def test_an_empty_pull_keeps_the_cursor():
    assert pull_json([], cursor=7, limit=10) == {"changes": [], "cursor": "7", "more": False}


def test_the_constants_for_the_app_are_json():
    exported = json.loads(json.dumps(constants()))
    assert exported["protocol"] == 1
    assert exported["statuses"] == ["applied", "duplicate", "rejected", "conflict"]
    assert exported["settled"] == ["applied", "conflict", "duplicate"]
    support = exported["entities"]["conversation"]["fields"]["support"]
    assert support == {"kind": "FieldSpec", "type": {"kind": "IntRange", "lo": 1, "hi": 5}, "owner": "volunteer",
                       "null": True, "required": False, "fixed": False}


def test_the_examples_in_the_docs_are_what_the_code_does():
    blocks = re.findall(r"```json\n(.*?)```", (Path(__file__).parents[2] / "docs" / "sync.md").read_text(), re.S)
    push, results, *_, pull = [json.loads(block) for block in blocks]
    batch, rejected = parse_batch(push)
    assert not rejected
    current, answers = None, []
    for op in batch.ops:
        decision = decide(op, role="volunteer", current=current, already=None)
        current = decision.record or current
        answers.append(decision.result.to_json())
    assert {"results": answers} == results
    for change in pull["changes"]:
        assert set(change) == set(change_json(1, current))
