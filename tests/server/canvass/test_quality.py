"""Canvass quality through the API: each canvasser's doors, contacts and pace, and the signals that a walk looks
unlike one (far faster than the others, someone at every door); only the caller's campaign, only organizers.
On SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.campaigns.models import Role
from server.canvass.models import Household
from server.extensions import db
from tests.server.canvass.test_turfs import add_voters
from tests.server.sync.conftest import Phone

START = datetime.now(UTC) - timedelta(days=1)


@pytest.fixture
def walks(app, client, make_campaign, make_user, make_member, auth_headers):
    """Five canvassers of one campaign: three walk twelve doors three minutes apart, Fay logs twelve doors fifteen
    seconds apart, Tess finds someone to talk to at all twenty doors; and a canvasser of another campaign."""
    campaign_id, other_id = make_campaign(), make_campaign(name="Other")
    for campaign in (campaign_id, other_id):
        add_voters(app, campaign)
    organizer = make_member(campaign_id, Role.ORGANIZER)
    people = {name: make_member(campaign_id, Role.VOLUNTEER, user_id=make_user(display_name=name))
              for name in ("Ann", "Bo", "Cy", "Fay", "Tess")}
    stranger = make_member(other_id, Role.VOLUNTEER, user_id=make_user(display_name="Stranger"))
    with app.app_context():
        doors = {campaign: [str(public_id) for public_id in db.session.execute(
            select(Household.public_id).where(Household.campaign_id == campaign).order_by(Household.id)).scalars()]
            for campaign in (campaign_id, other_id)}

    def walk(member, campaign, count, every, result):
        phone = Phone(client, auth_headers(member.user_id), campaign)
        answer = phone.push(*(phone.op("door_visit", str(uuid.uuid4()), {
            "household_id": door, "result": result(n),
            "happened_at": (START + n * every).isoformat()}) for n, door in enumerate(doors[campaign][:count])))
        assert {r["status"] for r in answer.json["results"]} == {"applied"}, answer.json

    for name in ("Ann", "Bo", "Cy"):
        walk(people[name], campaign_id, 12, timedelta(minutes=3), lambda n: "talked" if n % 4 == 0 else "not_home")
    walk(people["Fay"], campaign_id, 12, timedelta(seconds=15), lambda n: "talked")
    walk(people["Tess"], campaign_id, 20, timedelta(minutes=4), lambda n: "talked")
    walk(stranger, other_id, 20, timedelta(seconds=5), lambda n: "talked")
    return f"/api/campaigns/{campaign_id}/turfs/canvassers", auth_headers(organizer.user_id), people


def test_each_canvasser_has_their_doors_contacts_and_pace(client, walks):
    url, headers, _ = walks
    rows = {row["name"]: row for row in client.get(url, headers=headers).json}
    assert set(rows) == {"Ann", "Bo", "Cy", "Fay", "Tess"}  # not the other campaign's canvasser
    ann = rows["Ann"]
    assert (ann["doors"], ann["visits"], ann["contacts"], ann["contact_rate"]) == (12, 12, 3, 0.25)
    assert ann["doors_per_hour"] == 20.0  # eleven doors after the first in 33 minutes
    assert ann["signals"] == []


def test_a_canvasser_far_faster_than_the_rest_and_one_with_every_door_answered_are_signalled(client, walks):
    url, headers, _ = walks
    rows = {row["name"]: row for row in client.get(url, headers=headers).json}
    assert rows["Fay"]["signals"] == ["fast"] and rows["Fay"]["doors_per_hour"] == 240.0
    assert rows["Tess"]["signals"] == ["all_contacts"] and rows["Tess"]["contact_rate"] == 1.0


def test_older_visits_are_left_out_by_days(client, walks):
    url, headers, _ = walks
    assert client.get(url, query_string={"days": 1}, headers=headers).json != []
    bad = client.get(url, query_string={"days": 0}, headers=headers)
    assert bad.status_code == 422 and "days" in bad.json["errors"]["query"]


def test_a_volunteer_cannot_see_the_canvassers(client, walks, auth_headers):
    url, _, people = walks
    assert client.get(url, headers=auth_headers(people["Ann"].user_id)).status_code == 403
