"""The volunteer's phone: a 5,000-contact import in throttled Chromium, the JavaScript before the first screen,
and Lighthouse.

1. Import: a generated 5,000-contact vCard 3.0 file (fixed seed; accents, 1-3 phones in varied US formats,
   e-mails, base64 PHOTOs the parser must step over, CRLF) goes into `#contacts-file` on /contacts, signed in, in
   headless Chromium at 4x CPU throttling (CDP `Emulation.setCPUThrottlingRate`). Timed in the page from the
   input's `change` until `#import-status` says "Added ..." and `#contacts-count` shows 5,000: read + parse +
   IndexedDB write. Normalisation (pwa/lib/contacts/normalize.js, which matching runs on every contact) is timed
   in the same page, over the 5,000 contacts read back from IndexedDB, through a bench-only module served at
   /bench-normalize.js (the same source bundled by esbuild). Target: both together at most 3 s at 4x; 1x is
   printed for reference.
2. The JavaScript downloaded before the first screen (the sign-in form; then #home after signing in; then #home
   for a signed-in volunteer with a cold cache), as Chromium received it and as gzip -9 of the same files.
   Target: at most 150 kB gzipped (kB = 1,000 bytes). The lazy chunks are listed for information.
3. Lighthouse 12.2.3 (mobile preset) on /signin and / (signed out, cold), served as Flask serves it (no
   compression) and through a gzip middleware (as a compressing proxy would), and on / and /contacts signed in
   (warm: the service worker serves the shell). Targets: performance and accessibility at least 95, best
   practices 100. Failing audits are listed.

    python bench/pwa.py [--rounds 3] [--contacts 5000] [--only import|js|lighthouse ...]

The app runs in this process on werkzeug's threaded server (as tests/pwa does) on SQLite. Prints PASS/MISS per
target and exits 0 unless something broke.
"""

import argparse
import gzip
import json
import logging
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from base64 import b64encode
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Response  # noqa: E402

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.passwords import hash_password  # noqa: E402
from server.campaigns.models import Campaign, Membership, Role  # noqa: E402
from server.extensions import db  # noqa: E402

