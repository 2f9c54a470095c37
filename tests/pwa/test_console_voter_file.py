"""The console's Voter file screen in Chromium: axe clean at both sizes in both languages; a bad file's problems as
a table and as problems.csv; a file without a header row mapped by column number and imported; the progress of an
import picked up again after a reload; how far its matching tags are once it is in; and the warning before a file
that would deactivate most voters, whose cancel writes nothing."""

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.campaigns.models import Role
from server.extensions import db
from server.voters import importer
from server.voters.models import Voter
from tests.conftest import PASSWORD
from tests.pwa.test_console import SIZES, axe, console_sign_in, unique

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "voterfiles"
SHOTS = os.environ.get("KIN_CONSOLE_SCREENSHOTS")

GOOD_AND_BAD = (b"voter_id,first_name,last_name,city,birth_year,phone\n"
                b"B1,Ana,Lopez,Durham,1990,919-660-1234\n"
                b"B2,Ben,Okafor,Durham,1985,12345\n"
                b"B3,Cleo,Park,Raleigh,1970,\n"
                b"B4,Dev,Shah,Cary,2001,\n"
                b"B5,Eli,Novak,Cary,nineteen,\n")  # line 3: a bad phone (kept); line 6: a bad birth year (left out)


def csv_file(content: bytes, name="voters.csv") -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": content}


@pytest.fixture
def organizer(live_server):
    """A campaign of its own with an organizer: (campaign id, e-mail)."""
    campaign = live_server.campaign("Voter File Campaign")
    email = unique("organizer")
    live_server.member(campaign, email, Role.ORGANIZER, name="Oscar Organizer")
    return campaign, email


def voters(live_server, campaign) -> dict[str, Voter]:
    with live_server.app.app_context():
        rows = db.session.execute(select(Voter).where(Voter.campaign_id == campaign)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return {row.external_id: row for row in rows}


def choose(page, content: bytes, name="voters.csv") -> None:
    page.locator("#voter-file-input").set_input_files(csv_file(content, name))


def shot(page, name) -> None:
    """A picture of what the organizer sees, when KIN_CONSOLE_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/voter-file-{name}.png", full_page=True)


def imported(page) -> None:
    """Wait for the import to end well: a few seconds, but a minute on a machine busy with other test runs."""
    expect(page.locator("#import-result")).to_have_attribute("data-status", "succeeded", timeout=60_000)


def open_screen(page, campaign) -> None:
    page.goto(f"/console/{campaign}/voter-file")
    expect(page.locator("#voter-file h1")).to_be_visible()


def sign_in(page, email, language="en") -> None:
    """Sign in on the console's page in a language, as test_console does."""
    page.goto("/console")
    page.locator("#language").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#signin-email").fill(email)
    page.locator("#signin-password").fill(PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#console-nav a").first.wait_for()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_voter_file_screen_has_no_violations(browser, base_url, live_server, size, language):
    campaign = live_server.campaign("Voter File Campaign")
    email = unique("organizer")
    live_server.member(campaign, email, Role.ORGANIZER, name="Oscar Organizer", language=language)
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])  # axe is injected
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    def scan(name, ready):
        expect(page.locator(ready).first).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/voter-file-{name}-{size}-{language}.png", full_page=True)
        assert axe(page) == [], name

    try:
        sign_in(page, email, language)
        open_screen(page, campaign)
        expect(page.locator("html")).to_have_attribute("lang", language)
        scan("empty", "#voter-file-empty")
        choose(page, GOOD_AND_BAD)
        scan("preview", "#preview-rows tbody tr")
        page.locator("#start-import").click()
        imported(page)
        scan("result", "#problems tbody tr")
        scan("history", "#import-history tbody tr")
    finally:
        context.close()
    assert errors == []


