"""What the read models and the dashboard's upkeep cost a push in statements: each voter's standing read once
before the push holds the campaign's counter and once holding it, and nothing read back that the push itself just
wrote or made."""

import re
import uuid

from sqlalchemy import event

from server.extensions import db
from tests.server.dashboard.test_dashboard_api import assert_counts_match_a_rebuild
from tests.server.sync.conftest import conversation_fields


def test_a_push_of_new_conversations_reads_no_row_it_wrote_and_each_voter_twice(app, team, voter, log, phone_of):
    campaign_id = team["campaign_id"]
    voters = [voter(campaign_id, f"Ana{n}") for n in range(3)]
    log(team["volunteer"], voters[0])  # her totals are kept from here on: the next push counts its voters alone
    vera = phone_of(team["volunteer"])
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = vera.push(*(vera.op("conversation", str(uuid.uuid4()), conversation_fields(voter_id=voter_id))
                             for voter_id in voters))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [result["status"] for result in answer.json["results"]] == ["applied"] * 3, answer.json
    assert_counts_match_a_rebuild(app, campaign_id)

    def count(pattern):
        return sum(1 for statement in statements if re.search(pattern, statement))

    assert count(r"^SELECT .* FROM conversation\b") == 1  # hers with these voters, for her totals
    assert count(r"conversation_issue") == 0  # new conversations have no issue rows to take away
    assert count(r"^SELECT .*\bcontact_preference\b") == 2  # before the counter, and holding it
    assert count(r"^SELECT .*\bvoter_progress\b") == 2
    assert count(r"^(INSERT INTO|DELETE FROM) voter_progress\b") == 1  # one upsert
    assert count(r"^SELECT campaign\.time_zone ") == 0  # the push has its campaign already
