"""``flask kin backup PATH`` and ``flask kin restore PATH``: the whole server in one file, and back.

A backup is a tar archive of three parts: ``manifest.json`` (Kin's version, the Alembic revision, the kind of
database, when it was made), the database (an SQLite file copied by SQLite's online backup API, or a PostgreSQL dump
in pg_dump's custom format) and ``instance/`` (the uploaded basemaps; the secrets only with ``--with-secrets``).
Both copies are consistent while the server keeps serving: a push either is in the backup whole or not at all.
See docs/backups.md.
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from server.extensions import MIGRATIONS, db

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

# Alembic and Flask-Migrate are imported where a backup or restore uses them, not when the CLI registers these
# commands: every web worker imports server/cli.py, and they cost it 10 MB (tests/server/test_worker_imports.py).

FORMAT = 1  # the layout of the archive; a restore refuses a format it does not know
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KEPT = ("basemaps",)  # folders of instance/ that hold data the database names (uploaded basemaps)
SECRETS = "secrets.json"  # instance/secrets.json: development secrets; production keeps them in the environment
PG_BIN = "/usr/lib/postgresql/{major}/bin"  # where Debian keeps each major version's programs
COUNTED = (("campaign", "campaigns"), ("user", "accounts"), ("voter", "voters"), ("sync_record", "synced records"),
           ("conversation", "conversations"), ("door_visit", "door visits"), ("basemap", "basemaps"))


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message names the file, the database or the program."""


def kin_version() -> str:
    try:
        return version("kin")
    except PackageNotFoundError:
        return "unknown"


