"""A person the campaign forgot leaves the phone of the volunteer who knew them: at its next pull, every store of
its IndexedDB, every value, holds none of their details, and My people no longer lists them."""

import json
import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.campaigns.models import Campaign, Role
from server.extensions import db
from server.forget.service import forget
from server.voters.models import Voter
from tests.pwa.conftest import PASSWORD, idb_all, idb_dump, idb_put, sign_in
from tests.pwa.test_console import SIZES, axe, unique
from tests.pwa.test_console_voter_file import choose, imported, open_screen
from tests.pwa.test_console_voter_file import sign_in as sign_in_console

pytestmark = pytest.mark.browser

def whole_database(page) -> str:
    return idb_dump(page).lower()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "still not true"
        time.sleep(0.1)


def test_the_phone_that_knew_them_drops_every_trace_at_its_next_pull(page: Page, live_server):
    live = live_server
    campaign_id = live.campaign("Forgetful County")
    volunteer, organizer = "forget-volunteer@example.org", "forget-organizer@example.org"
    live.member(campaign_id, volunteer)
    live.member(campaign_id, organizer, role=Role.ORGANIZER)
    ids = live.voters_with(campaign_id, [("Zebulon", "Quillfeather", ["+19196824417", "zeb.quill@example.org"]),
                                         ("Ada", "Lovejoy", ["+19196829911"])])
    person = live.relationship(campaign_id, volunteer, ids["Zebulon"], notes="Quillwort festival friend")
    live.relationship(campaign_id, volunteer, ids["Ada"], notes="Ada from the choir")
    [talk] = live.push(campaign_id, volunteer, [{"entity": "conversation", "entity_id": str(uuid.uuid4()),
                                                 "action": "upsert", "fields": {
        "relationship_id": person, "channel": "call", "happened_at": "2026-10-01T18:30:00-04:00",
        "notes": "Worried about the zanzibarine bus line"}}])
    assert talk["status"] == "applied"

    sign_in(page, volunteer)
    wait_for(lambda: "zanzibarine" in whole_database(page))
    page.goto("/people")
    expect(page.get_by_text("Quillwort festival friend")).to_be_visible()
    # a log made on the phone about them, not sent yet
    [clock] = [value for value in idb_all(page, "meta") if isinstance(value, str) and value.count("-") >= 2
               and value[:15].isdigit()]
    [user_id] = {record["user_id"] for record in idb_all(page, "records")}
    unsent = str(uuid.uuid4())
    fields = {"relationship_id": person, "channel": "text", "happened_at": "2026-10-02T18:30:00-04:00",
              "notes": "plorpington plans"}
    idb_put(page, "records", {"entity": "conversation", "entity_id": unsent, "user_id": user_id,
                              "campaign_id": campaign_id, "values": fields, "stamps": {}, "deleted": False,
                              "deleted_stamp": None, "version": 0, "local": {}})
    idb_put(page, "outbox", {"op_id": str(uuid.uuid4()), "user_id": user_id, "campaign_id": campaign_id,
                             "entity": "conversation", "entity_id": unsent, "action": "upsert", "fields": fields,
                             "hlc": clock, "before": {}, "rejected": None})

    client = live.app.test_client()
    token = client.post("/api/auth/login", json={"email": organizer, "password": PASSWORD}).json["access_token"]
    forgotten = client.post(f"/api/campaigns/{campaign_id}/voters/{ids['Zebulon']}/forget", json={"reason": "asked"},
                            headers={"Authorization": f"Bearer {token}"})
    assert forgotten.status_code == 200, forgotten.json

    page.reload()  # a sync runs when the app starts
    traces = ("zebulon", "quillfeather", "quillwort", "zanzibarine", "plorpington", "9196824417", "zeb.quill",
              ids["Zebulon"], person)
    wait_for(lambda: not any(trace in whole_database(page) for trace in traces))
    everything = json.loads(idb_dump(page))
    assert "ada from the choir" in whole_database(page)  # the rest of their people stay
    assert everything["outbox"]["values"] == []
    page.goto("/people")
    expect(page.get_by_text("Ada from the choir")).to_be_visible()
    expect(page.get_by_text("Quillwort festival friend")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_reimport_in_the_console_says_how_many_rows_it_left_out_and_names_none(
        browser, base_url, live_server, language):
    live = live_server
    campaign_id = live.campaign("Suppressed County")
    email = unique("organizer")
    live.member(campaign_id, email, Role.ORGANIZER, name="Oscar Organizer", language=language)
    context = browser.new_context(base_url=base_url, bypass_csp=True, **SIZES["desktop"])  # axe is injected
    page = context.new_page()
    try:
        sign_in_console(page, email, language)
        open_screen(page, campaign_id)
        choose(page, FILE)
        page.locator("#start-import").click()
        imported(page)
        with live.app.app_context():
            voter_id = db.session.execute(select(Voter.public_id).where(
                Voter.campaign_id == campaign_id, Voter.external_id == "S1")).scalar_one()
            forget(db.session.get(Campaign, campaign_id), db.session.execute(select(Voter).where(
                Voter.public_id == voter_id)).scalar_one(), "asked", None)
            db.session.commit()
        open_screen(page, campaign_id)
        choose(page, FILE)
        page.locator("#start-import").click()
        imported(page)
        note = page.locator("#import-skipped")
        expect(note).to_have_text(SKIPPED[language])
        assert "Zebulon" not in page.locator("#import-result").inner_text()
        assert axe(page) == []
        for size, width in (("1280", 1280), ("360", 360)):
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=f"/tmp/forget-reimport-{size}-{language}.png", full_page=True)
    finally:
        context.close()


FILE = (b"voter_id,first_name,last_name,city,birth_year,phone\n"
        b"S1,Zebulon,Quillfeather,Durham,1984,919-682-4417\n"
        b"S2,Ada,Lovejoy,Durham,1961,919-682-9911\n")
SKIPPED = {"en": "Kept out on purpose: 1 row of people who asked the campaign to forget them.",
           "es": "Excluidas a propósito: 1 fila de personas que pidieron a la campaña que las olvidara."}
