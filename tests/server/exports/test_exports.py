"""The conversations and VAN exports: files that parse back, the columns promised, incremental exports, records
and audit events."""

import csv
import io
import threading

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.exports.files import CONVERSATION_COLUMNS
from server.exports.van import DOOR_RESULT_CODES, SUPPRESSION_COLUMNS
from server.extensions import db


@pytest.fixture
def export(client, auth_headers, team):
    """Download an export as the team's organizer: (response, rows as dicts)."""

    def get(name, who="organizer", **query):
        answer = client.get(f"/api/campaigns/{team['campaign_id']}/exports/{name}", query_string=query,
                            headers=auth_headers(team[who].user_id))
        if answer.status_code != 200:
            return answer, None
        text = answer.get_data(as_text=True)
        return answer, list(csv.reader(io.StringIO(text, newline="")))

    return get


SUPPRESSION = list(SUPPRESSION_COLUMNS)

def test_the_conversations_export_has_a_row_per_live_conversation(team, voter, log, phone_of, export):
    ana = voter(team["campaign_id"], "Ana", "Lopez", external_id="VAN-1")
    kept = log(team["volunteer"], ana, channel="door", happened_at="2026-10-01T23:30:00-04:00", support=2,
               issue_tags=["housing", "schools"], registered=False, vote_method="mail", vote_on="2026-10-20",
               follow_up_on="2026-10-08", notes="Rent.")
    gone = log(team["volunteer"], ana)
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("conversation", gone, action="delete"))
    answer, rows = export("conversations.csv")
    assert answer.headers["Content-Type"].startswith("text/csv") and answer.headers["X-Kin-Export-Id"].isdigit()
    assert rows[0] == list(CONVERSATION_COLUMNS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row == {"conversation_id": kept, "voter_external_id": "VAN-1", "voter_name": "Ana Lopez",
                   "volunteer_id": str(team["volunteer"].user_id), "volunteer": "Vera Volunteer",
                   "date": "2026-10-01", "happened_at": "2026-10-01T23:30:00-04:00", "channel": "door",
                   "support": "2", "issues": "housing; schools", "registered": "no", "vote_method": "mail",
                   "vote_on": "2026-10-20", "follow_up_on": "2026-10-08", "do_not_contact": ""}


def test_notes_come_only_when_asked_for_and_never_as_a_formula(team, voter, log, export):
    log(team["volunteer"], voter(team["campaign_id"]), notes='=HYPERLINK("http://example.org","x")')
    _, without = export("conversations.csv")
    assert "notes" not in without[0]
    _, rows = export("conversations.csv", notes="true")
    assert rows[0][-1] == "notes" and rows[1][-1] == '\'=HYPERLINK("http://example.org","x")'


def test_the_van_export_has_exactly_vans_columns_with_the_default_mapping(team, voter, log, export):
    ana = voter(team["campaign_id"], external_id="100200")
    for channel in ("in_person", "door", "call", "text", "other"):
        log(team["volunteer"], ana, channel=channel, support=1, issue_tags=["housing", "transit"],
            happened_at="2026-10-01T23:30:00-04:00")
    answer, rows = export("van-canvass-results.csv")
    assert rows[0] == ["VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy", "Support", "housing",
                       "schools", "transit", *SUPPRESSION]
    assert answer.headers["X-Kin-Omitted"] == ""
    assert sorted(row[1] for row in rows[1:]) == ["Other", "Phone", "SMS Text", "Walk", "Walk"]
    assert {tuple(row[:1] + row[2:]) for row in rows[1:]} == {
        ("100200", "Canvassed", "10/01/2026", "Vera Volunteer", "Strong Support", "housing", "", "transit",
         *[""] * len(SUPPRESSION))}


def test_the_van_export_follows_the_campaigns_mapping_and_says_what_it_leaves_out(client, auth_headers, team, voter,
                                                                                   log, export):
    ana = voter(team["campaign_id"], external_id="100200")
    log(team["volunteer"], ana, channel="other", support=3, issue_tags=["housing", "schools"])
    log(team["volunteer"], ana, support=1)
    mapping = {"support_question": "Candidate Support", "support_responses": {"1": "Strong Yes", "2": "Lean Yes"},
               "issue_activist_codes": {"housing": "Housing Justice"}, "contact_types": {"other": "Relational"}}
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": mapping},
                          headers=auth_headers(team["owner"].user_id))
    assert answer.status_code == 200 and answer.json["van_mapping"] == mapping
    assert answer.json["van_columns"] == {**mapping, "contact_types": {
        "in_person": "Walk", "door": "Walk", "call": "Phone", "text": "SMS Text", "other": "Relational"},
        "door_results": DOOR_RESULT_CODES, "survey_questions": {}}  # the campaign has no questions of its own
    response, rows = export("van-canvass-results.csv")
    assert rows[0] == ["VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy", "Candidate Support",
                       "Housing Justice", *SUPPRESSION]
    assert sorted(tuple(row[1:2] + row[5:7]) for row in rows[1:]) == [("Phone", "Strong Yes", ""),
                                                                      ("Relational", "", "Housing Justice")]
    assert response.headers["X-Kin-Omitted"] == ("support 3 (no response mapped); support 4 (no response mapped); "
                                                 "support 5 (no response mapped); issue schools (no activist code "
                                                 "mapped); issue transit (no activist code mapped)")
    client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": {"support_question": None}},
                 headers=auth_headers(team["owner"].user_id))
    response, rows = export("van-canvass-results.csv")
    assert rows[0] == ["VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy", "housing", "schools",
                       "transit", *SUPPRESSION]
    assert response.headers["X-Kin-Omitted"] == "support (no survey question mapped)"


