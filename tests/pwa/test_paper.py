"""Door to door on paper, in Chromium: the printable walk list (from the phone's walk list and from the console's
turf) in the walk list's own order, with a box per voter per result, a blank per campaign question and nothing of
the app on paper; a paper sheet entered afterwards on a phone offline, answers to the campaign's questions
included, each visit reaching the server once with the sheet's time; and no sheet of a turf the volunteer does
not hold."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.campaigns.models import Role
from server.canvass.models import DoorVisit
from server.extensions import db
from server.surveys.models import DoorAnswer, SurveyQuestion
from tests.pwa.conftest import idb_all, sign_in, wait_for_service_worker
from tests.pwa.test_console import axe, console_sign_in, unique
from tests.pwa.test_doors import SIZES, Canvass, take_offline

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-paper")
RESULTS = ["talked", "not_home", "refused", "come_back", "moved", "other"]
SIGN = "Can we put a sign in your yard?"
VOTE = "How will you vote?"


def ask(live_server, campaign_id) -> dict[str, str]:
    """The campaign's two questions for the door (a yes/no and a choice), by their words: their ids."""
    with live_server.app.app_context():
        questions = [SurveyQuestion(campaign_id=campaign_id, label=SIGN, kind="yes_no", options=[], position=0),
                     SurveyQuestion(campaign_id=campaign_id, label=VOTE, kind="choice",
                                    options=["Early", "By mail", "On the day"], position=1)]
        db.session.add_all(questions)
        db.session.commit()
        return {question.label: str(question.id) for question in questions}


def shoot(page, name, full_page=True):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def walk_order(page) -> tuple[list[str], list[str]]:
    """The street runs and the doors' households, as the phone's walk list shows them."""
    expect(page.locator(".door-item").first).to_be_visible()
    return (page.locator(".street-run h2").all_inner_texts(),
            [item.get_attribute("data-household") for item in page.locator(".door-item").all()])


def sheet_order(page) -> tuple[list[str], list[str]]:
    expect(page.locator(".sheet-door").first).to_be_visible()
    return (page.locator(".sheet-run h2").all_inner_texts(),
            [door.get_attribute("data-household") for door in page.locator(".sheet-door").all()])


def assert_boxes_per_voter(page, voters):
    rows = page.locator(".sheet-voter[data-voter]")
    expect(rows).to_have_count(voters)
    for row in rows.all():
        assert [box.get_attribute("data-result") for box in row.locator(".box[data-result]").all()] == RESULTS
        assert [box.get_attribute("data-support") for box in row.locator(".box[data-support]").all()] == [
            "1", "2", "3", "4", "5"]


def assert_only_the_sheet_prints(page, chrome, pdf):
    page.emulate_media(media="print")
    try:
        expect(page.locator("#walk-sheet")).to_be_visible()
        expect(page.locator(".sheet-privacy")).to_be_visible()  # the privacy line goes on paper too
        for selector in chrome:
            expect(page.locator(selector)).to_be_hidden()
        page.pdf(path=str(SHOTS / pdf), format="Letter")
    finally:
        page.emulate_media(media="screen")


def test_the_printed_sheet_keeps_the_walk_lists_order_with_a_box_per_voter_per_result(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=8)
    turf, _ = town.turf("Mill Street", range(101, 109), holder=town.membership(town.volunteer))
    ask(live_server, town.campaign)
    take_offline(page, town)
    page.goto(f"/doors/{town.campaign}/{turf}")
    runs, doors = walk_order(page)
    assert len(runs) == 2 and len(doors) == 8

    page.locator("#print-link").click()
    assert sheet_order(page) == (runs, doors)
    expect(page.locator("#sheet-privacy-notice")).to_contain_text("personal data on paper")
    assert_boxes_per_voter(page, 12)  # one voter at odd numbers, two at even
    expect(page.locator(".sheet-door .sheet-nobody .box")).to_have_count(8)
    expect(page.locator(".sheet-questions li")).to_have_text([
        "Q1 Can we put a sign in your yard? (Yes · No)", "Q2 How will you vote? (Early · By mail · On the day)"])
    expect(page.locator(".sheet-notes").first.locator(".sheet-answer")).to_have_text(["Q1", "Q2"])
    assert_only_the_sheet_prints(page, ["header.bar", "#nav", ".sheet-tools", "#toasts"], "print-app-en.pdf")

    organizer = unique("organizer")
    live_server.member(town.campaign, organizer, role=Role.ORGANIZER, name="Olga Organizer")
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    console_sign_in(page, organizer)
    page.goto(f"/console/{town.campaign}/turfs")
    page.get_by_role("link", name="Print walk list: Mill Street").click()
    expect(page).to_have_url(f"{live_server.url}/console/{town.campaign}/turfs/{turf}/print")
    assert sheet_order(page) == (runs, doors)  # the same order as the phone's, from the same server answer
    assert_boxes_per_voter(page, 12)
    assert_only_the_sheet_prints(page, ["header.bar", "#console-nav", ".sheet-tools", "#toasts"],
                                 "print-console-en.pdf")


