"""The console's turf map in Chromium: an organizer draws an outline around Oak Avenue by clicking on the map, sees
the doors and voters inside counted as it grows, cuts it and finds it on the turf list with its doors; a turf's
colour and numbers follow a visit once it syncs; drawing with the keyboard over a real basemap; and the screen at
1280x800 and 390x844 in both languages with axe clean."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.basemaps.service import install_file
from server.campaigns.models import Campaign, Role
from server.canvass.models import Household
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter
from tests.basemap_town import DOORS, write_town
from tests.conftest import PASSWORD
from tests.pwa.conftest import wait_until
from tests.pwa.test_console import SIZES, axe, console_sign_in, unique
from tests.server.canvass.test_turfs import AROUND_OAK, add_voters

pytestmark = pytest.mark.browser
SHOTS = "/tmp/shots-turfmap"
OAK_CORNERS = AROUND_OAK["coordinates"][0][:4]
MAP = "document.getElementById('turfmap-canvas')?.turfMap"
# the turfs drawn on the map as MapLibre rendered them: {name, band}
RENDERED_TURFS = f"() => {MAP}.map.queryRenderedFeatures({{ layers: ['kin-turfs-fill'] }}).map((f) => f.properties)"


@pytest.fixture(scope="module")
def town(live_server):
    """Oak Avenue and Elm Street of the turf API tests (19 doors on the map, 7 Elm without coordinates), an
    organizer, and a volunteer holding a turf of Elm Street cut by precinct."""
    campaign = live_server.campaign("Map Campaign")
    organizer, volunteer = unique("organizer"), unique("volunteer")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, volunteer, name="Vera Volunteer")
    add_voters(live_server.app, campaign)
    client = live_server.app.test_client()
    token = client.post("/api/auth/login", json={"email": organizer, "password": PASSWORD}).json["access_token"]
    response = client.post(f"/api/campaigns/{campaign}/turfs", json={"name": "Elm by precinct", "precinct": "P2"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    return {"campaign": campaign, "organizer": organizer, "volunteer": volunteer,
            "elm": response.json["turfs"][0]["id"]}


def open_map(page, campaign) -> None:
    page.goto(f"/console/{campaign}/turfs/map")
    wait_until(page, f"{MAP}?.map.loaded() === true", timeout=30)
    idle(page)


def idle(page) -> None:
    page.evaluate(f"window.idle = false; {MAP}.map.once('idle', () => {{ window.idle = true; }}); "
                  f"{MAP}.map.triggerRepaint()")
    wait_until(page, "window.idle === true", timeout=30)


def click_at(page, lon_lat, **options) -> None:
    """A click on the map canvas where that [longitude, latitude] is drawn."""
    page.locator("#turfmap-canvas").scroll_into_view_if_needed()
    x, y = page.evaluate(f"""([lon, lat]) => {{
      const point = {MAP}.map.project([lon, lat]);
      const box = document.getElementById('turfmap-canvas').getBoundingClientRect();
      return [box.left + point.x, box.top + point.y];
    }}""", lon_lat)
    page.mouse.click(x, y, **options)


def band_of(page, name) -> str | None:
    idle(page)
    return next((t["band"] for t in page.evaluate(RENDERED_TURFS) if t["name"] == name), None)


def test_an_organizer_draws_a_turf_around_oak_avenue_and_finds_it_on_the_turf_list(browser, base_url, town):
    context = browser.new_context(base_url=base_url, **SIZES["desktop"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, town["organizer"])
        page.locator("#console-nav a[href$='/turfs']").click()
        page.locator("#turfs-map-link").click()
        wait_until(page, f"{MAP}?.map.loaded() === true", timeout=30)
        expect(page.locator("#turfmap-facts")).to_contain_text("19 doors on the map. 1 door has no coordinates")
        expect(page.locator("#turfmap-facts")).to_contain_text("no basemap")
        assert band_of(page, "Elm by precinct") == "none"  # its hull, drawn with nothing knocked yet

        page.locator("#turfmap-draw").click()
        for corner in OAK_CORNERS[:3]:
            click_at(page, corner)
        # three points: a triangle over half of Oak Avenue, counted by the server
        expect(page.locator("#turfmap-count")).to_contain_text("Inside:")
        click_at(page, OAK_CORNERS[3])
        expect(page.locator("#turfmap-count")).to_have_text("Inside: 13 doors, 14 voters.")
        page.locator("#turfmap-undo").click()
        expect(page.locator("#turfmap-count")).not_to_have_text("Inside: 13 doors, 14 voters.")
        click_at(page, OAK_CORNERS[3])
        expect(page.locator("#turfmap-count")).to_have_text("Inside: 13 doors, 14 voters.")
        page.locator("#turfmap-form button[type=submit]").click()  # not closed yet: says so
        expect(page.locator("#turfmap-form [role=alert]")).to_contain_text("Close the outline first")
        click_at(page, OAK_CORNERS[0])  # the first point closes it
        expect(page.locator("#turfmap-count")).to_contain_text("Closed")
        expect(page.locator("#turfmap-name")).to_be_focused()
        page.locator("#turfmap-name").fill("Oak by map")
        page.locator("#turfmap-form button[type=submit]").click()
        expect(page.locator("#toasts")).to_contain_text("Turf cut: 13 doors.")
        expect(page.locator("#turfmap-turfs li", has_text="Oak by map")).to_contain_text("0 of 13 doors knocked")
        assert band_of(page, "Oak by map") == "none"
        expect(page.locator("#turfmap-facts")).to_contain_text("19 doors on the map")

        page.locator("a", has_text="Back to the turfs").click()
        card = page.locator("#turf-list .turf", has_text="Oak by map")
        expect(card).to_contain_text("13 doors, 14 voters")
        expect(card).to_contain_text("drawn on the map")
    finally:
        context.close()
    assert errors == []


def household_of(live_server, campaign, external_id) -> str:
    with live_server.app.app_context():
        return str(db.session.execute(select(Household.public_id).join(Voter, Voter.household_id == Household.id)
                                      .where(Voter.campaign_id == campaign, Voter.external_id == external_id))
                   .scalar_one())


def test_a_turfs_progress_shows_on_the_map_once_a_visit_syncs(browser, base_url, live_server, town):
    context = browser.new_context(base_url=base_url, **SIZES["desktop"])
    page = context.new_page()
    try:
        console_sign_in(page, town["organizer"])
        open_map(page, town["campaign"])
        elm = page.locator(f"#turfmap-turf-{town['elm']}")
        expect(elm).to_contain_text("0 of 7 doors knocked · 0 contacts · no contact rate yet")
        assert band_of(page, "Elm by precinct") == "none"

        at = (utcnow() + timedelta(minutes=1)).isoformat()
        results = live_server.push(town["campaign"], town["volunteer"], [
            {"entity": "door_visit", "entity_id": str(uuid.uuid4()), "action": "upsert",
             "fields": {"household_id": household_of(live_server, town["campaign"], eid), "result": result,
                        "happened_at": at}} for eid, result in (("e1", "talked"), ("e2", "not_home"))])
        assert [r["status"] for r in results] == ["applied", "applied"], results
        open_map(page, town["campaign"])
        expect(elm).to_contain_text("2 of 7 doors knocked · 1 contact · contact rate 50%")
        assert band_of(page, "Elm by precinct") == "some"
        elm.locator("button").click()  # picked in the list: marked on the map
        expect(elm.locator("button")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate(f"{MAP}.map.getFeatureState({{ source: 'turfs', id: {town['elm']} }}).picked") is True
        page.screenshot(path=f"{SHOTS}/progress-desktop-en.png")
    finally:
        context.close()


@pytest.fixture(scope="module")
def rivertown(live_server, tmp_path_factory):
    """A campaign with Rivertown's basemap and a voter at each of its four doors on Mill Street."""
    campaign = live_server.campaign("Rivertown turf map")
    organizer = unique("organizer")
    live_server.member(campaign, organizer, Role.ORGANIZER)
    rows = [(f"r{n}", label.split()[0], "Mill Street", "", "P1", False, lat, lon)
            for n, (_, lat, lon, label) in enumerate(DOORS)]
    add_voters(live_server.app, campaign, rows)
    with live_server.app.app_context():
        install_file(db.session.get(Campaign, campaign), write_town(tmp_path_factory.mktemp("town") / "t.pmtiles"),
                     None)
    return {"campaign": campaign, "organizer": organizer}


