"""Door to door in the volunteer app, in Chromium: the turfs a volunteer holds, taking one by its link and taking it
offline (walk list and map into IndexedDB), "Ready offline", Update when the walk list changed, an expired turf that
is not downloaded; and a volunteer without the turf cannot fetch it."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.basemaps.service import install_file
from server.campaigns.models import Campaign, Membership
from server.canvass import households
from server.canvass.models import DoorVisit, Household, Turf, TurfHousehold
from server.columns import utcnow
from server.extensions import db
from server.sync_api.models import AppliedOp
from server.voters.models import Voter
from tests.basemap_town import write_town
from tests.conftest import PASSWORD
from tests.pwa.conftest import PHONE, idb_all, sign_in, wait_for_service_worker
from tests.pwa.test_console import axe, read_qr, unique

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-doors")
MILL_LAT, FIRST_LON = 35.99365, -78.9040  # Mill Street in tests/basemap_town.py
FIRST_NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"]


class Canvass:
    """A campaign of doors on Mill Street (odd numbers on the north side, even on the south, one or two voters
    each), a volunteer and another, and turfs made straight in the database as an organizer's cut would."""

    def __init__(self, live_server, tmp_path, doors=8, basemap=True):
        self.live = live_server
        self.campaign = live_server.campaign(f"Mill Street {uuid.uuid4().hex[:6]}")
        self.volunteer, self.other = unique("walker"), unique("bystander")
        live_server.member(self.campaign, self.volunteer, name="Vera Walker")
        live_server.member(self.campaign, self.other, name="Otto Other")
        live_server.configure(self.campaign, issue_tags=["housing", "transit", "schools"])
        with live_server.app.app_context():
            if basemap:
                install_file(db.session.get(Campaign, self.campaign), write_town(tmp_path / "town.pmtiles"), None)
            for n in range(doors):
                number = 101 + n
                lat = MILL_LAT + (0.00005 if number % 2 else -0.0003)
                lon = FIRST_LON + (n // 2) * 0.0002
                for k in range(1 + n % 2):
                    first = FIRST_NAMES[(n + k) % len(FIRST_NAMES)]
                    db.session.add(Voter(campaign_id=self.campaign, external_id=uuid.uuid4().hex[:12],
                                         first_name=first, last_name=f"Family{n}", house_number=str(number),
                                         street="Mill Street", zip="27701", city="Rivertown", birth_year=1980 + n,
                                         search_name=f"{first} family{n}".lower(), latitude=lat, longitude=lon))
            db.session.flush()
            households.assign(self.campaign)
            db.session.commit()

    def membership(self, email) -> int:
        with self.live.app.app_context():
            from server.auth.models import User
            return db.session.execute(select(Membership.id).join(User, User.id == Membership.user_id).where(
                Membership.campaign_id == self.campaign, User.email == email)).scalar_one()

    def turf(self, name, numbers, holder=None, days=7) -> tuple[int, str]:
        """A turf of the doors with these house numbers; (its id, its take token)."""
        with self.live.app.app_context():
            ids = db.session.execute(select(Household.id).join(Voter, Voter.household_id == Household.id).where(
                Voter.campaign_id == self.campaign, Voter.house_number.in_([str(n) for n in numbers]))
                .distinct()).scalars().all()
            turf = Turf(campaign_id=self.campaign, name=name, cut="streets", area={}, doors=len(ids),
                        voters=len(ids), holder_id=holder, held_since=utcnow() if holder else None,
                        expires_at=utcnow() + timedelta(days=days))
            db.session.add(turf)
            db.session.flush()
            db.session.add_all(TurfHousehold(turf_id=turf.id, household_id=h, campaign_id=self.campaign) for h in ids)
            db.session.commit()
            return turf.id, turf.take_token

    def rename_voter(self, number, first):
        """An organizer's new voter file changed a name at a door: the walk list is a new version."""
        with self.live.app.app_context():
            voter = db.session.execute(select(Voter).where(Voter.campaign_id == self.campaign,
                                                           Voter.house_number == str(number))).scalars().first()
            voter.first_name = first
            db.session.commit()


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_volunteer_takes_a_turf_by_its_link_and_takes_it_offline_with_its_map(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=8)
    walker = town.membership(town.volunteer)
    assigned, _ = town.turf("Mill Street west", [101, 102], holder=walker)
    taken, token = town.turf("Mill Street east", [103, 104, 105, 106])
    town.turf("Mill Street last week", [107, 108], holder=walker, days=-1)

    page.goto(f"/take/{town.campaign}/{token}")  # the QR code, opened by a phone signed out: sign in first
    page.get_by_label("Email").fill(town.volunteer)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    expect(page.locator("#toasts")).to_contain_text("Mill Street east is yours")
    expect(page).to_have_url(f"{live_server.url}/doors")
    turfs = page.locator("#turfs .turf")
    expect(turfs).to_have_count(3)
    east = page.locator(f"#turf-{town.campaign}-{taken}")
    expect(east).to_contain_text("4 doors")
    old = turfs.filter(has_text="Mill Street last week")
    expect(old.locator(".turf-expired")).to_contain_text("expired")
    expect(old.locator(".take-offline")).to_have_count(0)  # an expired turf is not downloaded

    east.locator(".take-offline").click()
    expect(east.locator(".ready")).to_have_text("Ready offline")
    expect(east.get_by_role("link", name="Open the walk list")).to_be_visible()
    [kept] = idb_all(page, "walklists")
    assert (kept["turf_id"], len(kept["doors"]), kept["basemap"]) == (taken, 4, True)
    assert [d["house_number"] for d in kept["doors"]][:2] == ["103", "105"]  # odd side first, in walk order
    assert [m["key"] for m in idb_all(page, "basemaps")] == [f"turf/{taken}"]
    expect(page.locator(f"#turf-{town.campaign}-{assigned} .take-offline")).to_be_visible()  # not kept yet
    shoot(page, "doors-360-en")

    wait_for_service_worker(page)
    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("#doors-offline")).to_be_visible()
        expect(page.locator("#turfs .turf")).to_have_count(1)  # what this phone keeps
        expect(east.locator(".ready")).to_be_visible()
    finally:
        page.context.set_offline(False)

    town.rename_voter(103, "Zelda")
    page.reload()
    east.locator(".update").click()
    expect(east.locator(".update")).to_have_count(0)
    [kept] = idb_all(page, "walklists")
    assert kept["doors"][0]["voters"][0]["first_name"] == "Zelda"


