"""The volunteers table's totals, kept at push time from the voters each push touched (not from each volunteer's
whole history): every change that could leave a stale part behind, checked against counts made again from
scratch (``rollup.rebuild``)."""

import random
import threading
import uuid

from server.campaigns.models import Role
from tests.server.dashboard.conftest import days_ago, today
from tests.server.dashboard.test_dashboard_api import assert_counts_match_a_rebuild, row_of
from tests.server.sync.conftest import Phone, conversation_fields


def test_a_conversation_logged_through_a_relationship_counts_with_its_voter(app, team, voter, phone_of,
                                                                            dashboard):
    """A relationship and a conversation that names it (not the voter) in one push: the conversation counts with
    the relationship's voter (contacted, her follow-up), and deleting it takes them back."""
    campaign_id, vera = team["campaign_id"], phone_of(team["volunteer"])
    ana = voter(campaign_id, "Ana", priority=True)
    relationship_id, conversation_id = str(uuid.uuid4()), str(uuid.uuid4())
    fields = {**conversation_fields(voter_id=None, happened_at=days_ago(2), follow_up_on=today(-1)),
              "relationship_id": relationship_id}
    del fields["voter_id"]
    pushed = vera.push(vera.op("relationship", relationship_id, {"voter_id": ana, "source": "match"}),
                       vera.op("conversation", conversation_id, fields))
    assert [result["status"] for result in pushed.json["results"]] == ["applied", "applied"], pushed.json
    row = row_of(dashboard(priority="true"), team["volunteer"])
    assert (row["relationships"], row["contact_rate"], row["follow_ups_overdue"]) == (1, 1.0, 1)
    assert_counts_match_a_rebuild(app, campaign_id)
    vera.push(vera.op("conversation", conversation_id, action="delete"))
    row = row_of(dashboard(), team["volunteer"])
    assert (row["conversations"], row["contact_rate"], row["follow_ups_overdue"]) == (0, 0.0, 0)
    assert_counts_match_a_rebuild(app, campaign_id)


def test_edits_and_deletes_of_a_volunteers_latest_work(app, team, voter, befriend, log, phone_of, dashboard):
    """Vera's latest conversation with Ben moves earlier than her other one, changes its follow-up, is deleted; her
    relationship with Ben is deleted while her conversations with him remain: her contact rate, follow-ups and last
    active follow each step."""
    campaign_id, vera = team["campaign_id"], phone_of(team["volunteer"])
    ben = voter(campaign_id, "Ben")
    relationship_id = befriend(team["volunteer"], ben)
    log(team["volunteer"], ben, happened_at=days_ago(5), follow_up_on=today(-2))
    latest = log(team["volunteer"], ben, happened_at=days_ago(1), follow_up_on=today(-1))

    def vera_row():
        return row_of(dashboard(), team["volunteer"])

    assert vera_row()["follow_ups_overdue"] == 1
    vera.push(vera.op("conversation", latest, {"happened_at": days_ago(9)}))  # now her earlier one is the latest
    assert vera_row()["follow_ups_overdue"] == 1
    assert_counts_match_a_rebuild(app, campaign_id)
    vera.push(vera.op("conversation", latest, {"happened_at": days_ago(0, hour=1), "follow_up_on": today(3)}))
    assert vera_row()["follow_ups_overdue"] == 0  # the latest's follow-up is not due yet
    assert_counts_match_a_rebuild(app, campaign_id)
    vera.push(vera.op("relationship", relationship_id, action="delete"))
    row = vera_row()
    assert (row["relationships"], row["conversations"], row["contact_rate"]) == (0, 2, None)
    assert_counts_match_a_rebuild(app, campaign_id)
    vera.push(vera.op("conversation", latest, action="delete"))
    assert vera_row()["follow_ups_overdue"] == 1  # the other one's, due two days ago, is open again
    assert_counts_match_a_rebuild(app, campaign_id)


def test_a_volunteers_last_work_deleted_leaves_no_totals(app, team, voter, befriend, log, phone_of, dashboard):
    campaign_id, vera = team["campaign_id"], phone_of(team["volunteer"])
    cleo = voter(campaign_id, "Cleo", priority=True)
    relationship_id = befriend(team["volunteer"], cleo)
    conversation_id = log(team["volunteer"], cleo, happened_at=days_ago(1))
    vera.push(vera.op("conversation", conversation_id, action="delete"),
              vera.op("relationship", relationship_id, action="delete"))
    row = row_of(dashboard(), team["volunteer"])
    assert (row["relationships"], row["conversations"], row["last_active_at"]) == (0, 0, None)
    assert_counts_match_a_rebuild(app, campaign_id)
    log(team["volunteer"], cleo, happened_at=days_ago(3))  # counted again from scratch: nothing was kept
    assert row_of(dashboard(), team["volunteer"])["conversations"] == 1
    assert_counts_match_a_rebuild(app, campaign_id)


