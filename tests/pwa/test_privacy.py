"""Privacy proof: the phone imports an address book, matches it against the campaign and adds a friend, and no
request it makes (page, service worker or worker; URL, headers or body) carries a contact's name, number or
e-mail. Only blinded elements, bucket numbers, the tags of real matches and the confirmed voter's id leave it.

Plain contact details are not the only leak. The server holds the key, so it can compute F(k, x) and
HashToGroup(x) for any guess x: a tag of a contact who is not in the voter file, or an element sent without
blinding, would let it test guesses. So the test also computes, server-side, what the server could compare
against, and checks that none of it leaves the phone."""

import base64
import dataclasses
import json
import re
from collections import Counter
from urllib.parse import parse_qs, unquote_plus, urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import oprf
from server.auth.models import User
from server.campaigns.models import Campaign, Membership
from server.extensions import db
from server.matching.inputs import email_input, identifier_input, phone_input
from server.matching.keys import active_key, secret_key
from server.matching.models import TAG_BYTES, MatchUsage
from server.matching.tags import bucket_of
from server.voters.models import VoterIdentifier
from tests.pwa.conftest import sign_in, vcard, wait_for_service_worker

pytestmark = pytest.mark.browser

VOTERS = [("Ana", "Lopez", ["+19195550101", "ana.lopez@example.org"]), ("Cleo", "Park", ["cleo@example.net"])]
CONTACTS = [("Ana Lopez", ["(919) 555-0101"], ["Ana.Lopez@example.org"]),
            ("Cleo Parkinson", [], ["CLEO@example.net"]),
            ("Zoe Privateer", ["+1 919 555 0199", "919-555-0177"], ["zoe.privateer@example.com"]),
            ("Yusuf Hiddenfield", ["(919) 555-0188"], [])]
# the OPRF inputs of CONTACTS (server/matching/inputs.py), split by whether the voter file has them
IN_VOTER_FILE = {"tel:+19195550101", "mailto:ana.lopez@example.org", "mailto:cleo@example.net"}
STRANGERS = {"tel:+19195550199", "tel:+19195550177", "mailto:zoe.privateer@example.com", "tel:+19195550188"}
NO_BLIND = (1).to_bytes(oprf.ELEMENT_SIZE, "little")  # r = 1: blind() then returns HashToGroup(x) itself


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


def seen(request) -> str:
    """A request as text: its URL (as sent and decoded), headers and body, with JSON's \\u escapes undone."""
    body = (request.post_data_buffer or b"").decode("utf-8", "replace")
    text = " ".join([request.url, unquote_plus(request.url), *(f"{k}: {v}" for k, v in request.headers.items()), body])
    return text + " " + text.encode().decode("unicode_escape", "replace")


def written(raw: bytes) -> list[str]:
    """How bytes could be written into a request: base64 (standard or URL-safe; of the longest prefix of whole
    3-byte groups, so the bytes at the start of a longer string are found too), hex, or a JSON array of numbers."""
    whole = raw[:len(raw) - len(raw) % 3]
    return [base64.b64encode(whole).decode(), base64.urlsafe_b64encode(whole).decode(), raw.hex(), raw.hex().upper(),
            ",".join(map(str, raw))]


def unpacked(text: str) -> bytes:
    """Every run of base64 in a request, decoded: protocol 2 packs many elements into one string, and an element
    at an offset that is not a multiple of 3 bytes shares no base64 characters with its own encoding."""
    out = b""
    for run in re.findall(r"[A-Za-z0-9+/]{8,}={0,2}", text):
        try:
            out += base64.b64decode(run + "=" * (-len(run) % 4)) + b"|"
        except ValueError:
            continue
    return out


def carries(text: str, body: bytes, raw: bytes) -> bool:
    """Whether a request, as seen() and its body, holds these bytes in any of those forms, as they are, or inside
    a base64 string of several values joined."""
    return raw in body or any(form in text for form in written(raw)) or raw in unpacked(text)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


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
            if request.post_data_buffer is None and "content-type" in request.headers:  # a body we cannot read
                out.append((request.url, "unreadable body"))
                continue
            text = seen(request)
            out += [(request.url, secret) for secret in secrets if secret in text]
        return out


def bodies(requests, endpoint: str) -> list[dict]:
    """The JSON bodies of the POSTs to /match/<endpoint>."""
    return [json.loads(request.post_data_buffer) for request in requests
            if request.method == "POST" and urlparse(request.url).path.endswith(f"/match/{endpoint}")]


