"""Door results in the console's VAN names (the Exports screen), in Chromium: axe clean at both sizes in both
languages; an owner gives "not home" the committee's own result code and leaves "come back" out, the screen says
what the file then leaves out before it is made, and the file downloaded (parsed back with csv) carries the door
visits so."""

import csv
import uuid

import pytest
from playwright.sync_api import expect

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter
from tests.pwa.test_console import SHOTS, SIZES, axe, console_sign_in, unique

pytestmark = pytest.mark.browser
LEFT_OUT = {"en": "door visits “Come back later” (no result code)",
            "es": "las visitas «Volver más tarde» (sin código de resultado)"}


@pytest.fixture(scope="module")
def doors(live_server):
    """A campaign whose volunteer knocked three doors on Oak Avenue: talked with 9001 (strong support, housing),
    9002 was not home, 9003 asked them to come back; and met someone not in the voter file at 9001's door."""
    campaign = live_server.campaign("Door Results Campaign")
    owner, volunteer = unique("owner"), unique("volunteer")
    live_server.member(campaign, owner, Role.OWNER, name="Olivia Owner")
    live_server.member(campaign, volunteer, name="Vera Volunteer")
    live_server.configure(campaign, issue_tags=["housing", "transit"], time_zone="America/New_York")
    with live_server.app.app_context():
        voters = [Voter(campaign_id=campaign, external_id=f"900{n}", first_name="Ana", last_name="Lopez",
                        house_number=str(n), street="Oak Avenue", zip="27601") for n in (1, 2, 3)]
        db.session.add_all(voters)
        db.session.flush()
        households.assign(campaign)
        db.session.commit()
        at = {v.external_id: (str(v.public_id), str(db.session.get(Household, v.household_id).public_id))
              for v in voters}
    visits = [("9001", "talked", {"support": 1, "issue_tags": ["housing"]}), ("9002", "not_home", {}),
              ("9003", "come_back", {})]
    results = live_server.push(campaign, volunteer, [
        {"entity": "door_visit", "entity_id": str(uuid.uuid4()), "action": "upsert",
         "fields": {"household_id": at[vanid][1], "voter_id": at[vanid][0], "result": result,
                    "happened_at": "2026-10-03T11:00:00-04:00", **fields}}
        for vanid, result, fields in visits] + [
        {"entity": "door_visit", "entity_id": str(uuid.uuid4()), "action": "upsert",
         "fields": {"household_id": at["9001"][1], "result": "talked", "person_first_name": "Sam",
                    "happened_at": "2026-10-03T11:05:00-04:00"}}])
    assert [r["status"] for r in results] == ["applied"] * 4, results
    return {"campaign": campaign, "owner": owner}


def download_van(page) -> list[list[str]]:
    """Everything, not only what changed since the last download: the rows of the VAN file the browser saved."""
    expect(page.locator("#van-mapping-form")).to_be_visible()  # the exports made so far are loaded with it
    since, made = page.locator("#export-van [name=since]"), page.locator("#exports-history tbody tr")
    if since.count():
        since.uncheck()
    before = made.count()
    with page.expect_download() as saved:
        page.locator("#export-van button[type=submit]").click()
    with open(saved.value.path(), newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    # the screen lists the new export (and offers "only what changed since" it) after the download, not with it:
    # wait for that, or the next download would find the box ticked as it appears
    expect(made).to_have_count(before + 1)
    return rows


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_door_results_fields_have_no_violations(browser, base_url, doors, size, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, doors["owner"], language=language)
        page.goto(f"/console/{doors['campaign']}/exports")
        expect(page.locator("#van-door-not_home")).to_have_value("Not Home")
        expect(page.locator("html")).to_have_attribute("lang", language)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/van-doors-{size}-{language}.png", full_page=True)
        assert axe(page) == []
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_owner_maps_door_results_and_the_van_file_follows(browser, base_url, doors, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, accept_downloads=True, **SIZES["desktop"])
    page = context.new_page()
    try:
        console_sign_in(page, doors["owner"], language=language)
        page.goto(f"/console/{doors['campaign']}/exports")
        rows = download_van(page)
        assert sorted((row[0], row[1], row[2], row[5], row[6]) for row in rows[1:]) == [
            ("9001", "Walk", "Canvassed", "Strong Support", "housing"), ("9002", "Walk", "Not Home", "", ""),
            ("9003", "Walk", "Come Back", "", "")]  # and not Sam, who is not in the voter file
        page.locator("#van-door-not_home").fill("Not Home - Lit Drop")
        page.locator("#van-door-come_back").fill("")
        page.locator("#van-mapping-form button[type=submit]").click()
        expect(page.locator("#van-omitted")).to_contain_text(LEFT_OUT[language])
        expect(page.locator("#van-door-come_back")).to_have_value("")
        rows = download_van(page)
        assert sorted((row[0], row[2]) for row in rows[1:]) == [("9001", "Canvassed"),
                                                                 ("9002", "Not Home - Lit Drop")]
        page.locator("#van-defaults").click()
        expect(page.locator("#van-door-come_back")).to_have_value("Come Back")
        expect(page.locator("#van-omitted")).not_to_contain_text(LEFT_OUT[language])
    finally:
        context.close()
