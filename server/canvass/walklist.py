"""A turf's walk list as the phone downloads it: its doors in walk order (``walk.py``), each with the voter cards
the volunteer app shows, and the campaign's questions (its own survey questions among them). Its ``version`` is a
hash of the whole answer, so it is the ETag too: the phone asks with If-None-Match and hears 304 while nothing
changed."""

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from server.campaigns.models import Campaign
from server.canvass.models import Building, Household, Turf, TurfHousehold
from server.canvass.walk import Door, walk_order
from server.columns import utcnow
from server.extensions import db
from server.preferences.readmodel import refusals
from server.surveys import service as surveys
from server.voters.models import Voter
from server.voters.search import CARD_COLUMNS, card
from sync.entities import DOOR_RESULTS


def walk_list(campaign: Campaign, turf: Turf) -> dict:
    """The turf's doors in walk order, with voters and questions, and the version of it all."""
    rows = db.session.execute(
        select(Household.id, Household.public_id, Household.unit, Household.unit_label, Building.id,
               Building.street, Building.house_number, Building.zip, Building.latitude, Building.longitude)
        .join(TurfHousehold, TurfHousehold.household_id == Household.id)
        .join(Building, Building.id == Household.building_id)
        .where(TurfHousehold.turf_id == turf.id, TurfHousehold.campaign_id == campaign.id)).all()
    year = utcnow().year
    refused = refusals(campaign.id)
    voters: dict[int, list[dict]] = {}
    for voter in db.session.execute(
            select(Voter.id, Voter.household_id, *CARD_COLUMNS)
            .join(TurfHousehold, TurfHousehold.household_id == Voter.household_id)
            .where(TurfHousehold.turf_id == turf.id, Voter.campaign_id == campaign.id, Voter.active.is_(True))
            .order_by(Voter.last_name, Voter.first_name, Voter.id)):
        voters.setdefault(voter.household_id, []).append({**card(voter, year), "refused": refused.get(voter.id, [])})
    units: dict[int, list] = {}
    buildings = {}
    for row in rows:
        units.setdefault(row[4], []).append(row)
        buildings[row[4]] = Door(row[4], row[5], row[6], row[8], row[9])
    doors = []
    for building in walk_order(buildings.values()):
        for row in sorted(units[building.id], key=lambda r: (r[2] != "", _unit_order(r[2]), r[2])):
            doors.append({"household_id": str(row[1]), "house_number": row[6], "street": row[5],
                          "unit": row[3], "zip": row[7], "latitude": row[8], "longitude": row[9],
                          "voters": voters.get(row[0], []), "do_not_knock": _do_not_knock(voters.get(row[0]))})
    answer = {"turf_id": turf.id, "name": turf.name, "expires_at": turf.expires_at, "doors": doors,
              "questions": {"results": list(DOOR_RESULTS), "support": {"min": 1, "max": 5},
                            "issues": list(campaign.issue_tags or ()),
                            "talking_points": dict(campaign.talking_points or {}),
                            "survey": surveys.for_walk_list(campaign)}}
    answer["version"] = hashlib.sha256(json.dumps(answer, default=_text, sort_keys=True).encode()).hexdigest()[:32]
    return answer


def _do_not_knock(voters: list[dict] | None) -> bool:
    """Everyone the list names there asked not to be contacted at the door."""
    return bool(voters) and all("door" in voter["refused"] for voter in voters)


def _unit_order(unit: str):
    """Units by their number where they have one ("2" before "10"), else by name."""
    digits = "".join(ch for ch in unit if ch.isdigit())
    return (int(digits) if digits else 0)


def _text(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value))