@pytest.mark.parametrize(("mapping", "field"), [
    ({"support_responses": {"7": "Maybe"}}, "support_responses"),
    ({"issue_activist_codes": {"parks": "Parks"}}, "issue_activist_codes"),
    ({"support_question": "VANID"}, "support_question"),
    ({"contact_types": {"carrier_pigeon": "Mail"}}, "contact_types"),
    ({"support_question": ""}, "support_question"),
    ({"surprise": 1}, "surprise"),
])
def test_a_bad_mapping_is_refused_naming_the_field(client, auth_headers, team, mapping, field):
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": mapping},
                          headers=auth_headers(team["owner"].user_id))
    assert answer.status_code == 422 and field in answer.json["errors"]["json"]["van_mapping"]


def test_only_owners_change_the_mapping(client, auth_headers, team):
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": None},
                          headers=auth_headers(team["organizer"].user_id))
    assert answer.status_code == 403


@pytest.mark.parametrize("name", ["conversations.csv", "van-canvass-results.csv"])
def test_since_an_export_gives_exactly_what_changed_after_it(team, voter, log, phone_of, export, name):
    ana = voter(team["campaign_id"], external_id="100200")
    first, second = log(team["volunteer"], ana), log(team["volunteer"], ana)
    answer, rows = export(name)
    assert len(rows) == 3
    earlier = answer.headers["X-Kin-Export-Id"]
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("conversation", first, {"support": 5}))  # changed
    third = log(team["volunteer"], ana)  # new
    answer, rows = export(name, since=earlier)
    assert len(rows) == 3
    if name == "conversations.csv":
        assert sorted(row[0] for row in rows[1:]) == sorted([first, third])
    answer, rows = export(name, since=answer.headers["X-Kin-Export-Id"])
    assert len(rows) == 1  # the header: nothing changed since
    assert second  # untouched since the first export: in neither later one


def test_since_a_time_gives_what_changed_after_it(team, voter, log, export):
    log(team["volunteer"], voter(team["campaign_id"]))
    _, rows = export("conversations.csv", since="2000-01-01T00:00:00Z")
    assert len(rows) == 2
    _, rows = export("conversations.csv", since="2999-01-01T00:00:00+00:00")
    assert len(rows) == 1


@pytest.mark.parametrize("since", ["999999", "yesterday", "2026-10-01T10:00:00", "VAN"])
def test_a_bad_since_is_refused_naming_it(team, export, since):
    answer, _ = export("conversations.csv", since=since)
    assert answer.status_code == 422 and "since" in answer.json["errors"]["query"]


def test_since_an_export_of_the_other_kind_is_refused(team, export):
    answer, _ = export("van-canvass-results.csv")
    refused, _ = export("conversations.csv", since=answer.headers["X-Kin-Export-Id"])
    assert refused.status_code == 422 and "van" in refused.json["errors"]["query"]["since"][0]


