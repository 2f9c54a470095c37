"""Maps (docs/maps.md): what a phone downloads and waits for, printed with the machine's load.

1. The extract a phone keeps for a 1 km² box: its size and the time the API takes to cut it (median of 20, in
   process), from a basemap of zooms 0 to 15 written by tests/basemap_town.py. Its tiles hold a made-up town of eight
   streets, so they are far smaller than a real city's (a Protomaps tile at zoom 15 is 20 to 100 kB): read the size as
   the tile count times your area's tile size, the time as what cutting costs.
2. The map module: static/map.js (MapLibre, pmtiles, the Protomaps style), MapLibre's worker and stylesheet, raw and
   gzip -9, and a check that none of them is in the first screen's JavaScript (index.html's preloads).
3. Time to the map's first 'idle' on a phone-sized page, from importing static/map.js to MapLibre's 'idle' event,
   with the extract read from IndexedDB (as offline), at 1x and at 4x CPU throttle (CDP
   Emulation.setCPUThrottlingRate); median of 5 fresh page loads each.

    python bench/maps.py
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_jwt_extended import create_access_token  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import pwa  # noqa: E402  (bench/pwa.py: the site in threads, Chromium's flags, sizes)
from server.basemaps.service import install_file  # noqa: E402
from server.campaigns.models import Campaign  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.basemap_town import DOORS, write_town  # noqa: E402

# 1 km² around Rivertown's middle: 1 km of latitude is 0.009°, of longitude at 36° N 0.0111°
LON, LAT = -78.9000, 35.9940
BOX = [LON - 0.00556, LAT - 0.0045, LON + 0.00556, LAT + 0.0045]
ROUNDS_EXTRACT, ROUNDS_IDLE = 20, 5
DOOR_LIST = [{"id": i, "lat": lat, "lon": lon, "label": label} for i, lat, lon, label in DOORS]
SHOW = """async ({campaign, box, doors}) => {
  const started = performance.now();
  const maps = await import('/map.js');
  const basemap = await maps.basemapFor(campaign, 'bench');
  const element = Object.assign(document.createElement('div'), { id: 'bench-map' });
  element.style.cssText = 'position: fixed; inset: 0; z-index: 1000;';
  document.body.append(element);
  const shown = await maps.showMap(element, { basemap, doors });
  await new Promise((resolve) => shown.map.once('idle', resolve));
  return performance.now() - started;
}"""


def bench_extract(site: pwa.Site, campaign_id: int) -> None:
    print("\n1. The extract for a 1 km² box (in process, median of 20)")
    client = site.app.test_client()
    with site.app.app_context():
        headers = {"Authorization": f"Bearer {create_access_token(identity='1')}"}
    url = f"/api/campaigns/{campaign_id}/basemap/extract?bbox={','.join(map(str, BOX))}"
    times, size = [], 0
    for _ in range(ROUNDS_EXTRACT):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        body = response.get_data()
        times.append(time.perf_counter() - started)
        response.close()
        assert response.status_code == 200, body[:200]
        size = len(body)
    tiles = int.from_bytes(body[72:80], "little")  # the header's addressed tile count
    print(f"   {tiles} tiles over zooms 0 to 15, {pwa.kb(size)}; median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")


def bench_module() -> None:
    print("\n2. The map module (loaded when a map is first shown, then from the service worker's precache)")
    files = [pwa.STATIC / "map.js", pwa.STATIC / "maplibre-gl-worker.js", pwa.STATIC / "maplibre-gl.css"]
    for path in files:
        print(f"   {path.name:<24} file {pwa.kb(path.stat().st_size)}   gzip -9 {pwa.kb(pwa.gzip9(path))}")
    print(f"   total gzip -9 {pwa.kb(sum(pwa.gzip9(path) for path in files))}")
    first = set(re.findall(r'href="(/[^"]+\.js)"', (pwa.STATIC / "index.html").read_text())) | {"/app.js"}
    chunks = {f"/chunks/{name}" for name in re.findall(r'"\./chunks/([^"]+)"', (pwa.STATIC / "map.js").read_text())}
    heavy = {f"/{path.name}" for path in files} | {chunk for chunk in chunks
                                                 if (pwa.STATIC / chunk[1:]).stat().st_size > 100_000}
    print(f"   in the first screen's JavaScript: {', '.join(sorted(first & heavy)) or 'none of them'}  "
          f"{pwa.verdict(not first & heavy)}")


def bench_idle(browser, site: pwa.Site, campaign_id: int) -> None:
    print("\n3. From import('/map.js') to the map's first 'idle', the extract read from IndexedDB (median of 5)")
    context = browser.new_context(**pwa.PHONE)
    try:
        page = context.new_page()
        pwa.sign_in(page, site.url)
        page.evaluate("""async ({campaign, box}) => { const maps = await import('/map.js');
            await maps.keepBasemap(campaign, 'bench', box); }""", {"campaign": campaign_id, "box": BOX})
        cdp = context.new_cdp_session(page)
        for rate in (1, pwa.THROTTLE):
            times = []
            for _ in range(ROUNDS_IDLE):
                page.reload()
                page.locator("#home").wait_for()
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                times.append(page.evaluate(SHOW, {"campaign": campaign_id, "box": BOX, "doors": DOOR_LIST}))
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            print(f"   {rate}x CPU: median {statistics.median(times):6.0f} ms   (each: "
                  f"{', '.join(f'{t:.0f}' for t in times)} ms)")
    finally:
        context.close()


def main() -> None:
    load = os.getloadavg()
    print(f"CPU: {os.cpu_count()} cores, load average {load[0]:.2f} (other work skews these numbers)")
    scratch = pwa.scratch("kin-bench-maps-")
    site = pwa.Site(scratch, instance=True)
    try:
        with site.app.app_context():
            campaign = db.session.execute(db.select(Campaign)).scalars().first()
            install_file(campaign, write_town(scratch / "town.pmtiles", min_zoom=0, max_zoom=15), None)
            campaign_id = campaign.id
        bench_extract(site, campaign_id)
        bench_module()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=pwa.CHROMIUM, args=pwa.CHROMIUM_ARGS)
            try:
                bench_idle(browser, site, campaign_id)
            finally:
                browser.close()
    finally:
        site.close()
    load = os.getloadavg()
    print(f"\nCPU: load average {load[0]:.2f} at the end")


if __name__ == "__main__":
    main()
