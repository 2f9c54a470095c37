"""The campaign's own survey questions end to end, in Chromium: an owner defines a yes/no and a choice question on
the console's Settings screen, a volunteer takes a turf offline, answers both at a door with no network, comes
back online, and the server holds the answers once; the owner maps them to VAN on the Exports screen and the file
carries them. And the editor and the door screen with questions are axe clean at both sizes in both languages."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.campaigns.models import Role
from server.canvass.models import Household
from server.extensions import db
from server.surveys.models import DoorAnswer, SurveyQuestion
from server.sync_api.models import AppliedOp
from server.voters.models import Voter
from tests.pwa.conftest import PHONE, idb_all, sign_in, wait_for_service_worker
from tests.pwa.test_console import SIZES, axe, console_sign_in, unique
from tests.pwa.test_console_van_doors import download_van
from tests.pwa.test_doors import Canvass, take_offline

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-questions")
SIGN, VOTE = "Can we put a sign in your yard?", "How will you vote?"
VOTE_OPTIONS = ["Early", "By mail", "On election day"]


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_question(page, label, options=()):
    """Add a question with the console's form: yes/no, or a choice among ``options``."""
    form = page.locator("#question-form")
    form.locator("#question-label").fill(label)
    if options:
        form.locator("#question-kind").select_option("choice")
        form.locator("#question-options").fill("\n".join(options))
    before = page.locator("#question-list .question").count()
    form.locator("button[type=submit]").click()
    expect(page.locator("#question-list .question")).to_have_count(before + 1)


def change_question(page, nth, label=None, options=None):
    """Change the ``nth`` question's words or options with its edit form, and wait for the list to show it."""
    question = page.locator("#question-list .question").nth(nth)
    if not question.locator("#question-edit-form").count():
        question.locator(".edit").click()
    form = question.locator("#question-edit-form")
    if label is not None:
        form.locator("#question-edit-label").fill(label)
    if options is not None:
        form.locator("#question-edit-options").fill("\n".join(options))
    form.locator("button[type=submit]").click()
    expect(page.locator("#question-edit-form")).to_have_count(0)
    if label is not None:
        expect(page.locator("#question-list .question").nth(nth).locator("h3")).to_have_text(label)