def test_over_the_basemap_a_turf_is_drawn_with_the_keyboard(browser, base_url, rivertown):
    context = browser.new_context(base_url=base_url, **SIZES["desktop"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))  # MapLibre's
    try:
        console_sign_in(page, rivertown["organizer"])
        open_map(page, rivertown["campaign"])
        roads = {f["name"] for f in page.evaluate(f"""() => {MAP}.map.queryRenderedFeatures()
            .filter((f) => f.sourceLayer === 'roads').map((f) => f.properties)""") if "name" in f}
        assert "Mill Street" in roads  # the basemap's own streets, read from the server by Range requests
        expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap")
        expect(page.locator("#turfmap-facts")).not_to_contain_text("no basemap")

        page.locator("#turfmap-draw").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#turfmap-centre")).to_be_focused()
        lats = [lat for _, lat, _, _ in DOORS]
        lons = [lon for _, _, lon, _ in DOORS]
        box = [(min(lons) - 3e-4, min(lats) - 2e-4), (max(lons) + 3e-4, min(lats) - 2e-4),
               (max(lons) + 3e-4, max(lats) + 2e-4), (min(lons) - 3e-4, max(lats) + 2e-4)]
        for lon, lat in box:
            # the arrow keys move the map; here it is moved to each corner, and the button is pressed by keyboard
            page.evaluate(f"([lon, lat]) => {MAP}.map.jumpTo({{ center: [lon, lat] }})", [lon, lat])
            page.locator("#turfmap-centre").focus()
            page.keyboard.press("Enter")
        expect(page.locator("#turfmap-count")).to_have_text("Inside: 4 doors, 4 voters.")
        page.locator("#turfmap-close").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#turfmap-name")).to_be_focused()
        page.keyboard.type("Mill Street")
        page.keyboard.press("Enter")
        expect(page.locator("#toasts")).to_contain_text("Turf cut: 4 doors.")
        expect(page.locator("#turfmap-turfs li", has_text="Mill Street")).to_contain_text("0 of 4 doors knocked")
        idle(page)
        page.screenshot(path=f"{SHOTS}/basemap-desktop-en.png")
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_turf_map_has_no_violations(browser, base_url, town, size, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, town["organizer"], language=language)
        open_map(page, town["campaign"])
        page.screenshot(path=f"{SHOTS}/map-{size}-{language}.png", full_page=True)
        assert axe(page) == [], "turf map"
        page.locator("#turfmap-draw").click()
        for corner in OAK_CORNERS[:3]:
            click_at(page, corner)
        expect(page.locator("#turfmap-count")).to_contain_text("Inside:" if language == "en" else "Adentro:")
        click_at(page, OAK_CORNERS[3], click_count=2)  # a double-click adds its point and closes the outline
        expect(page.locator("#turfmap-count .badge")).to_have_text("Closed" if language == "en" else "Cerrado")
        expect(page.locator("#turfmap-count")).to_contain_text("13")
        idle(page)
        page.screenshot(path=f"{SHOTS}/drawing-{size}-{language}.png", full_page=True)
        assert axe(page) == [], "turf map, drawing"
    finally:
        context.close()
    assert errors == []
