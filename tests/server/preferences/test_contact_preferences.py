"""Contact preferences: recorded by any volunteer or organizer of the campaign, pulled by every phone of it,
exactly once, merged field by field by stamp, and kept as a read model the server filters with."""

import threading
import uuid

import pytest
from sqlalchemy import event, select

from server.audit.models import AuditEvent
from server.extensions import db
from server.preferences.models import ContactPreference
from server.sync_api.models import SyncRecord
from tests.server.preferences.conftest import asked


def url(team, voter_id=None):
    return f"/api/campaigns/{team['campaign_id']}/voters/{voter_id or team['voter_id']}/contact-preference"


def preference_row(app, campaign_id):
    with app.app_context():
        return db.session.execute(select(ContactPreference).where(
            ContactPreference.campaign_id == campaign_id)).scalar_one_or_none()


def test_what_one_volunteer_records_reaches_another_volunteers_phone(app, team):
    a, b = team["phones"]["a"], team["phones"]["b"]
    voter_id = team["voter_id"]
    cursor = b.pull().json["cursor"]
    pushed = a.push(a.op("contact_preference", voter_id, asked(voter_id, no_door=True, no_text=True)))
    assert [r["status"] for r in pushed.json["results"]] == ["applied"]
    page = b.pull(cursor=cursor).json
    assert [(c["entity"], c["entity_id"]) for c in page["changes"]] == [("contact_preference", voter_id)]
    assert page["changes"][0]["fields"]["no_door"] is True and page["changes"][0]["fields"]["no_text"] is True
    # B learns what was asked, not who the voter is: cards come only for B's own people and visits
    assert page["voters"] == {}
    row = preference_row(app, team["campaign_id"])
    assert (row.no_door, row.no_text, row.no_call, row.no_contact) == (True, True, False, False)
    assert row.refused == ["text", "door"] and row.recorded_from == "door"
    assert row.recorded_by_id == team["a"].user_id


def test_a_retried_push_of_a_preference_applies_once(app, team):
    a, voter_id = team["phones"]["a"], team["voter_id"]
    op = a.op("contact_preference", voter_id, asked(voter_id, no_contact=True))
    assert [r["status"] for r in a.push(op).json["results"]] == ["applied"]
    again = a.push(op).json["results"]
    assert [(r["status"], r["version"]) for r in again] == [("duplicate", 1)]
    with app.app_context():
        assert db.session.execute(select(SyncRecord.version).where(
            SyncRecord.entity == "contact_preference")).scalars().all() == [1]


def test_a_second_volunteer_edits_the_same_record_and_the_later_stamp_wins(app, team):
    a, b, voter_id = team["phones"]["a"], team["phones"]["b"], team["voter_id"]
    a.push(a.op("contact_preference", voter_id, asked(voter_id, no_door=True), at_ms=1_000_000))
    later = b.push(b.op("contact_preference", voter_id, {"no_door": False, "no_call": True}, at_ms=3_000_000))
    earlier = a.push(a.op("contact_preference", voter_id, {"no_door": True}, at_ms=2_000_000))
    assert [r["status"] for r in later.json["results"]] == ["applied"]
    assert earlier.json["results"][0]["status"] == "conflict"
    row = preference_row(app, team["campaign_id"])
    assert (row.no_door, row.no_call) == (False, True)


def test_an_organizers_later_clear_wins_over_a_volunteers_earlier_edit(client, app, team):
    a, voter_id = team["phones"]["a"], team["voter_id"]
    a.push(a.op("contact_preference", voter_id, asked(voter_id, no_door=True, no_text=True), at_ms=1_000_000))
    cleared = client.put(url(team), headers=team["headers"]["organizer"], json={
        "no_contact": False, "no_text": False, "no_call": False, "no_email": False, "no_door": False})
    assert cleared.status_code == 200
    assert cleared.json["refused"] == [] and cleared.json["recorded_from"] == "console"
    # the volunteer's phone, offline since, sends an edit stamped before the organizer's: it loses, and says so
    late = a.push(a.op("contact_preference", voter_id, {"no_text": True}, at_ms=2_000_000)).json["results"][0]
    assert late["status"] == "conflict" and "no_text" in late["errors"]
    assert client.get(url(team), headers=team["headers"]["organizer"]).json["no_text"] is False
    pulled = a.pull().json["changes"]
    assert [c["fields"]["no_text"] for c in pulled if c["entity"] == "contact_preference"] == [False]


def test_an_organizer_records_a_preference_and_it_is_audited_without_personal_data(client, app, team):
    before = client.get(url(team), headers=team["headers"]["organizer"])
    assert before.status_code == 200 and before.json["refused"] == [] and before.json["recorded_at"] is None
    response = client.put(url(team), headers=team["headers"]["organizer"], json={
        "no_contact": True, "no_text": False, "no_call": False, "no_email": False, "no_door": False})
    assert response.status_code == 200
    assert response.json["refused"] == ["text", "call", "email", "door"]
    assert response.json["recorded_by_id"] == team["organizer"].user_id
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "contact_preference.changed")).scalar_one()
        assert event.details == {"refused": ["no_contact"]} and event.target_id == team["voter_id"]
    # and every phone of the campaign learns it
    assert [c["fields"]["no_contact"] for c in team["phones"]["b"].pull().json["changes"]] == [True]


