"""The dashboard's doors in Chromium: doors knocked, contacts at the door, the contact rate and the results of a
seeded campaign's visits, at 1280x800 and 390x844 in English and Spanish, axe clean, and the door visits a line of
the daily chart and a column of its table."""

import os
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter
from tests.pwa.test_console import SIZES, axe, console_sign_in, unique

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("America/New_York")
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")
# what each language shows: tile values, their 7-day lines, and the first two results
WORDS = {
    "en": {"knocked": "▲ up 2 in the last 7 days", "rate_week": "50% in the last 7 days",
           "talked": "Talked", "not_home": "Not home", "visits": "Door visits"},
    "es": {"knocked": "▲ 2 más en los últimos 7 días", "rate_week": "50% en los últimos 7 días",
           "talked": "Hablaron", "not_home": "No había nadie", "visits": "Visitas a puertas"},
}


def days_ago(n: int) -> str:
    day = utcnow().astimezone(ZONE).date() - timedelta(days=n)
    return f"{day.isoformat()}T12:00:00-05:00"


@pytest.fixture(scope="module")
def canvassed(live_server):
    """Vera talks to Ana at 1 Elm St ten days ago and yesterday, finds nobody at 2 Elm St two days ago: three
    doors knocked, two contacts; in the last 7 days two doors, one contact."""
    campaign = live_server.campaign("Door Results Campaign")
    organizer, vera = unique("organizer"), unique("vera")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, vera, name="Vera Volunteer")
    live_server.configure(campaign, time_zone="America/New_York")
    with live_server.app.app_context():
        people = [Voter(campaign_id=campaign, external_id=uuid.uuid4().hex[:12], first_name=first, last_name="Elm",
                        search_name=f"{first} elm".lower(), house_number=number, street="Elm Street", zip="27601",
                        priority=first == "Ana") for first, number in (("Ana", "1"), ("Ben", "2"))]
        db.session.add_all(people)
        db.session.flush()
        households.assign(campaign)
        db.session.commit()
        ana, ben = ({"voter": str(p.public_id), "door": str(db.session.get(Household, p.household_id).public_id)}
                    for p in people)
    visits = [{"household_id": ana["door"], "voter_id": ana["voter"], "result": "talked", "happened_at": days_ago(10)},
              {"household_id": ben["door"], "result": "not_home", "happened_at": days_ago(2)},
              {"household_id": ana["door"], "voter_id": ana["voter"], "result": "talked", "happened_at": days_ago(1)}]
    results = live_server.push(campaign, vera, [{"entity": "door_visit", "entity_id": str(uuid.uuid4()),
                                                 "action": "upsert", "fields": fields} for fields in visits])
    assert [r["status"] for r in results] == ["applied"] * 3, results
    return {"campaign": campaign, "organizer": organizer}


@pytest.mark.parametrize("size", SIZES)
def test_the_door_tiles_and_results_show_in_both_languages(browser, base_url, canvassed, size):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, canvassed["organizer"])
        for language in ("en", "es"):
            words = WORDS[language]
            page.locator("#language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.goto(f"/console/{canvassed['campaign']}/dashboard")
            doors = page.locator("#door-tiles")
            expect(doors.locator("[data-tile=doors_knocked] .tile-value")).to_have_text("3")
            expect(doors.locator("[data-tile=doors_knocked] .tile-change")).to_have_text(words["knocked"])
            expect(doors.locator("[data-tile=door_contacts] .tile-value")).to_have_text("2")
            expect(doors.locator("[data-tile=door_contact_rate] .tile-value")).to_contain_text("67")
            expect(doors.locator("[data-tile=door_contact_rate] .tile-change")).to_have_text(words["rate_week"])
            expect(page.locator("#door-results-bars .bar-label").nth(0)).to_have_text(words["talked"])
            expect(page.locator("#door-results-bars .bar-label").nth(1)).to_have_text(words["not_home"])
            expect(page.locator("#door-results-bars .bar-value")).to_have_text(["2", "1", "0", "0", "0", "0", "0",
                                                                                "0"])
            page.locator("#daily-chart").scroll_into_view_if_needed()
            expect(page.locator("#daily-chart .u-legend")).to_contain_text(words["visits"])
            page.locator("#daily-table summary").click()
            expect(page.locator("#daily-table thead th").last).to_have_text(words["visits"])
            expect(page.locator("#daily-table tbody tr").last.locator("td").last).to_have_text("0")  # today
            page.locator("#dashboard-doors").scroll_into_view_if_needed()
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/door-results-{size}-{language}.png", full_page=True)
                page.locator("#dashboard-doors").screenshot(path=f"{SHOTS}/door-tiles-{size}-{language}.png")
                page.locator(".breakdowns").screenshot(path=f"{SHOTS}/door-breakdowns-{size}-{language}.png")
            assert axe(page) == [], ("dashboard doors", size, language)
        page.locator("#language").select_option("en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
    assert errors == []
