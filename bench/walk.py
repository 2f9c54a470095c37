"""A 1,000-door turf on a volunteer's phone, in Chromium: what issue 13 asks of the walk list, each step at 1x and at
4x CPU throttle (CDP Emulation.setCPUThrottlingRate), so a reader can tell the code from the machine.

1. **Taking it offline**: from the tap on "Take this turf offline" to "Ready offline" (walk list, voters' cards and
   the map's extract into IndexedDB), through the gzip port as nginx would serve it, with the bytes received.
   Target: at most 2 s at 4x, at most 1 MB gzipped. A fresh phone (browser context) each round.
2. **Scrolling the list**: the walk list scrolled top to bottom, 40 px a frame (a brisk thumb), with every frame's
   time taken by requestAnimationFrame: frames per second and dropped frames (an interval of 1.5 vsyncs or more
   counts the vsyncs it missed). Target: 60 fps.
3. **Panning the map**: the map view dragged by the mouse across the screen and back for 3 s over the campaign's
   basemap, frames counted the same way. Headless Chromium draws WebGL in software (SwiftShader) here: a phone's
   GPU does this work, so read this as an upper bound of the cost.
4. **Taps**: "Nobody home" and a talk with a support level, counted as the clicks it took before the visit was saved
   on the phone (targets 1 and 2; the sync loop sends it from there), with the time from the last tap.

    python bench/walk.py [--doors 1000] [--rounds 3]

The load average is printed beside each step, since other work on the machine skews the numbers.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import insert  # noqa: E402

import pwa  # noqa: E402  (bench/pwa.py: the site in threads, Chromium's flags, the phone)
from server.auth.models import User  # noqa: E402
from server.basemaps.service import install_file  # noqa: E402
from server.campaigns.models import Campaign, Membership  # noqa: E402
from server.canvass import households  # noqa: E402
from server.canvass.models import Household, Turf, TurfHousehold  # noqa: E402
from server.columns import utcnow  # noqa: E402
from server.extensions import bulk_insert, db  # noqa: E402
from server.voters.models import Voter  # noqa: E402
from tests.basemap_town import EAST, NORTH, SOUTH, WEST, write_town  # noqa: E402

SEED = 20261206
VSYNC_MS = 1000 / 60
TARGET_READY_S, TARGET_GZIP_KB, TARGET_FPS = 2.0, 1000, 60
NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"]

# starts keeping requestAnimationFrame's timestamps in window.__frames (a promise of them), while the page scrolls
# itself 40 px a frame to the bottom ('scroll') or for ``seconds`` (anything else: the mouse moves meanwhile)
FRAMES = """({ step, seconds }) => {
  const times = [];
  const started = performance.now();
  window.__frames = new Promise((resolve) => {
    const frame = (now) => {
      times.push(now);
      if (step === 'scroll') {
        const before = window.scrollY;
        window.scrollBy(0, 40);
        if (window.scrollY === before && times.length > 2) return resolve();
      } else if (now - started > seconds * 1000) return resolve();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }).then(() => times);
}"""
FRAMES_KEPT = "() => window.__frames"
# the records this phone keeps: a visit is one as soon as it is saved, before the sync loop sends it
SAVED = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('kin');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const count = await new Promise((resolve, reject) => {
    const request = db.transaction('records').objectStore('records').count();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return count;
}"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def smoothness(times: list[float]) -> tuple[float, int, int]:
    """(frames per second, frames drawn, frames dropped) from requestAnimationFrame's timestamps."""
    intervals = [b - a for a, b in zip(times, times[1:], strict=False)]
    dropped = sum(round(i / VSYNC_MS) - 1 for i in intervals if i >= 1.5 * VSYNC_MS)
    seconds = (times[-1] - times[0]) / 1000
    return len(intervals) / seconds, len(intervals), dropped


def make_turf(site: pwa.Site, doors: int, folder: Path) -> tuple[int, int]:
    """``doors`` doors on streets across Rivertown's basemap (odd numbers north, even south; one door in three with
    two voters), grouped into households, all in one turf the bench's volunteer holds: (campaign id, turf id)."""
    rng = random.Random(SEED)
    per_street = 50
    streets = -(-doors // per_street)
    with site.app.app_context():
        campaign = db.session.execute(db.select(Campaign)).scalars().first()
        install_file(campaign, write_town(folder / "town.pmtiles", min_zoom=12, max_zoom=15), None)
        rows = []
        for n in range(doors):
            street, along = divmod(n, per_street)
            number = 101 + along
            lat = SOUTH + 0.001 + (NORTH - SOUTH - 0.002) * street / max(1, streets - 1) + (
                0.00005 if number % 2 else -0.00005)
            lon = WEST + 0.0005 + (EAST - WEST - 0.001) * (along // 2) / (per_street / 2)
            for _ in range(2 if rng.random() < 1 / 3 else 1):
                first = NAMES[rng.randrange(len(NAMES))]
                rows.append({"campaign_id": campaign.id, "external_id": uuid.uuid4().hex[:12],
                             "public_id": uuid.uuid4(), "first_name": first, "last_name": f"Family{n}",
                             "search_name": f"{first} family{n}".lower(), "house_number": str(number),
                             "street": f"Street {street + 1}", "zip": "27701", "city": "Rivertown",
                             "birth_year": 1940 + rng.randrange(60), "latitude": lat, "longitude": lon,
                             "active": True, "updated_at": utcnow()})
        db.session.execute(insert(Voter.__table__), rows)
        households.assign(campaign.id)
        holder = db.session.execute(db.select(Membership.id).join(User, User.id == Membership.user_id)
                                    .where(User.email == pwa.EMAIL)).scalar_one()
        ids = db.session.execute(db.select(Household.id).where(Household.campaign_id == campaign.id)).scalars().all()
        turf = Turf(campaign_id=campaign.id, name="Rivertown north", cut="streets", area={}, doors=len(ids),
                    voters=len(rows), holder_id=holder, held_since=utcnow(), expires_at=utcnow() + timedelta(days=7))
        db.session.add(turf)
        db.session.flush()
        bulk_insert(TurfHousehold.__table__, ("turf_id", "household_id", "campaign_id"),
                    [(turf.id, h, campaign.id) for h in ids])
        db.session.commit()
        print(f"A turf of {len(ids):,} doors and {len(rows):,} voters, with Rivertown's basemap (zooms 12 to 15)")
        return campaign.id, turf.id


def phone(browser, site: pwa.Site):
    """A fresh phone, signed in through the gzip port; (context, page, CDP session)."""
    context = browser.new_context(**pwa.PHONE, base_url=site.gzip_url)
    page = context.new_page()
    pwa.sign_in(page, site.gzip_url)
    return context, page, context.new_cdp_session(page)


def bench_take(browser, site: pwa.Site, rounds: int) -> None:
    print(f"\n1. Taking the turf offline, tap to 'Ready offline' (a fresh phone each round; {load()})")
    for rate in (1, pwa.THROTTLE):
        times, received = [], 0
        for _ in range(rounds):
            context, page, cdp = phone(browser, site)
            try:
                page.goto(f"{site.gzip_url}/doors")
                button = page.locator(".take-offline")
                button.wait_for()
                sizes = []
                page.on("requestfinished", lambda request, sizes=sizes: sizes.append(
                    request.sizes()["responseBodySize"]) if "/api/" in request.url else None)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                started = time.perf_counter()
                button.click()
                page.locator(".ready").wait_for(timeout=120_000)
                times.append(time.perf_counter() - started)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
                received = sum(sizes)
            finally:
                context.close()
        ok = rate == 1 or statistics.median(times) <= TARGET_READY_S
        print(f"   {rate}x CPU: median {statistics.median(times):.2f} s (each: "
              f"{', '.join(f'{t:.2f}' for t in times)} s); {received / 1000:,.0f} kB received "
              f"{pwa.verdict(ok and received <= TARGET_GZIP_KB * 1000) if rate > 1 else ''}")


def bench_scroll_and_pan(browser, site: pwa.Site, campaign_id: int, turf_id: int) -> None:
    context, page, cdp = phone(browser, site)
    try:
        page.goto(f"{site.gzip_url}/doors")
        page.locator(".take-offline").click()
        page.locator(".ready").wait_for(timeout=120_000)
        page.goto(f"{site.gzip_url}/doors/{campaign_id}/{turf_id}")
        page.locator("#walk-list h2").first.wait_for()
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"\n2. Scrolling the walk list top to bottom, 40 px a frame ({height:,} px of page; {load()})")
        for rate in (1, pwa.THROTTLE):
            page.evaluate("window.scrollTo(0, 0)")
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            page.evaluate(FRAMES, {"step": "scroll", "seconds": 0})
            fps, frames, dropped = smoothness(page.evaluate(FRAMES_KEPT))
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            print(f"   {rate}x CPU: {fps:.1f} fps over {frames} frames, {dropped} dropped "
                  f"{pwa.verdict(fps >= TARGET_FPS * 0.95) if rate > 1 else ''}")

        page.evaluate("window.scrollTo(0, 0)")
        page.locator("#show-map").click()
        canvas = page.locator("#walk-map canvas")
        canvas.wait_for()
        page.wait_for_timeout(2000)  # the tiles of the first view
        box = canvas.bounding_box()
        print(f"\n3. Panning the map by mouse, across and back for 3 s ({box['width']:.0f}x{box['height']:.0f} px; "
              f"{load()})")
        for rate in (1, pwa.THROTTLE):
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.evaluate(FRAMES, {"step": "pan", "seconds": 3})  # counts frames while the mouse drags
            page.mouse.move(x, y)
            page.mouse.down()
            started = time.perf_counter()
            step = 0
            while time.perf_counter() - started < 2.8:
                step += 1
                page.mouse.move(x + 120 * ((step // 30) % 2 * 2 - 1) * (step % 30) / 30, y + 20 * (step % 7) / 7)
                time.sleep(1 / 120)
            page.mouse.up()
            fps, count, dropped = smoothness(page.evaluate(FRAMES_KEPT))
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            print(f"   {rate}x CPU: {fps:.1f} fps over {count} frames, {dropped} dropped, {step} mouse moves "
                  f"{pwa.verdict(fps >= TARGET_FPS * 0.95) if rate > 1 else ''}")

        print(f"\n4. Taps until the visit is saved on the phone ({load()})")
        for rate in (1, pwa.THROTTLE):
            page.goto(f"{site.gzip_url}/doors/{campaign_id}/{turf_id}")
            page.locator("#next-door").click()
            page.locator("#not-home").wait_for()
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            nobody = taps_until_saved(page, [page.locator("#not-home")])
            page.locator("#not-home").wait_for()  # the next door
            voter = page.locator(".door-voter").first
            talk = taps_until_saved(page, [voter.locator("[data-result=talked]"),
                                           voter.get_by_role("button", name=re.compile(r"^1: "))])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            for what, (taps, ms), target in (("nobody home", nobody, 1), ("a talk with support", talk, 2)):
                print(f"   {rate}x CPU: {what}: {taps} tap{'s' if taps > 1 else ''}, saved {ms:.0f} ms after "
                      f"the last {pwa.verdict(taps <= target)}")
    finally:
        context.close()


def taps_until_saved(page, buttons) -> tuple[int, float]:
    """Tap each button in turn until the phone keeps one more record; (taps made, ms from the last tap to it)."""
    before = page.evaluate(SAVED)
    for taps, button in enumerate(buttons, 1):
        button.click()
        tapped = time.perf_counter()
        deadline = tapped + (0.5 if taps < len(buttons) else 10)
        while time.perf_counter() < deadline:
            if page.evaluate(SAVED) > before:
                return taps, (time.perf_counter() - tapped) * 1000
            time.sleep(0.005)
    raise AssertionError(f"no visit saved after {len(buttons)} taps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doors", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="fresh phones taking the turf, at each rate")
    args = parser.parse_args()
    print(f"CPU: {os.cpu_count()} cores, {load()}")
    scratch = pwa.scratch("kin-bench-walk-")
    site = pwa.Site(scratch, instance=True)
    try:
        campaign_id, turf_id = make_turf(site, args.doors, scratch)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=pwa.CHROMIUM, args=pwa.CHROMIUM_ARGS)
            try:
                bench_take(browser, site, args.rounds)
                bench_scroll_and_pan(browser, site, campaign_id, turf_id)
            finally:
                browser.close()
    finally:
        site.close()
    print(f"\nCPU: {load()} at the end")


if __name__ == "__main__":
    main()
