"""The priority column in Chromium: an owner names it on the Settings screen; the Voter file screen's preview says
priority is read from it, its picker shows it, a column picked for the upload wins, and a file without it gets a
warning naming the column (in the organizer's language), not an error. Axe clean at both sizes in both languages."""

import os

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from tests.pwa.test_console import SIZES, axe, console_sign_in, unique
from tests.pwa.test_console_voter_file import choose, open_screen

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")

WITH_COLUMN = (b"voter_id,first_name,last_name,Universe 2026,target\n"
               b"P1,Ana,Lopez,Y,0\nP2,Ben,Okafor,,1\nP3,Cleo,Park,yes,0\n")
WITHOUT_COLUMN = b"voter_id,first_name,last_name\nP1,Ana,Lopez\nP2,Ben,Okafor\n"


@pytest.fixture
def owners_campaign(live_server):
    campaign = live_server.campaign("Priority Campaign")
    email = unique("owner")
    live_server.member(campaign, email, Role.OWNER, name="Olga Owner")
    return campaign, email


def test_an_owner_names_the_priority_column_and_the_preview_reads_it(page, owners_campaign):
    campaign, email = owners_campaign
    console_sign_in(page, email)
    page.goto(f"/console/{campaign}/settings")
    page.locator("#settings-priority").fill("Universe 2026")
    page.locator("#settings-form button[type=submit]").click()
    expect(page.locator(".toast").first).to_contain_text("Settings saved")
    page.goto(f"/console/{campaign}/activity")
    expect(page.locator("#activity-list .event").first).to_contain_text("changed the settings")

    open_screen(page, campaign)
    choose(page, WITH_COLUMN)
    expect(page.locator("#preview-priority")).to_contain_text("Priority voters are read from the column "
                                                              "“Universe 2026”")
    expect(page.locator("#preview-warnings")).to_have_count(0)
    universe = page.locator("#preview-columns tbody tr", has_text="Universe 2026").locator("select")
    target = page.locator("#preview-columns tbody tr", has_text="target").locator("select")
    expect(universe).to_have_value("priority")
    expect(target).to_have_value("")
    target.select_option("priority")  # picked for this upload: it wins
    expect(page.locator("#preview-priority")).to_have_count(0)
    expect(universe).to_have_value("")

    choose(page, WITHOUT_COLUMN, "old.csv")
    expect(page.locator("#preview-warnings")).to_contain_text("This file has no column “Universe 2026”")
    expect(page.locator("#preview-problem")).to_have_count(0)
    expect(page.locator("#start-import")).to_be_enabled()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_priority_column_on_settings_and_preview_has_no_violations(browser, base_url, owners_campaign, size,
                                                                       language, live_server):
    campaign, email = owners_campaign
    live_server.configure(campaign, priority_column="Universe 2026")
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])  # axe is injected
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    def scan(name, ready):
        expect(page.locator(ready).first).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/priority-{name}-{size}-{language}.png", full_page=True)
        assert axe(page) == [], name

    try:
        console_sign_in(page, email, language=language)
        page.goto(f"/console/{campaign}/settings")
        expect(page.locator("#settings-priority")).to_have_value("Universe 2026")
        scan("settings", "#settings-priority")
        open_screen(page, campaign)
        choose(page, WITH_COLUMN)
        scan("preview", "#preview-priority")
        choose(page, WITHOUT_COLUMN, "old.csv")
        if language == "es":
            expect(page.locator("#preview-warnings")).to_contain_text("no tiene la columna «Universe 2026»")
        scan("warning", "#preview-warnings")
    finally:
        context.close()
    assert errors == []
