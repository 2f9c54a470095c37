"""The real app for fault and load runs: Kin under gunicorn on 127.0.0.1 against a PostgreSQL database,
which can be killed and started again, a Redis and an RQ worker beside it, and phones that speak the sync protocol
to it over plain HTTP.

Shared by ``tests/server/sync/test_fault.py`` and ``bench/sync_load.py``; standard library only on the
client side, so what is measured is the server.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sync import hlc
from sync.hlc import Stamp

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent  # gunicorn and flask live beside the interpreter in .venv/bin
SECRET_KEY = "live-server-secret-key-that-is-long-enough-for-hs256"
PUSH_PATH = "/api/campaigns/{}/sync/push"
PULL_PATH = "/api/campaigns/{}/sync/pull?protocol=1&cursor={}&limit={}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Volunteer:
    user_id: int
    campaign_id: int
    token: str  # a bearer access token, valid for an hour
    voter_ids: tuple[str, ...]  # public ids of voters in the volunteer's campaign
    household_ids: tuple[str, ...] = ()  # public ids of those voters' households, in the same order


class LiveServer:
    """``gunicorn "server:create_app()"`` in its own process group, so that a kill takes the master and its
    workers down together, as a crash or an out-of-memory kill of the container would."""

    def __init__(self, database_uri: str, instance_path: Path, *, workers: int = 2, threads: int = 8,
                 gunicorn_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.instance_path = Path(instance_path)
        self.log_path = self.instance_path / "gunicorn.log"
        # gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, which two servers share
        self.args = (str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                     "--threads", str(threads), "--no-control-socket", *gunicorn_args, "server:create_app()")
        self.env = {**os.environ, "KIN_DATABASE_URL": database_uri, "KIN_SECRET_KEY": SECRET_KEY,
                    "KIN_OPRF_SEED": SECRET_KEY,
                    "KIN_SUPPRESSION_SEED": SECRET_KEY,
                    "KIN_INSTANCE_PATH": str(self.instance_path), "KIN_PUBLIC_URL": f"http://127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None
        self.starts = self.kills = 0

    def migrate(self) -> None:
        """Create the schema as a release does: ``flask db upgrade``."""
        done = subprocess.run([str(BIN / "flask"), "--app", "server:create_app", "db", "upgrade"], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"flask db upgrade exited with {done.returncode}:\n{done.stderr}")

    def start(self, timeout: float = 30) -> None:
        """Start gunicorn on this server's port and return once ``/api/health`` answers 200."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer /api/health within {timeout} s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/api/health")
            return conn.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no graceful shutdown, no finished requests."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), killing the group if it takes longer than 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway ``redis-server`` on a free port that keeps nothing on disk; yields its URL, stops it after."""
    binary = shutil.which("redis-server")
    if binary is None:  # a failure that names it, never a skip nobody sees
        raise RuntimeError("Redis is missing: redis-server is not on the PATH (`make test` installs Debian's "
                           "redis-server).")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def rq_worker(env: dict, log_path: Path) -> Iterator[subprocess.Popen]:
    """``flask kin worker`` (the app's own RQ worker) with a server's environment, until the block ends; stopped
    with its job processes, as systemd stops deploy/kin-worker.service."""
    with log_path.open("ab") as log:
        process = subprocess.Popen([str(BIN / "flask"), "--app", "server:create_app", "kin", "worker"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def seed(database_uri: str, instance_path: Path, *, campaigns: int, volunteers: int,
         voters_per_campaign: int = 20) -> list[Volunteer]:
    """Campaigns with voters, and volunteers spread over them round-robin, each with an access token minted
    with the server's secret (no sign-in: argon2 would dominate a setup of a hundred people)."""
    from flask_jwt_extended import create_access_token

    from server import create_app
    from server.auth.models import User
    from server.campaigns.models import Campaign, Membership, Role
    from server.canvass import households
    from server.canvass.models import Household
    from server.extensions import db
    from server.voters.models import Voter

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance_path)})
    with app.app_context():
        rows = [Campaign(name=f"Live campaign {n + 1}") for n in range(campaigns)]
        db.session.add_all(rows)
        db.session.flush()
        voters = {}
        for campaign in rows:
            voters[campaign.id] = [Voter(campaign_id=campaign.id, external_id=f"live-{campaign.id}-{n}",
                                         first_name="Ana", last_name=f"Lopez {n}", search_name=f"ana lopez {n}",
                                         house_number=str(n + 1), street="Oak Avenue", zip="27601")
                                   for n in range(voters_per_campaign)]
            db.session.add_all(voters[campaign.id])
            db.session.flush()
            households.assign(campaign.id)
        users = [User(email=f"volunteer{n + 1}@example.org", password_hash="!unusable",
                      display_name=f"Volunteer {n + 1}") for n in range(volunteers)]
        db.session.add_all(users)
        db.session.flush()
        campaign_of = [rows[n % campaigns].id for n in range(volunteers)]
        db.session.add_all(Membership(campaign_id=campaign_id, user_id=user.id, role=Role.VOLUNTEER)
                           for user, campaign_id in zip(users, campaign_of, strict=True))
        db.session.commit()
        household_of = {voter.id: str(db.session.get(Household, voter.household_id).public_id)
                        for campaign_voters in voters.values() for voter in campaign_voters}
        people = [Volunteer(user.id, campaign_id,
                            create_access_token(identity=str(user.id), expires_delta=timedelta(hours=1)),
                            tuple(str(voter.public_id) for voter in voters[campaign_id]),
                            tuple(household_of[voter.id] for voter in voters[campaign_id]))
                  for user, campaign_id in zip(users, campaign_of, strict=True)]
        db.session.remove()  # hand the connection back before the pool is closed
        db.engine.dispose()
    return people


