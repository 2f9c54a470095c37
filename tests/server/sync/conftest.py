import time
import uuid

import pytest

from server.extensions import db
from server.voters.models import Voter
from sync.hlc import Stamp


class Phone:
    """A volunteer's device as the server sees it: a device id, a clock, and ops made with them."""

    def __init__(self, client, headers, campaign_id):
        self.client, self.headers, self.campaign_id = client, headers, campaign_id
        self.device_id = str(uuid.uuid4())
        self.clock = Stamp(0, 0, self.device_id)

    def stamp(self, at_ms=None) -> str:
        wall = at_ms if at_ms is not None else max(self.clock.wall_ms + 1, time.time_ns() // 1_000_000)
        self.clock = Stamp(wall, 0, self.device_id)
        return self.clock.encode()

    def op(self, entity, entity_id, fields=None, action="upsert", at_ms=None) -> dict:
        op = {"op_id": str(uuid.uuid4()), "entity": entity, "entity_id": entity_id, "action": action,
              "hlc": self.stamp(at_ms)}
        if fields is not None:
            op["fields"] = fields
        return op

    def push(self, *ops, protocol=1):
        return self.client.post(f"/api/campaigns/{self.campaign_id}/sync/push", headers=self.headers,
                                json={"protocol": protocol, "device_id": self.device_id, "ops": list(ops)})

    def pull(self, cursor="0", limit=200):
        return self.client.get(f"/api/campaigns/{self.campaign_id}/sync/pull", headers=self.headers,
                               query_string={"protocol": 1, "cursor": cursor, "limit": limit})


@pytest.fixture
def make_voter(app):
    def make(campaign_id, first="Ana", last="Lopez") -> str:
        with app.app_context():
            voter = Voter(campaign_id=campaign_id, external_id=str(uuid.uuid4())[:12], first_name=first,
                          last_name=last, search_name=f"{first} {last}".lower())
            db.session.add(voter)
            db.session.commit()
            return str(voter.public_id)

    return make


@pytest.fixture
def phone_of(client, auth_headers):
    def make(member) -> Phone:
        return Phone(client, auth_headers(member.user_id), member.campaign_id)

    return make


def conversation_fields(**overrides) -> dict:
    return {"voter_id": overrides.pop("voter_id"), "channel": "call", "happened_at": "2026-10-01T18:30:00-04:00",
            "support": 2, "notes": "Worried about rent; will vote early.", **overrides}
