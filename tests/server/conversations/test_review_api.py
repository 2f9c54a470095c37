"""The organizers' review list and reviews, served from the read model."""

import uuid

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.extensions import db


@pytest.fixture
def organizer(client, auth_headers, team):
    """Call the review API as the team's organizer."""
    headers = auth_headers(team["organizer"].user_id)
    base = f"/api/campaigns/{team['campaign_id']}/conversations"

    class Organizer:
        def list(self, **query):
            answer = client.get(base, query_string=query, headers=headers)
            assert answer.status_code == 200, answer.json
            return answer.json

        def ids(self, **query):
            return [c["id"] for c in self.list(**query)["conversations"]]

        def get(self, conversation_id):
            return client.get(f"{base}/{conversation_id}", headers=headers)

        def patch(self, conversation_id, **review):
            return client.patch(f"{base}/{conversation_id}", json=review, headers=headers)

        def bulk(self, ids, reviewed=True):
            return client.post(f"{base}/review", json={"ids": ids, "reviewed": reviewed}, headers=headers)

    return Organizer()


def test_the_list_is_newest_first_and_says_who_was_talked_to_and_by_whom(team, voter, log, organizer):
    ana = voter(team["campaign_id"], "Ana", "Lopez", external_id="VAN-1", city="Durham", birth_year=1990,
                priority=True)
    older = log(team["volunteer"], ana, happened_at="2026-10-01T10:00:00Z")
    newer = log(team["volunteer"], ana, happened_at="2026-10-02T10:00:00Z", support=1, issue_tags=["housing"],
                vote_method="early_in_person", vote_on="2026-10-25")
    page = organizer.list()
    assert [c["id"] for c in page["conversations"]] == [newer, older]
    assert (page["more"], page["cursor"]) == (False, None)
    first = page["conversations"][0]
    assert first["voter"]["first_name"] == "Ana" and first["voter"]["last_name"] == "Lopez"
    assert (first["voter"]["external_id"], first["voter"]["city"], first["voter"]["priority"]) == ("VAN-1", "Durham",
                                                                                                   True)
    assert isinstance(first["voter"]["age"], int) and first["voter"]["age"] >= 36
    assert first["volunteer"] == {"id": team["volunteer"].user_id, "display_name": "Vera Volunteer"}
    assert (first["support"], first["issues"], first["vote_method"], first["vote_on"]) == (
        1, ["housing"], "early_in_person", "2026-10-25")
    assert first["happened_at"] == "2026-10-02T10:00:00+00:00"
    assert (first["reviewed"], first["review_reply"], first["reviewed_by"]) == (False, "", None)


def test_each_filter_narrows_the_list(team, voter, log, organizer):
    ana = voter(team["campaign_id"])
    strong = log(team["volunteer"], ana, support=1, issue_tags=["housing"], happened_at="2026-10-01T12:00:00Z")
    lean = log(team["volunteer"], ana, support=2, issue_tags=["schools"], happened_at="2026-10-03T12:00:00Z")
    opposed = log(team["other_volunteer"], ana, support=5, issue_tags=["housing", "schools"],
                  happened_at="2026-10-05T12:00:00Z")
    assert organizer.patch(lean, reviewed=True).status_code == 200
    assert organizer.patch(opposed, flagged_for_follow_up=True).status_code == 200
    assert organizer.ids(volunteer=team["other_volunteer"].user_id) == [opposed]
    assert organizer.ids(support=1) == [strong]
    assert organizer.ids(support=[1, 5]) == [opposed, strong]
    assert organizer.ids(issue="housing") == [opposed, strong]
    assert organizer.ids(issue="transit") == []
    assert organizer.ids(reviewed="true") == [lean]
    assert organizer.ids(reviewed="false") == [opposed, strong]
    assert organizer.ids(flagged="true") == [opposed]
    assert organizer.ids(flagged="false") == [lean, strong]
    assert organizer.ids(**{"from": "2026-10-02", "to": "2026-10-04"}) == [lean]
    assert organizer.ids(issue="schools", support=5, volunteer=team["other_volunteer"].user_id) == [opposed]


def test_days_are_the_campaigns_days(team, voter, log, organizer):
    """Late evening in New York is already the next day in UTC: the day filter reads the campaign's time zone."""
    evening = log(team["volunteer"], voter(team["campaign_id"]), happened_at="2026-10-01T23:30:00-04:00")
    assert organizer.ids(**{"from": "2026-10-01", "to": "2026-10-01"}) == [evening]
    assert organizer.ids(**{"from": "2026-10-02"}) == []