def posted(requests, endpoint: str, field: str) -> list:
    """Every item of one list field in the JSON bodies of the POSTs to /match/<endpoint>."""
    return [item for body in bodies(requests, endpoint) for item in body[field]]


def posted_elements(requests) -> list[bytes]:
    """Every blinded element POSTed to /match/evaluate, packed in one string (protocol 2) or listed (1)."""
    out = []
    for body in bodies(requests, "evaluate"):
        blinded = body["blinded"]
        joined = base64.b64decode(blinded) if isinstance(blinded, str) else b"".join(map(base64.b64decode, blinded))
        out += [joined[at:at + oprf.ELEMENT_SIZE] for at in range(0, len(joined), oprf.ELEMENT_SIZE)]
    return out


@dataclasses.dataclass(frozen=True)
class Truth:
    """What the server, which holds the key, can compute for each OPRF input of the address book."""

    key_version: int
    prefix_bits: int
    tags: dict[str, bytes]  # input -> F(k, input)[:TAG_BYTES], as the tag table holds it
    unblinded: dict[str, bytes]  # input -> HashToGroup(input): what the phone would send if it skipped blinding
    in_voter_file: set[str]

    @property
    def strangers(self) -> set[str]:
        return set(self.tags) - self.in_voter_file

    def name(self, tag: bytes) -> str:
        return next((x for x, t in self.tags.items() if t == tag), f"unknown tag {b64(tag)}")


def truth_of(live_server, campaign_id, contacts) -> Truth:
    """F(k, x) and HashToGroup(x) for every input of the contacts, with the campaign's active key, and which
    inputs are in the voter file (read from the database, not from VOTERS)."""
    with live_server.app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        key = active_key(campaign)
        sk = secret_key(key)
        inputs = {phone_input(phone, campaign.phone_region) for _, phones, _ in contacts for phone in phones}
        inputs |= {email_input(email) for _, _, emails in contacts for email in emails}
        voter_file = {identifier_input(kind, value) for kind, value in db.session.execute(
            select(VoterIdentifier.kind, VoterIdentifier.value).where(VoterIdentifier.campaign_id == campaign_id))}
        return Truth(key.version, key.prefix_bits,
                     tags={x: oprf.evaluate(sk, x.encode())[:TAG_BYTES] for x in inputs},
                     unblinded={x: oprf.blind(x.encode(), NO_BLIND)[1] for x in inputs},
                     in_voter_file=inputs & voter_file)


def matching_violations(requests, truth: Truth) -> list[tuple[str, str]]:
    """What in these requests would let the server test guesses: the tag of a contact not in the voter file or
    an unblinded HashToGroup(x) in any request, or /match/cards asking for anything but each match's tag once."""
    out = []
    for request in requests:
        path, text, body = urlparse(request.url).path, seen(request), request.post_data_buffer or b""
        out += [(path, f"the tag of {x}") for x in sorted(truth.strangers) if carries(text, body, truth.tags[x])]
        out += [(path, f"HashToGroup({x})") for x, element in sorted(truth.unblinded.items())
                if carries(text, body, element)]
    asked = Counter(base64.b64decode(tag) for tag in posted(requests, "cards", "tags"))
    expected = Counter(truth.tags[x] for x in truth.in_voter_file)
    if asked != expected:
        out.append(("/match/cards", f"asked for {sorted(truth.name(t) for t in asked.elements())}, "
                                    f"not {sorted(truth.name(t) for t in expected.elements())}"))
    return out


def elements_counted(live_server, campaign_id, email) -> int:
    """The elements the server evaluated for this volunteer today, by its own quota counter."""
    with live_server.app.app_context():
        return db.session.execute(select(MatchUsage.elements).join(Membership).join(User).where(
            Membership.campaign_id == campaign_id, User.email == email)).scalar_one()


def control_origin(url: str) -> str:
    """Which control made a request: its ?from= ("page", "sw", "worker"); "" for the app's own requests."""
    return parse_qs(urlparse(url).query).get("from", [""])[0]


