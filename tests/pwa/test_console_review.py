"""The console's Review screen in Chromium: axe clean at 1280x800 and 390x844 in both languages; an organizer filters,
reviews one, reviews the rest in bulk, flags one and replies, and the volunteer's phone shows the reply after its
sync; the queue by keyboard (j, j, e, r); a filtered link that opens filtered, survives a reload and steps back; the
empty and failed states; and the volunteer's page listing what they logged, with a link to review it."""

import os
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.models import User
from server.campaigns.models import Role
from server.extensions import db
from tests.pwa.conftest import PHONE, log_conversation, sign_in
from tests.pwa.test_console import AXE, SIZES, TAGS, console_sign_in, unique

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")  # a folder: save a picture of the screen at each size and language
DESKTOP = SIZES["desktop"]


def axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def user_id(live_server, email) -> int:
    with live_server.app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def conversation(live_server, campaign, email, person, happened_at, **fields) -> str:
    """A conversation the volunteer logged with one of their people, synced from a phone of theirs; returns its id."""
    entity_id = str(uuid.uuid4())
    [result] = live_server.push(campaign, email, [{"entity": "conversation", "entity_id": entity_id, "action": "upsert",
                                                   "fields": {"relationship_id": person, "channel": "door",
                                                              "happened_at": happened_at, **fields}}])
    assert result["status"] == "applied", result
    return entity_id


def reviews(live_server, campaign, email) -> dict[str, tuple]:
    """The review fields of each of the volunteer's conversations as the server holds them, by notes."""
    return {c["notes"]: (c.get("reviewed", False), c.get("flagged_for_follow_up", False), c.get("review_reply", ""))
            for c in live_server.synced(campaign, "conversation", email)}


@pytest.fixture
def crew(live_server):
    """A campaign of its own: an organizer, two volunteers (Vera with three conversations, the middle one with a
    priority voter; Walt with one), and issue tags."""
    campaign = live_server.campaign(f"Review {time.monotonic_ns()}")
    organizer, vera, walt = unique("organizer"), unique("vera"), unique("walt")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, vera, name="Vera Volunteer")
    live_server.member(campaign, walt, name="Walt Volunteer")
    live_server.configure(campaign, issue_tags=["housing", "schools"])
    voters = live_server.voters_with(campaign, [("Ana", "Lopez", []), ("Ben", "Okafor", []), ("Cleo", "Park", []),
                                                ("Dev", "Shah", [])], priority={"Ben"})
    people = {first: live_server.relationship(campaign, vera if first != "Dev" else walt, voter)
              for first, voter in voters.items()}
    ids = {
        "Ana": conversation(live_server, campaign, vera, people["Ana"], "2026-10-01T10:00:00-04:00", support=2,
                            issue_tags=["housing"], notes="Ana: cares about rent.", vote_method="mail"),
        "Ben": conversation(live_server, campaign, vera, people["Ben"], "2026-10-02T10:00:00-04:00", support=1,
                            issue_tags=["schools"], notes="Ben: will volunteer."),
        "Cleo": conversation(live_server, campaign, vera, people["Cleo"], "2026-10-03T10:00:00-04:00", support=4,
                             notes="Cleo: not convinced."),
        "Dev": conversation(live_server, campaign, walt, people["Dev"], "2026-10-04T10:00:00-04:00", support=3,
                            notes="Dev: undecided."),
    }
    return {"campaign": campaign, "organizer": organizer, "vera": vera, "walt": walt, "ids": ids,
            "vera_id": user_id(live_server, vera), "walt_id": user_id(live_server, walt)}


def cards(page):
    return page.locator("#review-list .review-card")


def card(page, name):
    return cards(page).filter(has=page.locator(".review-voter", has_text=name))


def assert_layout(page, size) -> None:
    """At 1280 a card is a row (who, what, its review side by side) and the list uses the width beside the
    navigation; at 390 it is a column of its parts, and nothing is wider than the phone."""
    first = cards(page).first
    who, what, state = (first.locator(part).bounding_box() for part in (".review-who", ".review-what", ".review-state"))
    if size == "desktop":
        assert who["x"] + who["width"] <= what["x"] and what["x"] + what["width"] <= state["x"], (who, what, state)
        assert first.bounding_box()["width"] > 900  # of the 1,040 px beside the navigation
    else:
        assert who["y"] + who["height"] <= what["y"] <= state["y"], (who, what, state)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("size", SIZES)