def test_a_volunteer_without_the_turf_gets_no_printed_sheet_of_it(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    turf, _ = town.turf("Held by Vera", [101, 102, 103, 104], holder=town.membership(town.volunteer))
    sign_in(page, town.other)
    with page.expect_response(lambda r: r.url.endswith(f"/turfs/{turf}/walk-list")) as answer:
        page.goto(f"/doors/{town.campaign}/{turf}/print")
    assert answer.value.status == 404
    expect(page.locator("#print-problem")).to_contain_text("not yours to print")
    expect(page.locator("#walk-sheet")).to_have_count(0)
    assert "Family" not in page.content()


def chip(door, result, nth=0):
    voter = door.locator(".paper-voter").nth(nth)
    voter.locator(f"[data-result={result}]").click()
    expect(voter.locator(f"[data-result={result}]")).to_have_attribute("aria-pressed", "true")
    return voter


def talked(door, support, nth=0):
    voter = chip(door, "talked", nth)
    voter.locator(f"[data-support='{support}']").click()
    expect(voter.locator(f"[data-support='{support}']")).to_have_attribute("aria-pressed", "true")


def test_a_volunteer_enters_a_paper_sheet_offline_and_each_visit_reaches_the_server_once(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=8)
    turf, _ = town.turf("Mill Street", range(101, 109), holder=town.membership(town.volunteer))
    ids = ask(live_server, town.campaign)
    take_offline(page, town)
    wait_for_service_worker(page)
    sheet_time = (datetime.now() - timedelta(days=1)).replace(hour=18, minute=30).strftime("%Y-%m-%dT%H:%M")

    page.context.set_offline(True)
    try:
        page.reload()
        page.goto(f"/doors/{town.campaign}/{turf}")
        page.get_by_role("link", name="Enter a paper sheet").click()
        page.locator("#paper-at").fill(sheet_time)
        page.locator("#paper-at").dispatch_event("change")
        doors = page.locator(".paper-door")
        expect(doors).to_have_count(8)
        # odd side first (one voter each), then the even side (two each), as the sheet lists them
        doors.nth(0).locator(".household").click()  # door 1: nobody home
        expect(doors.nth(0).locator(".household")).to_have_attribute("aria-pressed", "true")
        talked(doors.nth(1), 2)  # door 2: a talk, leaning support, and the sheet's answers to both questions
        survey = doors.nth(1).locator(".paper-voter .survey")
        expect(survey.locator(".question-label")).to_have_text([SIGN, VOTE])
        survey.locator(f"[data-question='{ids[SIGN]}'][data-answer=yes]").click()
        survey.locator(f"[data-question='{ids[VOTE]}'][data-answer='By mail']").click()
        expect(survey.locator("[aria-pressed=true]")).to_have_text(["Yes", "By mail"])
        chip(doors.nth(2), "refused")  # door 3: a refusal
        voter = chip(doors.nth(3), "talked")  # door 4: a wrong tap with an answer, then the right one: the same
        voter.locator(f"[data-question='{ids[SIGN]}'][data-answer=no]").click()  # visit, and the answer goes
        expect(voter.locator("[aria-pressed=true][data-answer]")).to_have_count(1)
        chip(doors.nth(3), "not_home")
        expect(voter.locator(".survey")).to_have_count(0)
        talked(doors.nth(3), 1)
        expect(voter.locator("[data-result=not_home]")).to_have_attribute("aria-pressed", "false")
        expect(voter.locator("[aria-pressed=true][data-answer]")).to_have_count(0)
        talked(doors.nth(4), 5)  # door 5, two voters: one talks, the other was moved away
        chip(doors.nth(4), "moved", nth=1)
        doors.nth(5).locator(".household").click()  # door 6: nobody home
        chip(doors.nth(6), "come_back")  # door 7: come back, and a wrong address
        doors.nth(6).locator(".paper-voter").nth(1).locator("select").select_option("wrong_address")
        talked(doors.nth(7), 3, nth=1)  # door 8: the second voter talks
        expect(page.locator("#paper-count")).to_have_text("Visits entered from this sheet: 10")
        expect(page.locator(".paper-voter .state.pending")).to_have_count(8)
        shoot(page, "paper-entered-360-en")
        assert {op["entity"] for op in idb_all(page, "outbox")} == {"door_visit"}
        instant = page.evaluate("(local) => new Date(local).getTime()", sheet_time)
    finally:
        page.context.set_offline(False)

    for _ in range(300):  # back online, the sync loop sends every op
        if not idb_all(page, "outbox"):
            break
        page.wait_for_timeout(100)
    assert idb_all(page, "outbox") == []
    expect(page.locator(".paper-voter .state.sent")).to_have_count(8)

    visits = live_server.synced(town.campaign, "door_visit", town.volunteer)
    assert sorted((v["result"], v.get("support")) for v in visits) == sorted([
        ("not_home", None), ("talked", 2), ("refused", None), ("talked", 1), ("talked", 5), ("moved", None),
        ("not_home", None), ("come_back", None), ("wrong_address", None), ("talked", 3)])
    assert {datetime.fromisoformat(v["happened_at"]).timestamp() * 1000 for v in visits} == {instant}
    assert sum(1 for v in visits if not v.get("voter_id")) == 2  # the two households nobody was home at
    with live_server.app.app_context():
        rows = db.session.execute(select(DoorVisit).where(DoorVisit.campaign_id == town.campaign)).scalars().all()
        assert len(rows) == 10  # once each, in the read model the console counts from
        answers = db.session.execute(select(DoorAnswer.question_id, DoorAnswer.answer).where(
            DoorAnswer.campaign_id == town.campaign)).all()
        assert sorted((str(question), answer) for question, answer in answers) == sorted([
            (ids[SIGN], "yes"), (ids[VOTE], "By mail")])
    assert [v["answers"] for v in visits if v.get("answers")] == [{ids[SIGN]: "yes", ids[VOTE]: "By mail"}]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_paper_screens_have_no_violations(browser, base_url, live_server, tmp_path, size, language):
    town = Canvass(live_server, tmp_path, doors=6, basemap=False)
    turf, _ = town.turf("Mill Street", range(101, 107), holder=town.membership(town.volunteer))
    ask(live_server, town.campaign)
    organizer = unique("organizer")
    live_server.member(town.campaign, organizer, role=Role.ORGANIZER, name="Olga Organizer")
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])  # axe is an inline script
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    shot = lambda name: shoot(page, f"{name}-{size}-{language}")  # noqa: E731

    def scanned(what):
        assert axe(page) == [], what

    try:
        sign_in(page, town.volunteer)
        page.locator("#language").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto("/doors")
        page.locator(".take-offline").click()
        expect(page.locator(".ready")).to_be_visible()
        page.goto(f"/doors/{town.campaign}/{turf}")
        expect(page.locator("#paper-link")).to_be_visible()
        scanned("walk list with its paper links")

        page.goto(f"/doors/{town.campaign}/{turf}/print")
        expect(page.locator(".sheet-door")).to_have_count(6)
        shot("print")
        scanned("print view")
        page.emulate_media(media="print")
        shot("print-as-printed")
        page.pdf(path=str(SHOTS / f"print-{size}-{language}.pdf"), format="Letter" if language == "en" else "A4")
        page.emulate_media(media="screen")

        page.goto(f"/doors/{town.campaign}/{turf}/paper")
        doors = page.locator(".paper-door")
        expect(doors).to_have_count(6)
        shot("paper")
        scanned("paper entry")
        doors.nth(0).locator(".household").click()
        talked(doors.nth(1), 2)
        doors.nth(1).locator(".survey [data-answer=yes]").click()
        expect(doors.nth(1).locator(".survey [data-answer=yes]")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".paper-voter .state").first).to_be_visible()
        shot("paper-talked")
        scanned("paper entry, a household not home and a talk with its support level and an answer")

        page.context.clear_cookies()
        page.evaluate("localStorage.clear()")
        console_sign_in(page, organizer, language=language)
        page.goto(f"/console/{town.campaign}/turfs")
        expect(page.locator(".turf .print")).to_be_visible()
        page.goto(f"/console/{town.campaign}/turfs/{turf}/print")
        expect(page.locator(".sheet-door")).to_have_count(6)
        shot("console-print")
        scanned("console print view")
    finally:
        context.close()
    assert errors == []