def database_kind(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def scripts() -> "ScriptDirectory":
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def take(app: Flask, path: Path, *, with_secrets: bool = False) -> dict:
    """Write a backup of ``app``'s database and instance folder to ``path`` (replaced only once complete); returns
    its manifest."""
    engine = db.engine
    kind = database_kind(engine)
    manifest = {"format": FORMAT, "kin_version": kin_version(), "revision": current_revision(engine),
                "database": kind, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "with_secrets": with_secrets}
    if manifest["revision"] is None:
        raise BackupError("The database has no Kin schema (no Alembic revision): there is nothing to back up.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".kin-backup-") as work:
        dump = Path(work) / DUMPS[kind]
        if kind == "sqlite":
            _copy_sqlite(engine.url.database, dump)
        else:
            _pg_dump(engine, dump)
        partial = Path(work) / "backup.tar"
        instance = Path(app.instance_path)
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            _add_with_progress(archive, dump, DUMPS[kind], "Archiving the database")
            for name in KEPT:
                if (instance / name).is_dir():
                    archive.add(instance / name, f"instance/{name}", filter=_without_partial_uploads)
            if with_secrets and (instance / SECRETS).is_file():
                archive.add(instance / SECRETS, f"instance/{SECRETS}")
        os.chmod(partial, 0o600)  # voters' phones, volunteers' notes: never readable by others
        os.replace(partial, path)
    return manifest


def _copy_sqlite(source: str, target: Path) -> None:
    """SQLite's online backup API: one consistent copy while the server keeps writing (WAL lets it)."""
    if not source or not Path(source).is_file():
        raise BackupError(f"The SQLite database {source!r} does not exist.")
    click.echo("Copying the SQLite database (online backup)...")
    with closing(_read_only(Path(source))) as src, closing(sqlite3.connect(target)) as dst:
        # in one step: copying in several would restart whenever a push commits in between
        src.backup(dst)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # as_uri escapes ? and # in names


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


class _Progress(io.RawIOBase):
    """A file read through a progress bar."""

    def __init__(self, file, bar):
        self.file, self.bar = file, bar

    def readinto(self, buffer) -> int:
        n = self.file.readinto(buffer)
        self.bar.update(n or 0)
        return n

    def readable(self) -> bool:
        return True


def _add_with_progress(archive: tarfile.TarFile, path: Path, name: str, label: str) -> None:
    info = archive.gettarinfo(path, name)
    with path.open("rb") as file, click.progressbar(length=info.size, label=label, show_eta=True) as bar:
        archive.addfile(info, io.BufferedReader(_Progress(file, bar)))


def _without_partial_uploads(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if info.name.endswith(".part") else info


def pg_program(engine: Engine, name: str) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version: Debian keeps each version's under
    /usr/lib/postgresql/<major>/bin, and a dump by an older pg_dump than the server is refused."""
    with engine.connect() as connection:
        major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    folder = PG_BIN.format(major=major)
    candidates = [Path(folder) / name]
    if found := shutil.which(name):
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and _major_of(candidate) == major:
            return str(candidate)
    raise BackupError(f"{name} for PostgreSQL {major} was not found (looked in {folder} and on PATH)"
                      f": install postgresql-client-{major}.")


def _major_of(program: Path) -> int | None:
    done = subprocess.run([str(program), "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    return int(match.group(1)) if match else None


def _pg_connection(engine: Engine) -> tuple[str, dict]:
    """A libpq address for the command line, and the environment with its password (never in argv, where ``ps``
    shows it)."""
    url = engine.url
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return address, env


def _pg_dump(engine: Engine, target: Path) -> None:
    program = pg_program(engine, "pg_dump")
    address, env = _pg_connection(engine)
    click.echo(f"Dumping PostgreSQL with {program} (one consistent snapshot)...")
    done = subprocess.run([program, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
                           f"--dbname={address}"], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()}")


def restore(app: Flask, path: Path, *, force: bool = False) -> dict:
    """Put the backup at ``path`` into ``app``'s database and instance folder, then upgrade it to the code's
    revision; returns the manifest with the rows restored (``counts``)."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}: the file does not exist.")
    engine = db.engine
    kind = database_kind(engine)
    try:
        archive = tarfile.open(path, "r")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a Kin backup: the archive is corrupt or not a tar file ({exc}).") from exc
    with archive, tempfile.TemporaryDirectory(prefix=".kin-restore-") as work:
        manifest = _read_manifest(archive, path)
        if manifest["database"] != kind:
            raise BackupError(f"{path} is a backup of a {manifest['database']} database; this server uses {kind}. "
                              "Restore it into a server of the same kind.")
        _check_revision(manifest["revision"], path)
        if kind == "sqlite":  # a new server's folder may not exist yet
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        if not force and _holds_data(engine):
            raise BackupError("The database already holds data; restoring would overwrite it. Pass --force to "
                              "replace it with the backup.")
        dump = Path(work) / DUMPS[kind]
        _extract(archive, DUMPS[kind], dump, path)
        listed = _suppression_list(engine)
        db.session.remove()
        engine.dispose()  # no connection of ours may hold the database while it is replaced
        if kind == "sqlite":
            _restore_sqlite(dump, engine.url.database)
        else:
            _pg_restore(engine, dump)
        manifest["instance"] = _restore_instance(archive, Path(app.instance_path), Path(work), path)
    engine.dispose()
    if current_revision(engine) != scripts().get_current_head():
        from flask_migrate import upgrade

        click.echo(f"Upgrading the database from {manifest['revision']} to {scripts().get_current_head()}...")
        upgrade()
    manifest["suppression"] = after_restore(listed)
    manifest["counts"] = _counts(engine)
    return manifest


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, tarfile.TarError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a Kin backup: {MANIFEST} is missing or unreadable ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("database") not in DUMPS or not manifest.get("revision"):
        raise BackupError(f"{path} is not a Kin backup: {MANIFEST} does not name a database and a revision.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup in format {manifest.get('format')!r}; this Kin reads format {FORMAT}.")
    return manifest


def _check_revision(revision: str, path: Path) -> None:
    """A revision the code does not know comes from a newer Kin: restoring it here would lose what it added."""
    from alembic.util import CommandError

    try:
        known = scripts().get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(f"{path} was made by a newer Kin (database revision {revision}, unknown to this code, "
                          f"whose newest is {scripts().get_current_head()}): restore it with that version or newer.")


def _holds_data(engine: Engine) -> bool:
    """Any campaign or account: an empty schema (just migrated) may be restored over without --force."""
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return any(connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                   for name in ("campaign", "user", "voter", "sync_record") if name in tables)


def _extract(archive: tarfile.TarFile, name: str, target: Path, path: Path) -> None:
    try:
        member = archive.extractfile(name)
        if member is None:
            raise KeyError(name)
        with target.open("wb") as out, click.progressbar(length=archive.getmember(name).size,
                                                         label="Reading the database", show_eta=True) as bar:
            while chunk := member.read(1024 * 1024):
                out.write(chunk)
                bar.update(len(chunk))
    except (KeyError, tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a Kin backup: the database ({name}) is missing or cut short "
                          f"({exc}).") from exc


def _restore_sqlite(dump: Path, target: str) -> None:
    click.echo("Restoring the SQLite database...")
    try:
        with closing(_read_only(dump)) as src:
            if (check := src.execute("PRAGMA quick_check").fetchall()) != [("ok",)]:
                raise sqlite3.DatabaseError(str(check[:3]))
            with closing(sqlite3.connect(target)) as dst:
                src.backup(dst)  # replaces every page of the target, the schema included
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The database in the backup is corrupt ({exc}).") from exc


def _pg_restore(engine: Engine, dump: Path) -> None:
    program = pg_program(engine, "pg_restore")
    address, env = _pg_connection(engine)
    click.echo("Clearing the database and restoring it with pg_restore...")
    with engine.begin() as connection:  # what the dump does not hold must not survive either
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    done = subprocess.run([program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                           f"--dbname={address}", str(dump)], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"pg_restore failed ({done.returncode}): {done.stderr.strip()}")


def _restore_instance(archive: tarfile.TarFile, instance: Path, work: Path, path: Path) -> list[str]:
    """The kept folders come back as they were in the backup; secrets only where the instance has none."""
    members = [m for m in archive.getmembers() if m.name.startswith("instance/")]
    try:
        archive.extractall(work, members=members, filter="data")  # no absolute paths, links out or devices
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path}: the instance files cannot be restored ({exc}).") from exc
    restored = []
    instance.mkdir(parents=True, exist_ok=True)
    for name in KEPT:
        if (work / "instance" / name).is_dir():
            shutil.rmtree(instance / name, ignore_errors=True)
            shutil.move(work / "instance" / name, instance / name)
            restored.append(name)
    if (work / "instance" / SECRETS).is_file():
        if (instance / SECRETS).exists():
            click.echo(f"Kept this server's own {instance / SECRETS}; the backup's is not restored over it.")
        else:
            shutil.move(work / "instance" / SECRETS, instance / SECRETS)
            os.chmod(instance / SECRETS, 0o600)
            restored.append(SECRETS)
    return restored


def _suppression_list(engine: Engine) -> list[dict]:
    """The suppression list of the database about to be replaced (hashes only), if it has one."""
    if "suppression" not in inspect(engine).get_table_names():
        return []
    from server.forget.service import listed_rows

    rows = listed_rows()
    db.session.rollback()
    return rows


def after_restore(listed: list[dict]) -> dict[str, int]:
    """Once the restored database is at the code's revision, before the server serves it again: the replaced
    database's suppression list is listed again and everyone on it forgotten, so that a person forgotten after
    the backup was taken does not come back from it. Returns {listed, forgotten}."""
    from server.forget.service import reapply

    done = reapply(listed)
    db.session.commit()
    return done


def _counts(engine: Engine) -> dict[str, int]:
    tables = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as connection:
        for table, label in COUNTED:
            if table in tables:
                counts[label] = connection.execute(select(func.count()).select_from(
                    db.metadata.tables[table])).scalar_one()
    return counts


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--with-secrets", is_flag=True,
              help="Also keep instance/secrets.json (the signing key and matching seed of a development server).")
