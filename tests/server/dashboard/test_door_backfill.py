"""The migration that brings door visits into the dashboard counts the visits already synced, as a rebuild would."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from server.dashboard import rollup
from server.dashboard.models import DashboardDay
from server.extensions import db
from server.voters.models import Voter
from tests.conftest import app_at_revision

BEFORE = "2a5fa1d9fee7"  # the revision before door visits were counted
TYPES = {"issue_tags": sa.JSON, "talking_points": sa.JSON, "message_template": sa.JSON, "public_id": sa.Uuid,
         "created_at": sa.DateTime(True), "happened_at": sa.DateTime(True), "updated_at": sa.DateTime(True),
         "entity_id": sa.Uuid, "values": sa.JSON, "stamps": sa.JSON}


def table(name, *columns):
    return sa.table(name, *(sa.column(column, TYPES.get(column)) for column in columns))


CAMPAIGN = table("campaign", "id", "name", "phone_region", "time_zone", "issue_tags", "talking_points",
                 "match_prefix_bits", "match_daily_quota", "match_daily_card_quota", "message_template",
                 "created_at")
USER = table("user", "id", "email", "password_hash", "display_name", "language", "session_version", "created_at")
BUILDING = table("building", "id", "campaign_id", "key", "street", "house_number", "zip", "city")
HOUSEHOLD = table("household", "id", "campaign_id", "building_id", "unit", "unit_label", "public_id")
SYNC_RECORD = table("sync_record", "id", "campaign_id", "entity", "entity_id", "owner_id", "values", "stamps",
                    "deleted", "version", "seq", "created_at", "updated_at")
DOOR_VISIT = sa.table("door_visit", sa.column("id", sa.Uuid), *(sa.column(column, TYPES.get(column)) for column in (
    "campaign_id", "record_id", "volunteer_id", "household_id", "voter_id", "result", "happened_at", "deleted")))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before(request, tmp_path):
    yield from app_at_revision(request.param, tmp_path, BEFORE)


def test_the_upgrade_counts_the_door_visits_already_synced(database_before):
    app = database_before
    now = datetime.now(UTC)
    with app.app_context():
        db.session.execute(CAMPAIGN.insert().values(
            id=1, name="Ours", phone_region="US", time_zone="America/New_York", issue_tags=[], talking_points={},
            message_template={}, match_prefix_bits=16, match_daily_quota=10, match_daily_card_quota=10,
            created_at=now))
        db.session.execute(USER.insert().values(id=1, email="v@example.org", password_hash="x", display_name="V",
                                                language="en", session_version=0, created_at=now))
        for n in (1, 2):
            db.session.execute(BUILDING.insert().values(id=n, campaign_id=1, key=f"oak|{n}", street="OAK AVE",
                                                        house_number=str(n), zip="27601", city=""))
            db.session.execute(HOUSEHOLD.insert().values(id=n, campaign_id=1, building_id=n, unit="", unit_label="",
                                                         public_id=uuid.uuid4()))
        db.session.execute(Voter.__table__.insert().values(  # a priority voter lives at 1 Oak Ave
            id=1, campaign_id=1, external_id="A1", public_id=uuid.uuid4(), first_name="Ana", last_name="Lopez",
            search_name="ana lopez", priority=True, active=True, updated_at=now, household_id=1))
        # (household, result, time, deleted): 22:30 in New York on Oct 1 is Oct 2 in UTC
        visits = [(1, "not_home", "2026-10-01T14:00:00+00:00", False),
                  (1, "talked", "2026-10-02T02:30:00+00:00", False),
                  (2, "refused", "2026-10-02T15:00:00+00:00", False),
                  (2, "talked", "2026-10-02T16:00:00+00:00", True)]
        for n, (household, result, at, deleted) in enumerate(visits, start=1):
            entity_id = uuid.uuid4()
            db.session.execute(SYNC_RECORD.insert().values(
                id=n, campaign_id=1, entity="door_visit", entity_id=entity_id, owner_id=1, values={}, stamps={},
                deleted=deleted, version=1, seq=n, created_at=now, updated_at=now))
            db.session.execute(DOOR_VISIT.insert().values(
                campaign_id=1, id=entity_id, record_id=n, volunteer_id=1, household_id=household, voter_id=None,
                result=result, happened_at=datetime.fromisoformat(at), deleted=deleted))
        db.session.commit()
        db.session.remove()
        upgrade()

        def counts():
            return {(str(r.day), r.priority, r.metric): r.n for r in db.session.execute(
                select(DashboardDay).where(DashboardDay.campaign_id == 1)).scalars() if r.n}

        backfilled = counts()
        assert backfilled == {
            ("2026-10-01", True, "door:not_home"): 1, ("2026-10-01", True, "door:talked"): 1,
            ("2026-10-01", True, "door_knocked"): 1, ("2026-10-01", True, "door_contact"): 1,
            ("2026-10-02", False, "door:refused"): 1, ("2026-10-02", False, "door_knocked"): 1}
        rollup.rebuild(1)
        db.session.commit()
        assert counts() == backfilled
