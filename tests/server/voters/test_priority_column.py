"""The campaign's priority column (a setting owners change): the preview and every import, by the API or the
command line, read it as priority when the file has it; a column picked for the upload wins; a file without it
gets a warning naming the column, not an error."""

import io

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.extensions import db
from tests.server.voters.test_voter_files_api import upload, wait_for

HEADER = ["voter_id", "first_name", "last_name", "Universe 2026", "target"]
ROWS = [["P1", "Ana", "Lopez", "Y", "0"], ["P2", "Ben", "Okafor", "", "1"], ["P3", "Cleo", "Park", "yes", "0"]]


@pytest.fixture
def campaign(make_campaign, make_member):
    campaign_id = make_campaign(priority_column="Universe 2026")
    return {"id": campaign_id, **{role: make_member(campaign_id, role) for role in Role}}


def csv_bytes(rows, header=HEADER) -> bytes:
    return ("\n".join(",".join(row) for row in [header, *rows]) + "\n").encode()


def preview(client, headers, campaign_id, content: bytes, **form):
    return client.post(f"/api/campaigns/{campaign_id}/voter-files/preview", headers=headers,
                       data={"file": (io.BytesIO(content), "voters.csv"), **form},
                       content_type="multipart/form-data")


def priority(voters) -> set[str]:
    return {external_id for external_id, voter in voters.items() if voter.priority}


def test_an_owner_sets_the_priority_column_and_the_change_is_audited_by_its_name(app, client, auth_headers,
                                                                                 make_campaign, make_member):
    owner = make_member(make_campaign(), Role.OWNER)
    url, headers = f"/api/campaigns/{owner.campaign_id}", auth_headers(owner.user_id)
    assert client.get(url, headers=headers).json["priority_column"] is None
    response = client.patch(url, json={"priority_column": "Universe 2026"}, headers=headers)
    assert response.status_code == 200 and response.json["priority_column"] == "Universe 2026"
    assert client.patch(url, json={"priority_column": None}, headers=headers).json["priority_column"] is None
    with app.app_context():
        details = [e.details for e in db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "campaign.updated")).scalars()]
    assert details == [{"fields": ["priority_column"]}] * 2


@pytest.mark.parametrize("value", ["", "  -  ", "x" * 101])
def test_a_priority_column_without_a_name_is_refused_naming_the_field(client, auth_headers, campaign, value):
    owner = campaign[Role.OWNER]
    response = client.patch(f"/api/campaigns/{owner.campaign_id}", json={"priority_column": value},
                            headers=auth_headers(owner.user_id))
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["priority_column"]


def test_an_organizer_cannot_change_the_priority_column(client, auth_headers, campaign):
    organizer = campaign[Role.ORGANIZER]
    response = client.patch(f"/api/campaigns/{organizer.campaign_id}", json={"priority_column": "target"},
                            headers=auth_headers(organizer.user_id))
    assert response.status_code == 403


def test_the_preview_reads_the_settings_column_as_priority_and_says_so(client, auth_headers, campaign):
    organizer = campaign[Role.ORGANIZER]
    body = preview(client, auth_headers(organizer.user_id), campaign["id"], csv_bytes(ROWS)).json
    assert body["priority_column"] == "Universe 2026" and body["warnings"] == []
    fields = {column["name"]: column["fields"] for column in body["columns"]}
    assert fields["Universe 2026"] == ["priority"] and fields["target"] == []  # the generic layout's own, unread
    assert [row["values"].get("priority", False) for row in body["rows"]] == [True, False, True]


def test_a_column_picked_for_the_upload_wins_over_the_setting(client, auth_headers, campaign):
    organizer = campaign[Role.ORGANIZER]
    headers = auth_headers(organizer.user_id)
    picked = preview(client, headers, campaign["id"], csv_bytes(ROWS), map="target=priority").json
    assert picked["priority_column"] is None
    assert [row["values"].get("priority", False) for row in picked["rows"]] == [False, True, False]
    ignored = preview(client, headers, campaign["id"], csv_bytes(ROWS), map="Universe 2026=ignore").json
    assert ignored["priority_column"] is None
    assert {c["name"]: c["fields"] for c in ignored["columns"]}["Universe 2026"] == []


def test_a_file_without_the_column_gets_a_warning_naming_it_not_an_error(client, auth_headers, campaign):
    organizer = campaign[Role.ORGANIZER]
    content = csv_bytes([row[:3] for row in ROWS], header=HEADER[:3])
    response = preview(client, auth_headers(organizer.user_id), campaign["id"], content)
    assert response.status_code == 200 and response.json["problem"] is None and response.json["format"] == "generic"
    assert response.json["priority_column"] is None
    assert response.json["warnings"] == [{
        "column": "Universe 2026", "code": "no_priority_column", "params": {"column": "Universe 2026"},
        "reason": "No column 'Universe 2026', which the campaign's settings name for priority voters; priority is "
                  "read as the layout reads it."}]


def test_an_upload_imports_priority_from_the_settings_column(client, auth_headers, campaign, tmp_path, voters_of):
    organizer = campaign[Role.ORGANIZER]
    headers = auth_headers(organizer.user_id)
    path = tmp_path / "voters.csv"
    path.write_bytes(csv_bytes(ROWS))
    job = upload(client, headers, campaign["id"], path).json
    job = wait_for(client, headers, f"/api/campaigns/{campaign['id']}/voter-files/{job['id']}")
    assert job["status"] == "succeeded" and job["priority_column"] == "Universe 2026" and job["problems"] == []
    assert priority(voters_of(campaign["id"])) == {"P1", "P3"}


def test_an_upload_of_a_file_without_the_column_imports_with_the_warning_among_its_problems(
        client, auth_headers, campaign, tmp_path, voters_of):
    organizer = campaign[Role.ORGANIZER]
    headers = auth_headers(organizer.user_id)
    path = tmp_path / "voters.csv"
    path.write_bytes(csv_bytes([row[:3] + row[4:] for row in ROWS], header=HEADER[:3] + HEADER[4:]))
    job = upload(client, headers, campaign["id"], path).json
    job = wait_for(client, headers, f"/api/campaigns/{campaign['id']}/voter-files/{job['id']}")
    assert job["status"] == "succeeded"
    assert [(p["line"], p["column"], p["code"], p["rejected"]) for p in job["problems"]] == [
        (1, "Universe 2026", "no_priority_column", False)]
    assert priority(voters_of(campaign["id"])) == {"P2"}  # the generic layout's own "target" column


def test_the_command_line_import_reads_the_settings_column_too(campaign, voter_file, import_file, voters_of,
                                                               tmp_path):
    result = import_file(voter_file(ROWS, header=HEADER), campaign["id"])
    assert result.exit_code == 0, result.output
    assert "Priority voters: the column 'Universe 2026' (the campaign's settings)." in result.output
    assert priority(voters_of(campaign["id"])) == {"P1", "P3"}
    assert not list(tmp_path.glob("*problems.csv"))

    picked = import_file(voter_file(ROWS, header=HEADER), campaign["id"], "--map", "target=priority")
    assert picked.exit_code == 0 and "Priority voters" not in picked.output
    assert priority(voters_of(campaign["id"])) == {"P2"}
