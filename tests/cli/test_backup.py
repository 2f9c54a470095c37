"""``flask kin backup`` and ``flask kin restore``: a backup brings back every row and uploaded file, on a new
server or over an old one, and says clearly why it will not."""

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server import backup, create_app
from server.auth.models import User
from server.campaigns.models import Campaign, Role
from server.extensions import db
from server.voters.models import Voter
from tests.conftest import TEST_CONFIG, app_at_revision, empty_database_uri, insert_as_then

BASEMAP = b"PMTiles\x03" + bytes(range(256)) * 40


def backend_of(app) -> str:
    return "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"


@pytest.fixture
def filled(app, make_campaign, make_member):
    """A campaign with an organizer, two voters and an uploaded basemap file; returns the campaign's id."""
    campaign_id = make_campaign("Backed up", election_day=None)
    make_member(campaign_id, Role.ORGANIZER)
    with app.app_context():
        db.session.add_all(Voter(campaign_id=campaign_id, external_id=f"B{n}", first_name="Ana",
                                 last_name=f"Lopez {n}") for n in range(2))
        db.session.commit()
    basemaps = Path(app.instance_path) / "basemaps"
    basemaps.mkdir(parents=True, exist_ok=True)
    (basemaps / "town.pmtiles").write_bytes(BASEMAP)
    return campaign_id


@pytest.fixture
def fresh(app, tmp_path):
    """A second server of the same kind on an empty database, with an instance folder of its own."""
    uri = empty_database_uri(backend_of(app), tmp_path / "fresh")
    (tmp_path / "fresh").mkdir(exist_ok=True)
    other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri,
                        "INSTANCE_PATH": str(tmp_path / "fresh-instance")})
    yield other
    with other.app_context():
        db.engine.dispose()


def rows(app):
    with app.app_context():
        return (db.session.execute(select(Campaign.name)).scalars().all(),
                sorted(db.session.execute(select(Voter.external_id, Voter.last_name)).all()),
                db.session.execute(select(func.count()).select_from(User)).scalar_one())


