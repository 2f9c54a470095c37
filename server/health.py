"""Liveness (``/api/health``: the process answers and reaches its database) and readiness (``/api/health/ready``:
the database is migrated to this code's head, and Redis answers when configured)."""

import ast
import functools
import re

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.blueprint import Blueprint
from server.extensions import MIGRATIONS, db

blp = Blueprint("health", __name__, url_prefix="/api/health", description="For load balancers and uptime checks.")
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


class HealthSchema(Schema):
    status = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.errors(503)
    def get(self):
        """Answers ``ok`` when the app can reach its database, 503 when it cannot (so a load balancer stops
        sending people to a server that would fail them)."""
        _database_reachable()
        return {"status": "ok"}


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    @blp.errors(503)
    def get(self):
        """Answers ``ok`` when the database is reachable and migrated to this code's head, and Redis answers where
        it is configured; 503 naming what is not ready (a new release before ``flask db upgrade``, say)."""
        _database_reachable()
        try:
            applied = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except SQLAlchemyError:
            db.session.rollback()
            abort(503, message="The database has no migrations applied: run `flask db upgrade`.")
        if applied != script_heads():
            abort(503, message="The database is not migrated to this release's head: run `flask db upgrade`.")
        if current_app.config["REDIS_URL"]:
            _redis_reachable(current_app.config["REDIS_URL"])
        return {"status": "ok"}


def _database_reachable() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        abort(503, message="The database cannot be reached.")


def _redis_reachable(url: str) -> None:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except RedisError:
        abort(503, message="Redis (KIN_REDIS_URL) cannot be reached.")


@functools.cache
def script_heads() -> frozenset[str]:
    """The head revisions of the migration scripts, read from their ``revision`` and ``down_revision`` lines: Alembic
    would cost every worker 10 MB to answer the same (tests/server/test_worker_imports.py)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        assigned = dict(_ASSIGNMENT.findall(script.read_text()))
        revisions.add(ast.literal_eval(assigned["revision"]))
        down = ast.literal_eval(assigned["down_revision"])
        parents.update(down if isinstance(down, tuple) else [down] if down else [])
    return frozenset(revisions - parents)
