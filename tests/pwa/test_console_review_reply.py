"""A reply on the Review screen is changed and then taken back by an organizer, and the volunteer's phone learns
each through sync: the new words, then no reply at all. The reply box with its "take back" button is axe clean at
both sizes in both languages."""

import os

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import PHONE, log_conversation, sign_in
from tests.pwa.test_console import SIZES, axe, console_sign_in
from tests.pwa.test_console_review import card, cards, crew, reviews  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")


def sync_and_read(phone):
    """Sync the phone and answer what its home screen says about the conversation with Cleo."""
    phone.get_by_role("button", name="Sync now").click()
    expect(phone.locator("#sync-pending")).to_have_text("Everything is sent.")
    return phone.locator("#conversations .conversation", has_text="Cleo again")


def test_a_reply_changed_then_taken_back_reaches_the_volunteers_phone(browser, base_url, live_server,
                                                                      crew):  # noqa: F811
    campaign, vera = crew["campaign"], crew["vera"]
    phone_context = browser.new_context(base_url=base_url, **PHONE)
    phone = phone_context.new_page()
    desk = browser.new_context(base_url=base_url, **SIZES["desktop"])
    try:
        sign_in(phone, vera)
        # her people come down with the first sync: before it ends, the log screen has no one to search
        expect(phone.locator("#sync-pending")).to_have_text("Everything is sent.")
        log_conversation(phone, "Cleo P.", notes="Cleo again: asked about the bus line.")
        expect(phone.locator("#sync-pending")).to_have_text("Everything is sent.", timeout=15_000)

        page = desk.new_page()
        console_sign_in(page, crew["organizer"])
        page.goto(f"/console/{campaign}/review")
        latest = cards(page).first
        expect(latest).to_contain_text("Cleo again")
        latest.get_by_role("button", name="Reply").click()
        expect(latest.locator(".reply-clear")).to_have_count(0)  # nothing to take back yet
        latest.get_by_label("Your reply to the volunteer").fill("Thanks! The bus runs on Sundays.")
        latest.get_by_role("button", name="Send the reply").click()
        expect(latest.locator(".review-reply")).to_contain_text("Thanks! The bus runs on Sundays.")
        expect(sync_and_read(phone)).to_contain_text("Organizer’s reply: Thanks! The bus runs on Sundays.")

        # changed: the phone shows the new words
        latest.get_by_role("button", name="Change the reply").click()
        box = latest.get_by_label("Your reply to the volunteer")
        expect(box).to_have_value("Thanks! The bus runs on Sundays.")
        box.fill("Thanks! The bus runs on Sundays, and route 4 on Saturdays.")
        latest.get_by_role("button", name="Send the reply").click()
        expect(latest.locator(".review-reply")).to_contain_text("route 4 on Saturdays")
        item = sync_and_read(phone)
        expect(item).to_contain_text("Organizer’s reply: Thanks! The bus runs on Sundays, and route 4 on Saturdays.")

        # taken back: the card says no reply, the server holds none, the phone stops showing it
        latest.get_by_role("button", name="Change the reply").click()
        latest.get_by_role("button", name="Take the reply back").click()
        expect(page.locator("#toasts")).to_contain_text("Reply taken back. Vera Volunteer’s phone stops showing it")
        expect(latest.locator(".review-reply")).to_have_count(0)
        expect(latest.get_by_role("button", name="Reply")).to_be_visible()
        assert reviews(live_server, campaign, vera)["Cleo again: asked about the bus line."][2] == ""
        item = sync_and_read(phone)
        expect(item).to_contain_text("Cleo again")
        expect(item.locator(".reply")).to_have_count(0)
        expect(item).not_to_contain_text("Organizer’s reply")

        # Undo puts the same words back
        latest.get_by_role("button", name="Reply").click()
        latest.get_by_label("Your reply to the volunteer").fill("One more thing.")
        latest.get_by_role("button", name="Send the reply").click()
        latest.get_by_role("button", name="Change the reply").click()
        latest.get_by_role("button", name="Take the reply back").click()
        expect(latest.locator(".review-reply")).to_have_count(0)  # taken back: its toast is up, the newest
        # the first take-back's toast may still be showing its own Undo (10 s): that one would put its words back
        page.locator("#toasts").get_by_role("button", name="Undo").last.click()
        expect(page.locator("#toasts")).to_contain_text("Undone.")
        expect(latest.locator(".review-reply")).to_contain_text("One more thing.")
    finally:
        desk.close()
        phone_context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_reply_box_with_take_back_has_no_violations_in_either_language(browser, base_url, live_server,
                                                                           crew, size):  # noqa: F811
    live_server.review(crew["campaign"], crew["organizer"], crew["ids"]["Ana"], review_reply="Nice work.")
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])  # axe is injected
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, crew["organizer"])
        page.goto(f"/console/{crew['campaign']}/review")
        for language in ("en", "es"):
            page.locator("#language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            ana = card(page, "Ana Lopez")
            if not ana.locator(".reply-clear").count():
                ana.locator(".reply-open").click()
            ana.locator(".reply-clear").scroll_into_view_if_needed()
            expect(ana.locator(".reply-clear")).to_be_visible()
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/review-reply-{size}-{language}.png", full_page=True)
            assert axe(page) == [], language
    finally:
        context.close()
    assert errors == []
