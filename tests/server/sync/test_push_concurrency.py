"""Pushes of one campaign take turns only where they number their changes (the campaign's change counter): the
rest of a push (reading, deciding, writing its records and read models) runs beside the others'. On PostgreSQL;
SQLite's single writer puts every push after the other."""

import threading
import uuid

import pytest
from sqlalchemy import event

from server.campaigns.models import Role
from server.extensions import db
from tests.server.sync.conftest import Phone, conversation_fields, make_voter  # noqa: F401 (a fixture)
from tests.server.sync.races import WAIT, Pause, Request, waits_on_a_lock


class Statements:
    """What one thread has sent to the database so far."""

    def __init__(self, app):
        self.thread, self.sent = None, []
        with app.app_context():
            self.engine = db.engine

    def hook(self, _conn, _cursor, statement, *_args):
        if threading.current_thread() is self.thread:
            self.sent.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.hook)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self.hook)


def test_a_push_writes_its_records_while_another_holds_the_counter(app, make_campaign, make_member, make_voter,  # noqa: F811
                                                                   auth_headers):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has a single writer: one push at a time")
    campaign_id = make_campaign()
    first, second = (Phone(app.test_client(), auth_headers(make_member(campaign_id, Role.VOLUNTEER).user_id),
                           campaign_id) for _ in range(2))
    voter_id = make_voter(campaign_id)
    first.push(first.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)))  # the counter

    def logged(phone):
        return lambda: phone.push(phone.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id)))

    with Pause(app, "after_cursor_execute", lambda sql: sql.startswith("UPDATE sync_counter ")) as holding, \
            Statements(app) as seen:
        one = holding.thread = Request(logged(first))
        one.start()
        assert holding.reached.wait(WAIT), "the first push never took the counter"
        other = seen.thread = Request(logged(second))
        other.start()
        assert waits_on_a_lock(app, other), "the second push never met the first"
        # it waits where pushes take turns, having written its records, not at its start
        assert [sql for sql in seen.sent if sql.startswith("INSERT INTO sync_record ")]
        assert seen.sent[-1].startswith("UPDATE sync_counter ")
        holding.released.set()
        assert [r["status"] for r in one.answer().json["results"]] == ["applied"]
    assert [r["status"] for r in other.answer().json["results"]] == ["applied"]
