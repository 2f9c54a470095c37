"""The console's Exports screen in Chromium: axe clean at both sizes in both languages; an organizer downloads the
VAN file and the spreadsheet (parsed back with csv), the next VAN file holds only what changed since; an owner
renames VAN's columns and leaves support out, and the screen says what the file leaves out before it is made."""

import csv
import uuid

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from tests.pwa.test_console import SHOTS, SIZES, axe, console_sign_in, unique

pytestmark = pytest.mark.browser
VAN_COLUMNS = ["VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy"]
# what each voter asked about being contacted, last on every row (server/preferences/)
SUPPRESSION = ["DoNotContact", "DoNotCall", "DoNotText", "DoNotEmail", "DoNotWalk"]


@pytest.fixture(scope="module")
def team(live_server):
    """A campaign with an owner, an organizer and a volunteer who talked with Maria at her door."""
    campaign = live_server.campaign("Exports Campaign")
    owner, organizer, volunteer = unique("owner"), unique("organizer"), unique("volunteer")
    live_server.member(campaign, owner, Role.OWNER, name="Olivia Owner")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, volunteer, name="Vera Volunteer")
    live_server.configure(campaign, issue_tags=["housing", "transit"])
    person = live_server.relationship(campaign, volunteer, live_server.voter(campaign, "Maria", "Lopez"))
    team = {"campaign": campaign, "owner": owner, "organizer": organizer, "volunteer": volunteer, "person": person}
    log(live_server, team, support=1, issue_tags=["housing"], notes="Cares about rent.")
    return team


def log(live_server, team, **fields):
    [result] = live_server.push(team["campaign"], team["volunteer"], [{
        "entity": "conversation", "entity_id": str(uuid.uuid4()), "action": "upsert",
        "fields": {"relationship_id": team["person"], "channel": "door", "happened_at": "2026-10-01T10:00:00-04:00",
                   **fields}}])
    assert result["status"] == "applied", result


def download(page, form) -> list[list[str]]:
    """Press a file's download button; the rows of the CSV the browser saved."""
    with page.expect_download() as saved:
        page.locator(f"{form} button[type=submit]").click()
    with open(saved.value.path(), newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_exports_screen_has_no_violations(browser, base_url, team, size, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, team["owner"], language=language)
        page.goto(f"/console/{team['campaign']}/exports")
        expect(page.locator("#van-mapping-form")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", language)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/exports-{size}-{language}.png", full_page=True)
        assert axe(page) == []
    finally:
        context.close()
    assert errors == []


def test_an_organizer_exports_for_van_and_then_only_what_changed(live_server, page, team):
    console_sign_in(page, team["organizer"])
    page.goto(f"/console/{team['campaign']}/exports")
    expect(page.locator("#van-mapping-facts")).to_be_visible()  # organizers read the names, owners set them
    expect(page.locator("#van-mapping-form")).to_have_count(0)
    expect(page.locator("#export-van [name=since]")).to_have_count(0)  # nothing exported yet: everything
    rows = download(page, "#export-van")
    assert rows[0] == [*VAN_COLUMNS, "Support", "housing", "transit", *SUPPRESSION]
    assert [row[1:3] + row[4:] for row in rows[1:]] == [["Walk", "Canvassed", "Vera Volunteer", "Strong Support",
                                                          "housing", "", *[""] * len(SUPPRESSION)]]
    expect(page.locator("#export-van [role=status]")).to_contain_text("van-canvass-results.csv")
    expect(page.locator("#exports-history tbody tr")).to_have_count(1)
    expect(page.locator("#exports-history tbody tr").first.locator("td").nth(2)).to_have_text("1")

    log(live_server, team, channel="call", support=3)
    expect(page.locator("#export-van [name=since]")).to_be_checked()
    rows = download(page, "#export-van")
    assert [row[1] for row in rows[1:]] == ["Phone"]  # the door conversation went to VAN already
    expect(page.locator("#exports-history tbody tr")).to_have_count(2)

    page.locator("#export-conversations [name=notes]").check()
    rows = download(page, "#export-conversations")
    assert rows[0][-1] == "notes" and sorted(row[-1] for row in rows[1:]) == ["", "Cares about rent."]


def test_an_owner_leaves_support_out_of_the_van_file(page, team):
    console_sign_in(page, team["owner"])
    page.goto(f"/console/{team['campaign']}/exports")
    expect(page.locator("#van-omitted")).to_contain_text("support and for every issue")
    page.locator("#van-question").fill("")
    page.locator("#van-code-1").fill("")
    page.locator("#van-code-0").fill("Housing Justice")
    page.locator("#van-mapping-form button[type=submit]").click()
    expect(page.locator("#van-omitted")).to_have_text(
        "The VAN file leaves out: support (no survey question) and the issues transit (no activist code).")
    if page.locator("#export-van [name=since]").count():  # after the organizer's test: everything again
        page.locator("#export-van [name=since]").uncheck()
    rows = download(page, "#export-van")
    assert rows[0] == [*VAN_COLUMNS, "Housing Justice", *SUPPRESSION]
    page.locator("#van-defaults").click()
    expect(page.locator("#van-question")).to_have_value("Support")
    expect(page.locator("#van-defaults")).to_have_count(0)
