"""The decision rules: applied, duplicate, rejected, conflict; field-level merge by hybrid logical clock;
ownership; deletes and what brings a record back."""

import itertools
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.decide import HistoryEntry, decide, merge, reject
from sync.hlc import Stamp
from sync.protocol import Action, Op, OpResult, Record, Status

VOTER = "00000000-0000-4000-8000-000000000007"  # voters are referred to by their public UUID

PHONE = "aaaaaaaa-0000-4000-8000-000000000001"
TABLET = "aaaaaaaa-0000-4000-8000-000000000002"
LAPTOP = "bbbbbbbb-0000-4000-8000-000000000003"  # an organizer's
CONVERSATION_ID = "0b6f6d3e-3c1f-4a57-9a43-2f1d2b7c9e10"
TAGS = frozenset({"housing"})
NEW = {"voter_id": VOTER, "channel": "door", "happened_at": "2026-11-27T18:04:05-05:00", "notes": "First visit."}


def stamp(ms, node=PHONE, counter=0):
    return Stamp(ms, counter, node)


def an_op(fields, at, action=Action.UPSERT):
    return Op(str(uuid.uuid4()), "conversation", CONVERSATION_ID, action, fields, at)


def judge(op, current, role="volunteer", already=None):
    return decide(op, role=role, current=current, already=already, issue_tags=TAGS)


def created():
    return judge(an_op(NEW, stamp(100)), None).record


def test_a_new_record_is_applied_at_version_1():
    decision = judge(an_op(NEW, stamp(100)), None)
    assert decision.result == OpResult(decision.result.op_id, Status.APPLIED, None, 1)
    assert decision.change and decision.history == ()
    assert decision.record == Record("conversation", CONVERSATION_ID, NEW, dict.fromkeys(NEW, stamp(100).encode()),
                                     False, None, 1)


def test_a_later_edit_is_applied_and_the_value_it_replaced_goes_to_history():
    decision = judge(an_op({"notes": "Second visit.", "support": 2}, stamp(200)), created())
    assert decision.result.status is Status.APPLIED and decision.result.version == 2
    assert decision.record.values == {**NEW, "notes": "Second visit.", "support": 2}
    assert decision.history == (HistoryEntry("notes", "First visit.", stamp(100).encode(), stamp(200).encode()),)


def test_an_op_seen_before_is_a_duplicate_with_the_first_result():
    current = created()
    op = an_op({"notes": "Second visit."}, stamp(200))
    first = judge(op, current).result
    again = judge(op, current, already=first)
    assert again.result == OpResult(op.op_id, Status.DUPLICATE, None, 2)
    assert not again.change and again.history == ()


def test_a_duplicate_of_a_conflict_repeats_its_errors():
    first = OpResult("x", Status.CONFLICT, {"notes": ["A later change won; yours is kept in history."]}, 4)
    again = judge(an_op({"notes": "x"}, stamp(1)), created(), already=first)
    assert again.result.status is Status.DUPLICATE
    assert (again.result.errors, again.result.version) == (first.errors, 4)


def test_a_stored_rejection_is_not_a_reason_for_duplicate():
    with pytest.raises(ValueError):
        judge(an_op({"notes": "x"}, stamp(1)), created(), already=OpResult("x", Status.REJECTED, {"notes": ["?"]}))


def test_a_bad_value_is_rejected_naming_the_field_and_changes_nothing():
    decision = judge(an_op({"support": 9, "issue_tags": ["crime"]}, stamp(200)), created())
    assert decision.result.status is Status.REJECTED and decision.result.version is None
    assert decision.result.errors == {"support": ["Not a whole number from 1 to 5."],
                                      "issue_tags": ["Item 0: Not one of this campaign's issues."]}
    assert not decision.change and decision.history == ()


def test_an_edit_that_arrives_after_a_later_one_is_a_conflict_and_kept_in_history():
    current = judge(an_op({"notes": "From the tablet."}, stamp(300, TABLET)), created()).record
    decision = judge(an_op({"notes": "From the phone."}, stamp(200)), current)
    assert decision.result.status is Status.CONFLICT
    assert decision.result.errors == {"notes": ["A later change won; yours is kept in history."]}
    assert decision.result.version == current.version and not decision.change
    assert decision.history == (HistoryEntry("notes", "From the phone.", stamp(200).encode(),
                                             stamp(300, TABLET).encode()),)


