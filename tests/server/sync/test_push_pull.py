"""Push and pull against the real database: exactly once, per-op results, scoped to the volunteer."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from server.campaigns.models import Membership, Role
from server.extensions import db
from server.sync_api.models import AppliedOp, SyncCounter, SyncHistory, SyncRecord
from tests.server.sync.conftest import conversation_fields


@pytest.fixture
def team(make_campaign, make_member):
    campaign_id = make_campaign()
    return {"campaign_id": campaign_id, "volunteer": make_member(campaign_id, Role.VOLUNTEER),
            "other_volunteer": make_member(campaign_id, Role.VOLUNTEER),
            "organizer": make_member(campaign_id, Role.ORGANIZER)}


def statuses(response):
    return [r["status"] for r in response.json["results"]]


def test_a_logged_relationship_and_conversation_are_applied_and_pulled_back(team, make_voter, phone_of):
    voter_id = make_voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    relationship_id, conversation_id = str(uuid.uuid4()), str(uuid.uuid4())
    response = phone.push(
        phone.op("relationship", relationship_id, {"voter_id": voter_id, "source": "search", "kind": "friend"}),
        phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)),
    )
    assert response.status_code == 200
    assert [(r["status"], r["version"]) for r in response.json["results"]] == [("applied", 1), ("applied", 1)]
    page = phone.pull().json
    assert {c["entity_id"] for c in page["changes"]} == {relationship_id, conversation_id}
    assert page["more"] is False
    conversation = next(c for c in page["changes"] if c["entity"] == "conversation")
    assert conversation["fields"]["notes"] == "Worried about rent; will vote early."
    # the phone learns who its records are about: the minimal card, never the full record
    assert page["voters"] == {voter_id: {"id": voter_id, "first_name": "Ana", "last_initial": "L", "age": None,
                                         "city": "", "priority": False}}
    assert phone.pull(cursor=page["cursor"]).json["changes"] == []
    # a cursor past any sequence number the database can hold has nothing after it (the fuzzer's 9871249653 was a
    # 500 on PostgreSQL, whose INTEGER column refused to be compared with it)
    far = phone.pull(cursor="9" * 19)
    assert far.status_code == 200 and far.json["changes"] == [] and far.json["more"] is False


def test_a_retried_batch_gets_the_same_results_and_changes_nothing(app, team, make_voter, phone_of):
    phone = phone_of(team["volunteer"])
    voter_id = make_voter(team["campaign_id"])
    ops = [phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)) for _ in range(3)]
    first = phone.push(*ops)
    again = phone.push(*ops)
    assert statuses(first) == ["applied"] * 3 and statuses(again) == ["duplicate"] * 3
    assert [r["version"] for r in again.json["results"]] == [r["version"] for r in first.json["results"]]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one() == 3


def test_a_bad_op_is_rejected_naming_the_field_and_the_rest_still_apply(team, make_voter, phone_of):
    phone = phone_of(team["volunteer"])
    voter_id = make_voter(team["campaign_id"])
    response = phone.push(
        phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id, support=9)),
        phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)),
        {"op_id": "nope", "entity": "conversation"},
    )
    results = response.json["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected"]
    assert set(results[0]["errors"]) == {"support"}
    # words for a person, and a stable code with its numbers for an app that speaks another language
    assert results[0]["errors"]["support"] == ["Not a whole number from 1 to 5."]
    assert results[0]["codes"]["support"] == [{"code": "not_in_range", "params": {"min": 1, "max": 5}}]
    assert {"op_id", "entity_id", "action", "hlc"} <= set(results[2]["errors"])
    assert results[2]["codes"]["op_id"] == [{"code": "not_uuid"}]


def test_a_rejected_op_is_judged_again_when_retried(team, make_voter, phone_of):
    phone = phone_of(team["volunteer"])
    op = phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=str(uuid.uuid4())))
    assert statuses(phone.push(op)) == ["rejected"]
    assert statuses(phone.push(op)) == ["rejected"]  # never recorded as applied


def test_an_old_app_gets_426_and_keeps_its_outbox(team, phone_of):
    response = phone_of(team["volunteer"]).push(protocol=0)
    assert response.status_code == 426 and "update" in response.json["message"]


def test_a_malformed_batch_names_the_field(team, phone_of):
    phone = phone_of(team["volunteer"])
    phone.device_id = "not-a-uuid"
    response = phone.push()
    assert response.status_code == 422 and "device_id" in response.json["errors"]["json"]


def test_references_must_stay_inside_the_campaign(team, make_campaign, make_voter, phone_of):
    elsewhere = make_voter(make_campaign(name="Elsewhere"))
    phone = phone_of(team["volunteer"])
    response = phone.push(phone.op("relationship", str(uuid.uuid4()), {"voter_id": elsewhere, "source": "match"}))
    assert statuses(response) == ["rejected"] and "voter_id" in response.json["results"][0]["errors"]


def test_a_volunteer_can_neither_see_nor_change_anothers_records(team, make_voter, phone_of):
    voter_id = make_voter(team["campaign_id"])
    mine, theirs = phone_of(team["volunteer"]), phone_of(team["other_volunteer"])
    conversation_id = str(uuid.uuid4())
    mine.push(mine.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)))
    attempt = theirs.push(theirs.op("conversation", conversation_id, {"notes": "overwritten"}))
    assert statuses(attempt) == ["rejected"]
    assert theirs.pull().json["changes"] == []
    assert mine.pull().json["changes"][0]["fields"]["notes"] == "Worried about rent; will vote early."


def test_an_op_applied_before_stays_a_duplicate_after_its_sender_loses_the_role(app, team, make_voter, phone_of):
    """An organizer's review op went through, the answer was lost, and they were made a volunteer since: the retry
    is answered as the duplicate it is (it used to be a 500 on every retry, and the ops behind it were stuck)."""
    voter_id = make_voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    conversation_id = str(uuid.uuid4())
    phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)))
    organizers_phone = phone_of(team["organizer"])
    review = organizers_phone.op("conversation", conversation_id, {"reviewed": True})
    assert statuses(organizers_phone.push(review)) == ["applied"]
    with app.app_context():
        db.session.get(Membership, team["organizer"].id).role = Role.VOLUNTEER
        db.session.commit()
    queued = organizers_phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id))
    retry = organizers_phone.push(review, queued)
    assert retry.status_code == 200
    assert statuses(retry) == ["duplicate", "applied"]
    # a new edit of the volunteer's record is another matter: no longer theirs to touch
    again = organizers_phone.push(organizers_phone.op("conversation", conversation_id, {"reviewed": False}))
    assert statuses(again) == ["rejected"]


def test_anothers_op_id_is_rejected_with_a_code_and_reveals_nothing(app, team, make_voter, phone_of):
    """Op ids are the exactly-once key of one sender: replaying someone else's does not hand back their result."""
    voter_id = make_voter(team["campaign_id"])
    mine, theirs = phone_of(team["volunteer"]), phone_of(team["other_volunteer"])
    op = mine.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id))
    assert statuses(mine.push(op)) == ["applied"]
    for entity_id in (op["entity_id"], str(uuid.uuid4())):  # their record, or a new one of the replayer's
        copy = {**op, "entity_id": entity_id, "hlc": theirs.stamp()}
        [result] = theirs.push(copy).json["results"]
        assert result["status"] == "rejected" and "version" not in result
        assert result["codes"] == {"op_id": [{"code": "op_id_taken"}]}
    assert statuses(mine.push(op)) == ["duplicate"]  # the sender's own retry is still answered
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one() == 1