def test_a_volunteer_cannot_use_the_console_route_and_another_campaign_gets_404(client, team, make_campaign,
                                                                               make_member, auth_headers):
    body = {"no_contact": True, "no_text": False, "no_call": False, "no_email": False, "no_door": False}
    assert client.put(url(team), headers=team["headers"]["a"], json=body).status_code == 403
    stranger = make_member(make_campaign(name="Other"), team["organizer"].role)
    assert client.put(url(team), headers=auth_headers(stranger.user_id), json=body).status_code == 404
    # an organizer of another campaign naming this campaign's voter under their own campaign: no such voter
    other = f"/api/campaigns/{stranger.campaign_id}/voters/{team['voter_id']}/contact-preference"
    assert client.put(other, headers=auth_headers(stranger.user_id), json=body).status_code == 404


def test_a_preference_of_a_voter_of_another_campaign_or_under_another_id_is_rejected_and_changes_nothing(
        app, team, make_campaign, make_voter):
    a = team["phones"]["a"]
    outsider = make_voter(make_campaign(name="Other"))
    results = a.push(a.op("contact_preference", outsider, asked(outsider, no_contact=True)),
                     a.op("contact_preference", str(uuid.uuid4()), asked(team["voter_id"], no_contact=True)),
                     a.op("contact_preference", team["voter_id"], action="delete")).json["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert [r.get("codes") for r in results[:2]] == [
        {"voter_id": [{"code": "no_such", "params": {"target": "voter"}}]},
        {"entity_id": [{"code": "keyed_by", "params": {"field": "voter_id"}}]}]
    assert list(results[2]["errors"]) == ["entity_id"]  # a delete of a record there is not
    assert preference_row(app, team["campaign_id"]) is None


def test_a_pull_misses_nothing_that_commits_between_its_two_reads(app, client, team):
    """A pull reads the caller's own records, then the campaign-wide ones. An organizer's reply to the caller's
    conversation (their own record) and another volunteer's preference (campaign-wide) that both commit between
    the two reads must not move the cursor past the reply: it would never be pulled."""
    a, b, voter_id = team["phones"]["a"], team["phones"]["b"], team["voter_id"]
    conversation_id = str(uuid.uuid4())
    a.push(a.op("conversation", conversation_id, {"voter_id": voter_id, "channel": "call",
                                                   "happened_at": "2026-10-01T18:30:00-04:00"}))
    cursor = a.pull().json["cursor"]

    def in_between(_conn, _cursor, statement, *_args):
        """Just before the pull's second read (the campaign-wide records), two other people's changes commit."""
        if "sync_record.entity IN" not in statement or not state["armed"]:
            return
        state["armed"] = False
        with app.app_context():  # their requests' own sessions and connections, not the pull's
            reply = client.patch(f"/api/campaigns/{team['campaign_id']}/conversations/{conversation_id}",
                                 json={"review_reply": "Thanks for calling her!"},
                                 headers=team["headers"]["organizer"])
            assert reply.status_code == 200, reply.json
            assert b.push(b.op("contact_preference", voter_id, asked(voter_id, no_text=True))).json[
                "results"][0]["status"] == "applied"

    state = {"armed": True}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", in_between)
    try:
        first = a.pull(cursor=cursor).json
    finally:
        event.remove(engine, "before_cursor_execute", in_between)
    assert not state["armed"], "the pull's second read never ran: this test proves nothing"
    second = a.pull(cursor=first["cursor"]).json
    pulled = {(c["entity"], c["entity_id"]): c["fields"] for page in (first, second) for c in page["changes"]}
    assert pulled[("conversation", conversation_id)]["review_reply"] == "Thanks for calling her!"
    assert pulled[("contact_preference", voter_id)]["no_text"] is True


def test_two_organizers_recording_the_first_preference_at_once_both_succeed_and_the_later_wins(
        app, team, make_member, auth_headers):
    """Both read that nobody recorded one yet, so both create the record: the later to commit meets the other's on
    its unique key, and runs again over it (as a push does), its later stamp winning field by field."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has a single writer: the second edit only starts once the first has committed")
    a, voter_id = team["phones"]["a"], team["voter_id"]
    # the campaign's change counter exists (its first push made it), as it does once anyone has synced
    a.push(a.op("conversation", str(uuid.uuid4()), {"voter_id": voter_id, "channel": "call",
                                                    "happened_at": "2026-10-01T18:30:00-04:00"}))
    other = make_member(team["campaign_id"], team["organizer"].role)
    flags = dict.fromkeys(("no_contact", "no_text", "no_call", "no_email", "no_door"), False)
    answers, read = {}, threading.Event()

    def put(headers, **asked):
        name = threading.current_thread().name
        try:
            answers[name] = app.test_client().put(url(team), headers=headers, json={**flags, **asked})
        except Exception as exc:  # a 500 in testing: reported by the test, never lost in the thread
            answers[name] = exc

    later = threading.Thread(target=put, name="later", args=(team["headers"]["organizer"],), kwargs={"no_text": True})
    earlier = threading.Thread(target=put, name="earlier", args=(auth_headers(other.user_id),),
                               kwargs={"no_call": True})

    def hook(_conn, _cursor, statement, *_args):
        """The later edit has read that there is no record yet; it waits, before it takes the campaign's counter,
        until the earlier one has made the record and committed."""
        if threading.current_thread() is later and statement.startswith("UPDATE sync_counter") and not read.is_set():
            read.set()
            earlier.start()
            earlier.join(30)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hook)
    try:
        later.start()
        later.join(60)
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert read.is_set() and not later.is_alive() and not earlier.is_alive()
    assert [getattr(answers[name], "status_code", answers[name]) for name in ("earlier", "later")] == [200, 200]
    assert answers["later"].json["refused"] == ["text"]
    row = preference_row(app, team["campaign_id"])
    assert (row.no_text, row.no_call, row.recorded_by_id) == (True, False, team["organizer"].user_id)
    with app.app_context():
        assert db.session.execute(select(SyncRecord.version).where(
            SyncRecord.entity == "contact_preference")).scalars().all() == [2]