def test_equal_wall_time_is_decided_by_counter_then_node():
    current = judge(an_op({"notes": "tablet"}, stamp(300, TABLET)), created()).record
    assert judge(an_op({"notes": "phone"}, stamp(300, PHONE)), current).result.status is Status.CONFLICT
    assert judge(an_op({"notes": "phone"}, stamp(300, PHONE, counter=1)), current).result.status is Status.APPLIED
    assert PHONE < TABLET


def test_an_op_that_wins_some_fields_and_loses_others_is_a_conflict_that_still_changes_the_record():
    current = judge(an_op({"notes": "From the tablet."}, stamp(300, TABLET)), created()).record
    decision = judge(an_op({"notes": "From the phone.", "support": 1}, stamp(200)), current)
    assert decision.result.status is Status.CONFLICT and list(decision.result.errors) == ["notes"]
    assert decision.record.values["notes"] == "From the tablet." and decision.record.values["support"] == 1
    assert decision.result.version == current.version + 1


def test_losing_with_the_same_value_is_not_a_conflict():
    current = judge(an_op({"support": 2}, stamp(300, TABLET)), created()).record
    decision = judge(an_op({"support": 2}, stamp(200)), current)
    assert decision.result.status is Status.APPLIED and decision.history == () and not decision.change


@pytest.mark.parametrize("volunteer_first", [True, False])
def test_a_review_and_a_volunteers_edit_made_at_once_both_survive(volunteer_first):
    base = created()
    edit = (an_op({"notes": "Called back."}, stamp(200)), "volunteer")
    review = (an_op({"reviewed": True, "review_reply": "Nice work!"}, stamp(190, LAPTOP)), "organizer")
    current = base
    for op, role in (edit, review) if volunteer_first else (review, edit):
        decision = judge(op, current, role=role)
        assert decision.result.status is Status.APPLIED
        current = decision.record
    assert current.values == {**NEW, "notes": "Called back.", "reviewed": True, "review_reply": "Nice work!"}
    assert current.version == 3


def test_each_side_is_rejected_on_the_others_fields():
    current = created()
    by_organizer = judge(an_op({"notes": "Edited.", "reviewed": True}, stamp(200, LAPTOP)), current, "organizer")
    assert by_organizer.result.status is Status.REJECTED
    assert by_organizer.result.errors == {"notes": ["Only the volunteer who logged this can change this."]}
    by_volunteer = judge(an_op({"flagged_for_follow_up": True}, stamp(200)), current)
    assert by_volunteer.result.errors == {"flagged_for_follow_up": ["Only organizers can change this."]}


def test_the_server_may_empty_anyones_free_text_and_nothing_else():
    current = judge(an_op({"review_reply": "Thanks!"}, stamp(150, LAPTOP)), created(), "organizer").record
    redacted = judge(an_op({"notes": "", "review_reply": ""}, stamp(300, "server")), current, "server")
    assert redacted.result.status is Status.APPLIED
    assert (redacted.record.values["notes"], redacted.record.values["review_reply"]) == ("", "")
    assert redacted.record.values["channel"] == "door"
    refused = judge(an_op({"notes": "Rewritten.", "support": 1}, stamp(300, "server")), current, "server")
    assert refused.result.status is Status.REJECTED
    assert {name: problems[0].code for name, problems in refused.result.errors.items()} == {
        "notes": "redact_only", "support": "redact_only"}
    assert judge(an_op({}, stamp(300, "server"), Action.DELETE), current, "server").result.status is Status.REJECTED


def test_an_organizer_can_neither_create_nor_delete():
    assert judge(an_op({"reviewed": True}, stamp(100, LAPTOP)), None, "organizer").result.errors == {
        "entity_id": ["No such conversation."]}
    delete = an_op({}, stamp(200, LAPTOP), Action.DELETE)
    assert judge(delete, created(), "organizer").result.errors == {
        "action": ["Only the volunteer who logged this can delete it."]}