def test_the_review_screen_has_no_violations_in_either_language(browser, base_url, crew, size):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, crew["organizer"])
        review = page.locator("#console-nav a").nth(1)
        expect(review).to_have_text("Review")  # right after the dashboard in the navigation
        review.click()
        expect(cards(page)).to_have_count(4)
        for language in ("en", "es"):
            page.locator("#language").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if size == "phone":  # the filters fold away on a phone; open, they must pass too
                expect(page.locator("#review-filters")).to_be_hidden()
                page.locator("#review-filters-fold summary").click()
            expect(page.locator("#review-filters")).to_be_visible()
            card(page, "Ben Okafor").locator(".reply-open").click()
            page.locator("#review-shortcuts summary").click()
            expect(page.locator("#review-shortcuts kbd").first).to_be_visible()
            page.locator("#review-select-all").check()
            expect(page.locator("#review-chosen")).to_contain_text("4")
            assert_layout(page, size)
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SHOTS}/review-{size}-{language}.png", full_page=True)
            assert axe(page) == [], language
            page.reload()  # closed again for the other language
            expect(cards(page)).to_have_count(4)
        # the state with nothing to review
        page.goto(f"/console/{crew['campaign']}/review?issue=none-such")
        expect(page.locator("#review-empty")).to_be_visible()
        assert axe(page) == []
    finally:
        context.close()
    assert errors == []


def test_an_organizer_reviews_flags_and_replies_and_the_volunteers_phone_shows_the_reply(browser, base_url,
                                                                                       live_server, crew):
    campaign, vera = crew["campaign"], crew["vera"]
    phone_context = browser.new_context(base_url=base_url, **PHONE)
    phone = phone_context.new_page()
    sign_in(phone, vera)
    expect(phone.locator("#sync-pending")).to_have_text("Everything is sent.")
    log_conversation(phone, "Cleo P.", notes="Cleo again: asked about the bus line.")
    expect(phone.locator("#sync-pending")).to_have_text("Everything is sent.", timeout=15_000)

    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, crew["organizer"])
    page.locator("#console-nav a", has_text="Review").click()
    expect(cards(page)).to_have_count(5)  # everyone's queue, newest first: the phone's first
    expect(cards(page).first).to_contain_text("Cleo again: asked about the bus line.")
    expect(card(page, "Ben Okafor").first).to_contain_text("Priority")
    expect(card(page, "Ana Lopez")).to_contain_text("Rivertown · age")
    expect(card(page, "Ana Lopez")).to_contain_text("By mail")

    # filters: Vera's conversations only, then only strong support
    page.locator("#review-volunteer").select_option(label="Vera Volunteer")
    expect(cards(page)).to_have_count(4)
    assert f"volunteer={crew['vera_id']}" in page.url
    page.locator("#review-filters").get_by_label("1: Strong support").check()
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("Ben: will volunteer.")
    page.locator("#review-filters").get_by_label("1: Strong support").uncheck()
    expect(cards(page)).to_have_count(4)

    # one, then the rest of the page in bulk
    ana = card(page, "Ana Lopez")
    ana.get_by_role("button", name="Mark reviewed").click()
    expect(ana).to_contain_text("Reviewed by Oscar Organizer")
    expect(page.locator("#toasts")).to_contain_text("Conversation with Ana Lopez marked reviewed.")
    page.locator("#review-select-all").check()
    expect(page.locator("#review-chosen")).to_have_text("4 conversations selected")
    page.locator("#review-mark-selected").click()
    expect(page.locator("#toasts")).to_contain_text("3 conversations marked reviewed.")  # Ana was already
    expect(page.locator("#review-list .state.unreviewed")).to_have_count(0)
    expect(page.locator("#review-chosen")).to_have_text("0 conversations selected")

    # a flag, and a reply to the phone's conversation
    ben = card(page, "Ben Okafor")
    ben.get_by_role("button", name="Flag for follow-up").click()
    expect(ben.locator(".review-status")).to_contain_text("Flagged for staff follow-up")
    expect(ben.get_by_role("button", name="Flag for follow-up")).to_have_attribute("aria-pressed", "true")
    latest = cards(page).first
    latest.get_by_role("button", name="Reply").click()
    latest.get_by_label("Your reply to the volunteer").fill("Thanks! Tell Cleo the bus runs on Sundays now.")
    latest.get_by_role("button", name="Send the reply").click()
    expect(latest.locator(".review-reply")).to_have_text(
        "Your reply (sent): Thanks! Tell Cleo the bus runs on Sundays now.")
    expect(page.locator("#toasts")).to_contain_text("Reply sent. Vera Volunteer sees it")
    held = reviews(live_server, campaign, vera)
    assert held["Ben: will volunteer."] == (True, True, "")
    assert held["Cleo again: asked about the bus line."] == (
        True, False, "Thanks! Tell Cleo the bus runs on Sundays now.")
    assert all(reviewed for reviewed, _, _ in held.values())
    # Walt's was not on the page, so not in the bulk
    assert [c.get("reviewed", False) for c in live_server.synced(campaign, "conversation", crew["walt"])] == [False]
    desk.close()

    phone.get_by_role("button", name="Sync now").click()
    item = phone.locator("#conversations .conversation", has_text="Cleo again")
    expect(item).to_contain_text("Organizer’s reply: Thanks! Tell Cleo the bus runs on Sundays now.")
    phone_context.close()


