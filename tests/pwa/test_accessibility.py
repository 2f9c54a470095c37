"""axe-core finds no WCAG 2.x A/AA violations on any screen, in both languages, on a phone (light, dark), at 1280 px."""

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import ResetOrigin, User
from server.auth.reset import make_link
from server.extensions import db
from tests.pwa.conftest import PHONE, log_conversation, sign_in, vcard, wait_for_service_worker

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(params=[("light", PHONE), ("dark", PHONE), ("light", DESKTOP)], ids=["light", "dark", "desktop"])
def scan(request, browser, base_url):
    """Every screen on a phone in both colour schemes, and at 1280 px (where the tabs are a side navigation)."""
    scheme, size = request.param
    # axe is injected as an inline script, which the app's strict CSP would rightly block
    context = browser.new_context(base_url=base_url, bypass_csp=True, color_scheme=scheme, **size)
    page = context.new_page()

    def run(path, ready_selector, language):
        if path is not None:  # None: scan what is on screen now
            page.goto(path)
        if language == "es" and page.locator("html").get_attribute("lang") != "es":
            page.locator("#language").select_option("es")
            expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator(ready_selector)).to_be_visible()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
        return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]

    run.page = page
    yield run
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_sign_in_screen_has_no_violations(scan, language):
    assert scan("/signin", "#signin-form", language) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_not_found_and_password_reset_screens_have_no_violations(scan, live_server, language):
    assert scan("/no-such-page", "#not-found", language) == []
    assert scan("/reset", "#reset", language) == []  # no mail server here: "ask an organizer"
    campaign = live_server.campaign("Accessible Reset")
    email = f"a11y-reset-{language}-{uuid.uuid4().hex}@example.org"
    live_server.member(campaign, email)
    with live_server.app.app_context():
        link = make_link(db.session.execute(select(User).where(User.email == email)).scalar_one(), ResetOrigin.OPERATOR)
        db.session.commit()
    assert scan(f"/reset/{link['token']}", "#reset-form", language) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_join_screen_has_no_violations(scan, live_server, language):
    code = live_server.invite(live_server.campaign("Accessible Campaign"))
    assert scan(f"/join/{code}", "#join-form", language) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_home_with_a_log_waiting_and_the_log_screen_have_no_violations(scan, live_server, language):
    campaign = live_server.campaign("Accessible Logs")
    email = f"a11y-{language}-{uuid.uuid4().hex}@example.org"
    live_server.member(campaign, email)
    live_server.relationship(campaign, email, live_server.voter(campaign), notes="Maria, my aunt")
    page = scan.page
    sign_in(page, email)
    wait_for_service_worker(page)  # it serves /log to a direct visit
    expect(page.locator("#sync-last")).to_contain_text("Last synced")
    page.context.set_offline(True)
    log_conversation(page, "Maria, my aunt", notes="Talked about the bus line.")
    assert scan("/", "#conversations .conversation", language) == []
    page.locator("#signout").click()  # a log is waiting: the sign-out question
    assert scan(None, "dialog", language) == []
    page.keyboard.press("Escape")
    assert scan("/log", "#log-form", language) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_contacts_people_person_and_privacy_screens_have_no_violations(scan, live_server, language):
    campaign = live_server.campaign("Accessible People")
    live_server.configure(campaign, talking_points={"en": ["Ask what matters to them."]},
                          issue_tags=["housing", "transit"])
    live_server.voters_with(campaign, [("Ana", "Lopez", ["+19195550101"]), ("Ben", "Okafor", ["+19195550102"])])
    email = f"a11y-people-{language}-{uuid.uuid4().hex}@example.org"
    live_server.member(campaign, email)
    page = scan.page
    sign_in(page, email)
    page.goto("/contacts")
    page.locator("#contacts-file").set_input_files(files=[{"name": "mine.vcf", "mimeType": "text/vcard",
        "buffer": vcard(("Ana Lopez", ["(919) 555-0101"], []), ("Ben O", ["919 555 0102"], []))}])
    page.locator("#find-people").click()
    expect(page.locator("#matches .match-card")).to_have_count(2, timeout=30_000)
    page.locator("#help-iphone summary").click()
    page.locator("#help-android summary").click()
    assert scan(None, "#matches", language) == []
    page.locator("#matches .match-card").first.locator("button.confirm").click()
    expect(page.locator("#matches .match-card")).to_have_count(1)
    assert scan("/people", "#people", language) == []
    page.locator("#people .person a").first.click()
    page.locator("#about-fold summary").click()  # every fold open: axe skips what is folded away
    assert scan(None, "#about-form", language) == []
    page.locator("#log-person-link").click()
    page.locator("#log-more summary").click()
    assert scan(None, "#log-issues", language) == []
    assert scan("/privacy", "#privacy-delete-contacts", language) == []
