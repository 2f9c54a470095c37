"""The console's Dashboard in Chromium: axe clean at 1280x800 and 390x844 in English and Spanish (its empty state
too), the numbers of a seeded campaign on screen, a volunteer's row leading to their conversations in Review, and
filters kept in the address across a reload."""

import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.campaigns.models import Role
from server.columns import utcnow
from server.extensions import db
from tests.pwa.test_console import SHOTS, SIZES, axe, console_sign_in, unique

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("America/New_York")


def days_ago(n: int) -> str:
    day = utcnow().astimezone(ZONE).date() - timedelta(days=n)
    return f"{day.isoformat()}T12:00:00-05:00"


def user_id(live_server, email) -> int:
    with live_server.app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


@pytest.fixture(scope="module")
def seeded(live_server):
    """Vera confirms Ana (a priority voter) and Ben, and talks to both; Otto talks to Ana since; a second campaign
    of the same organizer has nothing yet."""
    campaign, empty = live_server.campaign("Dashboard Campaign"), live_server.campaign("Brand New Campaign")
    organizer, vera, otto = unique("organizer"), unique("vera"), unique("otto")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.join(empty, organizer, Role.ORGANIZER)
    live_server.member(campaign, vera, name="Vera Volunteer")
    live_server.member(campaign, otto, name="Otto Other")
    live_server.configure(campaign, issue_tags=["housing", "schools"], time_zone="America/New_York")
    voters = live_server.voters_with(campaign, [("Ana", "Lopez", []), ("Ben", "Okafor", []), ("Cleo", "Park", [])],
                                     priority=("Ana",))
    ana, ben = live_server.relationship(campaign, vera, voters["Ana"]), live_server.relationship(campaign, vera,
                                                                                                voters["Ben"])
    tomorrow = (utcnow().astimezone(ZONE).date() - timedelta(days=1)).isoformat()
    logs = [(vera, {"relationship_id": ana, "channel": "text", "happened_at": days_ago(3), "support": 1,
                    "vote_method": "mail", "issue_tags": ["housing"]}),
            (vera, {"relationship_id": ben, "channel": "door", "happened_at": days_ago(10), "support": 4,
                    "issue_tags": ["housing", "schools"], "follow_up_on": tomorrow}),
            (otto, {"voter_id": voters["Ana"], "channel": "call", "happened_at": days_ago(1), "support": 2})]
    for email, fields in logs:
        [result] = live_server.push(campaign, email, [{"entity": "conversation", "entity_id": str(uuid.uuid4()),
                                                       "action": "upsert", "fields": fields}])
        assert result["status"] == "applied", result
    return {"campaign": campaign, "empty": empty, "organizer": organizer, "vera": user_id(live_server, vera),
            "otto": user_id(live_server, otto)}


def tile(page, key):
    return page.locator(f"#dashboard-tiles [data-tile={key}]")


