"""What a person asked travels, in Chromium: a volunteer at a door with no signal records that the person asked not
to be contacted at the door or by text; back online it syncs, and another volunteer who knows that person sees it on
their phone, without the Text link. Both screens are scanned with axe and photographed in both languages."""

import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.extensions import db
from server.preferences.models import ContactPreference
from server.voters.models import Voter
from tests.pwa.conftest import idb_all, idb_put, sign_in, wait_for_service_worker
from tests.pwa.test_console import axe
from tests.pwa.test_doors import Canvass, take_offline

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-prefs")
WIDE = {"width": 1280, "height": 800}


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def recorded(live, campaign_id, timeout=20.0) -> ContactPreference:
    """The server's row once the phone's sync has sent it."""
    deadline = time.monotonic() + timeout
    while True:
        with live.app.app_context():
            row = db.session.execute(select(ContactPreference).where(
                ContactPreference.campaign_id == campaign_id)).scalar_one_or_none()
        if row is not None:
            return row
        assert time.monotonic() < deadline, "the preference never reached the server"
        time.sleep(0.1)


def in_both_languages(page, name, check):
    """Check the screen, scan it and photograph it at 360 px and 1280 px, in English then Spanish."""
    for language in ("en", "es"):
        page.locator("#language").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        check(language)
        for size, viewport in (("360", {"width": 360, "height": 800}), ("1280", WIDE)):
            page.set_viewport_size(viewport)
            shoot(page, f"{name}-{size}-{language}")
        assert axe(page) == [], f"{name} in {language}"
    page.set_viewport_size({"width": 360, "height": 800})


def a_phone(browser, base_url, errors):
    """A volunteer's phone; its page bypasses the CSP only so that axe, an inline script, can run."""
    page = browser.new_context(base_url=base_url, bypass_csp=True, viewport={"width": 360, "height": 800},
                               is_mobile=True, has_touch=True).new_page()
    page.on("pageerror", lambda error: errors.append(error))
    return page


def test_no_door_no_text_recorded_offline_reaches_another_volunteers_phone(browser, base_url, live_server, tmp_path):
    errors = []
    page = a_phone(browser, base_url, errors)
    town = Canvass(live_server, tmp_path, doors=2, basemap=False)
    with live_server.app.app_context():
        ana = db.session.execute(select(Voter.public_id).where(Voter.campaign_id == town.campaign,
                                                               Voter.house_number == "101")).scalar_one()
        other_id = db.session.execute(select(User.id).where(User.email == town.other)).scalar_one()
    town.turf("Mill Street", [101, 102], holder=town.membership(town.volunteer))
    relationship = live_server.relationship(town.campaign, town.other, str(ana))  # Otto knows Ana

    take_offline(page, town)  # Vera, with the walk list on her phone
    wait_for_service_worker(page)
    page.context.set_offline(True)
    try:
        page.reload()
        page.get_by_role("link", name="Open the walk list").click()
        page.locator("#next-door").click()
        voter = page.locator(".door-voter").first
        voter.locator("[data-result=asked]").click()
        form = voter.locator("form.asked-form")
        shoot(page, "door-asking-360-en")
        form.get_by_label("At the door").check()
        form.get_by_label("By text").check()
        form.get_by_role("button", name="Save what they asked").click()
        expect(voter.locator(".asked").first).to_have_text("Asked not to be contacted by text, at the door.")
        expect(voter.locator(".do-not-knock-line")).to_have_text("Do not knock for them.")
        expect(voter.locator("[data-result=talked]")).to_have_count(0)  # no results for a door not to knock
        assert [op["entity"] for op in idb_all(page, "outbox")] == ["contact_preference"]
        expect(page.locator("#toasts .toast")).to_have_count(0, timeout=10_000)
        in_both_languages(page, "door", lambda language: expect(voter.locator(".do-not-knock-line")).to_have_text(
            {"en": "Do not knock for them.", "es": "No toques a su puerta."}[language]))
    finally:
        page.context.set_offline(False)
    row = recorded(live_server, town.campaign)  # sent once back online
    assert (row.no_door, row.no_text, row.no_call, row.no_contact, row.recorded_from) == (
        True, True, False, False, "door")

    page.context.close()  # Otto, on his own phone, with Ana's number in his contacts
    other = a_phone(browser, base_url, errors)
    sign_in(other, town.other)
    contact_id = str(uuid.uuid4())
    other.goto(f"/people/{relationship}")
    expect(other.locator("#about-form")).to_be_visible()  # the relationship has been pulled (the title shows at once)
    idb_put(other, "contacts", {"id": contact_id, "user_id": other_id, "name": "Ana Family0",
                                "phones": [{"value": "(919) 555-0101"}], "emails": []})
    record = next(r for r in idb_all(other, "records") if r["entity_id"] == relationship)
    idb_put(other, "records", {**record, "local": {**record.get("local", {}), "contact_id": contact_id}})
    other.reload()  # and the sync at start pulls what Vera recorded
    expect(other.locator("#person-asked")).to_have_text("Asked not to be contacted by text, at the door.")
    expect(other.locator("a[href^='sms:']")).to_have_count(0)
    expect(other.locator("a[href^='tel:']")).to_have_attribute("href", "tel:9195550101")  # a call is still fine
    in_both_languages(other, "person", lambda language: expect(other.locator("#person-asked")).to_have_text({
        "en": "Asked not to be contacted by text, at the door.",
        "es": "Pidió que no le contacten por mensaje, en la puerta."}[language]))
    other.context.close()
    assert errors == []
