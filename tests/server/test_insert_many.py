"""``insert_many`` stores each row as given, on both databases, whichever of its columns hold one value in every row
(on PostgreSQL those go once, not as arrays)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table, select

from server.extensions import db, insert_many

PROBE = Table("insert_many_probe", MetaData(), Column("n", Integer), Column("word", String(20)),
              Column("doc", JSON), Column("flag", Boolean), Column("at", DateTime(timezone=True)))
AT = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


@pytest.fixture
def probe(app):
    with app.app_context():
        PROBE.create(db.engine)
    yield app
    with app.app_context():
        PROBE.drop(db.engine)


def as_text(rows) -> list[str]:
    """Each row's repr, sorted: compared as text, since 1 == True == 1.0 in Python."""
    return sorted(repr(tuple(row)) for row in rows)


def stored() -> list[str]:
    rows = db.session.execute(select(PROBE.c.n, PROBE.c.word, PROBE.c.doc, PROBE.c.flag, PROBE.c.at)).all()
    return as_text((n, word, doc, flag, at and at.replace(tzinfo=at.tzinfo or UTC).astimezone(UTC))
                   for n, word, doc, flag, at in rows)


ROWS = {
    "one row": [{"n": 1, "word": "a", "doc": {"k": 1}, "flag": True, "at": AT}],
    "some columns the same in every row": [
        {"n": 7, "word": "same", "doc": {"k": 1}, "flag": False, "at": AT},
        {"n": 8, "word": "same", "doc": {"k": True}, "flag": False, "at": AT}],  # equal in Python, not in JSON
    "equal in Python, different types": [
        {"n": 1, "word": None, "doc": 1, "flag": True, "at": AT},
        {"n": 1, "word": None, "doc": True, "flag": True, "at": AT}],
    "identical rows": [{"n": 3, "word": "x", "doc": [1], "flag": None, "at": None}] * 3,
}


@pytest.mark.parametrize("rows", ROWS)
def test_every_row_is_stored_as_given(probe, rows):
    with probe.app_context():
        returned = insert_many(PROBE, ROWS[rows], returning=("n",))
        db.session.commit()
        assert sorted(n for (n,) in returned) == sorted(row["n"] for row in ROWS[rows])
        assert stored() == as_text(row.values() for row in ROWS[rows])
