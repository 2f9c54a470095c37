"""The conversations' campaign (volunteers who log from their phones), and the dashboard as an organizer reads it."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from server.columns import utcnow
from tests.server.conversations import conftest as conversations

ZONE = ZoneInfo("America/New_York")
# the review tests' campaign, voters and phones, as fixtures here too
team, voter, phone_of, log = conversations.team, conversations.voter, conversations.phone_of, conversations.log


def days_ago(n: int, hour: int = 12) -> str:
    """A time n days before today in the campaign's zone, as a phone writes it."""
    day = utcnow().astimezone(ZONE).date() - timedelta(days=n)
    return f"{day.isoformat()}T{hour:02d}:00:00-05:00"


def today(offset: int = 0) -> str:
    return (utcnow().astimezone(ZONE).date() + timedelta(days=offset)).isoformat()


@pytest.fixture
def dashboard(client, auth_headers, team):
    """The dashboard as the campaign's organizer gets it (status 200 asserted), with these filters."""

    def read(campaign_id=None, member=None, status=200, **filters):
        member = member or team["organizer"]
        answer = client.get(f"/api/campaigns/{campaign_id or team['campaign_id']}/dashboard",
                            headers=auth_headers(member.user_id), query_string=filters)
        assert answer.status_code == status, answer.json
        return answer.json

    return read


@pytest.fixture
def befriend(phone_of):
    """A volunteer confirms a relationship with a voter; returns its id."""

    def make(member, voter_id) -> str:
        relationship_id = str(uuid.uuid4())
        phone = phone_of(member)
        answer = phone.push(phone.op("relationship", relationship_id, {"voter_id": voter_id, "source": "match"}))
        assert answer.json["results"][0]["status"] == "applied", answer.json
        return relationship_id

    return make
