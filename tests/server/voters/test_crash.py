"""An import killed in the middle (SIGKILL: no cleanup runs) leaves the previous voter file as it was."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from server.extensions import db
from server.voters.models import ImportStatus, VoterImport, staged_voter
from tests.conftest import TEST_CONFIG
from tests.server.voters.test_import import FIRST


def test_a_killed_import_changes_nothing_and_the_next_import_cleans_up(
        app, make_campaign, voter_file, import_file, voters_of, database_uri, tmp_path):
    campaign_id = make_campaign()
    assert import_file(voter_file(FIRST), campaign_id).exit_code == 0
    before = {k: (v.last_name, v.active, tuple(v.phones)) for k, v in voters_of(campaign_id).items()}
    big = voter_file([[f"N{n}", "New", f"Person{n}", "Durham", "27701", "1980", "", ""] for n in range(200_000)])

    env = {**os.environ, "KIN_DATABASE_URL": database_uri.replace("postgresql+psycopg://", "postgresql://"),
           "KIN_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "KIN_OPRF_SEED": TEST_CONFIG["OPRF_SEED"], "KIN_INSTANCE_PATH": str(tmp_path / "instance"),
           "KIN_SUPPRESSION_SEED": TEST_CONFIG["SUPPRESSION_SEED"]}
    flask = Path(sys.executable).parent / "flask"
    process = subprocess.Popen([str(flask), "--app", "server:create_app", "kin", "voters", "import", str(big),
                                "--campaign", str(campaign_id)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until part of the file is staged, then kill it without warning
            with app.app_context():
                job = db.session.execute(select(VoterImport).where(
                    VoterImport.status == ImportStatus.RUNNING, VoterImport.rows_read > 0)).scalar_one_or_none()
                staged = db.session.execute(select(func.count()).select_from(staged_voter)).scalar_one()
            if job is not None and staged:
                break
            assert process.poll() is None and time.monotonic() < deadline, "the import never got going"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    assert {k: (v.last_name, v.active, tuple(v.phones)) for k, v in voters_of(campaign_id).items()} == before
    with app.app_context():
        assert db.session.get(VoterImport, job.id).status is ImportStatus.RUNNING  # nobody was left to say

    app.config["VOTER_IMPORT_STALE_MINUTES"] = 0
    assert import_file(voter_file(FIRST[:2]), campaign_id).exit_code == 0
    with app.app_context():
        killed = db.session.get(VoterImport, job.id)
        assert killed.status is ImportStatus.FAILED and "interrupted" in killed.message
        assert db.session.execute(select(func.count()).select_from(staged_voter)).scalar_one() == 0
    assert {k for k, v in voters_of(campaign_id).items() if v.active} == {"A1", "A2"}
