"""A volunteer joins by invite and signs in on a phone-sized screen, in real Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_volunteer_joins_by_invite_link_and_lands_signed_in(page: Page, live_server):
    code = live_server.invite(live_server.campaign("Rivertown for All"))
    page.goto(f"/join/{code}")
    expect(page.get_by_text("Rivertown for All")).to_be_visible()
    page.fill("#join-name", "Ana Example")
    page.fill("#join-email", "ana.joins@example.org")
    page.fill("#join-password", PASSWORD)
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#home")).to_be_visible()
    expect(page.locator("#home")).to_contain_text("Ana Example")
    expect(page.locator("#home")).to_contain_text("Rivertown for All")


def test_volunteer_signs_in_and_stays_signed_in_after_a_reload(page: Page, live_server):
    live_server.member(live_server.campaign("Hilltop"), "ben@example.org", name="Ben Example")
    page.goto("/signin")
    page.get_by_label("Email").fill("ben@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    expect(page.locator("#home")).to_contain_text("Ben Example")
    # the access token lives only in memory: a reload signs in again through the refresh cookie
    page.reload()
    expect(page.locator("#home")).to_contain_text("Hilltop")
    assert "access_token" not in page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    page.locator("#signout").click()
    expect(page.locator("#signin-form")).to_be_visible()
    page.reload()
    expect(page.locator("#signin-form")).to_be_visible()


def test_wrong_password_shows_the_servers_message(page: Page, live_server):
    live_server.member(live_server.campaign(), "cleo@example.org")
    page.goto("/signin")
    page.get_by_label("Email").fill("cleo@example.org")
    page.get_by_label("Password").fill("not the password")
    page.locator("#signin-form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("wrong e-?mail or password", re.I))


def test_an_expired_or_unknown_invite_says_so(page: Page, live_server):
    page.goto("/join/no-such-code")
    expect(page.get_by_role("main")).to_contain_text(re.compile("not valid", re.I))


def test_spanish_from_the_first_screen(page: Page, live_server):
    page.goto("/signin")
    page.locator("#language").select_option("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#signin-form button[type=submit]")).to_have_text(re.compile("Iniciar sesión|Entrar", re.I))
