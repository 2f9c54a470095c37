"""The console's Turfs screen in Chromium: at 1280x800 and 390x844 in both languages with axe clean, and the job it
exists for: an organizer cuts turfs by precinct, by streets and automatically, assigns one, and hands out another's
take link as a QR code that reads back as the link a volunteer then takes it with."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.campaigns.models import Membership, Role
from server.canvass import households
from server.canvass.models import Household, Turf, TurfHousehold
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter
from tests.conftest import PASSWORD
from tests.pwa.test_console import SHOTS, SIZES, axe, console_sign_in, read_qr, unique

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def turf_team(live_server):
    """A campaign with doors on two streets in three precincts (coordinates on Oak and Elm, none on Ash), an
    organizer, a volunteer holding a turf of Ash Street where they knocked two doors and talked at one."""
    campaign = live_server.campaign("Turf Campaign")
    organizer, volunteer = unique("organizer"), unique("volunteer")
    live_server.member(campaign, organizer, Role.ORGANIZER, name="Oscar Organizer")
    live_server.member(campaign, volunteer, name="Vera Volunteer")
    with live_server.app.app_context():
        rows = [*[(str(n), "Oak Avenue", "P1", 35.78 + n * 1e-4, -78.640) for n in range(1, 13)],
                *[(str(n), "Elm Street", "P2", 35.78 + n * 1e-4, -78.638) for n in range(1, 9)],
                *[(str(n), "Ash Street", "P3", None, None) for n in range(1, 5)]]
        db.session.add_all(Voter(campaign_id=campaign, external_id=uuid.uuid4().hex[:12], first_name="Ana",
                                 last_name="Lopez", house_number=number, street=street, zip="27601", precinct=precinct,
                                 latitude=lat, longitude=lon, priority=int(number) % 3 == 0)
                           for number, street, precinct, lat, lon in rows)
        db.session.flush()
        households.assign(campaign)
        holder = db.session.execute(select(Membership).where(Membership.campaign_id == campaign,
                                                             Membership.role == Role.VOLUNTEER)).scalar_one()
        turf = Turf(campaign_id=campaign, name="Ash Street", cut="precinct", area={"precinct": "P3"}, doors=4,
                    voters=4, holder_id=holder.id, held_since=utcnow(), expires_at=utcnow() + timedelta(days=7))
        db.session.add(turf)
        db.session.flush()
        ash = db.session.execute(select(Household.id, Household.public_id).join(
            Voter, Voter.household_id == Household.id).where(Voter.precinct == "P3", Voter.campaign_id == campaign)
            .order_by(Household.id)).all()
        db.session.add_all(TurfHousehold(turf_id=turf.id, household_id=h, campaign_id=campaign) for h, _ in ash)
        db.session.commit()
    at = (utcnow() + timedelta(minutes=1)).isoformat()
    results = live_server.push(campaign, volunteer, [
        {"entity": "door_visit", "entity_id": str(uuid.uuid4()), "action": "upsert",
         "fields": {"household_id": str(public_id), "result": result, "happened_at": at}}
        for (_, public_id), result in zip(ash, ("talked", "not_home"), strict=False)])
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return {"campaign": campaign, "organizer": organizer, "volunteer": volunteer}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_turfs_screen_has_no_violations(browser, base_url, turf_team, size, language):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES[size])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        console_sign_in(page, turf_team["organizer"], language=language)
        page.goto(f"/console/{turf_team['campaign']}/turfs")
        ash = page.locator("#turf-list .turf", has_text="Ash Street")
        expect(ash.locator(".turf-progress")).to_contain_text("2")
        # canvass quality: Vera knocked two doors and talked at one; two doors make no pace yet
        vera = page.locator("#canvassers-table tr", has_text="Vera Volunteer")
        expect(vera.locator("td").nth(0)).to_have_text("2")
        expect(vera.locator("td").nth(1)).to_contain_text("50")
        expect(vera.locator("td").nth(2)).to_have_text("—")
        ash.locator(".show-qr").click()
        expect(ash.locator(".qr svg")).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/turfs-{size}-{language}.png", full_page=True)
        assert axe(page) == [], "turfs"
        page.locator("#turf-how").select_option("streets")
        expect(page.locator("#street-list li")).to_have_count(3)
        page.locator("#street-list input").first.check()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/turfs-streets-{size}-{language}.png", full_page=True)
        assert axe(page) == [], "turfs, picking streets"
        page.locator("#turf-how").select_option("auto")
        expect(page.locator("#turf-count")).to_be_visible()
        assert axe(page) == [], "turfs, cutting automatically"
    finally:
        context.close()
    assert errors == []


def test_an_organizer_cuts_assigns_and_hands_out_turfs(browser, base_url, turf_team):
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES["desktop"])  # CSP: the QR decoder
    try:
        organizer_flow(browser, base_url, turf_team, context.new_page())
    finally:
        context.close()


def organizer_flow(browser, base_url, turf_team, page):
    console_sign_in(page, turf_team["organizer"])
    page.goto(f"/console/{turf_team['campaign']}/turfs")
    expect(page.locator("#turf-list .turf")).to_have_count(1)

    page.locator("#turf-how").select_option("precinct")
    page.locator("#turf-name").fill("Elm")
    page.locator("#turf-precinct").select_option("P2")
    page.locator("#turf-form button[type=submit]").click()
    expect(page.locator("#turf-outcome")).to_have_text("Turf cut: 8 doors.")
    elm = page.locator("#turf-list .turf", has_text="Elm")
    expect(elm).to_contain_text("8 doors, 8 voters")

    page.locator("#turf-how").select_option("streets")
    page.locator("#turf-form button[type=submit]").click()  # no name, no street
    expect(page.locator("#turf-name-error")).not_to_be_empty()
    page.locator("#turf-name").fill("Oak and Elm")
    page.locator("#turf-street-filter").fill("oak")
    expect(page.locator("#street-list li")).to_have_count(1)
    page.locator("#street-list input").first.check()
    page.locator("#turf-street-filter").fill("")
    page.locator("#street-list li", has_text="ELM ST").locator("input").check()
    page.locator("#turf-form button[type=submit]").click()
    # Elm's doors are already in a turf: only Oak's twelve are cut, and the answer says so
    expect(page.locator("#turf-outcome")).to_have_text("Turf cut: 12 doors (8 left out, already in a turf).")

    page.locator("#turf-list .turf", has_text="Oak and Elm").locator(".delete").click()
    page.locator("dialog button", has_text="Delete").click()
    expect(page.locator("#turf-list .turf", has_text="Oak and Elm")).to_have_count(0)
    page.locator("#turf-how").select_option("auto")
    page.locator("#turf-name").fill("Oak")
    page.locator("#turf-count").fill("2")
    page.locator("#turf-form button[type=submit]").click()
    expect(page.locator("#turf-outcome")).to_contain_text("2 turfs cut")
    expect(page.locator("#turf-list .turf", has_text="Oak 1")).to_contain_text("6 doors")
    expect(page.locator("#turf-list .turf", has_text="Oak 2")).to_contain_text("6 doors")

    elm.locator("select").select_option(label="Vera Volunteer")
    elm.locator(".assign button").click()
    expect(elm.locator(".turf-holder")).to_have_text("Assigned to Vera Volunteer")

    oak = page.locator("#turf-list .turf", has_text="Oak 1")
    link = oak.locator(".share-url").input_value()
    assert f"/take/{turf_team['campaign']}/" in link
    oak.locator(".show-qr").click()
    decoded = read_qr(page, f"#{oak.get_attribute('id')} .qr svg")
    assert decoded == link

    # the volunteer takes it with the link's token; the organizer's list then says so
    token = link.rsplit("/", 1)[1]
    volunteer = browser.new_context(base_url=base_url)
    try:
        answer = volunteer.request.post("/api/auth/login", data={"email": turf_team["volunteer"],
                                                                  "password": PASSWORD})
        assert answer.ok, answer.text()
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        taken = volunteer.request.post(f"/api/campaigns/{turf_team['campaign']}/turfs/take", data={"token": token},
                                       headers=headers)
        assert taken.ok and taken.json()["taken"], taken.text()
    finally:
        volunteer.close()
    page.reload()
    expect(page.locator("#turf-list .turf", has_text="Oak 1").locator(".turf-holder")).to_have_text(
        "Taken by Vera Volunteer")
