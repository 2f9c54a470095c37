"""The organizer console: the JavaScript a signed-in organizer's browser downloads before the console's first screen
(the volunteers of their campaign, its 'kin:console-first-screen' mark), with a cold cache, as Chromium received it
and as gzip -9 of the same files. Target (issue 12): at most 120 kB gzipped (kB = 1,000 bytes). Also what a
volunteer's browser downloads at /console: nothing but the refusal page.

    python bench/console.py

The app runs in this process on werkzeug's threaded server (as tests/pwa does) on SQLite. Prints PASS/MISS and
exits 0 unless something broke. The dashboard, review-list and export benchmarks of issue 12 join this file with
those screens.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import sync_playwright  # noqa: E402

import pwa  # noqa: E402  (bench/pwa.py: the site in threads, and how scripts are counted)
from server.auth.models import User  # noqa: E402
from server.auth.passwords import hash_password  # noqa: E402
from server.campaigns.models import Campaign, Membership, Role  # noqa: E402
from server.extensions import db  # noqa: E402

TARGET_KB = 120
ORGANIZER = "oscar@example.org"


def add_organizer(site) -> int:
    with site.app.app_context():
        campaign = db.session.query(Campaign).first()
        user = User(email=ORGANIZER, display_name="Oscar Organizer", password_hash=hash_password(pwa.PASSWORD))
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.ORGANIZER))
        db.session.commit()
        return campaign.id


def console_first_screen_at(page) -> float:
    return page.evaluate(
        "performance.timeOrigin + performance.getEntriesByName('kin:console-first-screen')[0].startTime")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        site = pwa.Site(Path(folder))
        campaign = add_organizer(site)
        browser = playwright.chromium.launch(executable_path=pwa.CHROMIUM, args=pwa.CHROMIUM_ARGS)
        try:
            print("1. The console's JavaScript before its first screen (gzip -9: what a compressing server sends)")
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(f"{site.url}/console")
            page.locator("#signin-email").fill(ORGANIZER)
            page.locator("#signin-password").fill(pwa.PASSWORD)
            page.locator("#signin-form button[type=submit]").click()
            page.locator("#roster").wait_for()
            page.close()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            downloads = pwa.Downloads(context)
            page.goto(f"{site.url}/console/{campaign}/volunteers")
            page.locator("#roster").wait_for()
            rows = downloads.scripts(started_by=console_first_screen_at(page))
            pwa.print_scripts("signed-in organizer, /console/<id>/volunteers, cold cache, until the roster shows",
                              rows, False)
            total = sum(r["gzip9"] for r in rows)
            print(f"     console before its first screen: gzip -9 {pwa.kb(total)}   target <= {TARGET_KB} kB  "
                  f"{pwa.verdict(total <= TARGET_KB * 1000)}")
            context.close()

            print("\n2. A volunteer at /console (the server reads the refresh cookie's /console copy)")
            # no service worker: its precache of the app would be counted; and the app's idle fetches done first
            context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
            page = context.new_page()
            pwa.sign_in(page, site.url)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(3000)
            downloads = pwa.Downloads(context)
            response = page.goto(f"{site.url}/console")
            page.wait_for_load_state("networkidle")
            scripts = downloads.scripts()
            print(f"   status {response.status}; scripts downloaded: {len(scripts)}   "
                  f"{pwa.verdict(response.status == 403 and not scripts)}")
            context.close()
        finally:
            browser.close()
            site.close()


if __name__ == "__main__":
    main()
