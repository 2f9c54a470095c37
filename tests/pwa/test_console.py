"""The organizer console in Chromium: every screen at 1280x800 and 390x844 in both languages with axe clean, and the
flows it exists for: inviting someone who then joins, Spanish talking points reaching a Spanish-speaking volunteer,
a reset link that works, and a volunteer refused at /console without any of its code or data."""

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from tests.conftest import PASSWORD
from tests.pwa.conftest import PHONE, sign_in

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
JSQR = ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 800}},
         "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                   "has_touch": True}}
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")  # a folder: save a picture of each screen scanned


def read_qr(page, selector: str) -> str | None:
    """What the QR code drawn as SVG at ``selector`` says, read back from its pixels by a decoder of its own."""
    page.add_script_tag(path=str(JSQR))
    return page.evaluate("""async (selector) => {
      const svg = document.querySelector(selector);
      const image = new Image();
      image.src = 'data:image/svg+xml,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      await image.decode();
      const canvas = Object.assign(document.createElement('canvas'), {width: 400, height: 400});
      const draw = canvas.getContext('2d');
      draw.fillStyle = '#fff';
      draw.fillRect(0, 0, 400, 400);
      draw.drawImage(image, 0, 0, 400, 400);
      return jsQR(draw.getImageData(0, 0, 400, 400).data, 400, 400)?.data ?? null;
    }""", selector)


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.org"


def console_sign_in(page, email, password=PASSWORD, language="en") -> None:
    """Sign in on the console's own page (the app's sign-in form, drawn by console.js), in English unless told:
    chosen here, so an account that another test left in Spanish follows this browser."""
    page.goto("/console")
    page.locator("#language").select_option(language)
    page.locator("#signin-email").fill(email)
    page.locator("#signin-password").fill(password)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#console-nav a").first.wait_for()


def axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.fixture(scope="module")
def team(live_server):
    """A campaign with an owner (who owns a second campaign too, so the console asks which), an organizer, a
    volunteer with a person and a conversation, and some history in the audit trail."""
    campaign = live_server.campaign("Console Campaign")
    other = live_server.campaign("Second Campaign")
    owner, organizer, volunteer = unique("owner"), unique("organizer"), unique("volunteer")
    live_server.member(campaign, owner, Role.OWNER, name="Olivia Owner")
    live_server.join(other, owner, Role.OWNER)
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, volunteer, name="Vera Volunteer")
    live_server.configure(campaign, issue_tags=["housing"], talking_points={"en": ["Ask what matters to them."]})
    voter = live_server.voter(campaign, "Maria", "Lopez")
    person = live_server.relationship(campaign, volunteer, voter)
    [result] = live_server.push(campaign, volunteer, [{"entity": "conversation", "entity_id": str(uuid.uuid4()),
        "action": "upsert", "fields": {"relationship_id": person, "channel": "door", "support": 2,
                                       "happened_at": "2026-10-01T10:00:00-04:00", "notes": "Cares about rent."}}])
    assert result["status"] == "applied", result
    live_server.invite(campaign)
    return {"campaign": campaign, "other": other, "owner": owner, "organizer": organizer, "volunteer": volunteer}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_console_screen_has_no_violations(browser, base_url, team, size, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    campaign = team["campaign"]

    def scan(name, ready):
        expect(page.locator(ready).first).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{size}-{language}.png", full_page=True)
        assert axe(page) == [], name

    try:
        page.goto("/console")
        if language == "es":
            page.locator("#language").select_option("es")
            expect(page.locator("html")).to_have_attribute("lang", "es")
        scan("signin", "#signin-form")
        page.locator("#signin-email").fill(team["owner"])
        page.locator("#signin-password").fill(PASSWORD)
        page.locator("#signin-form button[type=submit]").click()
        scan("campaigns", "#campaigns .campaign")  # two campaigns and no choice yet: the picker
        page.locator("#campaigns a", has_text="Console Campaign").click()
        expect(page.locator("#dashboard h1")).to_be_visible()  # a campaign opens on its dashboard
        page.locator("#console-nav a[href$='/volunteers']").click()
        expect(page.locator("#roster")).to_be_visible()
        page.locator("#invite-list .invite").first.locator(".show-qr").click()
        expect(page.locator("#invite-list .qr svg").first).to_be_visible()
        scan("volunteers", "#roster tbody tr")
        page.locator("#roster a", has_text="Vera Volunteer").click()
        expect(page.locator("#volunteer-people li")).to_have_count(1)
        page.locator("#make-reset-link").click()
        page.locator("#reset-link .show-qr").click()
        scan("volunteer", "#reset-link .qr svg")
        page.goto(f"/console/{campaign}/settings")
        scan("settings", "#settings-form")
        page.goto(f"/console/{campaign}/activity")
        scan("activity", "#activity-list .event")
        page.goto("/console/no/such/screen")
        scan("not-found", "#not-found")
    finally:
        context.close()
    assert errors == []


def test_the_console_remembers_the_campaign_chosen(page, team):
    console_sign_in(page, team["owner"])
    page.locator("#campaigns a", has_text="Second Campaign").click()
    expect(page.locator("#nav-campaign")).to_have_text("Second Campaign")
    page.goto("/console")  # straight to it, without asking again
    expect(page.locator("#nav-campaign")).to_have_text("Second Campaign")
    assert page.url == f"{page.url.split('/console')[0]}/console/{team['other']}/dashboard"


def test_an_organizer_invites_someone_who_joins_with_the_link(browser, base_url, live_server, team):
    # the QR decoder is injected as an inline script, which the console's CSP (rightly) refuses
    organizer = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, bypass_csp=True)
    organizer.grant_permissions(["clipboard-read", "clipboard-write"])
    page = organizer.new_page()
    console_sign_in(page, team["organizer"])
    page.locator("#console-nav a[href$='/volunteers']").click()
    page.locator("#invite-uses").fill("2")
    page.locator("#invite-days").fill("3")
    page.locator("#invite-form button[type=submit]").click()
    made = page.locator("#invite-list .invite").first
    expect(made).to_contain_text("used 0 of 2")
    link = made.locator(".share-url").input_value()
    assert link.startswith(f"{base_url}/join/")
    made.locator(".copy").click()
    expect(page.locator("#toasts")).to_contain_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    # the QR code shown is the link: read back from its pixels by a decoder of its own
    made.locator(".show-qr").click()
    decoded = read_qr(page, "#invite-list .qr svg")
    assert decoded == link

    newcomer = browser.new_context(base_url=base_url, **PHONE)
    phone = newcomer.new_page()
    phone.goto(link)
    phone.get_by_label("Your name").fill("Nina Newcomer")
    phone.get_by_label("Email").fill(unique("newcomer"))
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Join").click()
    phone.locator("#home").wait_for()
    newcomer.close()

    page.reload()
    expect(page.locator("#roster tbody tr", has_text="Nina Newcomer")).to_contain_text("Volunteer")
    expect(page.locator("#invite-list .invite").first).to_contain_text("used 1 of 2")
    organizer.close()