def open_dashboard(page, seeded, query=""):
    console_sign_in(page, seeded["organizer"])
    page.goto(f"/console/{seeded['campaign']}/dashboard{query}")
    expect(page.locator("#dashboard-tiles")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_has_no_violations_in_either_language(browser, base_url, seeded, size):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors, requested = [], []
    page.on("pageerror", lambda error: errors.append(error))
    page.on("request", lambda request: requested.append(request.url))
    try:
        console_sign_in(page, seeded["organizer"])
        for language in ("en", "es"):
            page.locator("#language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            requested.clear()
            page.goto(f"/console/{seeded['campaign']}/dashboard")
            if size == "phone":  # below the tiles: the chart's library waits until it shows on the screen
                expect(page.locator("#funnel-bars .bar-value").first).to_be_visible()
                page.wait_for_load_state("networkidle")
                assert not [url for url in requested if "uPlot" in url]
                expect(page.locator("#daily-chart canvas")).to_have_count(0)
            page.locator("#daily-chart").scroll_into_view_if_needed()
            expect(page.locator("#daily-chart canvas")).to_be_visible()
            page.locator("#daily-table summary").click()
            expect(page.locator("#dashboard-volunteers tbody tr")).to_have_count(3)
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/dashboard-{size}-{language}.png", full_page=True)
            assert axe(page) == [], ("dashboard", language)
            page.goto(f"/console/{seeded['empty']}/dashboard")
            expect(page.locator("#dashboard-empty")).to_be_visible()
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/dashboard-empty-{size}-{language}.png", full_page=True)
            assert axe(page) == [], ("empty dashboard", language)
        page.locator("#language").select_option("en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
    assert errors == []


def test_the_numbers_on_screen_are_the_campaigns(page, seeded):
    refused = []  # the page keeps the server's Content-Security-Policy: the chart must draw within it
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_dashboard(page, seeded)
    expect(tile(page, "relationships").locator(".tile-value")).to_have_text("2")
    expect(tile(page, "relationships").locator(".tile-change")).to_have_text("▲ up 2 in the last 7 days")
    expect(tile(page, "contacted").locator(".tile-value")).to_have_text("2")
    expect(tile(page, "contacted").locator(".tile-change")).to_have_text("▲ up 1 in the last 7 days")
    expect(tile(page, "supporters").locator(".tile-value")).to_have_text("1")  # Ana's latest: Otto's 2
    expect(tile(page, "vote_plans").locator(".tile-value")).to_have_text("1")
    expect(tile(page, "follow_ups_overdue").locator(".tile-value")).to_have_text("1")
    expect(tile(page, "volunteers_joined").locator(".tile-value")).to_have_text("2")
    expect(tile(page, "volunteers_active").locator(".tile-value")).to_have_text("2")
    expect(page.locator("#funnel-bars .bar-value")).to_have_text(["0", "2", "0", "2", "2", "1", "1"])
    expect(page.locator("#issues-bars li")).to_have_text([re.compile(r"housing\s*2"), re.compile(r"schools\s*1")])
    expect(page.locator("#support-bars .bar-value")).to_have_text(["0", "1", "0", "1", "0"])
    vera = page.locator(f"#dashboard-volunteers tr[data-volunteer='{seeded['vera']}'] td")
    expect(vera).to_have_text(["2", "2", "100%", re.compile(r"\d"), "1"])
    page.locator("#daily-chart").scroll_into_view_if_needed()
    expect(page.locator("#daily-chart canvas")).to_be_visible()
    assert refused == []


def test_a_volunteers_row_opens_their_conversations_in_review(page, seeded):
    open_dashboard(page, seeded)
    link = page.locator(f"#dashboard-volunteers tr[data-volunteer='{seeded['otto']}'] a")
    expect(link).to_have_text("Otto Other")
    expect(link).to_have_attribute("href", f"/console/{seeded['campaign']}/review?volunteer={seeded['otto']}")
    link.click()
    page.wait_for_url(f"**/console/{seeded['campaign']}/review?volunteer={seeded['otto']}")


def test_filters_and_order_in_the_address_survive_a_reload(page, seeded):
    open_dashboard(page, seeded)
    page.locator("#dashboard-priority").check()
    expect(tile(page, "relationships").locator(".tile-value")).to_have_text("1")  # only Ana is a priority voter
    page.locator("#dashboard-volunteer").select_option(str(seeded["vera"]))
    expect(tile(page, "contacted").locator(".tile-value")).to_have_text("1")
    page.locator("#dashboard-volunteers .sort[data-sort=name]").click()
    expect(page.locator("#dashboard-volunteers th[aria-sort=ascending]")).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query) == {"priority": ["true"], "volunteer": [str(seeded["vera"])],
                                                  "sort": ["name"], "desc": ["false"]}
    page.reload()
    expect(page.locator("#dashboard-priority")).to_be_checked()
    expect(page.locator("#dashboard-volunteer")).to_have_value(str(seeded["vera"]))
    expect(tile(page, "relationships").locator(".tile-value")).to_have_text("1")
    expect(page.locator("#dashboard-volunteers th[aria-sort=ascending] .sort")).to_have_attribute("data-sort", "name")
    page.locator("#dashboard-from").fill((utcnow().astimezone(ZONE).date() - timedelta(days=5)).isoformat())
    page.locator("#dashboard-from").dispatch_event("change")
    expect(page.locator("#dashboard-range")).to_contain_text("From")
    page.reload()
    expect(page.locator("#dashboard-range")).to_contain_text("From")
    expect(tile(page, "relationships").locator(".tile-value")).to_have_text("1")
