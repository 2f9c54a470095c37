"""The Privacy page's own rights, in Chromium: it says when each campaign deletes notes; Download my data saves a zip
that holds what the volunteer wrote; Delete my account says what happens to their records before they confirm,
then signs them out for good. Screenshots at 360 px in English and Spanish (axe scans the page in
tests/pwa/test_accessibility.py)."""

import json
import time
import zipfile
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.auth.models import User
from server.campaigns.models import Campaign, DepartedRecords, Role
from server.extensions import db
from server.sync_api.models import SyncRecord
from tests.conftest import PASSWORD
from tests.pwa.conftest import sign_in
from tests.pwa.test_console import console_sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 800}


def a_volunteer(live_server, language):
    campaign = live_server.campaign(f"Rivertown {time.monotonic_ns()}")
    live_server.configure(campaign, election_day=date(2026, 11, 3), departed_records=DepartedRecords.DELETE)
    email = f"vol-{time.monotonic_ns()}@example.org"
    live_server.member(campaign, email, name="Vera Volunteer", language=language)
    live_server.relationship(campaign, email, live_server.voter(campaign), notes="Met her at the bakery.")
    return campaign, email


def test_a_volunteer_downloads_their_data_then_deletes_their_account(page, live_server):
    page.set_viewport_size(PHONE)
    campaign, email = a_volunteer(live_server, "en")
    sign_in(page, email)
    page.goto("/privacy")
    retention = page.locator("#privacy-retention")
    assert "notes are deleted on February 1, 2027, 90 days after election day" in retention.inner_text()
    assert "deletes the conversations and visits you logged" in page.locator("#privacy-account-records").text_content()
    page.screenshot(path="/tmp/rights-privacy-en-360.png", full_page=True)

    with page.expect_download() as saved:
        page.locator("#privacy-download").click()
    assert saved.value.suggested_filename == "kin-my-data.zip"
    with zipfile.ZipFile(saved.value.path()) as archive:
        data = json.loads(archive.read("kin-my-data.json"))
    assert data["account"]["email"] == email
    assert [r["notes"] for r in data["relationships"]] == ["Met her at the bakery."]

    page.locator("#privacy-account summary").click()
    page.get_by_label("Your password, to confirm").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Not your password.").wait_for()
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.locator("#signin-form").wait_for()
    with live_server.app.app_context():
        user = db.session.execute(select(User).where(User.id == data["account"]["id"])).scalar_one()
        assert (user.display_name, user.deleted_at is not None) == ("", True)
        assert db.session.execute(select(func.count()).select_from(SyncRecord).where(
            SyncRecord.campaign_id == campaign)).scalar_one() == 0


def test_the_page_speaks_spanish(page, live_server):
    page.set_viewport_size(PHONE)
    _, email = a_volunteer(live_server, "en")
    sign_in(page, email)
    page.goto("/privacy")
    page.locator("#language").select_option("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.locator("#privacy-account summary").click()
    assert "las notas se borran el" in page.locator("#privacy-retention").inner_text()
    assert "Borrar mi cuenta" in page.locator("#privacy-account").inner_text()
    page.screenshot(path="/tmp/rights-privacy-es-360.png", full_page=True)


def test_an_owner_sets_how_long_notes_are_kept_and_what_departing_records_become(browser, base_url, live_server):
    campaign = live_server.campaign(f"Rivertown {time.monotonic_ns()}")
    owner = f"owner-{time.monotonic_ns()}@example.org"
    live_server.member(campaign, owner, Role.OWNER, name="Olivia Owner")
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    console_sign_in(page, owner)
    page.goto(f"/console/{campaign}/settings")
    expect(page.locator("#settings-retention")).to_have_value("90")
    page.locator("#settings-retention").fill("")  # keep notes
    page.locator("#settings-departed").select_option("delete")
    top = page.locator("#settings-privacy").bounding_box()
    page.screenshot(path="/tmp/rights-console-settings-en-1280.png", full_page=True,
                    clip={"x": 0, "y": top["y"] + page.evaluate("scrollY") - 20, "width": 1280, "height": 420})
    page.locator("#settings-form button[type=submit]").click()
    expect(page.locator("#toasts")).to_contain_text("Settings saved.")
    context.close()
    with live_server.app.app_context():
        saved = db.session.get(Campaign, campaign)
        assert (saved.note_retention_days, saved.departed_records) == (None, DepartedRecords.DELETE)
