"""Organizers upload a voter file; it imports in the background while they watch its progress."""

import io
import time

import pytest
from sqlalchemy import func, select

from server.campaigns.models import Role
from server.columns import utcnow
from server.extensions import db
from server.voters.models import ImportStatus, VoterImport
from tests.server.voters.test_import import FIRST


@pytest.fixture
def organizer(make_campaign, make_member):
    return make_member(make_campaign(), Role.ORGANIZER)


def upload(client, headers, campaign_id, path, **form):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), **form}
    return client.post(f"/api/campaigns/{campaign_id}/voter-files", data=data, headers=headers,
                       content_type="multipart/form-data")


def wait_for(client, headers, url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"import still {job['status']} after {timeout} s")


def test_upload_imports_in_the_background_and_reports_progress_and_problems(
        client, auth_headers, organizer, voter_file, voters_of):
    headers = auth_headers(organizer.user_id)
    response = upload(client, headers, organizer.campaign_id, voter_file(FIRST))
    assert response.status_code == 202 and response.json["status"] in ("queued", "running", "succeeded")
    url = f"/api/campaigns/{organizer.campaign_id}/voter-files/{response.json['id']}"
    job = wait_for(client, headers, url)
    assert job["status"] == "succeeded", job["message"]
    assert (job["format"], job["rows_read"], job["rows_rejected"], job["voters_added"]) == ("generic", 5, 1, 4)
    assert job["bytes_read"] == job["bytes_total"] > 0
    assert [(p["line"], p["rejected"]) for p in job["problems"]] == [(4, False), (5, True), (6, False)]
    # each reason also as a code and its values, for the console to say it in the organizer's language
    assert [(p["code"], p["params"], p["reason"]) for p in job["problems"]] == [
        ("invalid_phone", {"region": "US"}, "Not a valid phone number for region US."),
        ("no_voter_id", None, "No voter id; the row was skipped."),
        ("invalid_email", None, "Not a valid e-mail address."),
    ]
    assert len(voters_of(organizer.campaign_id)) == 4

    csv_response = client.get(f"{url}/problems.csv", headers=headers)
    lines = csv_response.get_data(as_text=True).splitlines()
    assert csv_response.mimetype == "text/csv" and lines[0] == "line,column,reason,rejected,code"
    assert len(lines) == 4 and lines[2] == "5,voter_id,No voter id; the row was skipped.,yes,no_voter_id"


def test_a_second_upload_while_one_runs_is_409(app, client, auth_headers, organizer, voter_file):
    with app.app_context():
        db.session.add(VoterImport(campaign_id=organizer.campaign_id, filename="x", upload_path="/nonexistent",
                                   status=ImportStatus.RUNNING, heartbeat_at=utcnow()))
        db.session.commit()
    response = upload(client, auth_headers(organizer.user_id), organizer.campaign_id, voter_file(FIRST))
    assert response.status_code == 409 and "still running" in response.json["message"]


