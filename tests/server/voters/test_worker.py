"""With KIN_REDIS_URL set, an upload is queued in Redis and an RQ worker process imports it, then builds its tags."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.campaigns.models import Role
from server.extensions import db
from server.matching.models import KeyState, MatchKey, MatchTag
from server.voters.models import VoterIdentifier
from tests.conftest import TEST_CONFIG
from tests.server.sync.live import redis_server
from tests.server.voters.test_import import FIRST


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def test_an_rq_worker_imports_the_uploaded_file_and_builds_its_tags(app, client, auth_headers, make_campaign,
                                                                    make_member, voter_file, voters_of, redis_url,
                                                                    database_uri):
    app.config["REDIS_URL"] = redis_url
    organizer = make_member(make_campaign(), Role.ORGANIZER)
    headers = auth_headers(organizer.user_id)
    path = voter_file(FIRST)
    response = client.post(f"/api/campaigns/{organizer.campaign_id}/voter-files", headers=headers,
                           data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 202
    url = f"/api/campaigns/{organizer.campaign_id}/voter-files/{response.json['id']}"
    assert client.get(url, headers=headers).json["status"] == "queued"  # nothing runs it in this process

    env = {**os.environ, "KIN_DATABASE_URL": database_uri.replace("postgresql+psycopg://", "postgresql://"),
           "KIN_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "KIN_OPRF_SEED": TEST_CONFIG["OPRF_SEED"], "KIN_REDIS_URL": redis_url,
           "KIN_SUPPRESSION_SEED": TEST_CONFIG["SUPPRESSION_SEED"],
           "KIN_INSTANCE_PATH": app.instance_path, "KIN_PASSWORD_HASH_PROFILE": "CHEAPEST"}
    flask = Path(sys.executable).parent / "flask"
    worker = subprocess.run([str(flask), "--app", "server:create_app", "kin", "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    job = client.get(url, headers=headers).json
    assert job["status"] == "succeeded", job["message"]
    assert set(voters_of(organizer.campaign_id)) == {"A1", "A2", "A3", "A4"}
    with app.app_context():  # the import queued the build; the worker took it before the queue ran dry
        identifiers = db.session.execute(select(func.count()).select_from(VoterIdentifier)).scalar_one()
        assert db.session.execute(select(func.count()).select_from(MatchTag)).scalar_one() == identifiers > 0
        assert db.session.execute(select(MatchKey.state)).scalar_one() is KeyState.ACTIVE