def test_no_contact_detail_leaves_the_phone(page, context, live_server):
    campaign = live_server.campaign("Privacy County")
    email = "privacy-volunteer@example.org"
    live_server.member(campaign, email, name="Pia Volunteer")
    live_server.voters_with(campaign, VOTERS)
    truth = truth_of(live_server, campaign, CONTACTS)
    # the computed truth is the one this test is about: else the checks below could pass by checking nothing
    assert truth.in_voter_file == IN_VOTER_FILE and truth.strangers == STRANGERS
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

    # Nothing the server could test a guess against: no stranger's tag, no unblinded element, and cards asked
    # for by exactly the tags of the three identifiers in the voter file (Ana's phone and e-mail, Cleo's e-mail)
    assert matching_violations(recorder.requests, truth) == []
    # One element per distinct input: this phone has no cached tags yet, and findPeople evaluates each input once
    # however many contacts share it. The server's quota counter agrees, so no evaluate request escaped the recorder.
    blinded = posted_elements(recorder.requests)
    assert all(isinstance(body["blinded"], str) for body in bodies(recorder.requests, "evaluate"))  # protocol 2
    assert len(blinded) == len(set(blinded)) == len(truth.tags) == 7
    assert elements_counted(live_server, campaign, email) == len(blinded)
    # what the server learns about strangers is the documented p bits of each tag: one bucket number per tag
    assert sorted(posted(recorder.requests, "buckets", "prefixes")) == sorted(
        {bucket_of(tag, truth.prefix_bits) for tag in truth.tags.values()})

    # The recorder sees a leak from every place code runs: the page, the service worker and a dedicated worker
    # (the app's own matching worker script), a number in a Blob body and a name or e-mail in a URL
    leak = """([where, number, who]) => Promise.all([
        fetch('/api/health?from=' + where, {method: 'POST', body: new Blob([JSON.stringify({n: number})])})
          .catch(() => null),
        fetch('/api/health?from=' + where + '&who=' + encodeURIComponent(who)).catch(() => null)])"""
    page.evaluate(leak, ["page", "919-555-0199", "Zoe Privateer"])
    wait_for_service_worker(page)
    service_worker = (context.service_workers or [context.wait_for_event("serviceworker")])[0]
    service_worker.evaluate(leak, ["sw", "(919) 555-0188", "zoe.privateer@example.com"])
    with page.expect_worker() as started:
        page.evaluate("() => { window.leakyWorker = new Worker('/matching-worker.js'); }")
    started.value.evaluate(leak, ["worker", "919.555.0177", "Yusuf Hiddenfield"])
    caught = {(control_origin(url), secret) for url, secret in recorder.leaks(secrets_of(CONTACTS))}
    assert caught >= {("page", "919-555-0199"), ("page", "Zoe Privateer"),
                      ("sw", "(919) 555-0188"), ("sw", "zoe.privateer@example.com"),
                      ("worker", "919.555.0177"), ("worker", "Yusuf Hiddenfield")}
    from_sw = [request for request in recorder.requests if control_origin(request.url) == "sw"]
    assert from_sw and all(request.service_worker for request in from_sw)  # made by the worker, not the page

    # The new checks find a tag in the app's own /match/cards request (had Ana's phone not been in the voter file),
    api = f"/api/campaigns/{campaign}/match"
    ana_phone_unknown = dataclasses.replace(truth, in_voter_file=IN_VOTER_FILE - {"tel:+19195550101"})
    assert (f"{api}/cards", "the tag of tel:+19195550101") in matching_violations(recorder.requests, ana_phone_unknown)
    # and catch a stranger's tag sent for a card, and an element sent without blinding (packed second in a call,
    # where its base64 shares nothing with its own encoding)
    page.evaluate("""(requests) => Promise.all(requests.map(([url, body]) => fetch(url, {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)}).catch(() => null)))""", [
        [f"{api}/cards", {"key_version": truth.key_version, "tags": [b64(truth.tags["tel:+19195550199"])]}],
        [f"{api}/evaluate", {"protocol": 2, "key_version": truth.key_version, "blinded": b64(
            oprf.blind(b"decoy")[1] + truth.unblinded["mailto:ana.lopez@example.org"])}]])
    assert sorted(matching_violations(recorder.requests, truth)) == sorted([
        (f"{api}/cards", "the tag of tel:+19195550199"),
        (f"{api}/evaluate", "HashToGroup(mailto:ana.lopez@example.org)"),
        ("/match/cards", "asked for ['mailto:ana.lopez@example.org', 'mailto:cleo@example.net', "
                         "'tel:+19195550101', 'tel:+19195550199'], not ['mailto:ana.lopez@example.org', "
                         "'mailto:cleo@example.net', 'tel:+19195550101']")])
