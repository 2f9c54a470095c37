"""Toasts say something and go; they never stand between a volunteer and what they came to do."""

import time

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import ADDRESS_BOOK, PHONE, sign_in, vcard

pytestmark = pytest.mark.browser


def test_find_my_people_can_be_tapped_while_the_ready_to_work_offline_toast_shows(browser, live_server):
    """On a 360 x 740 phone the toast sat over "Find my people" for five seconds, and a tap there hit the toast."""
    campaign = live_server.campaign(f"Toast Town {time.monotonic_ns()}")
    email = f"toast-{time.monotonic_ns()}@example.org"
    live_server.member(campaign, email, name="Tess Toast")
    live_server.voters_with(campaign, [("Ana", "Lopez", ["+19195550101"])])
    context = browser.new_context(base_url=live_server.url, **PHONE)
    held = []
    context.route("**/sw.js", lambda route: held.append(route))  # the first install waits until the test says
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    sign_in(page, email)
    page.locator("#nav").get_by_role("link", name="Contacts").click()  # within the page: its register() still waits
    page.locator("#contacts-file").set_input_files(files=[
        {"name": "mine.vcf", "mimeType": "text/vcard", "buffer": vcard(*ADDRESS_BOOK)}])
    expect(page.locator("#contacts-count")).to_have_text("5 contacts on this phone.")
    find = page.locator("#find-people")
    # scrolled to where a volunteer scrolling down first sees all of it: just above the tab bar
    page.evaluate("""() => window.scrollBy(0, document.getElementById('find-people').getBoundingClientRect().bottom
        - document.getElementById('nav').getBoundingClientRect().top)""")
    deadline = time.monotonic() + 15
    while not held:  # workbox-window registers once the page has loaded
        assert time.monotonic() < deadline, "the service worker was never requested"
        page.wait_for_timeout(50)
    held[0].continue_()
    toast = page.locator("#toasts .toast", has_text="Ready to work offline")
    expect(toast).to_be_visible()
    box, over = find.bounding_box(), toast.bounding_box()
    assert over["y"] < box["y"] + box["height"] / 2 < over["y"] + over["height"], "the toast is not over the button"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a real tap there, not a JS click
    expect(toast).to_be_visible()  # the toast was still showing when the tap went through
    expect(page.locator("#match-status")).to_have_text("Found 1 person you may know.", timeout=30_000)
    context.close()
    assert errors == []