@with_appcontext
def backup_command(path, with_secrets):
    """Write the database and the uploaded files to one file, while the server keeps serving."""
    if with_secrets:
        click.echo("Warning: this backup holds the server's secrets; anyone with the file can sign in as anyone. "
                   "Keep it as safe as the secrets themselves.", err=True)
    manifest = take(current_app, path, with_secrets=with_secrets)
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes): Kin {manifest['kin_version']}, "
               f"{manifest['database']} at revision {manifest['revision']}, {manifest['created_at']}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path, force):
    """Restore a backup made by `flask kin backup`, then upgrade it to this version of Kin. Stop the server first."""
    manifest = restore(current_app, path, force=force)
    counts = ", ".join(f"{label}: {n:,}" for label, n in manifest["counts"].items())
    files = ", ".join(manifest["instance"]) or "none"
    click.echo(f"Restored {path}, taken {manifest['created_at']} by Kin {manifest['kin_version']} "
               f"({manifest['database']}, revision {manifest['revision']}). {counts}. Instance files: {files}.")
    again = manifest["suppression"]
    if again["listed"] or again["forgotten"]:
        click.echo(f"Suppression list: {again['listed']:,} entries made after the backup listed again; "
                   f"{again['forgotten']:,} forgotten people in the backup forgotten again.")