def test_a_bad_file_shows_its_problems_as_a_table_and_as_problems_csv(page, live_server, organizer):
    campaign, email = organizer
    console_sign_in(page, email)
    open_screen(page, campaign)
    choose(page, GOOD_AND_BAD)
    rejected = page.locator("#preview-rows tbody tr.rejected")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("nineteen")
    page.locator("#start-import").click()
    imported(page)
    rows = page.locator("#problems tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("3")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("phone")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("6")
    expect(rows.nth(1)).to_contain_text("Left out.")
    expect(page.locator("#import-counts")).to_contain_text("New voters: 4")
    with page.expect_download() as download:
        page.locator("#download-problems").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert download.value.suggested_filename.endswith("-problems.csv")
    assert saved[0] == "line,column,reason,rejected,code" and saved[1].startswith("3,phone,")
    assert saved[2].endswith(",yes,unreadable_birth_date")
    assert set(voters(live_server, campaign)) == {"B1", "B2", "B3", "B4"}


def test_a_file_without_a_header_row_is_mapped_by_column_number_and_imported(page, live_server, organizer):
    campaign, email = organizer
    console_sign_in(page, email)
    open_screen(page, campaign)
    choose(page, (FIXTURES / "headerless_positions.csv").read_bytes(), "positions.csv")
    expect(page.locator("#preview-problem")).to_be_visible()  # nothing names the voter id column yet
    expect(page.locator("#start-import")).to_be_disabled()
    page.locator("#preview-no-header").check()
    expect(page.locator("#preview-columns tbody th").first).to_have_text("Column 1")
    for position, field in ((1, "external_id"), (2, "last_name"), (3, "first_name"), (4, "city"), (5, "phones")):
        page.locator(f"#column-{position}").select_option(field)
    expect(page.locator("#start-import")).to_be_enabled()
    first = page.locator("#preview-rows tbody tr").first
    expect(first).to_contain_text("H1")
    expect(first).to_contain_text("Rosa Quintero")
    expect(page.locator("#preview-unused")).to_have_count(0)  # every column is read
    shot(page, "headerless-mapped")
    page.locator("#start-import").click()
    imported(page)
    expect(page.locator("#import-counts")).to_contain_text("New voters: 3")
    expect(page.locator("#import-history tbody tr")).to_have_count(1)
    found = voters(live_server, campaign)
    assert set(found) == {"H1", "H2", "H3"}  # the first row is a voter too
    assert (found["H1"].first_name, found["H1"].last_name, found["H1"].city) == ("Rosa", "Quintero", "Durham")


def test_an_imports_progress_is_picked_up_again_after_a_reload(page, live_server, organizer, monkeypatch):
    """The import waits after its first batch until the test has reloaded the page, so the progress is seen on
    both sides of the reload however fast the machine is."""
    campaign, email = organizer
    go_on = threading.Event()
    write_batch = importer._write_batch
    batches = []

    def held(job, batch, progress):
        write_batch(job, batch, progress)
        batches.append(batch.rows_read)
        if len(batches) == 1:
            go_on.wait(30)

    monkeypatch.setattr(importer, "_write_batch", held)
    rows = b"".join(f"R{n},Rita,Number{n},Durham\n".encode() for n in range(3000))
    console_sign_in(page, email)
    open_screen(page, campaign)
    try:
        choose(page, b"voter_id,first_name,last_name,city\n" + rows)
        page.locator("#start-import").click()
        expect(page.locator("#import-progress")).to_be_visible()
        expect(page.locator("#import-rows")).to_contain_text("1,000 rows read")
        page.reload()
        expect(page.locator("#import-progress")).to_be_visible()
        expect(page.locator("#import-rows")).to_contain_text("1,000 rows read")
        expect(page.locator("#import-rows")).to_contain_text("rows a second")
        expect(page.locator("#import-rows")).not_to_contain_text("checking")  # 2,000 rows are still to come
        shot(page, "progress-after-reload")
        expect(page.locator("#voter-file-input")).to_have_count(0)  # no second upload while one runs
    finally:
        go_on.set()
    imported(page)
    expect(page.locator("#import-counts")).to_contain_text("New voters: 3,000")


def test_an_imported_file_says_how_far_its_matching_tags_are_until_they_are_built(page, live_server, organizer,
                                                                                 monkeypatch):
    """The tag build waits, after the voters are committed, until the test has seen the note."""
    campaign, email = organizer
    go_on = threading.Event()
    start_build = importer.build.start

    def held(campaign_id):
        go_on.wait(30)
        return start_build(campaign_id)

    monkeypatch.setattr(importer.build, "start", held)
    console_sign_in(page, email)
    open_screen(page, campaign)
    try:
        choose(page, GOOD_AND_BAD)
        page.locator("#start-import").click()
        imported(page)
        expect(page.locator("#import-matching")).to_contain_text("Voters can be searched now")
        expect(page.locator("#import-matching")).to_contain_text("0% done")
    finally:
        go_on.set()
    expect(page.locator("#import-matching")).to_have_count(0, timeout=60_000)
    expect(page.locator("#import-counts")).to_contain_text("New voters: 4")


def test_a_file_that_would_deactivate_most_voters_asks_first_and_cancel_writes_nothing(page, live_server,
                                                                                       organizer):
    campaign, email = organizer
    console_sign_in(page, email)
    open_screen(page, campaign)
    header = b"voter_id,first_name,last_name,city\n"
    everyone = header + b"S1,Ana,Lopez,Durham\nS2,Ben,Okafor,Durham\nS3,Cleo,Park,Cary\nS4,Dev,Shah,Cary\n"
    choose(page, everyone, "all.csv")
    page.locator("#start-import").click()
    imported(page)

    choose(page, header + b"S1,Ana,Lopez,Durham\n", "one-county.csv")
    page.locator("#start-import").click()
    dialog = page.locator("dialog.dialog")
    expect(dialog).to_be_visible(timeout=60_000)
    expect(dialog).to_contain_text("leaves out 3 of the 4 active voters")
    shot(page, "shrink-warning")
    dialog.locator("[data-answer=cancel]").click()
    expect(page.locator("#toasts")).to_contain_text("Nothing was imported")
    expect(page.locator("#import-message")).to_contain_text("3 of the 4 active voters")
    assert all(voter.active for voter in voters(live_server, campaign).values())
    expect(page.locator("#import-history tbody tr")).to_have_count(2)

    choose(page, header + b"S1,Ana,Lopez,Durham\n", "one-county.csv")  # and this time, confirmed
    page.locator("#start-import").click()
    page.locator("dialog.dialog [data-answer=confirm]").click(timeout=60_000)
    imported(page)
    expect(page.locator("#import-counts")).to_contain_text("marked inactive: 3")
    assert {key for key, voter in voters(live_server, campaign).items() if voter.active} == {"S1"}


LONG_PROBLEMS = (b"voter_id,first_name,last_name,city,birth_year,phone,email,latitude\n"
                 + b"".join(b"L%d,Ana%d,Lopez,Durham,1990,%s,%s,%s\n" % (
                     n, n, b"12345" if n % 2 else b"919-660-1234",
                     b"ana.lopez.at.the.very.long.domain.example" if n % 3 == 0 else b"",
                     b"north-of-the-river-by-the-old-mill-road-x" if n % 2 == 0 else b"")
                     for n in range(1, 13)))  # a bad phone, a bad e-mail or degrees that are words, in 12 rows


@pytest.mark.parametrize(("width", "stacked"), [(360, True), (1280, False)])
def test_an_imports_problems_fit_a_phone_and_stay_a_table_on_a_desktop(browser, base_url, live_server, organizer,
                                                                        width, stacked):
    """Long problems (a value quoted in each, a field name or two) read on a 360 px phone with no sideways scroll:
    each problem a block of its own, row, field and problem each labelled; a desktop keeps the table. The past
    imports below stack the same way."""
    campaign, email = organizer
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        console_sign_in(page, email)
        open_screen(page, campaign)
        choose(page, LONG_PROBLEMS)
        page.locator("#start-import").click()
        imported(page)
        rows = page.locator("#problems tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 10
        shot(page, f"long-problems-{width}")
        fits = page.evaluate("""() => {
            const table = document.getElementById('problems');
            return {page: document.documentElement.scrollWidth, table: table.scrollWidth <= table.clientWidth,
                    box: table.parentElement.scrollWidth <= table.parentElement.clientWidth,
                    header: getComputedStyle(table.querySelector('thead')).position,
                    display: getComputedStyle(table).display,
                    history: [...document.querySelectorAll('#import-history tbody, #import-history tbody *')].every(
                        (element) => element.getBoundingClientRect().right <= innerWidth)};
        }""")
        assert fits["page"] <= width and fits["table"] and fits["box"], fits
        assert fits["history"], fits  # the past imports, stacked the same way, show whole
        assert (fits["display"], fits["header"] == "absolute") == (("block", True) if stacked else ("table", False))
        if stacked:  # each cell says what it is, as the hidden header did
            expect(rows.nth(0).locator("td").nth(1)).to_have_attribute("data-label", "Field")
    finally:
        context.close()
