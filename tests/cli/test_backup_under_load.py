"""A backup taken while phones push is a consistent moment: restored, every applied op has its record, change
numbers have no hole a pull could fall into, the read model agrees with the records, and phones that pushed after
the backup get their ops applied again by retrying them, once. The app runs under gunicorn, as in production."""

import subprocess
import threading
import uuid

import pytest
from sqlalchemy import Boolean, Uuid, column, create_engine, func, select, table

from server import create_app
from server.extensions import db
from tests.conftest import empty_database_uri
from tests.server.sync.conftest import conversation_fields
from tests.server.sync.live import BIN, ROOT, SECRET_KEY, LiveServer, Phone, seed

PHONES = 3
BATCH = 10
AFTER_BACKUP = 1  # batches each phone pushes once the backup is written
RUN_SECONDS = 120


def flask(server: LiveServer, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "server:create_app", "kin", *args], cwd=ROOT,
                          env=server.env, capture_output=True, text=True, timeout=RUN_SECONDS)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class PushingPhone(threading.Thread):
    """Logs conversations in batches until told to stop, keeping every op it sent, as its outbox did."""

    def __init__(self, phone: Phone, backup_done: threading.Event):
        super().__init__(daemon=True)
        self.phone, self.backup_done = phone, backup_done
        self.batches: list[list[dict]] = []
        self.after_backup = 0
        self.pushed = threading.Event()  # set once its first batch is applied
        self.failure: str | None = None

    def run(self) -> None:
        try:
            while self.after_backup < AFTER_BACKUP:
                started_after = self.backup_done.is_set()
                ops = [self.phone.op(str(uuid.uuid4()), conversation_fields(
                    voter_id=self.phone.volunteer.voter_ids[n % len(self.phone.volunteer.voter_ids)]))
                    for n in range(BATCH)]
                status, answer = self.phone.push(ops)
                assert status == 200 and {r["status"] for r in answer["results"]} == {"applied"}, answer
                self.batches.append(ops)
                self.pushed.set()
                self.after_backup += started_after
        except Exception as exc:  # noqa: BLE001 (reported by the test, not lost in a thread)
            self.failure = repr(exc)
            self.pushed.set()


# Uuid: SQLite keeps UUIDs as 32 hex digits, PostgreSQL as its own type
SYNC_RECORD = table("sync_record", column("entity"), column("entity_id", Uuid), column("seq"),
                    column("deleted", Boolean))
APPLIED_OP = table("applied_op", column("op_id", Uuid))
CONVERSATION = table("conversation", column("id", Uuid), column("deleted", Boolean))
SYNC_COUNTER = table("sync_counter", column("last_seq"))


def state(uri: str) -> dict:
    engine = create_engine(uri)
    try:
        with engine.connect() as connection:
            records = connection.execute(select(SYNC_RECORD.c.entity_id, SYNC_RECORD.c.seq, SYNC_RECORD.c.deleted)
                                         .where(SYNC_RECORD.c.entity == "conversation")).all()
            return {
                "records": {str(entity_id) for entity_id, _, _ in records},
                "live_records": {str(entity_id) for entity_id, _, deleted in records if not deleted},
                "seqs": sorted(seq for _, seq, _ in records),
                "last_seq": connection.execute(select(func.max(SYNC_COUNTER.c.last_seq))).scalar_one(),
                "applied": {str(op_id) for op_id in connection.execute(select(APPLIED_OP.c.op_id)).scalars()},
                "rows": {str(row_id) for row_id in connection.execute(
                    select(CONVERSATION.c.id).where(CONVERSATION.c.deleted.is_(False))).scalars()},
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_backup_taken_while_phones_push_restores_to_a_consistent_moment(backend, tmp_path):
    uri = empty_database_uri(backend, tmp_path)
    path = tmp_path / "during.backup"
    for folder in ("instance", "restored-instance"):
        (tmp_path / folder).mkdir()
    with LiveServer(uri, tmp_path / "instance", workers=2, threads=4) as server:
        server.migrate()
        volunteers = seed(uri, tmp_path / "instance", campaigns=1, volunteers=PHONES)
        server.start()
        backup_done = threading.Event()
        phones = [PushingPhone(Phone(volunteer, server.port), backup_done) for volunteer in volunteers]
        for phone in phones:
            phone.start()
        for phone in phones:
            assert phone.pushed.wait(RUN_SECONDS), "a phone never pushed"
        flask(server, "backup", str(path))  # while they push
        backup_done.set()
        for phone in phones:
            phone.join(RUN_SECONDS)
            phone.phone.drop()
            assert phone.failure is None, phone.failure
    sent = {op["op_id"]: op["entity_id"] for phone in phones for batch in phone.batches for op in batch}

    restored_uri = empty_database_uri(backend, tmp_path / "restored")
    with LiveServer(restored_uri, tmp_path / "restored-instance") as restored:
        # in this process, as the command: a second interpreter would only add its start-up time
        app = create_app({"SQLALCHEMY_DATABASE_URI": restored_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                          "SUPPRESSION_SEED": SECRET_KEY,
                          "INSTANCE_PATH": str(tmp_path / "restored-instance")})
        done = app.test_cli_runner().invoke(args=["kin", "restore", str(path)])
        assert done.exit_code == 0 and "Restored" in done.output, done.output
        with app.app_context():
            db.engine.dispose()
        at_backup = state(restored_uri)

        # every applied op has its record, and the backup is a moment: a batch is in it whole or not at all
        assert at_backup["applied"] <= set(sent)
        assert at_backup["records"] == {sent[op_id] for op_id in at_backup["applied"]}
        for phone in phones:
            kept = [all(op["op_id"] in at_backup["applied"] for op in batch) for batch in phone.batches]
            assert kept == sorted(kept, reverse=True)  # the first batches, then none
            assert any(op["op_id"] not in at_backup["applied"] for op in phone.batches[-1])
        # one change per new record: numbers 1..n with no hole below the highest
        assert at_backup["seqs"] == list(range(1, len(at_backup["seqs"]) + 1))
        assert at_backup["last_seq"] == len(at_backup["seqs"])
        assert at_backup["rows"] == at_backup["live_records"]  # the read model agrees with sync_record

        restored.start()
        for phone in phones:  # each phone sends everything again: what it sent after the backup is applied now
            retry = Phone(phone.phone.volunteer, restored.port)
            retry.device_id = phone.phone.device_id
            for batch in phone.batches:
                status, answer = retry.push(batch)
                assert status == 200, answer
                for op, result in zip(batch, answer["results"], strict=True):
                    expected = "duplicate" if op["op_id"] in at_backup["applied"] else "applied"
                    assert result["status"] == expected, (op["op_id"], result)
            retry.drop()
        after = state(restored_uri)

    assert after["applied"] == set(sent)  # nothing lost
    assert after["records"] == set(sent.values())
    assert after["seqs"] == list(range(1, len(sent) + 1))  # nothing twice
    assert after["rows"] == after["live_records"]