def test_the_later_edit_wins_and_the_loser_is_kept_in_history(app, team, make_voter, phone_of):
    voter_id = make_voter(team["campaign_id"])
    laptop, phone = phone_of(team["volunteer"]), phone_of(team["volunteer"])
    conversation_id = str(uuid.uuid4())
    laptop.push(laptop.op("conversation", conversation_id, conversation_fields(voter_id=voter_id), at_ms=1_000))
    later = phone.op("conversation", conversation_id, {"notes": "later words"}, at_ms=3_000)
    earlier = laptop.op("conversation", conversation_id, {"notes": "earlier words"}, at_ms=2_000)
    assert statuses(phone.push(later)) == ["applied"]
    lost_first = laptop.push(earlier)
    assert statuses(lost_first) == ["conflict"]  # arrived last, stamped earlier: it loses
    assert lost_first.json["results"][0]["codes"] == {"notes": [{"code": "lost"}]}
    [retried] = laptop.push(earlier).json["results"]  # a retry: a duplicate, with the very same errors and codes
    assert retried == {**lost_first.json["results"][0], "status": "duplicate"}
    assert phone.pull().json["changes"][0]["fields"]["notes"] == "later words"
    with app.app_context():
        lost = db.session.execute(select(SyncHistory.losing_value).where(SyncHistory.field == "notes")).scalars()
        assert "earlier words" in list(lost)


