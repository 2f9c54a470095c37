"""A way back in after a forgotten password, as the person who forgot it meets it in the app."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import ResetOrigin, User
from server.auth.reset import make_link
from server.extensions import db
from tests.pwa.conftest import sign_in

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a whole new password"


def reset_link(live_server, email) -> str:
    """A link as an organizer would make one (or `flask kin reset-link`): its path in the app."""
    with live_server.app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        link = make_link(user, ResetOrigin.OPERATOR)
        db.session.commit()
        return f"/reset/{link['token']}"


def test_a_reset_link_greets_them_takes_a_new_password_and_signs_them_in_once(page, live_server):
    campaign = live_server.campaign("Reset Campaign")
    live_server.member(campaign, "forgetful@example.org", name="Fran Forgetful")
    link = reset_link(live_server, "forgetful@example.org")
    page.goto(link)
    expect(page.locator("#reset")).to_contain_text("Hi Fran Forgetful.")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.locator("#reset-password-error")).to_have_text("Use at least 8 characters.")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.locator("#home-title")).to_have_text("Hello, Fran Forgetful")
    page.locator("#signout").click()
    page.locator("#signin").wait_for()
    sign_in(page, "forgetful@example.org", NEW_PASSWORD)
    page.goto(link)  # a link works once
    expect(page.locator("#reset")).to_contain_text("This link was already used.")


def test_forgot_password_says_to_ask_an_organizer_where_the_server_sends_no_mail(page):
    page.goto("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("#reset")).to_contain_text("Ask an organizer of your campaign to make you a reset link.")
    page.locator("#language").select_option("es")
    expect(page.locator("#reset")).to_contain_text("Pide al equipo organizador de tu campaña")
    page.goto("/reset/not-a-real-token")
    expect(page.locator("#reset")).to_contain_text("no es válido")