def test_upload_without_a_file_names_the_field(client, auth_headers, organizer):
    response = client.post(f"/api/campaigns/{organizer.campaign_id}/voter-files", data={"format": "auto"},
                           headers=auth_headers(organizer.user_id), content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["errors"]["form"]


def test_an_unknown_format_is_named_before_anything_is_stored(client, auth_headers, organizer, voter_file):
    """The fuzzer's 40-character format was a 500 on PostgreSQL (the column holds 32)."""
    for name in ("nonsense", "x" * 40):
        response = upload(client, auth_headers(organizer.user_id), organizer.campaign_id, voter_file(FIRST),
                          format=name)
        assert response.status_code == 422 and "format" in response.json["errors"]["form"], name
    listed = client.get(f"/api/campaigns/{organizer.campaign_id}/voter-files", headers=auth_headers(organizer.user_id))
    assert listed.json == []


def test_bad_map_entries_are_named_by_index(client, auth_headers, organizer, voter_file):
    response = upload(client, auth_headers(organizer.user_id), organizer.campaign_id, voter_file(FIRST),
                      map=["town=city", "nonsense", "x=shoe_size"])
    assert response.status_code == 422
    assert set(response.json["errors"]["form"]["map"]) == {"1", "2"}


def test_organizer_reads_a_voters_full_record_by_its_public_id(client, auth_headers, organizer, voter_file,
                                                               import_file):
    import_file(voter_file(FIRST), organizer.campaign_id)
    headers = auth_headers(organizer.user_id)
    listed = client.get(f"/api/campaigns/{organizer.campaign_id}/voters?city=durham", headers=headers)
    assert sorted(v["external_id"] for v in listed.json) == ["A1", "A2"]
    ana = next(v for v in listed.json if v["external_id"] == "A1")
    record = client.get(f"/api/campaigns/{organizer.campaign_id}/voters/{ana['id']}", headers=headers).json
    assert record["last_name"] == "López" and record["phones"] == ["+19196601234"]
    assert record["emails"] == ["ana@example.org"] and "id" in record and record["id"] != 1
    # yes/no is a boolean, not the strings "True" and "False" ("False" is truthy in JavaScript)
    assert record["priority"] is False and all(v["priority"] is False for v in listed.json)
    assert record["birth_year"] == 1990


def test_an_upload_that_drops_most_voters_stops_until_it_is_confirmed(client, auth_headers, organizer, voter_file,
                                                                      import_file):
    rows = [[f"V{n}", "Ana", f"Voter{n}", "Durham", "27701", "1990", "", ""] for n in range(10)]
    import_file(voter_file(rows), organizer.campaign_id)
    headers = auth_headers(organizer.user_id)
    small = voter_file(rows[:2])
    first = upload(client, headers, organizer.campaign_id, small)
    job = wait_for(client, headers, f"/api/campaigns/{organizer.campaign_id}/voter-files/{first.json['id']}")
    assert job["status"] == "failed" and "would mark 8 of the 10 active voters inactive" in job["message"]
    again = upload(client, headers, organizer.campaign_id, small, allow_shrink="true")
    assert again.json["allow_shrink"] is True
    job = wait_for(client, headers, f"/api/campaigns/{organizer.campaign_id}/voter-files/{again.json['id']}")
    assert job["status"] == "succeeded" and job["voters_deactivated"] == 8


def test_an_organizer_cancels_an_import_before_and_while_it_runs_and_the_voter_file_stays(
        app, client, auth_headers, organizer, voter_file, import_file, voters_of):
    """DELETE on a queued import cancels it at once; on a running one, it stops after the batch it is reading,
    and in both cases the previous voter file is exactly as it was, with nothing left staged."""
    from server.voters import importer
    from server.voters.models import staged_voter

    import_file(voter_file(FIRST), organizer.campaign_id)
    before = {key: (voter.last_name, voter.active) for key, voter in voters_of(organizer.campaign_id).items()}
    headers = auth_headers(organizer.user_id)
    rows = [[f"V{n}", "Ana", f"Voter{n}", "Durham", "27701", "1990", "", ""] for n in range(1500)]  # two batches
    url = f"/api/campaigns/{organizer.campaign_id}/voter-files"

    with app.app_context():
        queued = importer.create_import(organizer.campaign_id, voter_file(rows), "queued.csv").id
    cancelled = client.delete(f"{url}/{queued}", headers=headers)
    assert cancelled.status_code == 202 and cancelled.json["status"] == "cancelled"
    with app.app_context():
        assert importer.run_import(queued).status is ImportStatus.CANCELLED  # a worker that picks it up later

    with app.app_context():
        running = importer.create_import(organizer.campaign_id, voter_file(rows), "running.csv",
                                         allow_shrink=True).id

        def organizer_cancels(job):  # called after each committed batch, as the organizer watches the progress
            if job.rows_read < len(rows):
                assert app.test_client().delete(f"{url}/{job.id}", headers=headers).status_code == 202

        job = importer.run_import(running, organizer_cancels)
        assert job.status is ImportStatus.CANCELLED and job.message.startswith("Cancelled")
        assert 0 < job.rows_read < len(rows)
        assert db.session.execute(select(func.count()).select_from(staged_voter)).scalar_one() == 0
    assert {key: (voter.last_name, voter.active) for key, voter in voters_of(organizer.campaign_id).items()} == before
    finished = client.delete(f"{url}/{running}", headers=headers)
    assert finished.status_code == 409 and "already cancelled" in finished.json["message"]
