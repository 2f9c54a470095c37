"""Before importing, an organizer sees what the first rows would become; a file without a header row is mapped by
column number; latitude, longitude and precinct are kept where the file has them. On SQLite and PostgreSQL."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.campaigns.models import Role
from server.extensions import db
from server.voters.models import Voter, VoterImport
from tests.server.voters.test_voter_files_api import upload, wait_for

FIXTURES = Path(__file__).parents[2] / "fixtures" / "voterfiles"
HEADERLESS = FIXTURES / "headerless_positions.csv"  # id, last, first, city, phone: no header row
PLACES = FIXTURES / "places_with_bad_coordinates.csv"


@pytest.fixture
def organizer(make_campaign, make_member):
    return make_member(make_campaign(), Role.ORGANIZER)


def preview(client, headers, campaign_id, content: bytes, name="voters.csv", **form):
    data = {"file": (io.BytesIO(content), name), **form}
    return client.post(f"/api/campaigns/{campaign_id}/voter-files/preview", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_preview_shows_the_detected_layout_mapped_rows_and_unused_columns_and_stores_nothing(
        app, client, auth_headers, organizer):
    content = (FIXTURES / "van_export_canvass_file_sample_spoke.csv").read_bytes()
    response = preview(client, auth_headers(organizer.user_id), organizer.campaign_id, content)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["format"] == "van" and body["problem"] is None and not body["no_header"]
    assert len(body["rows"]) == 20
    first = body["rows"][0]
    assert first["values"]["external_id"] == first["cells"][1]  # VanID is the second column
    assert {"Employer", "Occupation", "PollingLocation"} <= set(body["unused"])
    by_name = {column["name"]: column for column in body["columns"]}
    assert by_name["VanID"]["fields"] == ["external_id"] and by_name["Employer"]["fields"] == []
    assert by_name["VanID"]["samples"] == [row["cells"][1] for row in body["rows"][:3]]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(VoterImport)).scalar_one() == 0
        assert db.session.execute(select(func.count()).select_from(Voter)).scalar_one() == 0


def test_preview_of_a_slice_drops_the_line_the_slice_cut(client, auth_headers, organizer):
    content = (FIXTURES / "van_export_canvass_file_sample_spoke.csv").read_bytes()
    cut = content[:content.index(b"\n", 1200) + 10]  # ten bytes into a row
    response = preview(client, auth_headers(organizer.user_id), organizer.campaign_id, cut,
                       file_size=str(len(content)))
    rows = response.json["rows"]
    assert rows and not any(row["rejected"] for row in rows)  # no half row read as a bad one


def test_preview_of_a_headerless_file_names_columns_by_number_and_says_what_is_missing(
        client, auth_headers, organizer):
    headers = auth_headers(organizer.user_id)
    response = preview(client, headers, organizer.campaign_id, HEADERLESS.read_bytes(), no_header="true")
    body = response.json
    assert response.status_code == 200 and body["format"] is None and "voter id" in body["problem"]
    assert [column["name"] for column in body["columns"]] == [f"Column {n}" for n in range(1, 6)]
    assert body["rows"][0]["cells"][0] == "H1"  # the first row is a voter, not a header

    mapped = preview(client, headers, organizer.campaign_id, HEADERLESS.read_bytes(), no_header="true",
                     map=["1=external_id", "2=last_name", "3=first_name", "5=phones"]).json
    assert mapped["problem"] is None and mapped["format"] == "generic"
    assert mapped["rows"][0]["values"] == {"external_id": "H1", "last_name": "Quintero", "first_name": "Rosa"}
    assert mapped["rows"][0]["phones"] == ["+19196600101"]
    assert mapped["unused"] == ["Column 4"]


def test_preview_refuses_a_spreadsheet_naming_the_file_field(client, auth_headers, organizer):
    response = preview(client, auth_headers(organizer.user_id), organizer.campaign_id, b"PK\x03\x04rest",
                       name="voters.xlsx")
    assert response.status_code == 422 and "Excel" in response.json["errors"]["form"]["file"][0]


def test_preview_names_a_column_number_past_the_last(client, auth_headers, organizer):
    response = preview(client, auth_headers(organizer.user_id), organizer.campaign_id, HEADERLESS.read_bytes(),
                       no_header="true", map=["9=external_id"])
    assert response.json["format"] is None and "'9'" in response.json["problem"]
    assert "1 to 5" in response.json["problem"]


def test_a_headerless_upload_mapped_by_position_imports_its_first_row_too(
        client, auth_headers, organizer, voters_of):
    headers = auth_headers(organizer.user_id)
    response = upload(client, headers, organizer.campaign_id, HEADERLESS, no_header="true",
                      map=["1=external_id", "2=last_name", "3=first_name", "4=city", "5=phones"])
    assert response.status_code == 202, response.json
    job = wait_for(client, headers, f"/api/campaigns/{organizer.campaign_id}/voter-files/{response.json['id']}")
    assert job["status"] == "succeeded", job["message"]
    assert job["no_header"] and job["unused_columns"] == []
    voters = voters_of(organizer.campaign_id)
    assert set(voters) == {"H1", "H2", "H3"}
    assert (voters["H1"].first_name, voters["H1"].city, voters["H1"].phones) == ("Rosa", "Durham", ["+19196600101"])


def test_cli_imports_a_headerless_file_by_column_number(make_campaign, import_file, voters_of):
    campaign_id = make_campaign()
    result = import_file(HEADERLESS, campaign_id, "--no-header", "--map", "1=external_id", "--map", "2=last_name",
                         "--map", "3=first_name")
    assert result.exit_code == 0, result.output
    assert "Columns not imported (2): Column 4, Column 5." in result.output
    assert voters_of(campaign_id)["H3"].last_name == "Baptiste"


def test_cli_map_by_number_works_beside_a_header_and_names_a_bad_number(make_campaign, import_file, voters_of,
                                                                        voter_file):
    campaign_id = make_campaign()
    path = voter_file([["V1", "Ana", "Lopez", "x-ray"]], header=["voter_id", "given", "family", "notes"])
    result = import_file(path, campaign_id, "--map", "given=first_name", "--map", "3=last_name")
    assert result.exit_code == 0, result.output
    assert "Columns not imported (1): notes." in result.output
    assert voters_of(campaign_id)["V1"].last_name == "Lopez"
    bad = import_file(path, campaign_id, "--map", "7=last_name", "--map", "given=first_name")
    assert bad.exit_code != 0 and "No column '7'" in bad.output and "1 to 4" in bad.output


def test_cli_writes_the_problems_to_a_local_csv_and_prints_its_path(make_campaign, import_file, tmp_path):
    campaign_id = make_campaign()
    result = import_file(PLACES, campaign_id)
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("voter-import-*-problems.csv")
    assert f"Problems (3): {written}" in result.output.replace("\n", "")
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,column,reason,rejected,code"
    assert lines[1].startswith("3,lat,") and "outside -90 to 90" in lines[1]
    assert lines[1].endswith(",no,degrees_out_of_range")
    assert lines[2].startswith("4,lon,") and "not a number" in lines[2] and lines[2].endswith(",not_degrees")
    assert lines[3].startswith("5,") and ",yes," in lines[3]

    elsewhere = tmp_path / "mine.csv"
    again = import_file(PLACES, campaign_id, "--problems", str(elsewhere))
    assert f"Problems (3): {elsewhere}" in again.output.replace("\n", "") and elsewhere.exists()


def test_cli_writes_no_problems_file_when_there_are_none(make_campaign, import_file, voter_file, tmp_path):
    result = import_file(voter_file([["A1", "Ana", "Lopez", "Durham", "27701", "1990", "", ""]]), make_campaign())
    assert result.exit_code == 0 and "Problems" not in result.output
    assert not list(tmp_path.glob("*problems.csv"))


def test_latitude_longitude_and_precinct_are_kept_and_bad_degrees_named_by_row_and_field(
        app, make_campaign, import_file, voters_of):
    campaign_id = make_campaign()
    assert import_file(PLACES, campaign_id).exit_code == 0
    voters = voters_of(campaign_id)
    assert (voters["P1"].latitude, voters["P1"].longitude, voters["P1"].precinct) == (35.994, -78.8986, "DURHAM 05")
    assert (voters["P2"].latitude, voters["P2"].longitude) == (None, -78.64)  # 95.1 is no latitude: left empty
    assert voters["P3"].latitude == 35.78 and voters["P3"].longitude is None  # "west" is no number
    assert "P4" not in voters


def test_a_voter_file_without_coordinates_leaves_them_empty(make_campaign, import_file, voter_file, voters_of):
    campaign_id = make_campaign()
    assert import_file(voter_file([["A1", "Ana", "Lopez", "Durham", "27701", "1990", "", ""]]), campaign_id
                       ).exit_code == 0
    assert voters_of(campaign_id)["A1"].latitude is None


def test_the_organizers_voter_record_has_the_coordinates_and_the_volunteers_card_does_not(
        client, auth_headers, make_member, organizer, import_file, voters_of):
    assert import_file(PLACES, organizer.campaign_id).exit_code == 0
    voter = voters_of(organizer.campaign_id)["P1"]
    record = client.get(f"/api/campaigns/{organizer.campaign_id}/voters/{voter.public_id}",
                        headers=auth_headers(organizer.user_id)).json
    assert (record["latitude"], record["longitude"], record["precinct"]) == (35.994, -78.8986, "DURHAM 05")
    volunteer = make_member(organizer.campaign_id, Role.VOLUNTEER)
    cards = client.get(f"/api/campaigns/{organizer.campaign_id}/voters/search?name=Ana Ibarra",
                       headers=auth_headers(volunteer.user_id)).json
    assert cards and not {"latitude", "longitude", "precinct"} & set(cards[0])


def test_a_shrinking_upload_stops_with_the_counts_the_screen_asks_with(client, auth_headers, organizer, voter_file,
                                                                       voters_of):
    headers = auth_headers(organizer.user_id)
    rows = [[f"S{n}", "Ana", f"Lopez{n}", "Durham", "27701", "1990", "", ""] for n in range(4)]
    first = upload(client, headers, organizer.campaign_id, voter_file(rows))
    assert wait_for(client, headers, f"/api/campaigns/{organizer.campaign_id}/voter-files/{first.json['id']}"
                    )["status"] == "succeeded"
    second = upload(client, headers, organizer.campaign_id, voter_file(rows[:1]))
    job = wait_for(client, headers, f"/api/campaigns/{organizer.campaign_id}/voter-files/{second.json['id']}")
    assert (job["status"], job["would_deactivate"], job["active_before"]) == ("failed", 3, 4)
    assert all(voter.active for voter in voters_of(organizer.campaign_id).values())
    listed = client.get(f"/api/campaigns/{organizer.campaign_id}/voter-files", headers=headers).json
    assert listed[0]["would_deactivate"] == 3 and listed[0]["created_by"]


def test_preview_of_a_cell_too_long_to_be_a_table_is_422_naming_the_file(client, auth_headers, organizer):
    content = b"voter_id,first_name\n1," + b"x" * 200_000 + b"\n"
    response = preview(client, auth_headers(organizer.user_id), organizer.campaign_id, content)
    assert response.status_code == 422 and "cannot be read as a table" in response.json["errors"]["form"]["file"][0]