def test_a_volunteer_without_the_turf_cannot_fetch_it(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    turf, _ = town.turf("Held by Vera", [101, 102, 103, 104], holder=town.membership(town.volunteer))
    sign_in(page, town.other)
    page.goto("/doors")
    expect(page.locator("#doors-none")).to_be_visible()
    token = page.request.post("/api/auth/login", data={"email": town.other, "password": PASSWORD}).json()
    answer = page.request.get(f"/api/campaigns/{town.campaign}/turfs/{turf}/walk-list",
                              headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status == 404
    assert "Family" not in answer.text()


def door_title(page) -> str:
    return page.locator("#door-title").inner_text()


def next_door(page, click) -> None:
    """Do what moves on to another door, and wait until it shows."""
    before = door_title(page)
    click()
    expect(page.locator("#door-title")).not_to_have_text(before)


def talk(page, support, issues=(), literature="Yes", notes=""):
    """The first voter at the door: Talked, then the support level (two taps); then the optional details."""
    voter = page.locator(".door-voter").first
    voter.locator("[data-result=talked]").click()
    voter.get_by_role("button", name=support, exact=True).click()
    expect(voter.locator(".visit .visit-what")).to_contain_text("Talked")
    if issues or notes:
        details = voter.locator("details.details")
        details.locator("summary").click()
        for issue in issues:
            details.get_by_label(issue, exact=True).check()
        details.get_by_label(literature, exact=True).check()
        details.get_by_label("Notes").fill(notes)
        details.get_by_role("button", name="Save these details").click()
        expect(page.locator("#toasts")).to_contain_text("Details saved")
    return voter


def take_offline(page, town) -> None:
    """The volunteer signs in and takes the turf they hold offline, from the Doors tab."""
    sign_in(page, town.volunteer)
    page.goto("/doors")
    page.locator(".take-offline").click()
    expect(page.locator(".ready")).to_be_visible()


def test_a_volunteer_canvasses_a_turf_offline_and_each_visit_reaches_the_server_once(page, live_server, tmp_path):
    doors = 50
    town = Canvass(live_server, tmp_path, doors=doors)
    turf, _ = town.turf("Mill Street", range(101, 101 + doors), holder=town.membership(town.volunteer))
    take_offline(page, town)
    wait_for_service_worker(page)

    page.context.set_offline(True)
    try:
        page.reload()
        page.get_by_role("link", name="Open the walk list").click()
        expect(page.locator("#walk-progress")).to_have_text(f"0 of {doors} doors knocked.")
        # the street as the server normalised it, one side at a time
        expect(page.locator(".street-run h2").first).to_have_text("MILL ST, odd numbers")
        shoot(page, "walk-360-en")
        page.locator("#next-door").click()

        next_door(page, lambda: page.locator("#not-home").click())  # door 1: one tap, and on to the next
        voter = talk(page, "2: Leaning support", issues=["housing"], notes="Worried about rent.")  # door 2
        voter.get_by_role("button", name="They said yes: add to my people").click()
        expect(voter.locator(".in-touch")).to_contain_text("is in your people")
        voter.locator(".share-card summary").click()  # and their own card, which the voter saves
        voter.locator(".share-card form button[type=submit]").click()
        voter.get_by_role("button", name="They saved my card").click()
        expect(voter.locator(".in-touch").last).to_have_text("They saved your contact card.")
        shoot(page, "door-talked-360-en")
        next_door(page, lambda: page.locator("#door-next").click())

        page.locator("#new-person summary").click()  # door 3: someone not on the list, and a refusal
        form = page.locator("#new-person-form")
        form.get_by_label("First name").fill("Nia")
        form.get_by_label("Last name").fill("Newcomer")
        form.get_by_label("Phone").fill("919 555 0142")
        form.locator("#new-support").select_option("1")
        form.get_by_role("button", name="Save this person").click()
        expect(page.locator(".door-voter.added")).to_contain_text("Nia Newcomer")
        page.locator(".door-voter").first.locator("[data-result=refused]").click()
        expect(page.locator(".door-voter").first.locator(".visit")).to_contain_text("Refused")
        next_door(page, lambda: page.locator("#door-next").click())

        voter = page.locator(".door-voter").first  # door 4: come back later, at a time
        voter.locator("[data-result=come_back]").click()
        voter.get_by_role("button", name="Save").click()
        expect(voter.locator(".visit")).to_contain_text("Come back later")
        next_door(page, lambda: page.locator("#door-next").click())

        talk(page, "1: Strong support", issues=["schools"], notes="Ask about the school bus.")  # door 5
        next_door(page, lambda: page.locator("#door-next").click())
        for _ in range(doors - 6):
            next_door(page, lambda: page.locator("#not-home").click())
        page.locator("#not-home").click()  # the last door: back to the walk list, all knocked
        expect(page.locator("#walk-done")).to_be_visible()
        expect(page.locator("#walk-progress")).to_have_text(f"{doors} of {doors} doors knocked.")
        waiting = idb_all(page, "outbox")  # every visit and its details, and the person to stay in touch with
        assert {op["entity"] for op in waiting} == {"door_visit", "relationship"}
        page.goto(f"/doors/{town.campaign}/{turf}")
        expect(page.locator(".door-item .door-status").first).to_contain_text("Not home")
    finally:
        town.live.configure(town.campaign, issue_tags=["housing", "transit"])  # an organizer dropped "schools"
        page.context.set_offline(False)

    # back online, the sync loop sends everything; only the details naming "schools" are refused, and stay
    for _ in range(300):
        left = idb_all(page, "outbox")
        if len(left) == 1 and left[0].get("rejected"):
            break
        page.wait_for_timeout(100)
    [refused] = idb_all(page, "outbox")
    assert refused["rejected"]["errors"].keys() == {"issue_tags"}
    expect(page.locator(".door-voter .visit.rejected")).to_have_count(0)  # on the walk list: not a door's screen

    visits = live_server.synced(town.campaign, "door_visit", town.volunteer)
    assert len(visits) == doors + 1  # a visit per door, and the person met at door 3
    assert sorted(v["result"] for v in visits).count("not_home") == doors - 4  # door 1 and doors 6 on
    talked = [v for v in visits if v["result"] == "talked" and v.get("voter_id")]
    assert [(v["support"], v.get("issue_tags"), v.get("agreed_to")) for v in talked
            if v.get("notes")] == [(2, ["housing"], ["stay_in_touch", "shared_card"])]
    [newcomer] = [v for v in visits if v.get("person_first_name")]
    assert (newcomer["person_last_name"], newcomer["person_phone"], newcomer["support"]) == (
        "Newcomer", "919 555 0142", 1)
    [person] = live_server.synced(town.campaign, "relationship", town.volunteer)
    assert person["source"] == "door"
    with live_server.app.app_context():
        rows = db.session.execute(select(DoorVisit).where(DoorVisit.campaign_id == town.campaign)).scalars().all()
        assert len(rows) == doors + 1  # the read model the console counts from
        applied = db.session.execute(select(AppliedOp.op_id).where(AppliedOp.campaign_id == town.campaign)).all()
        assert len(applied) == len(waiting) - 1  # every op the phone made, but the refused one


SIZES = {"360": PHONE, "1280": {"viewport": {"width": 1280, "height": 800}}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_doors_screens_have_no_violations(browser, base_url, live_server, tmp_path, size, language):
    town = Canvass(live_server, tmp_path, doors=6)
    turf, _ = town.turf("Mill Street", range(101, 107), holder=town.membership(town.volunteer))
    town.turf("Mill Street last week", [], holder=town.membership(town.volunteer), days=-1)
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])  # axe is an inline script
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    shot = lambda name: shoot(page, f"{name}-{size}-{language}")  # noqa: E731

    def scanned(what):
        assert axe(page) == [], what

    try:
        sign_in(page, town.volunteer)
        page.locator("#language").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto("/doors")
        expect(page.locator(".take-offline")).to_be_visible()
        scanned("doors")
        page.locator(".take-offline").click()
        expect(page.locator(".ready")).to_be_visible()
        # the pictures show the screen: wait for the toast to go (emptying the list under lit-html broke its next
        # draw with "Cannot read properties of null (reading 'nextSibling')" when a toast timed out in the test)
        expect(page.locator("#toasts .toast")).to_have_count(0, timeout=10_000)
        shot("doors")
        scanned("doors, ready offline")

        page.goto(f"/doors/{town.campaign}/{turf}")
        expect(page.locator(".door-item")).to_have_count(6)
        shot("walk")
        scanned("walk list")
        page.locator("#show-map").click()
        expect(page.locator("#walk-map canvas")).to_be_visible()
        expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap")
        page.wait_for_timeout(1500)  # the tiles drawn, for the picture
        page.screenshot(path=str(SHOTS / f"walk-map-{size}-{language}.png"))  # a full page would clear the canvas
        scanned("walk map")

        page.goto(f"/doors/{town.campaign}/{turf}")
        page.locator("#next-door").click()
        voter = page.locator(".door-voter").first
        shot("door")
        scanned("door")
        voter.locator("[data-result=talked]").click()
        expect(voter.locator(".second-step")).to_be_visible()
        shot("door-support")
        scanned("door, support level")
        voter.locator("[data-support='3']").click()
        card = voter.locator(".share-card")
        card.locator("summary").click()
        card.locator("input[name=phone]").fill("+1 919 555 0100")
        card.locator("form button[type=submit]").click()
        expect(card.locator(".qr svg")).to_be_visible()
        assert read_qr(page, f"#{card.get_attribute('id')} .qr svg") == (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Walker;Vera;;;\r\nFN:Vera Walker\r\nTEL;TYPE=CELL:+1 919 555 0100\r\n"
            "END:VCARD")
        shot("door-card")
        scanned("door, the volunteer's card as a QR code")
        voter.locator("details.details summary").click()
        page.locator("#new-person summary").click()
        expect(page.locator("#toasts .toast")).to_have_count(0, timeout=10_000)
        shot("door-talked")
        scanned("door, after a talk, with the details and someone not on the list open")

        page.goto(f"/take/{town.campaign}/no-such-token")
        expect(page.locator("#take-problem")).to_be_visible()
        shot("take-not-found")
        scanned("take, a link that leads nowhere")
    finally:
        context.close()
    assert errors == []


def test_a_tap_on_a_door_of_the_map_opens_it_offline(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=4)
    turf, _ = town.turf("Mill Street, one door", [103], holder=town.membership(town.volunteer))
    take_offline(page, town)
    wait_for_service_worker(page)
    page.context.set_offline(True)
    try:
        page.goto(f"/doors/{town.campaign}/{turf}")
        page.locator("#show-map").click()
        canvas = page.locator("#walk-map canvas")
        expect(canvas).to_be_visible()
        expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap")  # the kept basemap
        page.wait_for_timeout(500)  # drawn
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # one door: the map's middle
        expect(page.locator("#door-title")).to_have_text("103 MILL ST")
    finally:
        page.context.set_offline(False)