def test_two_phones_of_one_volunteer_pushing_at_once(app, team, voter, auth_headers, dashboard):
    """Vera's phone and tablet each log conversations with the same voters at the same moment: each push works out
    her totals from what the other committed (they take turns on her membership), so none is lost."""
    campaign_id, vera = team["campaign_id"], team["volunteer"]
    voters = [voter(campaign_id, name) for name in ("Ana", "Ben")]
    phones = [Phone(app.test_client(), auth_headers(vera.user_id), campaign_id) for _ in range(2)]
    start, failures = threading.Barrier(len(phones)), []

    def push(n: int, phone: Phone) -> None:
        start.wait()
        for round_ in range(4):
            fields = conversation_fields(voter_id=voters[round_ % 2], happened_at=days_ago(round_, hour=8 + n),
                                         follow_up_on=today(-1 - n))
            answer = phone.push(phone.op("conversation", str(uuid.uuid4()), fields))
            if answer.status_code != 200 or answer.json["results"][0]["status"] != "applied":
                failures.append(answer.json)

    threads = [threading.Thread(target=push, args=(n, phone)) for n, phone in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    row = row_of(dashboard(), vera)
    assert (row["conversations"], row["follow_ups_overdue"]) == (8, 2)  # one open follow-up per voter
    assert_counts_match_a_rebuild(app, campaign_id)


def test_many_pushes_in_any_order_keep_the_counts_of_a_rebuild(app, team, voter, make_member, phone_of, client,
                                                               auth_headers):
    """A fixed-seed random sequence of what volunteers and organizers do (log, edit, delete and bring back
    conversations; confirm and delete relationships; record and withdraw "not at all"), with a rebuild's counts
    compared every few steps."""
    campaign_id = team["campaign_id"]
    rng = random.Random(15)
    voters = [voter(campaign_id, f"V{n}", priority=n % 3 == 0) for n in range(5)]
    members = [team["volunteer"], team["other_volunteer"], make_member(campaign_id, Role.VOLUNTEER)]
    phones = {member.user_id: phone_of(member) for member in members}
    conversations, relationships = [], []  # (owner's user id, record id)
    for step in range(60):
        member = rng.choice(members)
        phone = phones[member.user_id]
        mine = [record_id for owner, record_id in conversations if owner == member.user_id]
        choice = rng.random()
        if choice < 0.35 or not mine:
            record_id = str(uuid.uuid4())
            fields = conversation_fields(voter_id=rng.choice(voters), happened_at=days_ago(rng.randrange(10),
                                                                                          hour=rng.randrange(8, 20)),
                                         support=rng.choice((None, 1, 2, 4)),
                                         follow_up_on=rng.choice((None, today(-1), today(-3), today(2))))
            conversations.append((member.user_id, record_id))
            answer = phone.push(phone.op("conversation", record_id, fields))
        elif choice < 0.6:
            answer = phone.push(phone.op("conversation", rng.choice(mine), {
                "happened_at": days_ago(rng.randrange(10), hour=rng.randrange(8, 20)),
                "follow_up_on": rng.choice((None, today(-2), today(1)))}))
        elif choice < 0.7:
            answer = phone.push(phone.op("conversation", rng.choice(mine), action="delete"))
        elif choice < 0.85:
            theirs = [record_id for owner, record_id in relationships if owner == member.user_id]
            if theirs and rng.random() < 0.4:
                answer = phone.push(phone.op("relationship", rng.choice(theirs), action="delete"))
            else:
                record_id = str(uuid.uuid4())
                relationships.append((member.user_id, record_id))
                answer = phone.push(phone.op("relationship", record_id, {"voter_id": rng.choice(voters),
                                                                         "source": "search"}))
        else:
            answer = client.put(f"/api/campaigns/{campaign_id}/voters/{rng.choice(voters)}/contact-preference",
                                headers=auth_headers(team["organizer"].user_id),
                                json={"no_contact": rng.random() < 0.6, "no_text": False, "no_call": False,
                                      "no_email": False, "no_door": False})
        assert answer.status_code == 200, answer.json
        if step % 10 == 9:
            assert_counts_match_a_rebuild(app, campaign_id)
