"""The map (pwa/ui/map.js) in Chromium: over the campaign's basemap online, from the extract kept in IndexedDB with
the browser offline, and as dots with street names when the campaign has no basemap."""

import pytest
from playwright.sync_api import expect

from server.basemaps.service import install_file
from server.campaigns.models import Campaign
from server.extensions import db
from tests.basemap_town import AVENUES, DOORS, STREETS, write_town
from tests.pwa.conftest import sign_in, wait_for_service_worker, wait_until

pytestmark = pytest.mark.browser
SHOTS = "/tmp/shots-maps"
BOX = [-78.9040, 35.9925, -78.8950, 35.9950]  # the doors on Mill Street and the blocks around them
DOOR_LIST = [{"id": id_, "lat": lat, "lon": lon, "label": label, "status": "todo"} for id_, lat, lon, label in DOORS]

# shows the map full screen over whatever the app drew, and keeps its handle and the doors tapped on window
SHOW = """async ({campaign, key, box, doors, fetchIt}) => {
  const maps = await import('/map.js');
  const basemap = fetchIt === 'none' ? null
    : fetchIt === 'fetch' ? await maps.keepBasemap(campaign, key, box) : await maps.basemapFor(campaign, key);
  const element = Object.assign(document.createElement('div'), { id: 'test-map' });
  element.style.cssText = 'position: fixed; inset: 0; z-index: 1000;';
  document.body.append(element);
  window.tapped = [];
  window.shown = await maps.showMap(element, { basemap, doors, onDoor: (id) => window.tapped.push(id) });
  window.idle = false;
  window.shown.map.once('idle', () => { window.idle = true; });
  window.shown.map.triggerRepaint();
  return basemap ? basemap.size : 0;
}"""
RENDERED = """(layer) => window.shown.map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties)"""


@pytest.fixture
def campaign(live_server, tmp_path):
    """A campaign with a volunteer and Rivertown's basemap; (campaign id, e-mail)."""
    campaign_id = live_server.campaign("Rivertown maps")
    email = f"mapper-{campaign_id}@example.org"
    live_server.member(campaign_id, email)
    with live_server.app.app_context():
        install_file(db.session.get(Campaign, campaign_id), write_town(tmp_path / "town.pmtiles"), None)
    return campaign_id, email


def show(page, campaign_id, fetch_it, key="turf-1") -> int:
    size = page.evaluate(SHOW, {"campaign": campaign_id, "key": key, "box": BOX, "doors": DOOR_LIST,
                                "fetchIt": fetch_it})
    wait_until(page, "window.idle === true", timeout=30)
    return size


def shoot(page, name: str) -> None:
    """The map at the phone's size, then at a laptop's (the console's), each once MapLibre is idle again."""
    page.screenshot(path=f"{SHOTS}/{name}-360.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("window.idle = false; window.shown.map.once('idle', () => { window.idle = true; }); "
                  "window.shown.map.resize(); window.shown.map.triggerRepaint()")
    wait_until(page, "window.idle === true", timeout=30)
    page.screenshot(path=f"{SHOTS}/{name}-1280.png")
    page.set_viewport_size({"width": 360, "height": 740})


def tap_first_door(page) -> None:
    point = page.evaluate("([lon, lat]) => { const p = window.shown.map.project([lon, lat]); return [p.x, p.y]; }",
                          [DOOR_LIST[0]["lon"], DOOR_LIST[0]["lat"]])
    page.mouse.click(*point)
    wait_until(page, "window.tapped.length > 0")
    assert page.evaluate("window.tapped") == [DOOR_LIST[0]["id"]]


def test_the_map_draws_the_basemap_and_the_doors_online_then_offline_from_indexeddb(page, campaign):
    campaign_id, email = campaign
    sign_in(page, email)
    expect(page.locator("#toasts")).to_contain_text("Ready to work offline")
    wait_for_service_worker(page)

    size = show(page, campaign_id, "fetch")
    assert 0 < size
    doors = page.evaluate(RENDERED, "doors")
    assert sorted(d["id"] for d in doors) == sorted(d["id"] for d in DOOR_LIST)
    roads = {f["name"] for f in page.evaluate("""() => window.shown.map.queryRenderedFeatures()
        .filter((f) => f.sourceLayer === 'roads').map((f) => f.properties)""") if "name" in f}
    assert "Mill Street" in roads  # the basemap's own streets, from the extract's vector tiles
    labels = {f.get("name") for f in page.evaluate(RENDERED, "roads_labels_minor")}
    # and their names, drawn with the phone's own font (which ones fit depends on where labels collide)
    assert len(labels & {name for name, _ in AVENUES + STREETS}) >= 3, labels
    expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap")
    tap_first_door(page)
    shoot(page, "basemap-online")

    page.context.set_offline(True)
    try:
        response = page.reload()
        assert response.from_service_worker
        assert page.evaluate("fetch('/api/health').then(() => 'reached', () => 'offline')") == "offline"
        assert show(page, campaign_id, "kept") == size  # the Blob kept in IndexedDB
        assert len(page.evaluate(RENDERED, "doors")) == len(DOOR_LIST)
        assert page.evaluate("""() => window.shown.map.queryRenderedFeatures()
            .some((f) => f.sourceLayer === 'buildings')""")
        expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("OpenStreetMap")
        shoot(page, "basemap-offline")
    finally:
        page.context.set_offline(False)


def test_without_a_basemap_the_doors_are_dots_with_their_street_names(page, live_server):
    campaign_id = live_server.campaign("Rivertown, no basemap")
    email = f"dots-{campaign_id}@example.org"
    live_server.member(campaign_id, email)
    sign_in(page, email)
    show(page, campaign_id, "none")
    assert len(page.evaluate(RENDERED, "doors")) == len(DOOR_LIST)
    assert [s["name"] for s in page.evaluate(RENDERED, "streets")] == ["Mill Street"]
    expect(page.locator(".maplibregl-ctrl-attrib")).not_to_contain_text("OpenStreetMap")  # no basemap, no OSM
    tap_first_door(page)
    shoot(page, "no-basemap")


def test_the_place_is_asked_for_only_when_tapped_and_followed_only_while_the_map_is_open(page, campaign):
    campaign_id, email = campaign
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": DOORS[1][1], "longitude": DOORS[1][2]})
    page.add_init_script("""(() => {
      const geo = navigator.geolocation, watch = geo.watchPosition.bind(geo), clear = geo.clearWatch.bind(geo);
      window.geo = { asked: 0, watching: new Set() };
      geo.getCurrentPosition = ((get) => (...a) => { window.geo.asked += 1; return get(...a); })(
        geo.getCurrentPosition.bind(geo));
      geo.watchPosition = (...a) => { window.geo.asked += 1; const id = watch(...a); window.geo.watching.add(id);
        return id; };
      geo.clearWatch = (id) => { window.geo.watching.delete(id); clear(id); };
    })()""")
    sign_in(page, email)
    show(page, campaign_id, "fetch")
    assert page.evaluate("window.geo.asked") == 0
    page.get_by_role("button", name="Show where I am").click()
    wait_until(page, "window.geo.watching.size === 1")
    wait_until(page, "document.querySelector('.maplibregl-user-location-dot') !== null")
    page.evaluate("window.shown.close()")
    assert page.evaluate("window.geo.watching.size") == 0