class Phone:
    """A volunteer's device over HTTP: its device id, its hybrid logical clock, and one persistent
    HTTP/1.1 connection (``http.client`` reopens it on the next request after a close)."""

    def __init__(self, volunteer: Volunteer, port: int, *, timeout: float = 10):
        self.volunteer = volunteer
        self.device_id = str(uuid.uuid4())
        self.clock = Stamp(0, 0, self.device_id)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {volunteer.token}", "Content-Type": "application/json"}
        self.push_path = PUSH_PATH.format(volunteer.campaign_id)

    def op(self, entity_id: str, fields: dict, entity: str = "conversation") -> dict:
        """An upsert stamped by this phone's clock, as the PWA writes it to its outbox."""
        self.clock, stamp = hlc.send(self.clock, time.time_ns() // 1_000_000)
        return {"op_id": str(uuid.uuid4()), "entity": entity, "entity_id": entity_id, "action": "upsert",
                "fields": fields, "hlc": stamp.encode()}

    def send_push(self, ops: list[dict]) -> None:
        """Send a push without reading the answer (``answer`` reads it; ``drop`` abandons it)."""
        body = json.dumps({"protocol": 1, "device_id": self.device_id, "ops": ops})
        self.conn.request("POST", self.push_path, body=body, headers=self.headers)

    def answer(self) -> tuple[int, dict | None]:
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def push(self, ops: list[dict]) -> tuple[int, dict | None]:
        self.send_push(ops)
        return self.answer()

    def pull(self, cursor: str = "0", limit: int = 200) -> tuple[int, dict | None]:
        self.conn.request("GET", PULL_PATH.format(self.volunteer.campaign_id, cursor, limit), headers=self.headers)
        return self.answer()

    def pull_all(self, *, limit: int = 1000, max_pages: int = 100) -> list[dict]:
        """Every change since the start, following ``cursor`` while ``more`` is true."""
        changes, cursor = [], "0"
        for _ in range(max_pages):
            status, page = self.pull(cursor, limit)
            if status != 200:
                raise RuntimeError(f"pull answered {status}: {page}")
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["more"]:
                return changes
        raise RuntimeError(f"pull still had more after {max_pages} pages")

    def drop(self) -> None:
        """Close the connection, abandoning any answer not yet read."""
        self.conn.close()