def test_an_owner_changes_the_spanish_talking_points_and_a_spanish_volunteer_sees_them(browser, base_url,
                                                                                     live_server, team):
    campaign = team["campaign"]
    owner = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = owner.new_page()
    console_sign_in(page, team["owner"])
    page.goto(f"/console/{campaign}/settings")
    page.locator("#settings-points-es").fill("Pregunta qué le importa.\nEscucha más de lo que hablas.")
    page.locator("#settings-template-es").fill("¡Hola, {name}! ¿Hablamos esta semana?")
    page.locator("#settings-form button[type=submit]").click()
    expect(page.locator("#toasts")).to_contain_text("Settings saved.")
    page.goto(f"/console/{campaign}/activity")
    expect(page.locator("#activity-list .event").first).to_contain_text("changed the settings")
    owner.close()

    email = unique("hablante")
    live_server.member(campaign, email, name="Lucía Voluntaria", language="es")
    person = live_server.relationship(campaign, email, live_server.voter(campaign, "Rosa", "Diaz"))
    volunteer = browser.new_context(base_url=base_url, **PHONE)
    phone = volunteer.new_page()
    sign_in(phone, email)
    expect(phone.locator("html")).to_have_attribute("lang", "es")  # the account's language
    expect(phone.locator("#sync-last")).to_contain_text("Última sincronización")  # the person came down
    phone.locator('#nav a[href="/people"]').click()
    phone.locator(f'#people a[href="/people/{person}"]').click()
    expect(phone.locator("#ideas li")).to_have_text(["Pregunta qué le importa.", "Escucha más de lo que hablas."])
    expect(phone.locator("#message")).to_have_value("¡Hola, Rosa! ¿Hablamos esta semana?")
    # in English the English points, which the campaign already had
    phone.locator("#language").select_option("en")
    expect(phone.locator("#ideas li")).to_have_text(["Ask what matters to them."])
    volunteer.close()