def test_a_backup_restored_on_a_new_server_brings_back_every_row_and_the_basemaps(app, runner, filled, fresh,
                                                                               tmp_path):
    path = tmp_path / "kin.backup"
    taken = runner.invoke(args=["kin", "backup", str(path)])
    assert taken.exit_code == 0, taken.output
    assert f"Backup written to {path}" in taken.output
    with tarfile.open(path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        assert "instance/secrets.json" not in archive.getnames()
    assert manifest["database"] == backend_of(app) and manifest["revision"] == backup.scripts().get_current_head()

    restored = fresh.test_cli_runner().invoke(args=["kin", "restore", str(path)])

    assert restored.exit_code == 0, restored.output
    assert "campaigns: 1" in restored.output and "voters: 2" in restored.output and "basemaps" in restored.output
    assert rows(fresh) == rows(app)
    assert (tmp_path / "fresh-instance" / "basemaps" / "town.pmtiles").read_bytes() == BASEMAP


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, filled, make_campaign, tmp_path):
    path = tmp_path / "kin.backup"
    assert runner.invoke(args=["kin", "backup", str(path)]).exit_code == 0
    before = rows(app)
    make_campaign("Made after the backup")

    refused = runner.invoke(args=["kin", "restore", str(path)])
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert len(rows(app)[0]) == 2

    forced = runner.invoke(args=["kin", "restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert rows(app) == before


def test_a_person_forgotten_after_the_backup_stays_forgotten_when_it_is_restored(app, runner, filled, tmp_path):
    """The suppression list of the database being replaced is listed again, and the voter it names, back from
    the backup with their phone, is forgotten again: by their voter id, and by a phone alone."""
    from server.forget.models import Suppression
    from server.forget.service import forget
    from server.voters.models import IdentifierKind, VoterIdentifier

    with app.app_context():
        twin = Voter(campaign_id=filled, external_id="B9", first_name="Bea", last_name="Twin")
        db.session.add(twin)
        db.session.flush()
        db.session.add(VoterIdentifier(campaign_id=filled, voter_id=twin.id, kind=IdentifierKind.PHONE,
                                       value="+12025550143"))
        db.session.commit()
    path = tmp_path / "kin.backup"
    assert runner.invoke(args=["kin", "backup", str(path)]).exit_code == 0
    with app.app_context():  # after the backup: one forgotten by the file's id, and the twin by a new voter's phone
        campaign = db.session.get(Campaign, filled)
        forget(campaign, db.session.execute(select(Voter).where(Voter.external_id == "B0")).scalar_one(), "asked",
               None)
        stranger = Voter(campaign_id=filled, external_id="NEW", first_name="Cy", last_name="Stranger")
        db.session.add(stranger)
        db.session.flush()
        db.session.add(VoterIdentifier(campaign_id=filled, voter_id=stranger.id, kind=IdentifierKind.PHONE,
                                       value="+12025550143"))
        db.session.flush()
        forget(campaign, stranger, "legal", None)
        db.session.commit()
        listed = db.session.execute(select(func.count()).select_from(Suppression)).scalar_one()

    restored = runner.invoke(args=["kin", "restore", "--force", str(path)])

    assert restored.exit_code == 0, restored.output
    assert f"{listed} entries made after the backup listed again; 2 forgotten people" in restored.output
    assert rows(app)[1] == [("B1", "Lopez 1")]  # B0 and the twin (by the phone alone) are gone again
    with app.app_context():
        # the twin, forgotten again, lists its own voter id and public id beside the phone it shared
        assert db.session.execute(select(func.count()).select_from(Suppression)).scalar_one() == listed + 2
        assert db.session.execute(select(func.count()).select_from(VoterIdentifier)).scalar_one() == 0


def test_a_backup_from_an_older_revision_is_upgraded_after_restoring(app, fresh, tmp_path):
    older = next(app_at_revision(backend_of(app), tmp_path, "258647e1cf32"))
    with older.app_context():
        insert_as_then(Campaign, name="Old", phone_region="US", time_zone="UTC", issue_tags=[], talking_points={},
                       message_template={}, match_prefix_bits=16, match_daily_quota=1, match_daily_card_quota=1,
                       volunteer_recruiting=True, created_at=datetime.now(UTC))
        db.session.commit()
    path = tmp_path / "old.backup"
    assert older.test_cli_runner().invoke(args=["kin", "backup", str(path)]).exit_code == 0
    with older.app_context():
        db.engine.dispose()

    restored = fresh.test_cli_runner().invoke(args=["kin", "restore", str(path)])

    assert restored.exit_code == 0, restored.output
    assert "Upgrading the database from 258647e1cf32" in restored.output
    with fresh.app_context():
        assert backup.current_revision(db.engine) == backup.scripts().get_current_head()
        assert db.session.execute(select(Campaign.name)).scalars().all() == ["Old"]


def archive_with(path, manifest: dict, members: dict[str, bytes] | None = None):
    with tarfile.open(path, "w") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **(members or {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_restore_refuses_a_backup_from_a_newer_kin(app, runner, tmp_path):
    path = tmp_path / "newer.backup"
    archive_with(path, {"format": 1, "database": backend_of(app), "revision": "ffffffffffff"})
    result = runner.invoke(args=["kin", "restore", str(path)])
    assert result.exit_code == 1
    assert "made by a newer Kin" in result.output and "ffffffffffff" in result.output


def test_restore_refuses_a_backup_of_the_other_kind_of_database(app, runner, tmp_path):
    other = "postgresql" if backend_of(app) == "sqlite" else "sqlite"
    path = tmp_path / "other.backup"
    archive_with(path, {"format": 1, "database": other, "revision": backup.scripts().get_current_head()})
    result = runner.invoke(args=["kin", "restore", str(path)])
    assert result.exit_code == 1
    assert f"a backup of a {other} database; this server uses {backend_of(app)}" in result.output


@pytest.mark.parametrize("content", [b"", b"not a tar file at all" * 100], ids=["empty", "garbage"])
def test_restore_names_a_corrupt_archive(app, runner, tmp_path, content):
    path = tmp_path / "corrupt.backup"
    path.write_bytes(content)
    result = runner.invoke(args=["kin", "restore", str(path)])
    assert result.exit_code == 1
    assert f"{path} is not a Kin backup" in result.output


def test_restore_names_a_backup_cut_short(app, runner, filled, tmp_path):
    path = tmp_path / "kin.backup"
    assert runner.invoke(args=["kin", "backup", str(path)]).exit_code == 0
    data = path.read_bytes()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(data[: len(data) // 2])
    result = runner.invoke(args=["kin", "restore", "--force", str(cut)])
    assert result.exit_code == 1
    assert "not a Kin backup" in result.output or "corrupt" in result.output
    assert len(rows(app)[1]) == 2  # the database was left as it was


def test_restore_names_a_missing_file(app, runner, tmp_path):
    result = runner.invoke(args=["kin", "restore", str(tmp_path / "nowhere.backup")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_backup_with_secrets_warns_and_keeps_them(app, runner, tmp_path):
    secrets = tmp_path / "instance" / "secrets.json"
    secrets.parent.mkdir(parents=True, exist_ok=True)
    secrets.write_text('{"SECRET_KEY": "k"}')
    path = tmp_path / "kin.backup"
    result = runner.invoke(args=["kin", "backup", "--with-secrets", str(path)])
    assert result.exit_code == 0, result.output
    assert "Warning: this backup holds the server's secrets" in result.output
    with tarfile.open(path) as archive:
        assert archive.extractfile("instance/secrets.json").read() == b'{"SECRET_KEY": "k"}'


def test_backup_names_pg_dump_when_it_is_missing(app, runner, tmp_path, monkeypatch):
    if backend_of(app) == "sqlite":
        result = runner.invoke(args=["kin", "backup", str(tmp_path / "kin.backup")])
        assert result.exit_code == 0, result.output  # SQLite needs no program of its own
        return
    monkeypatch.setattr(backup, "PG_BIN", str(tmp_path / "no-such-folder"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(args=["kin", "backup", str(tmp_path / "kin.backup")])
    assert result.exit_code == 1
    assert "pg_dump for PostgreSQL" in result.output and "install postgresql-client-" in result.output
    assert not (tmp_path / "kin.backup").exists()