def test_each_export_is_recorded_and_audited_without_personal_data(app, client, auth_headers, team, voter, log,
                                                                   export):
    for _ in range(3):
        log(team["volunteer"], voter(team["campaign_id"], "Zed", "Quux"), notes="secret words")
    answer, _ = export("conversations.csv", notes="true")
    export_id = int(answer.headers["X-Kin-Export-Id"])
    listed = client.get(f"/api/campaigns/{team['campaign_id']}/exports",
                        headers=auth_headers(team["organizer"].user_id)).json
    assert listed[0]["id"] == export_id
    assert (listed[0]["kind"], listed[0]["row_count"], listed[0]["complete"], listed[0]["with_notes"]) == (
        "conversations", 3, True, True)
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.target_type == "export")
                                    .order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.actor_id, e.target_id) for e in events] == [
        ("export.started", team["organizer"].user_id, str(export_id)),
        ("export.finished", team["organizer"].user_id, str(export_id))]
    assert events[0].details["notes"] is True and events[1].details["rows"] == 3
    assert not {"Zed", "Quux", "secret"} & set(str([e.details for e in events]).replace("'", " ").split())


def test_a_download_stopped_early_is_recorded_as_incomplete(client, auth_headers, team, voter, log, monkeypatch):
    """The client leaves after the first row: the rows sent are counted, and the read-ahead (one row a batch here,
    so it has more to read) stops with the download."""
    from server.exports import files, service

    ana = voter(team["campaign_id"])
    for _ in range(5):
        log(team["volunteer"], ana)
    monkeypatch.setattr(files, "FLUSH_EVERY", 1)
    monkeypatch.setattr(service, "BATCH", 1)
    answer = client.get(f"/api/campaigns/{team['campaign_id']}/exports/conversations.csv",
                        headers=auth_headers(team["organizer"].user_id), buffered=False)
    chunks = iter(answer.response)
    next(chunks), next(chunks)  # the header and the first row, then the client leaves
    answer.close()
    assert not [thread for thread in threading.enumerate() if thread.name == "export-read-ahead"]
    listed = client.get(f"/api/campaigns/{team['campaign_id']}/exports",
                        headers=auth_headers(team["organizer"].user_id)).json
    assert (listed[0]["complete"], listed[0]["row_count"]) == (False, 1)


def test_a_long_export_reads_every_batch_once(team, voter, log, export, monkeypatch):
    from server.exports import service

    ana = voter(team["campaign_id"])
    logged = {log(team["volunteer"], ana) for _ in range(7)}
    monkeypatch.setattr(service, "BATCH", 2)
    _, rows = export("conversations.csv")
    assert [row[0] for row in rows[1:]] and {row[0] for row in rows[1:]} == logged and len(rows) == 8


@pytest.mark.parametrize("name", ["", "/conversations.csv", "/van-canvass-results.csv"])
def test_volunteers_and_other_campaigns_organizers_get_no_export(client, auth_headers, team, make_campaign,
                                                                 make_member, name):
    from server.campaigns.models import Role

    url = f"/api/campaigns/{team['campaign_id']}/exports{name}"
    assert client.get(url, headers=auth_headers(team["volunteer"].user_id)).status_code == 403
    outsider = make_member(make_campaign(name="Elsewhere"), Role.ORGANIZER)
    assert client.get(url, headers=auth_headers(outsider.user_id)).status_code == 404


def test_both_exports_carry_what_each_voter_asked(team, voter, log, phone_of, export):
    ana, ben, cy = (voter(team["campaign_id"], first, external_id=vanid)
                    for first, vanid in (("Ana", "1"), ("Ben", "2"), ("Cy", "3")))
    phone = phone_of(team["volunteer"])
    for voter_id, flags in ((ana, {"no_text": True, "no_door": True}), (ben, {"no_contact": True})):
        pushed = phone.push(phone.op("contact_preference", voter_id, {
            "voter_id": voter_id, "recorded_from": "person", "recorded_at": "2026-10-01T18:00:00Z", **flags}))
        assert pushed.json["results"][0]["status"] == "applied"
    for voter_id in (ana, ben, cy):
        log(team["volunteer"], voter_id)
    _, rows = export("conversations.csv")
    by_voter = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert {vanid: row["do_not_contact"] for vanid, row in by_voter.items()} == {"1": "text; door", "2": "all",
                                                                                  "3": ""}
    _, rows = export("van-canvass-results.csv")
    columns = rows[0].index("DoNotContact")
    assert {row[0]: row[columns:] for row in rows[1:]} == {"1": ["", "", "Y", "", "Y"], "2": ["Y"] * 5,
                                                            "3": [""] * 5}