def test_an_organizers_review_reaches_the_volunteer_and_merges_with_their_edit(client, auth_headers, team,
                                                                                make_voter, phone_of):
    voter_id = make_voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    conversation_id = str(uuid.uuid4())
    phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)))
    cursor = phone.pull().json["cursor"]
    review = client.patch(f"/api/campaigns/{team['campaign_id']}/conversations/{conversation_id}",
                          json={"reviewed": True, "review_reply": "Thank you, great call!"},
                          headers=auth_headers(team["organizer"].user_id))
    assert review.status_code == 200 and review.json["reviewed"] is True
    phone.push(phone.op("conversation", conversation_id, {"support": 1}))
    pulled = phone.pull(cursor=cursor).json["changes"]
    assert len(pulled) == 1
    assert pulled[0]["fields"]["review_reply"] == "Thank you, great call!" and pulled[0]["fields"]["support"] == 1


def test_volunteers_cannot_write_review_fields(team, make_voter, phone_of):
    voter_id = make_voter(team["campaign_id"])
    phone = phone_of(team["volunteer"])
    conversation_id = str(uuid.uuid4())
    phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)))
    response = phone.push(phone.op("conversation", conversation_id, {"reviewed": True}))
    assert statuses(response) == ["rejected"] and "reviewed" in response.json["results"][0]["errors"]


def test_two_concurrent_pushes_of_one_batch_apply_each_op_once(app, team, make_voter, auth_headers):
    from tests.server.sync.conftest import Phone

    voter_id = make_voter(team["campaign_id"])
    headers = auth_headers(team["volunteer"].user_id)
    first = Phone(app.test_client(), headers, team["campaign_id"])
    second = Phone(app.test_client(), headers, team["campaign_id"])
    second.device_id = first.device_id
    ops = [first.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)) for _ in range(20)]
    answers, barrier = {}, threading.Barrier(2)

    def push(name, phone):
        barrier.wait()
        answers[name] = phone.push(*ops)

    threads = [threading.Thread(target=push, args=(n, p)) for n, p in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers["a"].status_code == answers["b"].status_code == 200
    for pair in zip(statuses(answers["a"]), statuses(answers["b"]), strict=True):
        assert sorted(pair) == ["applied", "duplicate"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one() == 20
        assert db.session.execute(select(func.count()).select_from(AppliedOp)).scalar_one() == 20


def test_concurrent_edits_of_one_record_from_a_phone_and_an_organizer_all_survive(app, team, make_voter,
                                                                                  auth_headers):
    """The phone edits the notes while an organizer reviews, many times at once: no edit overwrites the other's
    field (the record is locked while a batch decides), and every change gets a number of its own."""
    from tests.server.sync.conftest import Phone

    voter_id = make_voter(team["campaign_id"])
    phone = Phone(app.test_client(), auth_headers(team["volunteer"].user_id), team["campaign_id"])
    conversation_id = str(uuid.uuid4())
    phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id)))
    organizer = app.test_client()
    url = f"/api/campaigns/{team['campaign_id']}/conversations/{conversation_id}"
    headers, barrier, failures = auth_headers(team["organizer"].user_id), threading.Barrier(2), []

    def edit():
        barrier.wait()
        for n in range(15):
            answer = phone.push(phone.op("conversation", conversation_id, {"notes": f"note {n}"}))
            failures.extend(r for r in answer.json["results"] if r["status"] != "applied")

    def review():
        barrier.wait()
        for n in range(15):
            answer = organizer.patch(url, json={"review_reply": f"reply {n}"}, headers=headers)
            if answer.status_code != 200:
                failures.append(answer.json)

    threads = [threading.Thread(target=edit), threading.Thread(target=review)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        row = db.session.execute(select(SyncRecord).where(SyncRecord.entity_id == uuid.UUID(conversation_id))
                                 ).scalar_one()
        assert (row.values["notes"], row.values["review_reply"]) == ("note 14", "reply 14")
        assert row.version == 31  # created, then 30 changes, each applied once
        assert row.seq == db.session.execute(select(SyncCounter.last_seq)).scalar_one() == 31