def wait_until_sent(page):
    for _ in range(300):
        if not idb_all(page, "outbox"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still waiting: {idb_all(page, 'outbox')}")


def test_questions_made_in_the_console_are_answered_offline_and_reach_the_van_file(page, browser, base_url,
                                                                                   live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    owner = unique("owner")
    live_server.member(town.campaign, owner, Role.OWNER, name="Olivia Owner")
    turf, _ = town.turf("Mill Street", range(101, 105), holder=town.membership(town.volunteer))
    desk = browser.new_context(base_url=base_url, accept_downloads=True, **SIZES["desktop"]).new_page()
    try:
        console_sign_in(desk, owner)
        desk.goto(f"/console/{town.campaign}/settings")
        expect(desk.locator("#questions-none")).to_be_visible()
        add_question(desk, "Can we put a sign in your garden?")
        add_question(desk, VOTE, VOTE_OPTIONS[:2])
        change_question(desk, 0, label=SIGN)  # reworded before any visit: the same question
        change_question(desk, 1, options=VOTE_OPTIONS)  # unanswered, so its options can still change
        expect(desk.locator("#question-list h3")).to_have_text([SIGN, VOTE])
        expect(desk.locator("#question-list .question").nth(1).locator(".question-answers li")).to_have_count(
            len(VOTE_OPTIONS))
        with live_server.app.app_context():
            ids = {q.label: str(q.id) for q in db.session.execute(select(SurveyQuestion).where(
                SurveyQuestion.campaign_id == town.campaign)).scalars()}

        take_offline(page, town)  # the walk list carries the questions
        wait_for_service_worker(page)
        page.context.set_offline(True)
        try:
            page.goto(f"/doors/{town.campaign}/{turf}")
            page.locator("#next-door").click()
            voter = page.locator(".door-voter").first
            voter.locator("[data-result=talked]").click()
            voter.locator("[data-support='2']").click()  # two taps: a talk with its support level, saved
            expect(voter.locator(".visit .visit-what")).to_contain_text("Talked")
            survey = voter.locator(".survey")
            expect(survey.locator(".question-label")).to_have_text([SIGN, VOTE])  # the console's order
            survey.locator(f"[data-question='{ids[SIGN]}'][data-answer=yes]").click()
            survey.locator(f"[data-question='{ids[VOTE]}'][data-answer=Early]").click()
            survey.locator(f"[data-question='{ids[VOTE]}'][data-answer='By mail']").click()  # changed their mind
            expect(survey.locator("[aria-pressed=true]")).to_have_text(["Yes", "By mail"])
            for _ in range(100):  # the last tap's op is written after its chip is drawn pressed
                if len(idb_all(page, "outbox")) == 4:
                    break
                page.wait_for_timeout(50)
            assert len(idb_all(page, "outbox")) == 4  # the talk, then each tap: sent once back online
        finally:
            page.context.set_offline(False)
        wait_until_sent(page)

        [visit] = [v for v in live_server.synced(town.campaign, "door_visit", town.volunteer)]
        assert (visit["result"], visit["support"], visit["answers"]) == (
            "talked", 2, {ids[SIGN]: "yes", ids[VOTE]: "By mail"})
        with live_server.app.app_context():
            answers = db.session.execute(select(DoorAnswer.question_id, DoorAnswer.answer).where(
                DoorAnswer.campaign_id == town.campaign)).all()
            assert sorted((str(q), a) for q, a in answers) == sorted([(ids[SIGN], "yes"), (ids[VOTE], "By mail")])
            assert len(db.session.execute(select(AppliedOp.op_id).where(
                AppliedOp.campaign_id == town.campaign)).all()) == 4

        desk.reload()  # the console counts the answers
        expect(desk.locator(f"[data-question='{ids[SIGN]}'] .question-answers li").first).to_have_text("Yes: 1 visit")
        desk.goto(f"/console/{town.campaign}/exports")
        expect(desk.locator("#van-omitted")).to_contain_text(
            f"the questions “{SIGN}” and “{VOTE}” (no survey question)")
        desk.locator(f"#van-survey-{ids[SIGN]}").fill("Yard Sign")
        desk.locator(f"#van-survey-{ids[SIGN]}-0").fill("Yes")
        desk.locator(f"#van-survey-{ids[SIGN]}-1").fill("No")
        desk.locator(f"#van-survey-{ids[VOTE]}").fill("Vote Plan")
        desk.locator(f"#van-survey-{ids[VOTE]}-1").fill("Mail")
        desk.locator("#van-mapping-form button[type=submit]").click()
        expect(desk.locator("#van-omitted")).to_contain_text(
            f"the answers “Early” and “On election day” to “{VOTE}” (no response)")
        header, *rows = download_van(desk)
        [row] = [dict(zip(header, row, strict=True)) for row in rows]
        assert (row["Result"], row["Support"], row["Yard Sign"], row["Vote Plan"]) == (
            "Canvassed", "Lean Support", "Yes", "Mail")
        assert header.index("Yard Sign") < header.index("Vote Plan")

        desk.goto(f"/console/{town.campaign}/settings")  # answered: its words can change, its options cannot
        question = desk.locator("#question-list .question").nth(1)
        question.locator(".edit").click()
        expect(question.locator("#question-edit-locked")).to_contain_text("options stay as they are")
        expect(question.locator("#question-edit-options")).to_have_count(0)
        change_question(desk, 1, label="How will you cast your vote?")
        expect(desk.locator("#question-list h3")).to_have_text([SIGN, "How will you cast your vote?"])
        with live_server.app.app_context():
            assert db.session.get(SurveyQuestion, int(ids[VOTE])).options == VOTE_OPTIONS
    finally:
        desk.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_question_editor_and_a_door_with_questions_have_no_violations(browser, base_url, live_server, tmp_path,
                                                                          size, language):
    town = Canvass(live_server, tmp_path, doors=2, basemap=False)
    owner = unique("owner")
    live_server.member(town.campaign, owner, Role.OWNER, name="Olivia Owner")
    turf, _ = town.turf("Mill Street", [101, 102], holder=town.membership(town.volunteer))
    with live_server.app.app_context():
        db.session.add_all([
            SurveyQuestion(campaign_id=town.campaign, label=SIGN, kind="yes_no", options=[], position=0),
            SurveyQuestion(campaign_id=town.campaign, label=VOTE, kind="choice", options=VOTE_OPTIONS, position=1),
            SurveyQuestion(campaign_id=town.campaign, label="Do you own your home?", kind="yes_no", options=[],
                           position=2, retired=True)])
        db.session.commit()
    errors = []

    def browse():
        """A fresh browser (axe is an inline script): the console's owner and the phone's volunteer one after the
        other, each signed in on their own."""
        context = browser.new_context(base_url=base_url, bypass_csp=True,
                                      **(SIZES[size] if size == "desktop" else PHONE))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        return context, page

    context, page = browse()
    try:
        console_sign_in(page, owner, language=language)
        page.goto(f"/console/{town.campaign}/settings")
        expect(page.locator("#question-list .question")).to_have_count(2)
        page.locator("#questions-retired summary").click()
        page.locator("#question-kind").select_option("choice")
        expect(page.locator("#question-options")).to_be_visible()
        page.locator("#question-form button[type=submit]").click()  # nothing typed: the errors, drawn
        expect(page.locator("#question-form-alert")).not_to_be_empty()
        shoot(page, f"console-questions-{size}-{language}")
        assert axe(page) == [], "the question editor"
        page.locator("#question-list .question").nth(1).locator(".edit").click()  # the choice: its options
        page.locator("#question-edit-label").fill("")
        page.locator("#question-edit-form button[type=submit]").click()  # emptied: its error, drawn
        expect(page.locator("#question-edit-form [aria-invalid=true]")).to_have_count(1)
        shoot(page, f"console-question-edit-{size}-{language}")
        assert axe(page) == [], "a question's edit form"
        page.goto(f"/console/{town.campaign}/exports")
        expect(page.locator("#van-survey")).to_be_visible()
        shoot(page, f"console-van-questions-{size}-{language}")
        assert axe(page) == [], "the VAN names of the questions"
    finally:
        context.close()

    context, page = browse()
    try:
        sign_in(page, town.volunteer)
        page.locator("#language").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto("/doors")
        page.locator(".take-offline").click()
        expect(page.locator(".ready")).to_be_visible()
        page.goto(f"/doors/{town.campaign}/{turf}/{door_of(live_server, town, 101)}")
        voter = page.locator(".door-voter").first
        voter.locator("[data-result=talked]").click()
        voter.locator("[data-support='1']").click()
        voter.locator(".survey [data-answer=yes]").click()
        expect(voter.locator(".survey [aria-pressed=true]")).to_have_count(1)
        expect(page.locator("#toasts .toast")).to_have_count(0, timeout=10_000)
        shoot(page, f"door-questions-{size}-{language}")
        assert axe(page) == [], "a door with the campaign's questions"
    finally:
        context.close()
    assert errors == []


def door_of(live_server, town, number) -> str:
    with live_server.app.app_context():
        return str(db.session.execute(select(Household.public_id).join(Voter, Voter.household_id == Household.id)
                                      .where(Voter.campaign_id == town.campaign,
                                             Voter.house_number == str(number))).scalars().first())


