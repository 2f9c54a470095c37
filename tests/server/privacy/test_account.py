"""A volunteer's own rights: download everything the server holds that they wrote or that is about them (and
nobody else's), and delete their account, with their records kept without a name or deleted as the campaign says."""

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEvent
from server.auth.models import User
from server.campaigns.models import Campaign, DepartedRecords, Membership, Role
from server.conversations.models import Conversation
from server.extensions import db
from server.sync_api.models import SyncRecord
from tests.conftest import PASSWORD
from tests.server.sync.conftest import Phone, conversation_fields


def download(client, headers):
    response = client.get("/api/me/data", headers=headers)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return json.loads(archive.read("kin-my-data.json")), archive


def test_the_download_holds_the_account_memberships_records_replies_and_audit_events(app, client, auth_headers,
                                                                                      logged):
    volunteer = logged["volunteer"]
    link = client.post(f"/api/campaigns/{logged['campaign_id']}/members/{volunteer.id}/reset-link",
                       headers=auth_headers(logged["organizer"].user_id))
    assert link.status_code == 201, link.json
    data, archive = download(client, auth_headers(volunteer.user_id))
    assert data["account"]["email"] == logged["volunteer"].email
    assert [(m["campaign_id"], m["role"]) for m in data["memberships"]] == [(logged["campaign_id"], "volunteer")]
    assert [r["notes"] for r in data["relationships"]] == ["Met at the bakery."]
    talks = {c["id"]: c for c in data["conversations"]}
    assert talks[logged["ids"]["conversation"]]["review_reply"] == "Thank you!"
    assert talks[logged["ids"]["gone"]]["deleted"] is True
    assert data["door_visits"][0]["person_first_name"] == "Rosa"
    assert [h["value"] for h in data["earlier_values"]] == ["First words."]
    assert [(e["action"], e["target_id"], e["by_you"]) for e in data["audit_events"]] == [
        ("password_reset.created", str(volunteer.id), False)]
    assert set(archive.namelist()) == {"kin-my-data.json", *(f"{name}.csv" for name in data)}
    rows = list(csv.DictReader(io.StringIO(archive.read("conversations.csv").decode())))
    assert {row["notes"] for row in rows} == {"Worried about rent.", "Deleted words."}


def test_the_download_never_holds_another_persons_data(app, client, auth_headers, make_member, logged):
    other = make_member(logged["campaign_id"], Role.VOLUNTEER)
    phone = Phone(client, auth_headers(other.user_id), logged["campaign_id"])
    assert phone.push(phone.op("conversation", "0b6f6d3e-3c1f-4a57-9a43-2f1d2b7c9e11", conversation_fields(
        voter_id=logged["voter_id"], notes="Someone else's words."))).json["results"][0]["status"] == "applied"

    response = client.get("/api/me/data", headers=auth_headers(other.user_id))
    everything = b"".join(zipfile.ZipFile(io.BytesIO(response.data)).read(name)
                          for name in zipfile.ZipFile(io.BytesIO(response.data)).namelist()).decode()
    assert "Someone else's words." in everything
    for theirs in ("Met at the bakery.", "Worried about rent.", "Rosa", logged["volunteer"].email, "Thank you!"):
        assert theirs not in everything
    assert client.get("/api/me/data").status_code == 401


def delete_account(client, headers, password=PASSWORD):
    return client.post("/api/me/deletion", json={"password": password}, headers=headers)


@pytest.mark.parametrize("mode", list(DepartedRecords))
def test_deleting_the_account_removes_the_person_and_keeps_or_deletes_their_records(app, client, auth_headers, logged,
                                                                                     mode):
    volunteer, campaign_id = logged["volunteer"], logged["campaign_id"]
    with app.app_context():
        db.session.get(Campaign, campaign_id).departed_records = mode
        db.session.commit()
    headers = auth_headers(volunteer.user_id)
    assert delete_account(client, headers, "not the password").status_code == 422

    assert delete_account(client, headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.post("/api/auth/login", json={"email": volunteer.email, "password": PASSWORD}).status_code == 401
    with app.app_context():
        user = db.session.get(User, volunteer.user_id)
        assert (user.display_name, user.password_hash, user.deleted_at is not None) == ("", "", True)
        assert volunteer.email not in user.email
        assert db.session.get(Membership, volunteer.id).active is False
        records = db.session.execute(select(func.count()).select_from(SyncRecord).where(
            SyncRecord.owner_id == volunteer.user_id)).scalar_one()
        talks = db.session.execute(select(func.count()).select_from(Conversation).where(
            Conversation.volunteer_id == volunteer.user_id)).scalar_one()
        assert (records, talks) == ((4, 2) if mode is DepartedRecords.ANONYMISE else (0, 0))
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "account.deleted")).scalar_one()
        assert event.details == {"records": mode.value, "deleted": 0 if mode is DepartedRecords.ANONYMISE else 4}
        assert volunteer.email not in str(event.details)


def test_the_last_owner_of_a_campaign_is_told_to_hand_it_over_first(app, client, auth_headers, make_campaign,
                                                                     make_member):
    owner = make_member(make_campaign(), Role.OWNER)
    response = delete_account(client, auth_headers(owner.user_id))
    assert response.status_code == 409
    assert "owner" in response.json["message"]
    with app.app_context():
        assert db.session.get(User, owner.user_id).deleted_at is None