def test_an_organizer_makes_a_reset_link_that_works(browser, base_url, live_server, team):
    email = unique("forgetful")
    live_server.member(team["campaign"], email, name="Fern Forgetful")
    organizer = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = organizer.new_page()
    console_sign_in(page, team["organizer"])
    page.locator("#console-nav a[href$='/volunteers']").click()
    page.locator("#roster a", has_text="Fern Forgetful").click()
    page.locator("#make-reset-link").click()
    expect(page.locator("#reset-link")).to_contain_text("It works once")
    link = page.locator("#reset-url").input_value()
    assert "/reset/" in link
    # an organizer reads the settings; only owners change them
    page.goto(f"/console/{team['campaign']}/settings")
    expect(page.locator("#settings-read-only")).to_contain_text("Ask what matters to them.")
    assert page.locator("#settings-form").count() == 0
    assert axe(page) == []
    organizer.close()

    person = browser.new_context(base_url=base_url, **PHONE)
    phone = person.new_page()
    phone.goto(link)
    expect(phone.locator("#reset")).to_contain_text("Fern Forgetful")
    phone.locator("#reset-password").fill("a brand new passphrase")
    phone.locator("#reset-form button[type=submit]").click()
    phone.locator("#home").wait_for()
    person.close()
    # the new password signs in; the old one no longer does
    check = browser.new_context(base_url=base_url, **PHONE)
    sign_in(check.new_page(), email, "a brand new passphrase")
    check.close()


def test_an_organizer_goes_from_the_app_to_the_console_and_back(page, team):
    sign_in(page, team["organizer"])
    page.locator("#console-link").click()
    expect(page.locator("#dashboard h1")).to_be_visible()  # their one campaign's dashboard, straight away
    assert page.url.endswith(f"/console/{team['campaign']}/dashboard")
    page.locator("#console-nav a", has_text="Volunteer app").click()
    page.locator("#home").wait_for()


def test_a_volunteer_sees_no_way_to_the_console_in_the_app(page, team):
    sign_in(page, team["volunteer"])
    expect(page.locator("#home .campaign")).to_have_count(1)
    assert page.locator("#console-link").count() == 0


def test_a_volunteer_at_the_console_gets_none_of_its_code_or_data(browser, base_url, team):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, team["volunteer"])  # in the app: the refresh cookie's copy for /console is set
    page.goto("about:blank")  # the app's page is gone, and its sync loop with it
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/console/1/volunteers")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("This part of Kin is for organizers")
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if url.endswith(".js") or "/api/" in url] == []  # no script, no data
    assert axe(page) == []
    page.locator("a.button", has_text="Go to the Kin app").click()
    page.locator("#home").wait_for()
    context.close()


def test_a_volunteer_the_server_cannot_name_is_refused_before_any_screen_loads(browser, base_url, team):
    """Signed in on this browser but without the /console cookie (a link from another site does not carry it):
    console.js asks who it is and shows the refusal, loading none of the console's screens."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, team["volunteer"])
    context.clear_cookies(name="refresh_token_cookie", path="/console")
    page.goto("about:blank")  # the app's page is gone, and its sync loop with it
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    assert page.goto("/console/1/volunteers").status == 200  # the server could not tell
    expect(page.locator("#console-refused h1")).to_have_text("This part of Kin is for organizers")
    api = [url.split("/api")[1] for url in requests if "/api/" in url]
    assert api == ["/auth/refresh", "/me"]
    shell = [url for url in requests if "/chunks/shell-" in url or "/chunks/volunteers-" in url]
    assert shell == []
    context.close()


# the QR code's chunk is not among them: the app shows a volunteer's contact card as one at the door
CONSOLE_CHUNKS = ("shell", "volunteers", "volunteer", "settings", "activity", "campaigns", "console-es")


def test_the_service_worker_never_precaches_the_consoles_code():
    """A volunteer's phone installs the app's service worker, whose precache would download whatever it lists."""
    static = ROOT / "static"
    precached = set(re.findall(r'"url":"([^"]+)"', (static / "sw.js").read_text()))
    console = {f"chunks/{path.name}" for path in (static / "chunks").glob("*.js")
               if path.name.rsplit("-", 1)[0] in CONSOLE_CHUNKS}
    assert len(console) == len(CONSOLE_CHUNKS)  # the console's screens were built, under these names
    assert "app.js" in precached and "chunks/" + next(
        p.name for p in (static / "chunks").glob("signin-*.js")) in precached
    assert precached & (console | {"console.js", "console.html", "console.css"}) == set()