def test_the_cursor_pages_through_everything_once_even_with_equal_times(team, voter, log, organizer):
    ana = voter(team["campaign_id"])
    same_time = {log(team["volunteer"], ana, happened_at="2026-10-01T12:00:00Z", issue_tags=["housing"])
                 for _ in range(4)}
    others = [log(team["volunteer"], ana, happened_at=f"2026-10-0{day}T12:00:00Z", issue_tags=["housing"])
              for day in (2, 3, 4)]
    for query in ({}, {"issue": "housing"}):
        seen, cursor = [], None
        for _ in range(10):
            page = organizer.list(limit=2, **query, **({"cursor": cursor} if cursor else {}))
            seen += [c["id"] for c in page["conversations"]]
            if not page["more"]:
                break
            cursor = page["cursor"]
        assert seen[:3] == others[::-1]
        assert set(seen[3:]) == same_time and len(seen) == 7


@pytest.mark.parametrize(("query", "field"), [({"cursor": "nonsense"}, "cursor"), ({"support": 6}, "support"),
                                              ({"limit": 0}, "limit"), ({"from": "yesterday"}, "from"),
                                              ({"volunteer": "x"}, "volunteer")])
def test_bad_filters_are_refused_naming_the_field(client, auth_headers, team, query, field):
    answer = client.get(f"/api/campaigns/{team['campaign_id']}/conversations", query_string=query,
                        headers=auth_headers(team["organizer"].user_id))
    assert answer.status_code == 422 and field in answer.json["errors"]["query"]


def test_a_review_is_audited_without_the_replys_words(app, team, voter, log, organizer):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    answer = organizer.patch(conversation_id, reviewed=True, review_reply="Lovely call, thank you!")
    assert answer.status_code == 200
    assert answer.json["reviewed_by"] == {"id": team["organizer"].user_id, "display_name": "Olga Organizer"}
    assert answer.json["reviewed_at"] is not None
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "conversation.reviewed")).scalar_one()
        assert (event.actor_id, event.target_id) == (team["organizer"].user_id, conversation_id)
        assert event.details == {"fields": ["review_reply", "reviewed"], "reviewed": True, "bulk": False}
        assert "Lovely" not in str(event.details)


def test_a_reply_is_changed_then_cleared_and_the_phone_learns_each(app, team, voter, log, organizer, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))

    def on_the_phone():
        changes = phone_of(team["volunteer"]).pull().json["changes"]
        return [c["fields"].get("review_reply") for c in changes if c["entity_id"] == conversation_id]

    assert organizer.patch(conversation_id, review_reply="Great call!").status_code == 200
    assert on_the_phone() == ["Great call!"]
    changed = organizer.patch(conversation_id, review_reply="Great call: ask about the bus too.")
    assert changed.json["review_reply"] == "Great call: ask about the bus too."
    assert on_the_phone() == ["Great call: ask about the bus too."]
    cleared = organizer.patch(conversation_id, review_reply="")
    assert cleared.status_code == 200 and cleared.json["review_reply"] == ""
    assert on_the_phone() == [""]
    assert organizer.get(conversation_id).json["review_reply"] == ""
    with app.app_context():
        details = db.session.execute(select(AuditEvent.details).where(
            AuditEvent.action == "conversation.reviewed")).scalars().all()
    assert details == [{"fields": ["review_reply"], "bulk": False}] * 3  # what changed, never the words


def test_bulk_review_marks_each_audits_each_and_reaches_the_phones(app, team, voter, log, organizer, phone_of):
    ana = voter(team["campaign_id"])
    mine = [log(team["volunteer"], ana) for _ in range(3)]
    theirs = log(team["other_volunteer"], ana)
    untouched = log(team["volunteer"], ana)
    answer = organizer.bulk([*mine, theirs, mine[0]])
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json["conversations"]] == [*mine, theirs]
    assert all(c["reviewed"] for c in answer.json["conversations"])
    assert set(organizer.ids(reviewed="true")) == {*mine, theirs}
    assert organizer.ids(reviewed="false") == [untouched]
    with app.app_context():
        events = db.session.execute(select(AuditEvent.target_id, AuditEvent.details).where(
            AuditEvent.action == "conversation.reviewed")).all()
    assert sorted(target for target, _ in events) == sorted([*mine, theirs])
    assert all(details["bulk"] and details["reviewed"] is True for _, details in events)
    pulled = {c["entity_id"]: c["fields"].get("reviewed") for c in phone_of(team["volunteer"]).pull().json["changes"]}
    assert pulled == {**dict.fromkeys(mine, True), untouched: None}
    # and back
    assert organizer.bulk(mine[:2], reviewed=False).status_code == 200
    assert set(organizer.ids(reviewed="false")) == {*mine[:2], untouched}