def test_undo_takes_a_mark_back(browser, base_url, live_server, crew):
    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, crew["organizer"])
    page.goto(f"/console/{crew['campaign']}/review")
    dev = card(page, "Dev Shah")
    dev.get_by_role("button", name="Mark reviewed").click()
    expect(dev.locator(".review-status")).to_contain_text("Reviewed by Oscar Organizer")
    assert reviews(live_server, crew["campaign"], crew["walt"])["Dev: undecided."][0] is True
    page.locator("#toasts").get_by_role("button", name="Undo").click()
    expect(dev.locator(".review-status")).to_have_text("Not reviewed yet")
    expect(page.locator("#toasts")).to_contain_text("Undone.")
    assert reviews(live_server, crew["campaign"], crew["walt"])["Dev: undecided."][0] is False
    desk.close()


def test_the_queue_goes_by_keyboard_j_j_e_r(browser, base_url, live_server, crew):
    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, crew["organizer"])
    page.goto(f"/console/{crew['campaign']}/review")
    expect(cards(page)).to_have_count(4)  # Dev, Cleo, Ben, Ana: newest first
    page.keyboard.press("j")
    expect(cards(page).nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(cards(page).nth(1)).to_be_focused()
    expect(page.locator("#review-announce")).to_have_text("Conversation 2 of 4")
    page.keyboard.press("e")  # Cleo's reviewed, and on to Ben's
    expect(cards(page).nth(2)).to_be_focused()
    expect(cards(page).nth(1).locator(".review-status")).to_contain_text("Reviewed by Oscar Organizer")
    page.keyboard.press("r")
    reply = cards(page).nth(2).get_by_label("Your reply to the volunteer")
    expect(reply).to_be_focused()
    page.keyboard.type("great job, keep going")  # j, e, r and f typed here are letters, not shortcuts
    expect(reply).to_have_value("great job, keep going")
    expect(cards(page).nth(2).locator(".review-status")).to_have_text("Not reviewed yet")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focus moved to Send
    expect(cards(page).nth(2).locator(".review-reply")).to_contain_text("great job, keep going")
    page.keyboard.press("k")  # back to Cleo's, from Ben's card (focused again after sending)
    expect(cards(page).nth(1)).to_be_focused()
    page.keyboard.press("f")
    expect(cards(page).nth(1).locator(".review-status")).to_contain_text("Flagged for staff follow-up")
    page.keyboard.press("?")
    expect(page.locator("#review-shortcuts")).to_have_attribute("open", "")
    held = reviews(live_server, crew["campaign"], crew["vera"])
    assert held["Cleo: not convinced."] == (True, True, "")
    assert held["Ben: will volunteer."] == (False, False, "great job, keep going")
    assert held["Ana: cares about rent."] == (False, False, "")
    desk.close()


def test_a_filtered_link_opens_filtered_survives_a_reload_and_back_steps_through_filters(browser, base_url, crew):
    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, crew["organizer"])
    link = f"/console/{crew['campaign']}/review?volunteer={crew['walt_id']}&reviewed=false"
    page.goto(link)
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("Dev: undecided.")
    expect(page.locator("#review-volunteer")).to_have_value(str(crew["walt_id"]))
    page.reload()
    expect(cards(page)).to_have_count(1)
    expect(page.locator("#review-volunteer")).to_have_value(str(crew["walt_id"]))
    # another filter is a step Back undoes
    page.locator("#review-volunteer").select_option(str(crew["vera_id"]))
    page.locator("#review-issue").select_option("housing")
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("Ana: cares about rent.")
    assert page.url.endswith(f"?volunteer={crew['vera_id']}&issue=housing")
    page.go_back()
    expect(cards(page)).to_have_count(3)
    expect(page.locator("#review-issue")).to_have_value("")
    page.go_back()
    expect(cards(page)).to_have_count(1)
    expect(page.locator("#review-volunteer")).to_have_value(str(crew["walt_id"]))
    page.go_forward()
    expect(cards(page)).to_have_count(3)
    # a day range that ends before it starts is named, not sent
    page.locator("#review-from").fill("2026-10-03")
    page.locator("#review-to").fill("2026-10-01")
    expect(page.locator("#review-to-error")).to_contain_text("before the “From” day")
    expect(cards(page)).to_have_count(0)
    page.locator("#review-to").fill("2026-10-03")
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("Cleo: not convinced.")
    desk.close()


