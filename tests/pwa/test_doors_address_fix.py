"""A wrong address at the door in Chromium: the volunteer types the number and unit as they found them (with the
result "wrong address", and after a talk), offline like every visit; the organizer reads them on the Turfs screen
beside the voter file's address, at 1280x800 and 390x844 in English and Spanish, axe clean."""

import os

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from tests.pwa.test_console import axe, console_sign_in, unique
from tests.pwa.test_doors import Canvass, next_door, take_offline

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")


def test_a_volunteer_corrects_two_addresses_and_the_organizer_sees_them(browser, base_url, page, live_server,
                                                                        tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    organizer = unique("organizer")
    live_server.member(town.campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    town.turf("Mill Street", range(101, 105), holder=town.membership(town.volunteer))
    take_offline(page, town)
    page.get_by_role("link", name="Open the walk list").click()
    page.locator("#next-door").click()
    expect(page.locator("#door-title")).to_have_text("101 MILL ST")

    page.context.set_offline(True)  # a basement: the corrections wait on the phone like any visit
    try:
        voter = page.locator(".door-voter").first
        voter.locator("[data-result=wrong_address]").click()
        fix = voter.locator("form.second-step")
        fix.get_by_label("House number as found").fill("1O1")
        fix.get_by_label("Unit as found (apartment, floor)").fill("Rear cottage")
        fix.get_by_role("button", name="Save").click()
        expect(voter.locator(".visit .visit-what")).to_contain_text("Wrong address · Found: 1O1 Rear cottage")
        expect(voter.locator(".visit .state")).to_have_text("Waiting to be sent")
        next_door(page, lambda: page.locator("#door-next").click())
        voter = page.locator(".door-voter").first
        voter.locator("[data-result=talked]").click()
        voter.get_by_role("button", name="2: Leaning support", exact=True).click()
        voter.locator("details.address-fix summary").click()
        voter.locator("details.address-fix").get_by_label("Unit as found (apartment, floor)").fill("APT 2")
        voter.locator("details.address-fix").get_by_role("button", name="Save the address").click()
        expect(voter.locator(".visit .visit-what")).to_contain_text("Found: APT 2")
    finally:
        page.context.set_offline(False)
    expect(page.locator(".visit .state.sent")).to_have_count(1)  # this door's talk, sent once back online

    page.context.close()  # the organizer, on a laptop of their own
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    console_sign_in(page, organizer)
    for size in ({"width": 1280, "height": 800}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        for language in ("en", "es"):
            page.locator("#language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.goto(f"/console/{town.campaign}/turfs")
            rows = page.locator("#corrections-table tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.nth(0).locator("th")).to_have_text("103 MILL ST 27701")
            expect(rows.nth(0).locator("td").nth(0)).to_have_text("APT 2")
            expect(rows.nth(0).locator("td").nth(2)).to_have_text("Mill Street")
            expect(rows.nth(1).locator("td").nth(0)).to_have_text("1O1 Rear cottage")
            page.locator("#corrections").scroll_into_view_if_needed()
            if SHOTS:
                page.locator("#corrections").screenshot(
                    path=f"{SHOTS}/corrections-{size['width']}-{language}.png")
            assert axe(page) == [], ("turfs with corrections", size, language)
    page.locator("#language").select_option("en")
    context.close()