def test_bulk_review_of_an_id_that_is_not_the_campaigns_changes_nothing(app, team, voter, log, organizer,
                                                                        make_campaign, make_member):
    elsewhere = make_campaign(name="Elsewhere")
    foreign = log(make_member(elsewhere, Role.VOLUNTEER), voter(elsewhere))
    ours = log(team["volunteer"], voter(team["campaign_id"]))
    answer = organizer.bulk([ours, foreign, str(uuid.uuid4())])
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["ids"] == {"1": ["No such conversation."], "2": ["No such conversation."]}
    assert organizer.ids(reviewed="true") == []


def test_a_deleted_conversation_leaves_the_list_and_cannot_be_reviewed(team, voter, log, organizer, phone_of):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("conversation", conversation_id, action="delete"))
    assert organizer.ids() == []
    assert organizer.get(conversation_id).status_code == 404
    assert organizer.patch(conversation_id, reviewed=True).status_code == 404
    assert organizer.bulk([conversation_id]).status_code == 422


def test_an_empty_review_is_refused(team, voter, log, organizer):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    answer = organizer.patch(conversation_id)
    assert answer.status_code == 422 and "_schema" in answer.json["errors"]["json"]


def test_another_campaigns_organizer_can_neither_read_nor_review(client, auth_headers, team, voter, log,
                                                                 make_campaign, make_member):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    elsewhere = make_campaign(name="Elsewhere")
    outsider = auth_headers(make_member(elsewhere, Role.ORGANIZER).user_id)
    own = f"/api/campaigns/{team['campaign_id']}/conversations"
    theirs = f"/api/campaigns/{elsewhere}/conversations"
    assert client.get(own, headers=outsider).status_code == 404
    assert client.post(f"{own}/review", json={"ids": [conversation_id], "reviewed": True},
                       headers=outsider).status_code == 404
    # in their own campaign the id is unknown
    assert client.get(f"{theirs}/{conversation_id}", headers=outsider).status_code == 404
    assert client.patch(f"{theirs}/{conversation_id}", json={"reviewed": True}, headers=outsider).status_code == 404
    assert client.post(f"{theirs}/review", json={"ids": [conversation_id], "reviewed": True},
                       headers=outsider).status_code == 422
    assert client.get(theirs, headers=outsider).json["conversations"] == []


def test_volunteers_are_refused(client, auth_headers, team, voter, log):
    conversation_id = log(team["volunteer"], voter(team["campaign_id"]))
    headers, base = auth_headers(team["volunteer"].user_id), f"/api/campaigns/{team['campaign_id']}/conversations"
    assert client.get(base, headers=headers).status_code == 403
    assert client.get(f"{base}/{conversation_id}", headers=headers).status_code == 403
    assert client.patch(f"{base}/{conversation_id}", json={"reviewed": True}, headers=headers).status_code == 403
    assert client.post(f"{base}/review", json={"ids": [conversation_id], "reviewed": True},
                       headers=headers).status_code == 403


def test_the_list_says_what_each_person_asked_and_an_organizers_change_shows_at_once(client, auth_headers, team, voter,
                                                                                      log, organizer):
    ana, ben = voter(team["campaign_id"], "Ana"), voter(team["campaign_id"], "Ben")
    log(team["volunteer"], ana)
    log(team["volunteer"], ben)
    assert {c["voter"]["first_name"]: c["voter"]["refused"] for c in organizer.list()["conversations"]} == {
        "Ana": [], "Ben": []}
    put = client.put(f"/api/campaigns/{team['campaign_id']}/voters/{ana}/contact-preference",
                     headers=auth_headers(team["organizer"].user_id),
                     json={"no_contact": False, "no_text": True, "no_call": False, "no_email": False, "no_door": True})
    assert put.status_code == 200
    assert {c["voter"]["first_name"]: c["voter"]["refused"] for c in organizer.list()["conversations"]} == {
        "Ana": ["text", "door"], "Ben": []}


def test_not_at_all_is_every_channel_on_the_card(client, auth_headers, team, voter, log, organizer):
    ana = voter(team["campaign_id"], "Ana")
    conversation_id = log(team["volunteer"], ana)
    client.put(f"/api/campaigns/{team['campaign_id']}/voters/{ana}/contact-preference",
               headers=auth_headers(team["organizer"].user_id),
               json={"no_contact": True, "no_text": False, "no_call": False, "no_email": False, "no_door": False})
    assert organizer.get(conversation_id).json["voter"]["refused"] == ["text", "call", "email", "door"]
