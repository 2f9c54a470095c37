"""Recruiting at the door, in Chromium: a volunteer offline at a door shows their recruit link as a QR code and
records that the person scanned it; the person joins through the decoded link; the organizer's console shows them
under the volunteer. And the screens it changed, axe clean at both sizes in both languages."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.campaigns.models import Membership, Role
from server.extensions import db
from tests.conftest import PASSWORD
from tests.pwa.conftest import PHONE, idb_all, sign_in, wait_for_service_worker
from tests.pwa.test_console import axe, console_sign_in, read_qr, unique
from tests.pwa.test_doors import Canvass, take_offline, talk

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-recruit")
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def show_invite(page):
    """After a talk at the first voter: open "Invite to volunteer" and show the code; answers the fold."""
    invite = page.locator(".door-voter").first.locator(".invite-share")
    invite.locator("summary").click()
    invite.locator(".show-invite").click()
    expect(invite.locator(".qr svg")).to_be_visible()
    return invite


def recruited_by(live_server, email) -> int | None:
    with live_server.app.app_context():
        return db.session.execute(select(Membership.recruited_by_id).join(User, User.id == Membership.user_id)
                                  .where(User.email == email)).scalar_one()


def test_a_volunteer_offline_at_a_door_invites_someone_who_joins_under_them(browser, base_url, live_server,
                                                                             tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    walker = town.membership(town.volunteer)
    town.turf("Mill Street", range(101, 105), holder=walker)
    organizer = unique("organizer")
    live_server.member(town.campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")

    # the QR decoder is injected as an inline script, which the app's CSP (rightly) refuses
    phone = browser.new_context(base_url=base_url, bypass_csp=True, **PHONE)
    try:
        page = phone.new_page()
        take_offline(page, town)  # online: the walk list, and the recruit link with it
        [kept] = [value for value in idb_all(page, "meta") if isinstance(value, dict) and "url" in value]
        assert kept["url"].startswith(f"{base_url}/join/")
        wait_for_service_worker(page)

        page.context.set_offline(True)
        try:
            page.reload()
            page.get_by_role("link", name="Open the walk list").click()
            page.locator("#next-door").click()
            voter = talk(page, "2: Leaning support")
            invite = show_invite(page)
            link = read_qr(page, f"#{invite.get_attribute('id')} .qr svg")
            assert link == kept["url"]
            shoot(page, "door-invite-offline-390-en")
            invite.get_by_role("button", name="They scanned it").click()
            expect(voter.locator(".in-touch")).to_have_text("You invited them to volunteer.")
            expect(page.locator("#toasts")).to_contain_text("you invited them to volunteer")
        finally:
            page.context.set_offline(False)

        for _ in range(300):  # back online: the sync loop sends the visit and what was agreed
            if not idb_all(page, "outbox"):
                break
            page.wait_for_timeout(100)
        assert idb_all(page, "outbox") == []
    finally:
        phone.close()
    [talked] = [v for v in live_server.synced(town.campaign, "door_visit", town.volunteer) if v["result"] == "talked"]
    assert talked["agreed_to"] == ["invited"]

    newcomer, email = browser.new_context(base_url=base_url, **PHONE), unique("recruit")
    try:
        joining = newcomer.new_page()
        joining.goto(link)
        expect(joining.locator("#join")).to_contain_text("join Mill Street")
        joining.get_by_label("Your name").fill("Rita Recruit")
        joining.get_by_label("Email").fill(email)
        joining.get_by_label("Password").fill(PASSWORD)
        joining.get_by_role("button", name="Join").click()
        joining.locator("#home").wait_for()
    finally:
        newcomer.close()
    assert recruited_by(live_server, email) == walker

    console = browser.new_context(base_url=base_url, **DESKTOP)
    try:
        page = console.new_page()
        console_sign_in(page, organizer)
        page.locator("#console-nav a[href$='/volunteers']").click()
        recruiter = page.locator(f"#recruits li[data-member='{walker}']")
        expect(recruiter.locator(":scope > .recruit-who")).to_have_text("Vera Walker")
        expect(recruiter.locator(":scope > .recruit-count")).to_have_text(["1 recruit", "invited at 1 door"])
        expect(recruiter.locator(".recruit-list > .recruit")).to_have_text("Rita Recruit")
        expect(page.locator("#recruits-total")).to_have_text("Joined through a volunteer's link: 1")
        shoot(page, "console-tree-1280-en")
    finally:
        console.close()


@pytest.fixture
def recruiting_town(live_server, tmp_path):
    """An owner who walks a turf too (so one account shows the door and the console), and three volunteers who
    recruited in a chain: Ana recruited Ben, Ben recruited Cleo. A campaign of its own for each test: the door the
    owner knocks is knocked for good."""
    town = Canvass(live_server, tmp_path, doors=2, basemap=False)
    owner = unique("owner")
    live_server.member(town.campaign, owner, Role.OWNER, name="Olga Owner")
    town.turf("Mill Street", [101, 102], holder=town.membership(owner))
    chain = []
    for name in ("Ana Ancestor", "Ben Branch", "Cleo Leaf"):
        email = unique(name.split()[0].lower())
        live_server.member(town.campaign, email, name=name)
        chain.append(town.membership(email))
    with live_server.app.app_context():
        for parent, child in zip(chain, chain[1:], strict=False):
            db.session.get(Membership, child).recruited_by_id = parent
        db.session.commit()
    return town, owner


@pytest.mark.parametrize("size", ["390", "1280"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_recruiting_screens_have_no_violations(browser, base_url, recruiting_town, size, language):
    town, owner = recruiting_town
    context = browser.new_context(base_url=base_url, bypass_csp=True, **(PHONE if size == "390" else DESKTOP))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    def scanned(name):
        expect(page.locator("#toasts .toast")).to_have_count(0, timeout=10_000)  # the picture shows the screen
        shoot(page, f"{name}-{size}-{language}")
        assert axe(page) == [], name

    try:
        sign_in(page, owner)
        page.locator("#language").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto("/doors")
        page.locator(".take-offline").click()
        expect(page.locator(".ready")).to_be_visible()
        page.locator(".turf a.button").click()
        page.locator("#next-door").click()
        voter = page.locator(".door-voter").first
        voter.locator("[data-result=talked]").click()
        voter.locator("[data-support='3']").click()
        invite = voter.locator(".invite-share")
        invite.locator("summary").click()
        scanned("door-invite-offered")
        invite.locator(".show-invite").click()
        expect(invite.locator(".qr svg")).to_be_visible()  # drawn once the QR code's chunk is loaded
        assert read_qr(page, f"#{invite.get_attribute('id')} .qr svg").startswith(f"{base_url}/join/")
        scanned("door-invite-qr")
        invite.locator(".scanned").click()
        expect(voter.locator(".in-touch")).to_be_visible()
        scanned("door-invited")
        voter.locator(".stay-in-touch").click()  # and in My people: the person's page offers the link too
        voter.locator(".in-touch a").click()
        offer = page.locator("#person-invite")
        offer.locator("summary").click()
        offer.locator(".show-invite").click()
        expect(offer.locator(".qr svg")).to_be_visible()
        assert read_qr(page, "#person-invite .qr svg").startswith(f"{base_url}/join/")
        expect(offer.locator(".scanned")).to_have_count(0)  # no visit here to record it on
        scanned("person-invite-qr")

        page.goto(f"/console/{town.campaign}/volunteers")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#recruits .recruit-tree .recruit-list .recruit-list .recruit")).to_have_count(1)
        scanned("console-volunteers-tree")
        page.goto(f"/console/{town.campaign}/settings")
        expect(page.locator("#settings-recruiting-on")).to_be_checked()
        scanned("console-settings-recruiting")
    finally:
        context.close()
    assert errors == []
