"""After one visit, the app shell opens with no network at all."""

import pytest
from playwright.sync_api import Page, expect

from tests.pwa.conftest import wait_for_service_worker

pytestmark = pytest.mark.browser


def test_app_shell_opens_offline_after_the_first_visit(page: Page, live_server):
    page.goto("/signin")
    expect(page.locator("#toasts")).to_contain_text("Ready to work offline")
    wait_for_service_worker(page)
    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    expect(page.locator("#signin-form")).to_be_visible()
    # the network really is gone: the API cannot be reached
    assert page.evaluate("fetch('/api/health').then(() => 'reached', () => 'offline')") == "offline"
