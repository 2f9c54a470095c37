"""A campaign with two volunteers and an organizer, one voter they all know, and phones to sync from."""

import pytest

from server.campaigns.models import Role
from tests.server.sync.conftest import Phone, make_voter  # noqa: F401 (a fixture)


@pytest.fixture
def team(make_campaign, make_member, make_voter, client, auth_headers):  # noqa: F811 (the fixture above)
    campaign_id = make_campaign()
    members = {role: make_member(campaign_id, level) for role, level in (
        ("a", Role.VOLUNTEER), ("b", Role.VOLUNTEER), ("organizer", Role.ORGANIZER))}
    return {"campaign_id": campaign_id, "voter_id": make_voter(campaign_id), **members,
            "phones": {role: Phone(client, auth_headers(m.user_id), campaign_id) for role, m in members.items()},
            "headers": {role: auth_headers(m.user_id) for role, m in members.items()}}


def asked(voter_id, **flags) -> dict:
    """A contact_preference upsert recorded at the door."""
    return {"voter_id": voter_id, "recorded_from": "door", "recorded_at": "2026-11-27T18:04:05-05:00", **flags}