STATIC = ROOT / "static"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
CHROMIUM = "/usr/bin/chromium"
# as tests/pwa/conftest.py: no host but this one is reachable (see shared/docs/toolchain.md)
CHROMIUM_ARGS = [
    "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
EMAIL, PASSWORD = "vera@example.org", "bench password for the phone"
CONFIG = {"SECRET_KEY": "bench-secret-key-long-enough-for-hs256", "OPRF_SEED": "bench-oprf-seed-long-enough",
          "SUPPRESSION_SEED": "bench-oprf-seed-long-enough",
          "PASSWORD_HASH_PROFILE": "CHEAPEST",  # sign-in cost is auth.py's subject, not this one's
          "LOGIN_RATE_LIMIT": "1000 per minute"}

PARTS = ("import", "js", "lighthouse")
TARGET_IMPORT_S, THROTTLE = 3.0, 4
TARGET_JS_KB = 150
TARGET_SCORES = {"performance": 95, "accessibility": 95, "best-practices": 100}
# these error with Chromium 156 (RootCauses: ... 'frame_sequence'); scores are still produced
KNOWN_ERRORING = {"largest-contentful-paint-element", "lcp-lazy-loaded", "layout-shifts", "non-composited-animations",
                  "prioritize-lcp-image", "render-blocking-resources"}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def kb(size: int) -> str:
    return f"{size / 1000:7.1f} kB"


def gzip9(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


# --- the address book -------------------------------------------------------------------------------------------

AREAS = ("919", "984", "336", "704", "910", "252", "828", "980", "202", "212", "213", "305", "312", "404", "415",
         "503", "512", "617", "702", "720", "206", "267", "347", "469", "646", "718", "773", "832", "857", "929")
US_FORMATS = ("({a}) {e}-{n}", "{a}-{e}-{n}", "{a}.{e}.{n}", "+1 {a}-{e}-{n}", "+1{a}{e}{n}", "1 ({a}) {e}-{n}",
              "{a}{e}{n}", "+1 ({a}) {e}-{n}", "1-{a}-{e}-{n}", "{a} {e} {n}", "+1 {a} {e} {n}", "1{a}{e}{n}")
ABROAD = ("+44 20 7946 {n}", "+52 55 1234 {n}", "+33 1 42 68 {n2} {n3}", "+49 30 901820{n1}", "+63 917 555 {n}")
LOCALES = ("en_US", "es_MX", "fr_FR", "de_DE", "pl_PL", "vi_VN", "pt_BR", "tr_TR", "no_NO", "ga_IE")
DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net", "me.com",
           "protonmail.com", "unc.edu")
APPLE_LABELS = ("_$!<Mobile>!$_", "_$!<Home>!$_", "_$!<Work>!$_", "_$!<Other>!$_", "_$!<Main>!$_", "Abuela",
                "Trabajo", "Signal")


def fold(line: str) -> str:
    """RFC 2426 folding at 75 octets: CRLF and one space (ASCII lines only are folded here)."""
    if len(line) <= 75 or not line.isascii():
        return line
    parts = [line[:75]] + [line[i:i + 74] for i in range(75, len(line), 74)]
    return "\r\n ".join(parts)


def address_book(count: int, seed: int = 2026) -> tuple[bytes, dict]:
    """A vCard 3.0 export of `count` different people, as iPhones and Google Contacts write one (CRLF)."""
    from faker import Faker

    rng = random.Random(seed)
    # a mostly American address book with many families from elsewhere; one seeded Faker per locale, so the
    # same seed always gives the same file
    fakers = [Faker(locale) for locale in LOCALES]
    for n, fake in enumerate(fakers):
        fake.seed_instance(seed + n)
    share = lambda k: [fake for fake in fakers for _ in range(k if fake is fakers[0] else k // 4)]  # noqa: E731
    firsts = sorted({fake.first_name() for fake in share(1200)})
    lasts = sorted({fake.last_name() for fake in share(1600)})
    companies = [fakers[0].company().replace(";", "") for _ in range(300)]
    streets = [fakers[0].street_address().replace(";", "") for _ in range(500)]
    cities = [fakers[0].city().replace(";", "") for _ in range(200)]
    used_numbers, cards = set(), []
    stats = {"phones": 0, "emails": 0, "photos": 0, "photo_bytes": 0, "accented": 0}

    def us_number() -> str:
        while True:
            area, exchange, line = rng.choice(AREAS), rng.randint(200, 999), rng.randint(0, 9999)
            if exchange % 100 == 11 or exchange == 555 or (area, exchange, line) in used_numbers:
                continue
            used_numbers.add((area, exchange, line))
            text = rng.choice(US_FORMATS).format(a=area, e=exchange, n=f"{line:04d}")
            return text + (f" ext. {rng.randint(2, 999)}" if rng.random() < 0.02 else "")

    def abroad() -> str:
        n = rng.randint(1000, 9999)
        return rng.choice(ABROAD).format(n=n, n1=n % 10, n2=f"{n // 100:02d}", n3=f"{n % 100:02d}")

    for index in range(count):
        first, last = rng.choice(firsts), rng.choice(lasts)
        full = f"{first} {last}"
        stats["accented"] += not full.isascii()
        apple = rng.random() < 0.6
        phones = [abroad() if rng.random() < 0.03 else us_number() for _ in range(rng.choices((1, 2, 3),
                                                                                            (60, 30, 10))[0])]
        ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
        local = "".join(c for c in ascii_name.lower() if c.isalnum() or c == ".") or "friend"
        emails = [f"{local}{k or ''}{rng.randint(1, 99) if rng.random() < 0.3 else ''}@{rng.choice(DOMAINS)}"
                  for k in range(rng.choices((0, 1, 2), (55, 35, 10))[0])]
        if rng.random() < 0.05:  # typed in capitals, as people do
            emails = [e.upper() if rng.random() < 0.5 else e.title() for e in emails]
        stats["phones"] += len(phones)
        stats["emails"] += len(emails)
        lines = ["BEGIN:VCARD", "VERSION:3.0"]
        lines.append("PRODID:-//" + ("Apple Inc.//iPhone OS 17.5//EN" if apple else "Google Inc//Google Contacts//EN"))
        lines += [f"N:{last};{first};;;", f"FN:{full}"]
        if rng.random() < 0.25:
            lines.append(f"ORG:{rng.choice(companies)};")
        for k, phone in enumerate(phones):
            if apple and k == 2:
                lines += [f"item{k}.TEL:{phone}", f"item{k}.X-ABLabel:{rng.choice(APPLE_LABELS)}"]
            elif apple:
                kind = ("CELL", "HOME", "WORK")[k]
                lines.append(f"TEL;type={kind};type=VOICE{';type=pref' if k == 0 else ''}:{phone}")
            else:
                lines.append(f"TEL;TYPE={('CELL', 'HOME', 'WORK')[k]}:{phone}")
        for k, address in enumerate(emails):
            lines.append(f"EMAIL;type=INTERNET;type={('HOME', 'WORK')[k]}{';type=pref' if k == 0 else ''}:{address}"
                         if apple else f"EMAIL;TYPE=INTERNET:{address}")
        if rng.random() < 0.2:
            lines.append(f"ADR;type=HOME:;;{rng.choice(streets)};{rng.choice(cities)};NC;27{rng.randint(100, 999)};"
                         "United States")
        if rng.random() < 0.15:
            lines.append(f"BDAY:{rng.randint(1945, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.1:
            lines.append(fold("NOTE:Met at the " + rng.choice(("block party", "union hall", "PTA meeting", "church"))
                              + r"\, ask about the garden\nCall after 6 " + "x" * rng.randint(0, 120)))
        if rng.random() < 0.08:  # a contact photo: a JPEG of 4-24 kB, as base64 the parser must step over
            photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(rng.randint(4_000, 24_000))
            encoded = b64encode(photo).decode()
            stats["photos"] += 1
            stats["photo_bytes"] += len(encoded)
            lines.append(fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{encoded}"))
        lines.append(f"REV:2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:{index % 60:02d}:00Z")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return ("\r\n".join(cards) + "\r\n").encode(), stats


# --- the app, served -------------------------------------------------------------------------------------------

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "application/manifest+json", "image/svg+xml"}


def gzipped(app):
    """gzip text responses, as nginx or a CDN in front of gunicorn would (level 6, nginx's usual setting)."""

    def middleware(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return app(environ, start_response)
        response = Response.from_app(app, environ)
        if response.status_code == 200 and "Content-Encoding" not in response.headers \
                and response.mimetype in COMPRESSIBLE:
            response.set_data(gzip.compress(response.get_data(), 6))
            response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
            etag, _ = response.get_etag()
            if etag:
                response.set_etag(etag, weak=True)
        return response(environ, start_response)

    return middleware


def scratch(prefix: str) -> Path:
    """A throwaway folder that is also $TMPDIR: Chromium, Lighthouse and chrome-launcher leave profiles there."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None
    return folder


class Site:
    """Kin in threads on two local ports: as Flask serves it (uncompressed) and gzipped; one SQLite database in
    ``folder``, which with ``instance`` also holds what the app keeps in its instance folder (basemaps)."""

    def __init__(self, folder: Path, instance: bool = False):
        self.app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'kin.sqlite3'}"})
        if instance:
            self.app.config["INSTANCE_PATH"] = self.app.instance_path = str(folder)
        with self.app.app_context():
            logging.disable(logging.INFO)  # alembic's per-migration lines
            upgrade()
            logging.disable(logging.NOTSET)
            campaign = Campaign(name="Rivertown for All")
            user = User(email=EMAIL, display_name="Vera Volunteer", password_hash=hash_password(PASSWORD))
            db.session.add_all([campaign, user])
            db.session.flush()
            db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.VOLUNTEER))
            db.session.commit()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
        self.servers = [make_server("127.0.0.1", 0, self.app, threaded=True),
                        make_server("127.0.0.1", 0, gzipped(self.app), threaded=True)]
        self.url, self.gzip_url = (f"http://127.0.0.1:{s.server_port}" for s in self.servers)
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]
        for thread in self.threads:
            thread.start()

    def close(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join()
        with self.app.app_context():
            db.engine.dispose()


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#home").wait_for()


def wait_until(page, expression: str, timeout: float) -> None:
    """Poll from outside the page: wait_for_function's in-page eval is refused by the app's CSP."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        time.sleep(0.02)


# --- 1. the import ---------------------------------------------------------------------------------------------

WATCH_IMPORT = """(expected) => {
  const status = document.getElementById('import-status');
  const count = document.getElementById('contacts-count');
  const bench = window.__bench = { start: null, added: null, done: null, failed: null };
  document.addEventListener('change', () => { bench.start = performance.now(); }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (bench.added === null && status.textContent.startsWith('Added')) bench.added = now;
    if (status.textContent.startsWith('Kin could not')) bench.failed = status.textContent;
    if (bench.added !== null && count.textContent.replace(/,/g, '') === `${expected} contacts on this phone.`) {
      bench.done = now;
      bench.status = status.textContent;
      bench.count = count.textContent;
    }
    if (bench.done !== null || bench.failed !== null) observer.disconnect();
  });
  for (const el of [status, count]) observer.observe(el, { childList: true, characterData: true, subtree: true });
}"""

BUSY_LOOP = """() => { const t = performance.now(); let x = 0; for (let i = 0; i < 2e7; i++) x += i % 7;
  return [performance.now() - t, x]; }"""

NORMALISE = """async (region) => {
  const t0 = performance.now();
  const { contactInputs } = await import('/bench-normalize.js');
  const t1 = performance.now();
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('kin');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const contacts = await new Promise((resolve, reject) => {
    const request = db.transaction('contacts').objectStore('contacts').getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  const t2 = performance.now();
  const pass = () => {  // as match.js inputsOf builds its map
    const byInput = new Map();
    for (const contact of contacts) {
      for (const input of contactInputs(contact, region)) {
        if (!byInput.has(input)) byInput.set(input, []);
        byInput.get(input).push({ contactId: contact.id, kind: input.startsWith('tel:') ? 'phone' : 'email' });
      }
    }
    return byInput;
  };
  const byInput = pass();
  const t3 = performance.now();
  pass();
  const t4 = performance.now();
  const inputs = [...byInput.keys()];
  return { load: t1 - t0, read: t2 - t1, normalise: t3 - t2, warm: t4 - t3, contacts: contacts.length,
           phones: contacts.reduce((n, c) => n + c.phones.length, 0),
           emails: contacts.reduce((n, c) => n + c.emails.length, 0),
           tel: inputs.filter((i) => i.startsWith('tel:')).length,
           mailto: inputs.filter((i) => i.startsWith('mailto:')).length };
}"""


PARSE_ONLY = """async () => {
  const bytes = new Uint8Array(await (await fetch('/bench-contacts.vcf')).arrayBuffer());
  const { parseContactsFile } = await import('/bench-files.js');
  const t0 = performance.now();
  const parsed = parseContactsFile('contacts.vcf', bytes);
  if (!parsed.length) throw new Error('nothing parsed');
  return performance.now() - t0;
}"""


def bench_module(source: str) -> bytes:
    """A module of pwa/ bundled as the app's build bundles it, to be served at /bench-*.js on the app's origin."""
    done = subprocess.run([str(ESBUILD), str(ROOT / source), "--bundle", "--format=esm",
                           "--minify", "--target=es2022", "--log-level=warning"],
                          cwd=ROOT, capture_output=True, check=True, timeout=60)
    return done.stdout


def import_round(browser, site: Site, vcf: bytes, modules: dict, rate: int, expected: int) -> dict:
    """One fresh phone: sign in, open /contacts, throttle, pick the file; times from the page's clock."""
    context = browser.new_context(**PHONE)
    try:
        served = {**modules, "/bench-contacts.vcf": vcf}
        context.route(f"{site.url}/bench-*", lambda route: route.fulfill(
            status=200, body=served[urlparse(route.request.url).path],
            content_type="text/vcard" if route.request.url.endswith(".vcf") else "text/javascript"))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        sign_in(page, site.url)
        wait_until(page, "navigator.serviceWorker.controller !== null", 30)  # precaching done: a settled phone
        page.goto(f"{site.url}/contacts")
        page.locator("#contacts-count").filter(has_text="0 contacts").wait_for()
        cdp = context.new_cdp_session(page)
        loop_1x = page.evaluate(BUSY_LOOP)[0]
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        loop_rate = page.evaluate(BUSY_LOOP)[0]
        page.evaluate(WATCH_IMPORT, expected)
        page.locator("#contacts-file").set_input_files(files=[{"name": "contacts.vcf", "mimeType": "text/vcard",
                                                              "buffer": vcf}])
        wait_until(page, "window.__bench.done !== null || window.__bench.failed !== null", 300)
        bench = page.evaluate("window.__bench")
        if bench["failed"]:
            raise RuntimeError(f"the import failed: {bench['failed']}")
        norm = page.evaluate(NORMALISE, "US")
        parse = page.evaluate(PARSE_ONLY)
        if errors:
            raise RuntimeError(f"errors in the page: {errors}")
        return {"parse_store": (bench["done"] - bench["start"]) / 1000,
                "added_at": (bench["added"] - bench["start"]) / 1000,
                "normalise": norm["normalise"] / 1000, "load": norm["load"] / 1000, "read": norm["read"] / 1000,
                "warm": norm["warm"] / 1000, "parse": parse / 1000, "slowdown": loop_rate / loop_1x,
                "status": bench["status"], "count": bench["count"], "norm": norm}
    finally:
        context.close()


def bench_import(browser, site: Site, rounds: int, contacts: int) -> None:
    started = time.perf_counter()
    vcf, stats = address_book(contacts)
    print(f"1. Import {contacts:,} contacts (vCard 3.0, CRLF): {len(vcf) / 1e6:.2f} MB, {stats['phones']:,} phones, "
          f"{stats['emails']:,} e-mails, {stats['photos']} PHOTOs ({stats['photo_bytes'] / 1e6:.2f} MB of base64), "
          f"{stats['accented']:,} names with accents; generated in {time.perf_counter() - started:.1f} s")
    modules = {"/bench-normalize.js": bench_module("pwa/lib/contacts/normalize.js"),
               "/bench-files.js": bench_module("pwa/lib/contacts/files.js")}
    runs = {THROTTLE: [], 1: []}
    for rate, n in ((THROTTLE, rounds), (1, 1)):
        for _ in range(n):
            runs[rate].append(import_round(browser, site, vcf, modules, rate, contacts))
    first = runs[THROTTLE][0]
    print(f"   the app says: \"{first['status']}\" / \"{first['count']}\"")
    n = first["norm"]
    print(f"   normalised: {n['contacts']:,} contacts, {n['phones']:,} phones -> {n['tel']:,} tel: inputs, "
          f"{n['emails']:,} e-mails -> {n['mailto']:,} mailto: inputs")
    for rate, results in runs.items():
        slowdown = statistics.median(r["slowdown"] for r in results)
        label = f"at {rate}x CPU" + (f" (measured x{slowdown:.1f} on a busy loop)" if rate != 1 else "")
        print(f"   {label}, median of {len(results)}:")
        med = {key: statistics.median(r[key] for r in results) for key in
               ("parse_store", "added_at", "normalise", "load", "read", "warm", "parse")}
        print(f"     read + parse + IndexedDB write      {med['parse_store']:6.2f} s"
              f"   (\"Added\" shown at {med['added_at']:.2f} s; all: "
              + ", ".join(f"{r['parse_store']:.2f}" for r in results) + ")")
        print(f"       of which parseContactsFile alone  {med['parse']:6.2f} s   (the same parser, timed on its own "
              "in the same page afterwards)")
        print(f"     normalise (contactInputs, cold)     {med['normalise']:6.2f} s"
              f"   (again, warm: {med['warm']:.2f} s; module load {med['load']:.2f} s, IndexedDB read "
              f"{med['read']:.2f} s, not counted)")
        total = med["parse_store"] + med["normalise"]
        target = f"target <= {TARGET_IMPORT_S:.0f} s  {verdict(total <= TARGET_IMPORT_S)}" if rate == THROTTLE \
            else "(reference)"
        print(f"     import + normalise                  {total:6.2f} s   {target}")


# --- 2. JavaScript before the first screen ------------------------------------------------------------------------

class Downloads:
    """Every script response a context receives, page's and service worker's, in arrival order."""

    def __init__(self, context):
        self.requests = []
        context.on("requestfinished", lambda request: self.requests.append(request))

    def scripts(self, since: int = 0, until: int | None = None, started_by: float | None = None) -> list[dict]:
        """The scripts among requests[since:until]; with started_by (ms since the epoch), only those requested
        by then."""
        rows = []
        for request in self.requests[since:until]:
            if started_by is not None and request.timing["startTime"] > started_by:
                continue
            path = urlparse(request.url).path
            if request.resource_type != "script" and not path.endswith(".js"):
                continue
            response = request.response()
            local = STATIC / path.lstrip("/")
            rows.append({"path": path, "from_sw": request.service_worker is not None,
                         # the body's size on the wire; Chromium reports 6 bytes for /sw.js, so the header first
                         "encoded": int(response.headers.get("content-length", 0))
                         or request.sizes()["responseBodySize"],
                         "encoding": response.headers.get("content-encoding", "none"),
                         "gzip9": gzip9(local) if local.is_file() else 0,
                         "raw": local.stat().st_size if local.is_file() else 0})
        return rows


def print_scripts(title: str, rows: list[dict], budget: bool) -> None:
    print(f"   {title}:" + ("" if rows else " none"))
    if not rows:
        return
    for row in rows:
        print(f"     {row['path']:<36} received {kb(row['encoded'])} ({row['encoding']})   file {kb(row['raw'])}"
              f"   gzip -9 {kb(row['gzip9'])}")
    received, gz = sum(r["encoded"] for r in rows), sum(r["gzip9"] for r in rows)
    line = f"     total: received {kb(received)}, gzip -9 {kb(gz)}"
    if budget:
        line += f"   target <= {TARGET_JS_KB} kB gzipped  {verdict(gz <= TARGET_JS_KB * 1000)}"
    print(line)


def first_screen_at(page) -> float:
    """When the app drew its first screen (its 'kin:first-screen' mark), in ms since the epoch: the screens it
    fetches afterwards, when idle, are not the first screen's."""
    return page.evaluate("performance.timeOrigin + performance.getEntriesByName('kin:first-screen')[0].startTime")


def bench_first_screen(browser, site: Site) -> None:
    print("\n2. JavaScript before the first screen (Flask serves it uncompressed: 'received' is what the phone"
          " downloads today; gzip -9 is what it would with compression)")
    context = browser.new_context(**PHONE)
    try:
        downloads = Downloads(context)
        page = context.new_page()
        page.goto(f"{site.url}/signin")
        page.locator("#signin-form").wait_for()
        at_signin = len(downloads.requests)
        # the page registers /sw.js after its first render; it and the SW's own fetches are listed apart
        page_scripts = lambda rows: [r for r in rows if not r["from_sw"] and r["path"] != "/sw.js"]  # noqa: E731
        print_scripts("first visit, /signin until the sign-in form shows",
                      page_scripts(downloads.scripts(0, at_signin, first_screen_at(page))), True)
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#signin-form button[type=submit]").click()
        page.locator("#home").wait_for()
        at_home = len(downloads.requests)
        print_scripts("then signing in, more until #home shows", page_scripts(downloads.scripts(at_signin, at_home)),
                      False)
        wait_until(page, "navigator.serviceWorker.controller !== null", 30)
        page.wait_for_timeout(500)
        worker = [r for r in downloads.scripts() if r["from_sw"] or r["path"] == "/sw.js"]
        print_scripts("meanwhile the service worker: /sw.js, then its precache (not before the first screen)", worker,
                      False)
        again = sorted({r["path"] for r in worker} & {r["path"] for r in page_scripts(downloads.scripts())})
        if again:
            print(f"     downloaded twice on a first visit (by the page, then by the precache): {', '.join(again)}")
    finally:
        context.close()

    # a signed-in volunteer opening Kin with nothing cached (no service worker yet, cold HTTP cache)
    context = browser.new_context(**PHONE, service_workers="block")
    try:
        page = context.new_page()
        sign_in(page, site.url)
        page.close()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        downloads = Downloads(context)
        page.goto(f"{site.url}/")
        page.locator("#home").wait_for()
        print_scripts("signed in, opening / with a cold cache, until #home shows",
                      downloads.scripts(started_by=first_screen_at(page)), True)
    finally:
        context.close()

    lazy = sorted((STATIC / "chunks").glob("*.js")) + [STATIC / "matching-worker.js", STATIC / "sw.js"]
    print("   every script in static/ but app.js, for information:")
    for path in lazy:
        name = "/" + path.relative_to(STATIC).as_posix()
        print(f"     {name:<36} file {kb(path.stat().st_size)}   gzip -9 {kb(gzip9(path))}")


# --- 3. Lighthouse ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lighthouse(url: str, out: Path, extra: list[str]) -> dict:
    args = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices", *extra]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode or not out.is_file():
        raise RuntimeError(f"lighthouse exited with {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def detail_lines(audit: dict, limit: int = 4) -> list[str]:
    details = audit.get("details") or {}
    lines = []
    for item in (details.get("items") or [])[:limit]:
        node = item.get("node") or {}
        if node:
            text = node.get("selector", "") + "  " + (node.get("explanation") or node.get("snippet", ""))
        else:
            text = ", ".join(f"{k}={urlparse(v).path if k == 'url' else v:.0f}" if isinstance(v, float) else
                             f"{k}={urlparse(v).path if k == 'url' else v}" for k, v in item.items()
                             if isinstance(v, (str, int, float)))
        lines.append(" ".join(text.split())[:200])
    extra = len(details.get("items") or []) - limit
    if extra > 0:
        lines.append(f"... and {extra} more")
    return lines


METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


def report_lighthouse(label: str, lhr: dict, signed_in: bool | None = None) -> None:
    """Scores against the targets, the metrics, and every audit Lighthouse's report would not show as passed."""
    audits = lhr["audits"]
    note = ""
    if signed_in is not None:  # did the page really open signed in? then its session refresh succeeded
        resumed = any(urlparse(item.get("url", "")).path == "/api/auth/refresh" and item.get("statusCode") == 200
                      for item in (audits.get("network-requests", {}).get("details") or {}).get("items", []))
        note = ", signed in: yes" if resumed else ", signed in: NO (this run saw the sign-in screen)"
    print(f"   {label}  (benchmarkIndex {lhr.get('environment', {}).get('benchmarkIndex', 0):.0f}{note})")
    for cat_id, target in TARGET_SCORES.items():
        cat = lhr["categories"][cat_id]
        score = round((cat["score"] or 0) * 100)
        print(f"     {cat['title']:<16} {score:3d}   target >= {target}  {verdict(score >= target)}")
    print("     metrics: " + ", ".join(f"{audits[a]['title']} {audits[a].get('displayValue', '?')} "
                                      f"({audits[a]['score'] or 0:.2f})" for a in METRICS if a in audits))
    if (audits.get("total-blocking-time", {}).get("score") or 1) < 0.9:  # which tasks blocked the page?
        for line in detail_lines(audits.get("long-tasks", {}), limit=3):
            print(f"       long task: {line}")
    for cat_id in TARGET_SCORES:
        for ref in lhr["categories"][cat_id]["auditRefs"]:
            audit = audits[ref["id"]]
            mode = audit["scoreDisplayMode"]
            if mode == "error":
                if ref["id"] not in KNOWN_ERRORING:
                    print(f"     ERROR [{cat_id}] {ref['id']}: {audit.get('errorMessage', '')[:150]}")
                continue
            if ref["id"] in METRICS or mode in ("notApplicable", "manual", "informative") or audit["score"] is None:
                continue
            if mode == "numeric" and not ref.get("weight"):
                continue  # an unweighted diagnostic metric (max-potential-fid): noise on a shared machine
            passed = audit["score"] >= (1 if mode in ("binary", "metricSavings") else 0.9)
            if not passed:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                print(f"     fails [{cat_id}] {ref['id']}: {audit['title']}{value}, score {audit['score']:.2f}")
                for line in detail_lines(audit):
                    print(f"         {line}")


def signed_in_browser(profile: Path) -> tuple[subprocess.Popen, int]:
    """Chromium on a debugging port, for Playwright to sign in and then let go of, and Lighthouse to drive."""
    port = free_port()
    process = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                                f"--remote-debugging-port={port}", f"--user-data-dir={profile}", *CHROMIUM_ARGS,
                                "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                stop(process)
                raise RuntimeError("Chromium did not open its debugging port") from None
            time.sleep(0.1)
    return process, port


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the group this script started: Chromium and its helpers
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bench_lighthouse(playwright, site: Site, folder: Path) -> None:
    version = json.loads((ROOT / "node_modules/lighthouse/package.json").read_text())["version"]
    print(f"\n3. Lighthouse {version}, mobile preset (simulated slow 4G, 4x CPU); the app on werkzeug's threaded "
          "server in this process")
    flags = "--headless=new --no-sandbox --disable-dev-shm-usage " + " ".join(
        f'"{arg}"' if " " in arg else arg for arg in CHROMIUM_ARGS)
    cold = [f"--chrome-flags={flags}"]
    runs = [("/signin, signed out, uncompressed", f"{site.url}/signin"),
            ("/, signed out, uncompressed", f"{site.url}/"),
            ("/signin, signed out, gzip", f"{site.gzip_url}/signin"),
            ("/, signed out, gzip", f"{site.gzip_url}/")]
    for n, (label, url) in enumerate(runs):
        report_lighthouse(label, lighthouse(url, folder / f"lh-{n}.json", cold), signed_in=None)

    process, port = signed_in_browser(folder / "signed-in-profile")
    try:
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = browser.contexts[0].new_page()
        sign_in(page, site.gzip_url)
        wait_until(page, "navigator.serviceWorker.controller !== null", 30)
        page.close()
        browser.close()  # lets go of a browser it did not launch; Chromium runs on
        warm = [f"--port={port}", "--disable-storage-reset"]
        for n, path in enumerate(("/", "/contacts")):
            lhr = lighthouse(f"{site.gzip_url}{path}", folder / f"lh-in-{n}.json", warm)
            report_lighthouse(f"{path}, signed in, gzip, warm (service worker cache)", lhr, signed_in=True)
    finally:
        stop(process)


# --- main --------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="imports at 4x CPU (one more runs at 1x)")
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    args = parser.parse_args()
    if not ESBUILD.exists():
        print("pwa.py: skipped: node_modules/ is missing (run `npm ci`, or `make install`)")
        return
    if not (STATIC / "index.html").is_file():
        print("static/ is not built: building it (npm run build)")
        subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT, check=True)
    newest = max(p.stat().st_mtime for p in (ROOT / "pwa").rglob("*") if p.is_file())
    if newest > (STATIC / "index.html").stat().st_mtime:
        print("warning: pwa/ has changed since static/ was built; these numbers are for the old build")
    parts = args.only or PARTS
    if "lighthouse" in parts and not LIGHTHOUSE.exists():
        print("Lighthouse: skipped: node_modules/.bin/lighthouse is missing (run `npm ci`)")
        parts = [part for part in parts if part != "lighthouse"]

    started = time.perf_counter()
    load = os.getloadavg()
    print(f"CPU: {os.cpu_count()} cores, load average {load[0]:.2f} (other work skews these numbers)")
    folder = scratch("kin-bench-pwa-")
    site = None
    try:
        site = Site(folder)
        with sync_playwright() as playwright:
            if "import" in parts or "js" in parts:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    if "import" in parts:
                        bench_import(browser, site, args.rounds, args.contacts)
                    if "js" in parts:
                        bench_first_screen(browser, site)
                finally:
                    browser.close()
            if "lighthouse" in parts:
                bench_lighthouse(playwright, site, folder)
    finally:
        if site:
            site.close()
        shutil.rmtree(folder, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nCPU: load average {load[0]:.2f} at the end; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
