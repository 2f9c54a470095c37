"""A volunteer's logs survive airplane mode, a reload, a closed browser and a retry, and reach the server once;
what the server refuses stays on the phone, in words, until the volunteer fixes or discards it."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from server.campaigns.models import Role
from tests.pwa.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    idb_all,
    idb_put,
    log_conversation,
    sign_in,
    wait_for_service_worker,
    wait_until,
)

pytestmark = pytest.mark.browser


def make_volunteer(server):
    """A campaign and a volunteer in it with two people they know, made on another device of theirs."""
    campaign = server.campaign("Offline County")
    email = f"vol-{time.monotonic_ns()}@example.org"
    server.member(campaign, email, name="Olga Example")
    for first in ("Maria", "Tomas"):
        server.relationship(campaign, email, server.voter(campaign, first), notes=f"{first}, my neighbour")
    return campaign, email


@pytest.fixture
def volunteer(live_server):
    return make_volunteer(live_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request):
    """The live server on SQLite, and on PostgreSQL: the offline flow must hold on the production database too."""
    return request.getfixturevalue("live_server" if request.param == "sqlite" else "live_server_postgres")


def wait_until_synced(page: Page) -> None:
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.")
    expect(page.locator("#sync-last")).to_contain_text("Last synced")


def test_twenty_logs_made_offline_survive_reload_and_restart_and_reach_the_server_once(
        playwright, any_server, tmp_path):
    campaign, email = make_volunteer(any_server)
    options = {"base_url": any_server.url, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, **PHONE}
    context = playwright.chromium.launch_persistent_context(tmp_path / "profile", **options)
    page = context.pages[0]
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    sign_in(page, email)
    wait_for_service_worker(page)
    wait_until_synced(page)  # the two people came down in the first pull

    context.set_offline(True)
    started = time.monotonic()
    for i in range(20):
        log_conversation(page, ("Maria, my neighbour", "Tomas, my neighbour")[i % 2], notes=f"Talk number {i}")
    logging_seconds = time.monotonic() - started
    expect(page.locator("#conversations .conversation")).to_have_count(20)
    # Home stays short: the latest five, newest first; the fifteen before them fold away
    expect(page.locator("#conversations .conversation:visible")).to_have_count(5)
    expect(page.locator("#conversations .conversation:visible").first).to_contain_text("Talk number 19")
    expect(page.locator("#conversations-older summary")).to_have_text("15 older conversations")
    expect(page.locator("#sync-pending")).to_have_text("20 changes waiting to be sent.")
    expect(page.locator("#sync-problem")).to_contain_text("offline")

    page.reload()  # offline: the service worker serves the app, IndexedDB the logs, the saved profile the person
    expect(page.locator("#conversations .conversation")).to_have_count(20)
    expect(page.locator("#home-title")).to_have_text("Hello, Olga Example")
    context.close()

    context = playwright.chromium.launch_persistent_context(tmp_path / "profile", offline=True, **options)
    page = context.pages[0]
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/")
    expect(page.locator("#conversations .conversation")).to_have_count(20)
    expect(page.locator("#sync-pending")).to_have_text("20 changes waiting to be sent.")
    assert len(idb_all(page, "outbox")) == 20

    context.set_offline(False)  # the 'online' event: refresh the session through the cookie, then push and pull
    wait_until_synced(page)
    assert idb_all(page, "outbox") == []
    expect(page.locator("#conversations .conversation .state")).to_have_text(["Sent"] * 20)
    logged = any_server.synced(campaign, "conversation", email)
    assert sorted(values["notes"] for values in logged) == sorted(f"Talk number {i}" for i in range(20))
    assert {values["channel"] for values in logged} == {"door"}
    context.close()
    assert errors == []
    assert logging_seconds < 30, f"logging 20 conversations took {logging_seconds:.1f} s"


def test_the_app_asks_the_browser_to_keep_its_data(browser, live_server, volunteer):
    # headless Chromium answers persist() with false (toolchain.md), so watch the request itself
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.add_init_script("""{
      const persist = StorageManager.prototype.persist;
      StorageManager.prototype.persist = function () { window.persistAsked = true; return persist.call(this); };
    }""")
    page = context.new_page()
    sign_in(page, volunteer[1])
    wait_until(page, "window.persistAsked === true")
    context.close()


def test_a_refused_log_stays_with_the_servers_words_until_discarded(page: Page, live_server, volunteer):
    campaign, email = volunteer
    sign_in(page, email)
    wait_until_synced(page)
    # a person this phone knows but the server does not (say, added on a phone whose push never arrived)
    [profile] = [meta for meta in idb_all(page, "meta") if isinstance(meta, dict)]
    ghost = "0b6f6d3e-3c1f-4a57-9a43-2f1d2b7c9e10"
    idb_put(page, "records", {
        "entity": "relationship", "entity_id": ghost, "user_id": profile["user"]["id"], "campaign_id": campaign,
        "values": {"voter_id": "c1d2e3f4-0000-4000-8000-00000000aaaa", "source": "search"},
        "stamps": {"voter_id": "000000000000001-00000-elsewhere", "source": "000000000000001-00000-elsewhere"},
        "deleted": False, "deleted_stamp": None, "version": 1, "local": {"label": "Ghost Person"}})
    page.reload()

    log_conversation(page, "Ghost Person", notes="They never existed")
    problem = page.locator("#sync-rejected .rejected-op")
    expect(problem).to_contain_text("Person: This person is not among yours in this campaign.")
    expect(problem).to_contain_text("Ghost Person")
    expect(page.locator("#sync-pending")).to_have_text("1 change waiting to be sent.")
    expect(page.locator("#conversations .state")).to_have_text(["Not accepted: see above"])

    page.get_by_role("button", name="Sync now").click()  # a retry is judged again, and refused again
    expect(page.locator("#sync-last")).to_contain_text("Last synced")
    [op] = idb_all(page, "outbox")
    assert op["rejected"]["errors"] == {"relationship_id": ["No such relationship in this campaign."]}
    assert op["rejected"]["codes"] == {"relationship_id": [{"code": "no_such", "params": {"target": "relationship"}}]}

    page.locator("#language").select_option("es")  # by its code, in the volunteer's language
    expect(problem).to_contain_text("Persona: Esta persona no está entre las tuyas en esta campaña.")
    page.locator("#language").select_option("en")

    problem.get_by_role("button", name="Discard").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Discard this change?")
    dialog.get_by_role("button", name="Discard").click()
    expect(problem).to_have_count(0)
    expect(page.locator("#sync-pending")).to_have_text("Everything is sent.")
    assert idb_all(page, "outbox") == []
    expect(page.locator("#conversations .conversation")).to_have_count(0)  # it never reached the server: gone
    assert live_server.synced(campaign, "conversation", email) == []


def test_a_refused_field_is_fixed_on_the_form_and_then_accepted(page: Page, live_server, volunteer):
    campaign, email = volunteer
    sign_in(page, email)
    wait_until_synced(page)
    page.context.set_offline(True)
    log_conversation(page, "Maria, my neighbour", notes="Needs a ride")
    [op] = idb_all(page, "outbox")
    idb_put(page, "outbox", {**op, "fields": {**op["fields"], "support": 9}})  # as an older app might have sent it
    page.context.set_offline(False)

    problem = page.locator("#sync-rejected .rejected-op")
    expect(problem).to_contain_text("How it went: Choose a whole number from 1 to 5.")
    problem.get_by_role("link", name="Fix").click()
    expect(page.locator("#log-title")).to_have_text("Fix a conversation")
    expect(page.get_by_label("Notes")).to_have_value("Needs a ride")
    page.get_by_label("4: Leaning against", exact=True).check()
    page.get_by_role("button", name="Save").click()

    wait_until_synced(page)
    expect(problem).to_have_count(0)
    assert idb_all(page, "outbox") == []
    [logged] = live_server.synced(campaign, "conversation", email)
    assert (logged["support"], logged["notes"]) == (4, "Needs a ride")


def test_an_app_too_old_for_the_server_keeps_its_outbox_and_asks_for_an_update(page: Page, live_server, volunteer):
    campaign, email = volunteer
    sign_in(page, email)
    wait_until_synced(page)
    page.context.set_offline(True)
    log_conversation(page, "Tomas, my neighbour")
    page.route("**/sync/push", lambda route: route.fulfill(status=426, json={
        "code": 426, "status": "Upgrade Required", "message": "Sync protocol 1 is not supported. Update the app."}))
    page.context.set_offline(False)

    expect(page.locator("#sync-problem")).to_contain_text(re.compile("too old to sync: update the app", re.I))
    expect(page.get_by_role("button", name="Update the app")).to_be_visible()
    expect(page.locator("#sync-pending")).to_have_text("1 change waiting to be sent.")
    assert len(idb_all(page, "outbox")) == 1
    assert live_server.synced(campaign, "conversation", email) == []


def test_signing_out_with_unsent_logs_asks_first(page: Page, live_server, volunteer):
    campaign, email = volunteer
    sign_in(page, email)
    wait_until_synced(page)
    page.context.set_offline(True)
    log_conversation(page, "Maria, my neighbour", notes="Do not lose me")

    page.locator("#signout").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 change has not reached Kin yet")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#home")).to_be_visible()
    assert len(idb_all(page, "outbox")) == 1

    # online, but the server cannot take it: the warning again, and this time the volunteer means it
    page.route("**/sync/push", lambda route: route.fulfill(status=503, json={"code": 503, "message": "Down"}))
    page.context.set_offline(False)
    page.locator("#signout").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out and delete them").click()
    expect(page.locator("#signin-form")).to_be_visible()
    assert idb_all(page, "outbox") == []
    assert [r for r in idb_all(page, "records")] == []
    assert live_server.synced(campaign, "conversation", email) == []


def test_a_volunteer_in_two_campaigns_logs_into_the_one_they_choose(page: Page, live_server, volunteer):
    first, email = volunteer
    second = live_server.campaign("Second County")
    live_server.join(second, email)
    live_server.relationship(second, email, live_server.voter(second, "Ines"), notes="Ines, from choir")
    sign_in(page, email)
    wait_until_synced(page)
    page.locator("#log-link").click()
    page.get_by_label("Which campaign is it for?").select_option(label="Second County")
    expect(page.locator("#log-person .choice")).to_have_text(["Ines, from choir"])  # this campaign's people only
    page.locator("#log-person").get_by_label("Ines, from choir").check()
    page.get_by_label("Phone call", exact=True).check()
    page.get_by_role("button", name="Save").click()
    wait_until_synced(page)
    assert live_server.synced(first, "conversation", email) == []
    [logged] = live_server.synced(second, "conversation", email)
    assert (logged["channel"], logged["support"]) == ("call", None)


def test_a_push_whose_answer_is_lost_is_sent_again_and_counted_once(page: Page, live_server, volunteer):
    campaign, email = volunteer
    sign_in(page, email)
    wait_until_synced(page)
    page.context.set_offline(True)
    for notes in ("one", "two", "three"):
        log_conversation(page, "Maria, my neighbour", notes=notes)
    answers = []

    def lose_the_first_answer(route):
        response = route.fetch()  # the server applies the batch either way
        answers.append([result["status"] for result in response.json()["results"]])
        if len(answers) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route("**/sync/push", lose_the_first_answer)
    page.context.set_offline(False)
    wait_until_synced(page)  # after a back-off, the same ops again
    assert answers == [["applied"] * 3, ["duplicate"] * 3]
    assert idb_all(page, "outbox") == []
    assert sorted(values["notes"] for values in live_server.synced(campaign, "conversation", email)) == [
        "one", "three", "two"]


def test_an_organizers_reply_reaches_the_phone_beside_the_volunteers_words(page: Page, live_server, volunteer):
    campaign, email = volunteer
    live_server.member(campaign, "org-reply@example.org", role=Role.ORGANIZER, name="Oscar Organizer")
    sign_in(page, email)
    wait_until_synced(page)
    log_conversation(page, "Tomas, my neighbour", notes="Wants a yard sign")
    wait_until_synced(page)
    [conversation] = [r for r in idb_all(page, "records") if r["entity"] == "conversation"]
    live_server.review(campaign, "org-reply@example.org", conversation["entity_id"], reviewed=True,
                       review_reply="Great follow-up!")

    page.get_by_role("button", name="Sync now").click()
    item = page.locator("#conversations .conversation")
    expect(item).to_contain_text("Organizer’s reply: Great follow-up!")
    expect(item).to_contain_text("Wants a yard sign")
    [merged] = [r for r in idb_all(page, "records") if r["entity"] == "conversation"]
    assert merged["values"]["reviewed"] is True and merged["values"]["notes"] == "Wants a yard sign"
    assert merged["version"] == 2
