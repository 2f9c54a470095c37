"""A person the campaign forgot leaves the phone of the volunteer who knew them: at its next pull, every store of
its IndexedDB, every value, holds none of their details, and My people no longer lists them."""

import json
import time
import uuid

from playwright.sync_api import Page, expect

from server.campaigns.models import Role
from tests.pwa.conftest import PASSWORD, idb_all, idb_put, sign_in

# the whole database as the page has it: every store's keys and values, serialised
_WHOLE_IDB = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('kin');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const run = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const all = {};
    for (const name of db.objectStoreNames) {
      const keys = await run(db.transaction(name).objectStore(name).getAllKeys());
      all[name] = { keys, values: await run(db.transaction(name).objectStore(name).getAll()) };
    }
    return JSON.stringify(all);
  } finally {
    db.close();
  }
}"""


def whole_database(page) -> str:
    return page.evaluate(_WHOLE_IDB).lower()


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
    everything = json.loads(page.evaluate(_WHOLE_IDB))
    assert "ada from the choir" in whole_database(page)  # the rest of their people stay
    assert everything["outbox"]["values"] == []
    page.goto("/people")
    expect(page.get_by_text("Ada from the choir")).to_be_visible()
    expect(page.get_by_text("Quillwort festival friend")).to_have_count(0)
