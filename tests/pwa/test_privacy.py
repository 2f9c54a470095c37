"""Privacy proof: the phone imports an address book, matches it against the campaign and adds a friend, and no
request it makes (page, service worker or worker; URL, headers or body) carries a contact's name, number or
e-mail. Only blinded elements, bucket numbers, the tags of real matches and the confirmed voter's id leave it."""

import re
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import sign_in, vcard

pytestmark = pytest.mark.browser

VOTERS = [("Ana", "Lopez", ["+19195550101", "ana.lopez@example.org"]), ("Cleo", "Park", ["cleo@example.net"])]
CONTACTS = [("Ana Lopez", ["(919) 555-0101"], ["Ana.Lopez@example.org"]),
            ("Cleo Parkinson", [], ["CLEO@example.net"]),
            ("Zoe Privateer", ["+1 919 555 0199", "919-555-0177"], ["zoe.privateer@example.com"]),
            ("Yusuf Hiddenfield", ["(919) 555-0188"], [])]


def secrets_of(contacts) -> list[str]:
    """Every way a contact could leak: names, each number's digits in common formats, each e-mail."""
    found = []
    for name, phones, emails in contacts:
        found += [name, *[part for part in name.split() if len(part) >= 5]]
        for phone in phones:
            digits = re.sub(r"\D", "", phone)[-10:]
            area, exchange, line = digits[:3], digits[3:6], digits[6:]
            found += [digits, f"{area}-{exchange}-{line}", f"({area}) {exchange}-{line}", f"{area}.{exchange}.{line}",
                      f"{area} {exchange} {line}", f"{exchange}-{line}", f"{exchange}{line}", f"+1{digits}"]
        for email in emails:
            found += [email, email.lower(), email.split("@")[0], email.split("@")[0].lower()]
    return found


class Recorder:
    """Every request of the browser context, with its URL, headers and body as text."""

    def __init__(self, context):
        self.requests = []
        # with a route installed, Blob and FormData bodies become readable too (toolchain.md, gotcha 5)
        context.route("**/*", lambda route: route.fallback())
        context.on("request", lambda request: self.requests.append(request))

    def leaks(self, secrets) -> list[tuple[str, str]]:
        out = []
        for request in self.requests:
            body = request.post_data_buffer
            if body is None and "content-type" in request.headers:  # a body the browser would not show us
                out.append((request.url, "unreadable body"))
                continue
            seen = " ".join([unquote_plus(request.url), *(f"{k}: {v}" for k, v in request.headers.items()),
                             (body or b"").decode("utf-8", "replace")])
            seen += " " + seen.encode().decode("unicode_escape", "replace")  # JSON's \\u escapes, undone
            out += [(request.url, secret) for secret in secrets if secret in seen]
        return out


def test_no_contact_detail_leaves_the_phone(page, context, live_server):
    campaign = live_server.campaign("Privacy County")
    email = "privacy-volunteer@example.org"
    live_server.member(campaign, email, name="Pia Volunteer")
    live_server.voters_with(campaign, VOTERS)
    recorder = Recorder(context)

    sign_in(page, email)
    page.goto("/contacts")
    page.locator("#contacts-file").set_input_files(files=[
        {"name": "address-book.vcf", "mimeType": "text/vcard", "buffer": vcard(*CONTACTS)}])
    expect(page.locator("#contacts-count")).to_have_text("4 contacts on this phone.")
    page.locator("#find-people").click()
    expect(page.locator("#match-status")).to_have_text("Found 2 people you may know.", timeout=30_000)
    cards = page.locator("#matches .match-card")
    cards.filter(has_text="Ana L.").get_by_role("button", name="Yes, I know them").click()
    expect(cards).to_have_count(1)
    page.goto("/")
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.")

    urls = [request.url for request in recorder.requests]
    assert any("/match/evaluate" in url for url in urls) and any("/match/cards" in url for url in urls)
    assert any("/sync/push" in url for url in urls)  # the confirmed friend went up, by voter id only
    assert recorder.leaks(secrets_of(CONTACTS)) == []

    # the check catches a leak when there is one: a number in a body, and a name in a URL
    page.evaluate("""() => Promise.all([
        fetch('/api/health', {method: 'POST', body: new Blob(['{"n": "919-555-0199"}'])}).catch(() => null),
        fetch('/api/health?who=Zoe%20Privateer').catch(() => null)])""")
    assert {secret for _, secret in recorder.leaks(secrets_of(CONTACTS))} >= {"919-555-0199", "Zoe Privateer"}
