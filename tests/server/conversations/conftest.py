"""A campaign with volunteers who log conversations from their phones, and organizers who review them."""

import uuid

import pytest

from server.campaigns.models import Role
from server.extensions import db
from server.voters.models import Voter
from tests.server.sync.conftest import Phone, conversation_fields

ISSUES = ["housing", "schools", "transit"]


@pytest.fixture
def team(make_campaign, make_member, make_user):
    campaign_id = make_campaign(issue_tags=ISSUES, time_zone="America/New_York")
    return {"campaign_id": campaign_id,
            "volunteer": make_member(campaign_id, Role.VOLUNTEER, user_id=make_user(display_name="Vera Volunteer")),
            "other_volunteer": make_member(campaign_id, Role.VOLUNTEER,
                                           user_id=make_user(display_name="Otto Other")),
            "organizer": make_member(campaign_id, Role.ORGANIZER, user_id=make_user(display_name="Olga Organizer")),
            "owner": make_member(campaign_id, Role.OWNER)}


@pytest.fixture
def voter(app):
    """Add a voter to the file; returns its public id."""

    def make(campaign_id, first="Ana", last="Lopez", external_id=None, city="Durham", birth_year=1990,
             priority=False) -> str:
        with app.app_context():
            row = Voter(campaign_id=campaign_id, external_id=external_id or uuid.uuid4().hex[:12], first_name=first,
                        last_name=last, city=city, birth_year=birth_year, priority=priority,
                        search_name=f"{first} {last}".lower())
            db.session.add(row)
            db.session.commit()
            return str(row.public_id)

    return make


@pytest.fixture
def phone_of(client, auth_headers):
    """A member's phone (``tests/server/sync``'s simulated device)."""
    return lambda member: Phone(client, auth_headers(member.user_id), member.campaign_id)


@pytest.fixture
def log(phone_of):
    """A volunteer logs a conversation with a voter from their phone; returns its id."""

    def make(member, voter_id, **fields) -> str:
        conversation_id = str(uuid.uuid4())
        phone = phone_of(member)
        answer = phone.push(phone.op("conversation", conversation_id, conversation_fields(voter_id=voter_id, **fields)))
        assert answer.json["results"][0]["status"] == "applied", answer.json
        return conversation_id

    return make
