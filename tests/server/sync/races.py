"""Two requests racing on PostgreSQL, step by step: each in a thread of its own, one held at a chosen statement
while the test looks at what the other does (waits on a lock, or gets past a point)."""

import threading
import time
import weakref

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
        _listen(self.engine, self.when)
        _PAUSES.append(self)
        return self

    def __exit__(self, *_exc):
        self.released.set()
        _PAUSES.remove(self)


_PAUSES: list[Pause] = []  # the pauses in force, whichever engine and event
_LISTENING = weakref.WeakKeyDictionary()  # engine -> the events a dispatcher listens to on it


def _listen(engine, when: str) -> None:
    """One listener per engine and event, never removed: removing a listener while another thread's statement is
    dispatched to it fails that statement ("deque mutated during iteration"), and a racing request may still be
    running when its pause ends."""
    if when in _LISTENING.setdefault(engine, set()):
        return
    _LISTENING[engine].add(when)

    def dispatch(*args):
        for pause in tuple(_PAUSES):
            if pause.engine is engine and pause.when == when:
                pause.hook(*args)

    event.listen(engine, when, dispatch)


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
