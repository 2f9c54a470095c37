"""Rate-limit counters in the app's own database, for a server without Redis.

Flask-Limiter's memory store counts per process: under gunicorn each worker would allow the whole limit again, and
tell a person a wrong "try again in". Kept in the database, every process of the server counts against one number.
Each count is a fixed window, changed by one atomic upsert; keys are stored hashed, since a sign-in limit's key holds
an e-mail address. Registered with the ``limits`` package as the ``kin-database://`` storage.
"""

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import Float, String, case, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db, upsert

PRUNE_EVERY_SECONDS = 600  # each process drops counts whose window ended, this often


class RateLimitCount(db.Model):
    """One limit's count for one key (an address, an account) in the current window."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the limiter's key, in hex
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # Unix time the window ends


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStorage(Storage):
    """A ``limits`` storage for the fixed-window strategy, over the current app's database."""

    STORAGE_SCHEME = ["kin-database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_prune = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = RateLimitCount.__table__
        with db.engine.begin() as connection:
            statement = upsert(table, connection).values(key=_hashed(key), count=amount, expires_at=now + expiry)
            ended = table.c.expires_at <= now
            statement = statement.on_conflict_do_update(index_elements=["key"], set_={
                "count": case((ended, amount), else_=table.c.count + amount),
                "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
            }).returning(table.c.count)
            count = connection.execute(statement).scalar_one()
            if now >= self._next_prune:
                self._next_prune = now + PRUNE_EVERY_SECONDS
                connection.execute(delete(table).where(table.c.expires_at <= now))
        return count

    def get(self, key: str) -> int:
        table = RateLimitCount.__table__
        with db.engine.connect() as connection:
            count = connection.execute(select(table.c.count).where(
                table.c.key == _hashed(key), table.c.expires_at > time.time())).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        table = RateLimitCount.__table__
        now = time.time()
        with db.engine.connect() as connection:
            expires_at = connection.execute(select(table.c.expires_at).where(
                table.c.key == _hashed(key), table.c.expires_at > now)).scalar()
        return expires_at or now

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        table = RateLimitCount.__table__
        with db.engine.begin() as connection:
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            connection.execute(delete(table))
        return count

    def clear(self, key: str) -> None:
        table = RateLimitCount.__table__
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == _hashed(key)))
