"""Reads that may go to a read replica (``KIN_READ_DATABASE_URL``): one explicit block, ``replica_reads``.

Inside the block ``db.session`` reads from the replica, a PostgreSQL streaming standby, and every transaction there
is read-only, so a write inside it fails loudly rather than landing anywhere. Without a replica the block changes
nothing. What a view read before the block (the caller's session and membership, by ``requires_role``) came from
the primary; a block that read the replica ends the session's transaction as it leaves, and what follows reads the
primary again.

A replica replays the primary's commits in order, some milliseconds late. A read that may be a little stale (the
dashboard, the review list) takes it as it is; a read that must see everything committed before it began (a pull,
an export) says what it needs with ``caught_up``, a query the replica answers true once it holds that, and the
block waits up to ``WAIT_SECONDS`` for it, else reads the primary (docs/scaling.md, read replicas).
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import ColumnElement, Executable, func, literal, select
from sqlalchemy.exc import OperationalError

from server.extensions import READING_REPLICA, REPLICA, db
from server.observability import metrics
from server.sync_api.models import SyncCounter

WAIT_SECONDS = 0.2  # longer than a healthy replica's delay, short enough that a phone barely notices a fallback
POLL_SECONDS = 0.005


def configured() -> bool:
    return REPLICA in current_app.config.get("SQLALCHEMY_BINDS", {})


@contextmanager
def replica_reads(caught_up: Callable[[], Executable] | None = None) -> Iterator[str]:
    """Read from the replica inside this block (also a decorator), or from the primary when there is none or when
    ``caught_up`` (called on the primary at the start: a query the replica answers true once it holds what the
    block needs) is still false after ``WAIT_SECONDS``. Yields where the reads go: ``replica`` or ``primary``."""
    source = "replica" if configured() and _ready(caught_up) else "primary"
    if configured():
        metrics.REPLICA_READS.labels(source).inc()
    session = db.session()
    session.info[READING_REPLICA] = source == "replica"
    try:
        yield source
    finally:
        session.info.pop(READING_REPLICA, None)
        if source == "replica":
            session.rollback()  # lets go of the replica's connection; nothing in the block wrote anything


def counter_caught_up(campaign_id: int) -> Callable[[], Executable]:
    """For a pull: the replica has this campaign's every change that had committed when the block began (its
    change counter has reached the primary's), so the pull answers what the primary would."""

    def condition() -> Executable:
        primary = db.session.execute(select(SyncCounter.last_seq).where(
            SyncCounter.campaign_id == campaign_id)).scalar() or 0
        return select(counter_reached(campaign_id, primary))

    return condition


def counter_reached(campaign_id: int, seq: int) -> ColumnElement[bool]:
    """True where the database reading it has the campaign's every change up to ``seq``: they commit with the
    counter that numbers them."""
    counter = select(SyncCounter.last_seq).where(SyncCounter.campaign_id == campaign_id).scalar_subquery()
    return func.coalesce(counter, 0) >= seq


def _ready(caught_up: Callable[[], Executable] | None) -> bool:
    """Whether the replica answers ``caught_up`` within ``WAIT_SECONDS`` (no condition: whether it answers at all).
    An unreachable replica is as good as a late one: the primary serves, and the log says why."""
    condition = caught_up() if caught_up else select(literal(True))
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        with db.engines[REPLICA].connect() as replica:
            while not replica.execute(condition).scalar():
                replica.rollback()  # the next look sees what has been replayed since
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_SECONDS)
    except OperationalError as exc:
        current_app.logger.warning("read replica unreachable, reading the primary: %s", type(exc.orig).__name__)
        return False
    return True
