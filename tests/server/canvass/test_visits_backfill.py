"""The migration that adds the door-visit read model fills it from the door visits already synced."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from server.auth.models import User
from server.canvass.models import DoorVisit
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.voters.models import Voter
from tests.conftest import app_at_revision, insert_as_then

BEFORE = "61bcdaa210a9"  # the revision before turfs and the door-visit read model
STAMP = f"{1_790_000_000_000:015d}-00000-device"
# the tables as they were at that revision (columns added later are left out)
TYPES = {"issue_tags": sa.JSON, "talking_points": sa.JSON, "message_template": sa.JSON, "public_id": sa.Uuid,
         "created_at": sa.DateTime(True)}


def table(name, *columns):
    return sa.table(name, *(sa.column(column, TYPES.get(column)) for column in columns))


CAMPAIGN = table("campaign", "id", "name", "phone_region", "time_zone", "issue_tags", "talking_points",
                 "match_prefix_bits", "match_daily_quota", "match_daily_card_quota", "message_template",
                 "created_at")
BUILDING = table("building", "id", "campaign_id", "key", "street", "house_number", "zip", "city")
HOUSEHOLD = table("household", "id", "campaign_id", "building_id", "unit", "unit_label", "public_id")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_turfs(request, tmp_path):
    yield from app_at_revision(request.param, tmp_path, BEFORE)


def test_the_upgrade_copies_every_synced_door_visit(database_before_turfs):
    app = database_before_turfs
    home, voter, elsewhere = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with app.app_context():
        now = datetime.now(UTC)
        for campaign_id, name in ((1, "Ours"), (2, "Theirs")):
            db.session.execute(CAMPAIGN.insert().values(
                id=campaign_id, name=name, phone_region="US", time_zone="America/New_York", issue_tags=[],
                talking_points={}, message_template={}, match_prefix_bits=16, match_daily_quota=10,
                match_daily_card_quota=10,
                created_at=now))
        db.session.execute(BUILDING.insert().values(id=1, campaign_id=1, key="oak|3|27601", street="OAK AVE",
                                                    house_number="3", zip="27601", city="RALEIGH"))
        db.session.execute(HOUSEHOLD.insert().values(id=1, campaign_id=1, building_id=1, unit="", unit_label="",
                                                     public_id=home))
        db.session.execute(Voter.__table__.insert().values(  # its columns have not changed since
            id=1, campaign_id=1, external_id="A1", public_id=voter, first_name="Ana", last_name="Lopez",
            search_name="ana lopez", priority=False, active=True, updated_at=now, household_id=1))
        insert_as_then(User, id=1, email="v@example.org", password_hash="x", display_name="V", language="en",
                       session_version=0, created_at=datetime.now(UTC))
        user_id = 1
        db.session.flush()

        def visit(campaign_id, values, deleted=False):
            entity_id = uuid.uuid4()  # the record with the columns of that revision
            return insert_as_then(SyncRecord, campaign_id=campaign_id, entity="door_visit", entity_id=entity_id,
                                  owner_id=user_id, values=values, stamps=dict.fromkeys(values, STAMP),
                                  deleted=deleted, version=1, seq=1, created_at=now, updated_at=now), entity_id

        talked = visit(1, {"household_id": str(home), "voter_id": str(voter), "result": "talked", "support": 2,
                           "happened_at": "2026-10-01T18:30:00-04:00"})
        not_home = visit(1, {"household_id": str(home), "result": "not_home",
                             "happened_at": "2026-10-02T10:00:00Z"}, deleted=True)
        visit(1, {"household_id": str(elsewhere), "result": "not_home", "happened_at": "2026-10-02T10:00:00Z"})
        visit(2, {"household_id": str(home), "result": "not_home", "happened_at": "2026-10-02T10:00:00Z"})
        db.session.commit()
        db.session.remove()  # holds no lock the upgrade's ALTERs would wait for

        upgrade()

        rows = {row.record_id: row for row in db.session.execute(select(DoorVisit)).scalars()}
        # the visits at a household of no campaign's, or of another campaign's, have nowhere to go
        assert set(rows) == {talked[0], not_home[0]}
        first = rows[talked[0]]
        assert (first.id, first.campaign_id, first.volunteer_id, first.household_id, first.voter_id,
                first.result, first.deleted) == (talked[1], 1, user_id, 1, 1, "talked", False)
        assert first.happened_at == datetime(2026, 10, 1, 22, 30, tzinfo=UTC)
        assert (rows[not_home[0]].voter_id, rows[not_home[0]].result, rows[not_home[0]].deleted) == (
            None, "not_home", True)
