"""The migration that adds recruiting marks the door visits already synced whose agreed_to holds "invited"."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from server.auth.models import User
from server.campaigns.models import Campaign
from server.canvass.models import DoorVisit
from server.extensions import db
from server.sync_api.models import SyncRecord
from tests.conftest import app_at_revision, insert_as_then

BEFORE = "db1fd468aba2"  # the revision before recruit links
STAMP = f"{1_790_000_000_000:015d}-00000-device"
TYPES = {"issue_tags": sa.JSON, "talking_points": sa.JSON, "message_template": sa.JSON, "public_id": sa.Uuid,
         "created_at": sa.DateTime(True), "happened_at": sa.DateTime(True), "id": sa.Integer}


def table(name, *columns, types=None):
    return sa.table(name, *(sa.column(column, (types or TYPES).get(column)) for column in columns))


# the tables as they were at that revision (columns added since are left out)
CAMPAIGN = table("campaign", "id", "name", "phone_region", "time_zone", "issue_tags", "talking_points",
                 "match_prefix_bits", "match_daily_quota", "match_daily_card_quota", "message_template",
                 "created_at")
BUILDING = table("building", "id", "campaign_id", "key", "street", "house_number", "zip", "city")
HOUSEHOLD = table("household", "id", "campaign_id", "building_id", "unit", "unit_label", "public_id")
DOOR_VISIT = table("door_visit", "campaign_id", "id", "record_id", "volunteer_id", "household_id", "result",
                   "happened_at", "deleted", types={**TYPES, "id": sa.Uuid})


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_recruiting(request, tmp_path):
    yield from app_at_revision(request.param, tmp_path, BEFORE)


def test_the_upgrade_marks_the_visits_that_invited_someone_and_keeps_recruiting_on(database_before_recruiting):
    app = database_before_recruiting
    home = uuid.uuid4()
    with app.app_context():
        now = datetime.now(UTC)
        db.session.execute(CAMPAIGN.insert().values(
            id=1, name="Ours", phone_region="US", time_zone="America/New_York", issue_tags=[], talking_points={},
            message_template={}, match_prefix_bits=16, match_daily_quota=10, match_daily_card_quota=10,
            created_at=now))
        db.session.execute(BUILDING.insert().values(id=1, campaign_id=1, key="oak|3|27601", street="OAK AVE",
                                                    house_number="3", zip="27601", city="RALEIGH"))
        db.session.execute(HOUSEHOLD.insert().values(id=1, campaign_id=1, building_id=1, unit="", unit_label="",
                                                     public_id=home))
        user_id = insert_as_then(User, email="v@example.org", password_hash="x", display_name="V", language="en",
                                 session_version=0, created_at=now)

        def visit(agreed_to):
            values = {"household_id": str(home), "result": "talked", "happened_at": "2026-10-01T10:00:00Z",
                      **({"agreed_to": agreed_to} if agreed_to is not None else {})}
            entity_id = uuid.uuid4()  # the record with the columns of that revision
            record_id = insert_as_then(SyncRecord, campaign_id=1, entity="door_visit", entity_id=entity_id,
                                       owner_id=user_id, values=values, stamps=dict.fromkeys(values, STAMP),
                                       deleted=False, version=1, seq=1, created_at=now, updated_at=now)
            db.session.execute(DOOR_VISIT.insert().values(
                campaign_id=1, id=entity_id, record_id=record_id, volunteer_id=user_id, household_id=1,
                result="talked", happened_at=now, deleted=False))
            return record_id

        invited = [visit(["invited"]), visit(["stay_in_touch", "invited"])]
        others = [visit(["stay_in_touch"]), visit(None), visit([])]
        db.session.commit()
        db.session.remove()  # holds no lock the upgrade's ALTERs would wait for

        upgrade()

        rows = dict(db.session.execute(select(DoorVisit.record_id, DoorVisit.invited)).all())
        assert rows == {**dict.fromkeys(invited, True), **dict.fromkeys(others, False)}
        assert db.session.get(Campaign, 1).volunteer_recruiting is True