def test_deleting_what_the_server_never_had_is_rejected():
    assert judge(an_op({}, stamp(100), Action.DELETE), None).result.errors == {"entity_id": ["No such conversation."]}


def test_a_delete_is_applied_as_a_tombstone():
    decision = judge(an_op({}, stamp(200), Action.DELETE), created())
    assert decision.result == OpResult(decision.result.op_id, Status.APPLIED, None, 2)
    assert decision.record.deleted and decision.record.deleted_stamp == stamp(200).encode()
    assert decision.record.values == NEW  # kept, so that a later edit brings the record back whole


def test_an_edit_stamped_before_the_delete_stays_deleted():
    deleted = judge(an_op({}, stamp(200), Action.DELETE), created()).record
    decision = judge(an_op({"support": 1}, stamp(150, TABLET)), deleted)
    assert decision.result.status is Status.CONFLICT
    assert decision.result.errors == {"entity_id": ["This conversation was deleted."]}
    assert decision.record.deleted


def test_an_edit_stamped_after_the_delete_brings_the_record_back_whole():
    deleted = judge(an_op({}, stamp(200), Action.DELETE), created()).record
    decision = judge(an_op({"support": 1}, stamp(250, TABLET)), deleted)
    assert decision.result.status is Status.APPLIED
    assert not decision.record.deleted
    assert decision.record.values == {**NEW, "support": 1}


def test_a_delete_stamped_before_a_later_edit_leaves_the_record_alive():
    edited = judge(an_op({"support": 1}, stamp(250, TABLET)), created()).record
    decision = judge(an_op({}, stamp(200), Action.DELETE), edited)
    assert decision.result.status is Status.CONFLICT
    assert decision.result.errors == {"entity_id": ["This conversation was changed after the delete, so it was kept."]}
    assert not decision.record.deleted


def test_a_review_after_the_delete_does_not_bring_the_record_back():
    deleted = judge(an_op({}, stamp(200), Action.DELETE), created()).record
    decision = judge(an_op({"reviewed": True}, stamp(300, LAPTOP)), deleted, "organizer")
    assert decision.result.status is Status.CONFLICT and decision.record.deleted


def test_the_version_counts_changes():
    current = created()
    for i, fields in enumerate([{"support": 1}, {"support": 2}, {"notes": "x"}], start=2):
        current = judge(an_op(fields, stamp(100 + i)), current).record
        assert current.version == i


def test_a_duplicate_is_answered_whatever_role_its_sender_has_now():
    """The sender may have lost the role that let the op through (an organizer made a volunteer since)."""
    first = OpResult("x", Status.APPLIED, None, 4)
    decision = judge(an_op({"reviewed": True}, stamp(200)), created(), role=None, already=first)
    assert decision.result == OpResult(decision.result.op_id, Status.DUPLICATE, None, 4) and decision.record is None
    with pytest.raises(ValueError):  # a new op still needs to know who is acting
        judge(an_op({"notes": "x"}, stamp(200)), created(), role=None)


def test_an_unknown_role_is_a_programming_error():
    with pytest.raises(ValueError):
        judge(an_op({}, stamp(200), Action.DELETE), created(), role="owner")


def test_the_server_rejects_with_its_own_checks_in_the_same_shape():
    op = an_op({"relationship_id": "0b6f6d3e-3c1f-4a57-9a43-000000000000"}, stamp(100))
    decision = reject(op, {"relationship_id": ["No such relationship."]})
    assert decision.result.to_json() == {"op_id": op.op_id, "status": "rejected",
                                         "errors": {"relationship_id": ["No such relationship."]}}
    assert not decision.change


def test_the_op_and_the_record_must_match():
    other = Record("relationship", CONVERSATION_ID, {}, {}, False, None, 1)
    with pytest.raises(ValueError):
        judge(an_op({"notes": "x"}, stamp(200)), other)


def test_merging_a_tombstone_into_a_replica_with_a_later_local_edit_keeps_it_alive():
    local = judge(an_op({"support": 1}, stamp(250, TABLET)), created()).record
    tombstone = Record("conversation", CONVERSATION_ID, {}, {}, True, stamp(200).encode(), 3)
    assert not merge(local, tombstone).deleted
    assert merge(created(), tombstone).deleted


