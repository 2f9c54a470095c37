"""Door to door in the volunteer app, in Chromium: the turfs a volunteer holds, taking one by its link and taking it
offline (walk list and map into IndexedDB), "Ready offline", Update when the walk list changed, an expired turf that
is not downloaded; and a volunteer without the turf cannot fetch it."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.basemaps.service import install_file
from server.campaigns.models import Campaign, Membership
from server.canvass import households
from server.canvass.models import Household, Turf, TurfHousehold
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter
from tests.basemap_town import write_town
from tests.conftest import PASSWORD
from tests.pwa.conftest import idb_all, sign_in, wait_until

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-doors")
MILL_LAT, FIRST_LON = 35.99365, -78.9040  # Mill Street in tests/basemap_town.py
FIRST_NAMES = ["Ana", "Ben", "Cleo", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"]


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.org"


class Canvass:
    """A campaign of doors on Mill Street (odd numbers on the north side, even on the south, one or two voters
    each), a volunteer and another, and turfs made straight in the database as an organizer's cut would."""

    def __init__(self, live_server, tmp_path, doors=8, basemap=True):
        self.live = live_server
        self.campaign = live_server.campaign(f"Mill Street {uuid.uuid4().hex[:6]}")
        self.volunteer, self.other = unique("walker"), unique("bystander")
        live_server.member(self.campaign, self.volunteer, name="Vera Walker")
        live_server.member(self.campaign, self.other, name="Otto Other")
        live_server.configure(self.campaign, issue_tags=["housing", "transit", "schools"])
        with live_server.app.app_context():
            if basemap:
                install_file(db.session.get(Campaign, self.campaign), write_town(tmp_path / "town.pmtiles"), None)
            for n in range(doors):
                number = 101 + n
                lat = MILL_LAT + (0.00005 if number % 2 else -0.0003)
                lon = FIRST_LON + (n // 2) * 0.0002
                for k in range(1 + n % 2):
                    first = FIRST_NAMES[(n + k) % len(FIRST_NAMES)]
                    db.session.add(Voter(campaign_id=self.campaign, external_id=uuid.uuid4().hex[:12],
                                         first_name=first, last_name=f"Family{n}", house_number=str(number),
                                         street="Mill Street", zip="27701", city="Rivertown", birth_year=1980 + n,
                                         search_name=f"{first} family{n}".lower(), latitude=lat, longitude=lon))
            db.session.flush()
            households.assign(self.campaign)
            db.session.commit()

    def membership(self, email) -> int:
        with self.live.app.app_context():
            from server.auth.models import User
            return db.session.execute(select(Membership.id).join(User, User.id == Membership.user_id).where(
                Membership.campaign_id == self.campaign, User.email == email)).scalar_one()

    def turf(self, name, numbers, holder=None, days=7) -> tuple[int, str]:
        """A turf of the doors with these house numbers; (its id, its take token)."""
        with self.live.app.app_context():
            ids = db.session.execute(select(Household.id).join(Voter, Voter.household_id == Household.id).where(
                Voter.campaign_id == self.campaign, Voter.house_number.in_([str(n) for n in numbers]))
                .distinct()).scalars().all()
            turf = Turf(campaign_id=self.campaign, name=name, cut="streets", area={}, doors=len(ids),
                        voters=len(ids), holder_id=holder, held_since=utcnow() if holder else None,
                        expires_at=utcnow() + timedelta(days=days))
            db.session.add(turf)
            db.session.flush()
            db.session.add_all(TurfHousehold(turf_id=turf.id, household_id=h, campaign_id=self.campaign) for h in ids)
            db.session.commit()
            return turf.id, turf.take_token

    def rename_voter(self, number, first):
        """An organizer's new voter file changed a name at a door: the walk list is a new version."""
        with self.live.app.app_context():
            voter = db.session.execute(select(Voter).where(Voter.campaign_id == self.campaign,
                                                           Voter.house_number == str(number))).scalars().first()
            voter.first_name = first
            db.session.commit()


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_volunteer_takes_a_turf_by_its_link_and_takes_it_offline_with_its_map(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=8)
    walker = town.membership(town.volunteer)
    assigned, _ = town.turf("Mill Street west", [101, 102], holder=walker)
    taken, token = town.turf("Mill Street east", [103, 104, 105, 106])
    town.turf("Mill Street last week", [107, 108], holder=walker, days=-1)

    sign_in(page, town.volunteer)
    page.goto(f"/take/{town.campaign}/{token}")
    expect(page.locator("#toasts")).to_contain_text("Mill Street east is yours")
    expect(page).to_have_url(f"{live_server.url}/doors")
    turfs = page.locator("#turfs .turf")
    expect(turfs).to_have_count(3)
    east = page.locator(f"#turf-{town.campaign}-{taken}")
    expect(east).to_contain_text("4 doors")
    old = turfs.filter(has_text="Mill Street last week")
    expect(old.locator(".turf-expired")).to_contain_text("expired")
    expect(old.locator(".take-offline")).to_have_count(0)  # an expired turf is not downloaded

    east.locator(".take-offline").click()
    expect(east.locator(".ready")).to_have_text("Ready offline")
    expect(east.get_by_role("link", name="Open the walk list")).to_be_visible()
    [kept] = idb_all(page, "walklists")
    assert (kept["turf_id"], len(kept["doors"]), kept["basemap"]) == (taken, 4, True)
    assert [d["house_number"] for d in kept["doors"]][:2] == ["103", "105"]  # odd side first, in walk order
    assert [m["key"] for m in idb_all(page, "basemaps")] == [f"turf/{taken}"]
    expect(page.locator(f"#turf-{town.campaign}-{assigned} .take-offline")).to_be_visible()  # not kept yet
    shoot(page, "doors-360-en")

    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("#doors-offline")).to_be_visible()
        expect(page.locator("#turfs .turf")).to_have_count(1)  # what this phone keeps
        expect(east.locator(".ready")).to_be_visible()
    finally:
        page.context.set_offline(False)

    town.rename_voter(103, "Zelda")
    page.reload()
    east.locator(".update").click()
    expect(east.locator(".update")).to_have_count(0)
    [kept] = idb_all(page, "walklists")
    assert kept["doors"][0]["voters"][0]["first_name"] == "Zelda"


def test_a_volunteer_without_the_turf_cannot_fetch_it(page, live_server, tmp_path):
    town = Canvass(live_server, tmp_path, doors=4, basemap=False)
    turf, _ = town.turf("Held by Vera", [101, 102, 103, 104], holder=town.membership(town.volunteer))
    sign_in(page, town.other)
    page.goto("/doors")
    expect(page.locator("#doors-none")).to_be_visible()
    token = page.request.post("/api/auth/login", data={"email": town.other, "password": PASSWORD}).json()
    answer = page.request.get(f"/api/campaigns/{town.campaign}/turfs/{turf}/walk-list",
                              headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status == 404
    assert "Family" not in answer.text()