def test_nothing_to_review_and_a_failed_read_with_retry(browser, base_url, live_server):
    campaign = live_server.campaign(f"Quiet {time.monotonic_ns()}")
    organizer = unique("organizer")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Quinn Organizer")
    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, organizer)
    failing = {"left": 1}

    def fail_once(route):
        if failing["left"]:
            failing["left"] -= 1
            route.fulfill(status=503, json={"code": 503, "status": "Service Unavailable", "message": "Down."})
        else:
            route.continue_()

    page.route("**/api/campaigns/*/conversations?*", fail_once)
    page.goto(f"/console/{campaign}/review")
    expect(page.locator("#review .notice-error")).to_be_visible()
    page.locator("#review").get_by_role("button", name="Try again").click()
    expect(page.locator("#review-empty")).to_have_text(
        "Nothing to review: every conversation logged so far has been reviewed.")
    desk.close()


def test_the_volunteer_page_lists_what_they_logged_and_links_to_its_review(browser, base_url, live_server, crew):
    desk = browser.new_context(base_url=base_url, **DESKTOP)
    page = desk.new_page()
    console_sign_in(page, crew["organizer"])
    page.locator("#console-nav a[href$='/volunteers']").click()
    page.locator("#roster a", has_text="Vera Volunteer").click()
    logged = page.locator("#volunteer-conversations .conversation")
    expect(logged).to_have_count(3)
    expect(logged.first).to_contain_text("Cleo Park · At the door")  # the voter's full name, from the read model
    expect(logged.first).to_contain_text("Cleo: not convinced.")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/volunteer-desktop-en.png", full_page=True)
    page.locator("#volunteer-review-link").click()
    expect(cards(page)).to_have_count(3)
    assert page.url.endswith(f"/review?volunteer={crew['vera_id']}&reviewed=all")
    expect(page.locator("#review-reviewed")).to_have_value("all")
    # from the review, the volunteer's name goes back to their page
    card(page, "Ana Lopez").get_by_role("link", name="Vera Volunteer").click()
    expect(page.locator("#volunteer-title")).to_have_text("Vera Volunteer")
    desk.close()


def test_more_loads_the_next_page_on_a_phone_and_select_all_takes_every_one_shown(page, live_server):
    campaign = live_server.campaign(f"Busy {time.monotonic_ns()}")
    organizer, vera = unique("organizer"), unique("vera")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, vera, name="Vera Volunteer")
    voter = live_server.voters_with(campaign, [("Ana", "Lopez", [])])["Ana"]
    person = live_server.relationship(campaign, vera, voter)
    live_server.push(campaign, vera, [{"entity": "conversation", "entity_id": str(uuid.uuid4()), "action": "upsert",
                                       "fields": {"relationship_id": person, "channel": "call", "notes": f"Call {n}",
                                                  "happened_at": f"2026-09-{1 + n // 3:02d}T{8 + n % 3:02d}:00:00Z"}}
                                      for n in range(55)])
    console_sign_in(page, organizer)
    page.goto(f"/console/{campaign}/review")
    expect(cards(page)).to_have_count(50)
    expect(cards(page).first).to_contain_text("Call 54")  # newest first
    page.locator("#review-more").click()
    expect(cards(page)).to_have_count(55)
    expect(cards(page).nth(50)).to_be_focused()  # reading goes on at the first of the new ones
    expect(cards(page).last).to_contain_text("Call 0")
    expect(page.locator("#review-end")).to_be_visible()
    page.locator("#review-select-all").check()
    page.locator("#review-mark-selected").click()
    expect(page.locator("#toasts")).to_contain_text("55 conversations marked reviewed.")
    assert all(c["reviewed"] for c in live_server.synced(campaign, "conversation", vera))
    page.reload()  # the queue is empty now
    expect(page.locator("#review-empty")).to_have_text(
        "Nothing to review: every conversation logged so far has been reviewed.")


def test_the_service_worker_never_precaches_the_review_screen():
    """A volunteer's phone must not download the console's code: the build leaves console-only chunks out."""
    static = Path(__file__).resolve().parents[2] / "static"
    [chunk] = [path.name for path in (static / "chunks").glob("review-*.js")]
    assert f"chunks/{chunk}" not in (static / "sw.js").read_text()