EDITS = st.lists(st.tuples(
    st.sampled_from(["volunteer", "organizer", "delete"]),
    st.integers(101, 120),  # wall time
    st.sampled_from([PHONE, TABLET]),
    st.sampled_from([1, 2, 3]),  # a value
), min_size=1, max_size=6, unique_by=lambda e: (e[1], LAPTOP if e[0] == "organizer" else e[2]))  # stamps differ


def as_op(kind, wall, node, value):
    if kind == "delete":
        return an_op({}, stamp(wall, node), Action.DELETE), "volunteer"
    if kind == "organizer":
        return an_op({"reviewed": value > 1, "review_reply": str(value)}, stamp(wall, LAPTOP)), "organizer"
    return an_op({"support": value, "notes": str(value)}, stamp(wall, node)), "volunteer"


@settings(max_examples=150, deadline=None)
@given(EDITS)
def test_the_server_reaches_the_same_state_in_any_order_of_arrival(edits):
    ops = [as_op(*edit) for edit in edits]
    outcomes = set()
    for order in itertools.islice(itertools.permutations(ops), 24):
        current = created()
        for op, role in order:
            decision = judge(op, current, role)
            assert decision.result.status in (Status.APPLIED, Status.CONFLICT)
            current = decision.record or current
        outcomes.add((current.deleted, current.deleted_stamp, tuple(sorted(current.values.items())),
                      tuple(sorted(current.stamps.items()))))
    assert len(outcomes) == 1


# a contact preference: one campaign-wide record per voter, its id the voter's, written by anyone of the campaign

ASKED = {"voter_id": VOTER, "no_door": True, "no_text": True, "recorded_from": "door",
         "recorded_at": "2026-11-27T18:04:05-05:00"}


def preference_op(fields, at, action=Action.UPSERT, entity_id=VOTER):
    return Op(str(uuid.uuid4()), "contact_preference", entity_id, action, fields, at)


def test_a_volunteer_records_a_preference_and_an_organizer_edits_the_same_fields():
    made = judge(preference_op(ASKED, stamp(100)), None)
    assert made.result.status is Status.APPLIED
    cleared = judge(preference_op({"no_door": False, "recorded_from": "console",
                                   "recorded_at": "2026-11-28T09:00:00Z"}, stamp(200, LAPTOP)),
                    made.record, role="organizer")
    assert cleared.result.status is Status.APPLIED
    assert cleared.record.values["no_door"] is False and cleared.record.values["no_text"] is True


def test_an_organizer_may_record_a_preference_first():
    assert judge(preference_op(ASKED, stamp(100, LAPTOP)), None, role="organizer").result.status is Status.APPLIED


def test_a_volunteers_and_an_organizers_edits_of_one_preference_resolve_by_stamp_in_any_order():
    made = judge(preference_op(ASKED, stamp(100)), None).record
    organizer = preference_op({"no_door": False}, stamp(300, LAPTOP))
    volunteer = preference_op({"no_door": True, "no_call": True}, stamp(200, TABLET))
    first = judge(volunteer, judge(organizer, made, role="organizer").record)
    second = judge(organizer, judge(volunteer, made).record, role="organizer")
    assert first.result.status is Status.CONFLICT and first.result.errors == {"no_door": [
        "A later change won; yours is kept in history."]}
    assert first.record.values == second.record.values == {**ASKED, "no_door": False, "no_call": True}


def test_a_preference_whose_id_is_not_its_voters_is_rejected():
    decision = judge(preference_op(ASKED, stamp(100), entity_id=CONVERSATION_ID), None)
    assert decision.result.status is Status.REJECTED
    assert decision.result.errors["entity_id"][0].code == "keyed_by"


def test_nobody_deletes_a_preference():
    made = judge(preference_op(ASKED, stamp(100)), None).record
    for role in ("volunteer", "organizer"):
        decision = judge(preference_op({}, stamp(200), Action.DELETE), made, role=role)
        assert decision.result.status is Status.REJECTED and decision.result.errors["action"][0].code == "no_delete"
