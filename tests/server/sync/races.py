"""Two requests racing on PostgreSQL, step by step: each in a thread of its own, one held at a chosen statement
while the test looks at what the other does (waits on a lock, or gets past a point)."""

import threading
import time

from sqlalchemy import event, text

from server.extensions import db

WAIT = 30  # seconds: a bound for a step that should take milliseconds, so a bug fails the test instead of hanging it


class Request(threading.Thread):
    """One HTTP request in a thread of its own (its own app context, session and connection)."""

    def __init__(self, send):
        super().__init__(daemon=True)
        self.send, self.response, self.error, self.done = send, None, None, threading.Event()

    def run(self):
        try:
            self.response = self.send()
        except BaseException as exc:  # reported by the test, never lost in the thread
            self.error = exc
        finally:
            self.done.set()

    def answer(self):
        self.join(WAIT)
        assert self.done.is_set(), "the request never finished"
        assert self.error is None, self.error
        return self.response


class Pause:
    """Hold one thread's transaction open just before or after one of its statements, until released."""

    def __init__(self, app, when, matches):
        self.when, self.matches, self.thread = when, matches, None
        self.reached, self.released = threading.Event(), threading.Event()
        with app.app_context():
            self.engine = db.engine

    def hook(self, _conn, _cursor, statement, *_args):
        if threading.current_thread() is self.thread and not self.reached.is_set() and self.matches(statement):
            self.reached.set()
            self.released.wait(WAIT)

    def __enter__(self):
        event.listen(self.engine, self.when, self.hook)
        return self

    def __exit__(self, *_exc):
        self.released.set()
        event.remove(self.engine, self.when, self.hook)


def waits_on_a_lock(app, request: Request) -> bool:
    """Whether another connection is seen waiting on a lock before ``request`` finishes (polled, within a bound:
    waiting is all there is to see)."""
    deadline = time.monotonic() + WAIT
    with app.app_context():
        while time.monotonic() < deadline and not request.done.is_set():
            waiting = db.session.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
            db.session.rollback()
            if waiting:
                return True
            request.done.wait(0.05)
    return False
