"""The interactive API documentation at /api/docs: a developer can authorize with a token and try a call."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_authorize_with_a_token_then_try_it_out(browser, base_url, live_server):
    campaign = live_server.campaign("Docs Campaign")
    live_server.member(campaign, "docs-reader@example.org", name="Dana Docs")
    token = live_server.app.test_client().post("/api/auth/login", json={
        "email": "docs-reader@example.org", "password": PASSWORD}).json["access_token"]
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/api/docs")
    page.locator("button.authorize").first.click()  # it had no Authorize button: every "Try it out" was a 401
    dialog = page.locator(".auth-container").filter(has_text="bearer")
    dialog.locator("#auth-bearer-value").fill(token)
    dialog.get_by_role("button", name="Apply credentials").click()
    dialog.locator("button.btn-done").click()
    operation = page.locator(".opblock-get").filter(has=page.locator(".opblock-summary-path", has_text="/api/me"))
    operation.first.locator(".opblock-summary").click()
    operation.first.get_by_role("button", name="Try it out").click()
    operation.first.get_by_role("button", name="Execute").click()
    expect(operation.first.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.first.locator(".live-responses-table")).to_contain_text("Dana Docs")
    context.close()
