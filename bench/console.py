"""The organizer console's numbers (issue 12), each printed against its target with the machine's load:

1. ``js``: the JavaScript a signed-in organizer's browser downloads before the console's first screen (its
   'kin:console-first-screen' mark), cold cache, as Chromium received it and as gzip -9 of the same files, with the
   volunteers screen and with the dashboard as the first screen. Target: at most 120 kB gzipped (kB = 1,000 bytes).
   Also what a volunteer's browser downloads at /console: nothing but the refusal page.
2. ``dashboard`` (PostgreSQL: run under scripts/with-postgres.sh): the dashboard request's p95 at 1,000,000 voters,
   2,000 volunteers, 200,000 relationships and 500,000 conversations, and the plan of every query behind it
   (bench/dashboard.py); a Seq Scan over the conversations, relationships or voters fails the run.
3. ``lighthouse``: Lighthouse on the dashboard, signed in as an organizer of a campaign with some work in it
   (performance, accessibility >= 95, best practices 100), mobile preset and desktop preset.

    python bench/console.py [--only js|dashboard|lighthouse ...] [--scale 1.0] [--rounds 40]

Parts 1 and 3 run the app in this process on werkzeug's threaded server (as tests/pwa does) on SQLite; part 2 under
gunicorn on PostgreSQL. Exits non-zero when a dashboard plan reads a whole table or the dashboard misses its p95.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
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
from server.voters.models import Voter  # noqa: E402

TARGET_KB = 120
ORGANIZER = "oscar@example.org"
PARTS = ("js", "dashboard", "lighthouse")


def add_organizer(site) -> int:
    with site.app.app_context():
        campaign = db.session.query(Campaign).first()
        user = User(email=ORGANIZER, display_name="Oscar Organizer", password_hash=hash_password(pwa.PASSWORD))
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.ORGANIZER))
        db.session.commit()
        return campaign.id


def seed_work(site, campaign_id: int, people: int = 60) -> None:
    """Voters, and the site's volunteer's relationships and conversations with them over the last month, pushed
    through the sync API as a phone would: something for the dashboard to show."""
    with site.app.app_context():
        voters = [Voter(campaign_id=campaign_id, external_id=f"B{n}", first_name=f"Person{n}", last_name="Bench",
                        search_name=f"person{n} bench", priority=n % 3 == 0) for n in range(people)]
        db.session.add_all(voters)
        db.session.commit()
        public_ids = [str(v.public_id) for v in voters]
    client = site.app.test_client()
    token = client.post("/api/auth/login", json={"email": pwa.EMAIL, "password": pwa.PASSWORD}).json["access_token"]
    device, now, ops = str(uuid.uuid4()), datetime.now(UTC), []
    for n, voter in enumerate(public_ids):
        relationship = str(uuid.uuid4())
        ops.append(("relationship", relationship, {"voter_id": voter, "source": "match"}))
        if n % 4:
            ops.append(("conversation", str(uuid.uuid4()), {
                "relationship_id": relationship, "channel": ("text", "call", "door", "in_person")[n % 4],
                "happened_at": (now - timedelta(days=n % 30, hours=n % 7)).isoformat(), "support": n % 5 + 1,
                "issue_tags": [], "vote_method": "mail" if n % 5 == 0 else None}))
    stamp = time.time_ns() // 1_000_000
    body = {"protocol": 1, "device_id": device, "ops": [
        {"op_id": str(uuid.uuid4()), "entity": entity, "entity_id": entity_id, "action": "upsert", "fields": fields,
         "hlc": f"{stamp:015d}-{n:05d}-{device}"} for n, (entity, entity_id, fields) in enumerate(ops)]}
    answer = client.post(f"/api/campaigns/{campaign_id}/sync/push", json=body,
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and all(r["status"] == "applied" for r in answer.json["results"]), answer.json


def console_first_screen_at(page) -> float:
    return page.evaluate(
        "performance.timeOrigin + performance.getEntriesByName('kin:console-first-screen')[0].startTime")


def first_screen(browser, site, campaign: int, screen: str, ready: str) -> int:
    """Sign in, then open the screen with a cold cache; prints the scripts before the first screen, returns gzip -9."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/console")
    page.locator("#signin-email").fill(ORGANIZER)
    page.locator("#signin-password").fill(pwa.PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#console-nav a").first.wait_for()
    page.close()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    downloads = pwa.Downloads(context)
    page.goto(f"{site.url}/console/{campaign}/{screen}")
    page.locator(ready).first.wait_for()
    rows = downloads.scripts(started_by=console_first_screen_at(page))
    pwa.print_scripts(f"signed-in organizer, /console/<id>/{screen}, cold cache, until its first screen", rows, False)
    total = sum(r["gzip9"] for r in rows)
    print(f"     console before its first screen ({screen}): gzip -9 {pwa.kb(total)}   target <= {TARGET_KB} kB  "
          f"{pwa.verdict(total <= TARGET_KB * 1000)}   (load average {os.getloadavg()[0]:.2f})")
    context.close()
    return total


def bench_js(browser, site, campaign: int) -> None:
    print("1. The console's JavaScript before its first screen (gzip -9: what a compressing server sends)")
    first_screen(browser, site, campaign, "volunteers", "#roster")
    first_screen(browser, site, campaign, "dashboard", "#dashboard-tiles")

    print("\n   A volunteer at /console (the server reads the refresh cookie's /console copy)")
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


def bench_lighthouse(playwright, site, campaign: int, folder: Path) -> None:
    print("\n3. Lighthouse on the dashboard, signed in as an organizer (warm: after signing in, gzip); the app on "
          "werkzeug's threaded server in this process")
    process, port = pwa.signed_in_browser(folder / "lighthouse-profile")
    try:
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = browser.contexts[0].new_page()
        page.goto(f"{site.gzip_url}/console")
        page.locator("#signin-email").fill(ORGANIZER)
        page.locator("#signin-password").fill(pwa.PASSWORD)
        page.locator("#signin-form button[type=submit]").click()
        page.goto(f"{site.gzip_url}/console/{campaign}/dashboard")
        page.locator("#daily-chart").scroll_into_view_if_needed()  # the chart draws when it shows
        page.locator("#daily-chart canvas").wait_for()
        page.close()
        browser.close()  # lets go of a browser it did not launch; Chromium runs on
        url = f"{site.gzip_url}/console/{campaign}/dashboard"
        for n, (label, extra) in enumerate((("mobile preset (slow 4G, 4x CPU)", []),
                                            ("desktop preset", ["--preset=desktop"]))):
            lhr = pwa.lighthouse(url, folder / f"lh-dashboard-{n}.json",
                                 [f"--port={port}", "--disable-storage-reset", *extra])
            pwa.report_lighthouse(f"/console/<id>/dashboard, {label}  (load average {os.getloadavg()[0]:.2f})",
                                  lhr, signed_in=True)
    finally:
        pwa.stop(process)


def bench_dashboard(args) -> bool:
    import psycopg

    from bench.scale import dashboard

    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if not admin:
        sys.exit("The dashboard part needs PostgreSQL: run under scripts/with-postgres.sh (or --only js lighthouse).")
    print(f"\n2. The dashboard at scale {args.scale:g} on PostgreSQL")
    name = f"kin_bench_dashboard_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory(prefix="kin-bench-dashboard-") as folder:
            return dashboard.run(admin, url, url.replace("postgresql://", "postgresql+psycopg://"), Path(folder),
                                 args.scale, args.rounds, args.workers, args.threads, args.door_visits)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="the dashboard's campaign: multiply every count")
    parser.add_argument("--rounds", type=int, default=40, help="dashboard requests per filter")
    parser.add_argument("--door-visits", type=int, default=200_000,
                        help="door visits in the dashboard's campaign (not scaled)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    parts = args.only or PARTS
    ok = True
    if "js" in parts or "lighthouse" in parts:
        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            site = pwa.Site(Path(folder))
            campaign = add_organizer(site)
            seed_work(site, campaign)
            browser = playwright.chromium.launch(executable_path=pwa.CHROMIUM, args=pwa.CHROMIUM_ARGS)
            try:
                if "js" in parts:
                    bench_js(browser, site, campaign)
                if "lighthouse" in parts:
                    bench_lighthouse(playwright, site, campaign, Path(folder))
            finally:
                browser.close()
                site.close()
    if "dashboard" in parts:
        ok = bench_dashboard(args)
    if not ok:
        sys.exit("The dashboard missed a target (above).")


if __name__ == "__main__":
    main()
