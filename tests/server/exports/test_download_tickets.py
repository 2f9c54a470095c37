"""Download tickets: an organizer buys a URL that a plain GET (no token) opens once, within a minute, and streams
the export as an attachment; audited once, like a download with the token; useless after its use, after its
minute, at another campaign's address, to a volunteer, and once its maker is no longer an organizer."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.audit.models import AuditEvent
from server.campaigns.models import Membership, Role
from server.columns import utcnow
from server.exports.files import CONVERSATION_COLUMNS
from server.exports.models import DownloadTicket
from server.extensions import db


@pytest.fixture
def buy(client, auth_headers, team):
    """POST a ticket as a member of the team (the organizer unless told): the response."""

    def post(who="organizer", campaign_id=None, **body):
        return client.post(f"/api/campaigns/{campaign_id or team['campaign_id']}/exports/tickets",
                           json={"file": "conversations.csv", **body}, headers=auth_headers(team[who].user_id))

    return post


def rows(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.get_data(as_text=True), newline="")))


def test_a_ticket_downloads_the_export_once_as_an_attachment_without_a_token(app, client, team, voter, log, buy):
    for _ in range(2):
        log(team["volunteer"], voter(team["campaign_id"]), notes="private words")
    bought = buy(notes=True)
    assert bought.status_code == 201, bought.json
    url = bought.json["url"]
    assert url.startswith(f"/api/campaigns/{team['campaign_id']}/exports/download/")
    answer = client.get(url)  # no Authorization header: the ticket is the credential
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    export_id = answer.headers["X-Kin-Export-Id"]
    assert answer.headers["Content-Disposition"] == f'attachment; filename="conversations-{export_id}.csv"'
    table = rows(answer)
    assert table[0] == [*CONVERSATION_COLUMNS, "notes"] and len(table) == 3
    assert {row[-1] for row in table[1:]} == {"private words"}

    again = client.get(url)
    assert again.status_code == 404 and "already used" in again.json["message"]
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id).where(
            AuditEvent.target_type == "export")).all()
        stored = db.session.execute(select(DownloadTicket.token_hash)).scalars().all()
    assert sorted(events) == [("export.finished", team["organizer"].user_id, export_id),
                              ("export.started", team["organizer"].user_id, export_id)]  # once, by its maker
    assert url.rsplit("/", 1)[1] not in stored  # only its hash is kept


def test_a_ticket_keeps_the_incremental_since_and_the_van_file(client, team, voter, log, buy):
    ana = voter(team["campaign_id"])
    log(team["volunteer"], ana)
    first = client.get(buy(file="van-canvass-results.csv").json["url"])
    assert first.status_code == 200 and len(rows(first)) == 2 and rows(first)[0][0] == "VANID"
    log(team["volunteer"], ana)
    since = buy(file="van-canvass-results.csv", since=first.headers["X-Kin-Export-Id"]).json["url"]
    assert len(rows(client.get(since))) == 2  # only the new one


def test_a_bad_since_is_refused_when_the_ticket_is_bought_naming_it(buy):
    answer = buy(since="yesterday")
    assert answer.status_code == 422 and "since" in answer.json["errors"]["json"]
    answer = buy(file="nothing.csv")
    assert answer.status_code == 422 and "file" in answer.json["errors"]["json"]


def test_an_expired_ticket_is_refused(app, client, buy):
    url = buy().json["url"]
    with app.app_context():
        db.session.execute(update(DownloadTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_ticket_at_another_campaigns_address_is_refused_and_stays_unused(client, team, make_campaign, buy):
    url = buy().json["url"]
    elsewhere = url.replace(f"/campaigns/{team['campaign_id']}/", f"/campaigns/{make_campaign()}/")
    assert client.get(elsewhere).status_code == 404
    assert client.get(url).status_code == 200  # the try elsewhere did not use it up


def test_volunteers_and_other_campaigns_organizers_cannot_buy_one(client, auth_headers, team, make_campaign,
                                                                  make_member, buy):
    assert buy(who="volunteer").status_code == 403
    stranger = make_member(make_campaign(), Role.ORGANIZER)
    answer = client.post(f"/api/campaigns/{team['campaign_id']}/exports/tickets", json={"file": "conversations.csv"},
                         headers=auth_headers(stranger.user_id))
    assert answer.status_code == 404


def test_a_ticket_dies_with_its_makers_organizer_role(app, client, team, buy):
    url = buy().json["url"]
    with app.app_context():
        db.session.execute(update(Membership).where(Membership.id == team["organizer"].id).values(
            role=Role.VOLUNTEER))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_made_up_ticket_is_refused(client, team):
    assert client.get(f"/api/campaigns/{team['campaign_id']}/exports/download/{'x' * 43}").status_code == 404
    assert client.get(f"/api/campaigns/{team['campaign_id']}/exports/download/{'x' * 500}").status_code == 404
