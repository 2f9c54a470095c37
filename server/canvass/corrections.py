"""Addresses volunteers found wrong at the door (result "wrong address", or the number, street or unit as they found
it), for organizers to fix the voter file. Kin never changes a voter's address by itself: a volunteer can be
wrong (the other side of the street, a mail-only unit), and the file is reloaded from the county's anyway, where a
fix has to be made to last (docs/canvassing.md)."""

from sqlalchemy import func, select

from server.auth.models import User
from server.canvass.models import Building, DoorVisit, Household, Turf, TurfHousehold
from server.extensions import db
from server.voters.models import Voter

LIMIT = 200  # the newest: a list to work through, not an archive


def corrections(campaign_id: int) -> list[dict]:
    """The campaign's live visits that say an address is wrong, newest first (the partial index on door_visit
    holds only these), with the address as the file has it, as found, and the turf the door was last cut into."""
    turf = (select(Turf.name).join(TurfHousehold, TurfHousehold.turf_id == Turf.id)
            .where(TurfHousehold.campaign_id == campaign_id, TurfHousehold.household_id == DoorVisit.household_id)
            .order_by(Turf.created_at.desc(), Turf.id.desc()).limit(1).scalar_subquery())
    voter = Voter.first_name + " " + func.substr(Voter.last_name, 1, 1) + "."  # NULL without a voter
    query = (select(DoorVisit.id, DoorVisit.happened_at, DoorVisit.result, User.display_name.label("volunteer"),
                    voter.label("voter"), Building.house_number, Building.street, Building.zip, Household.unit_label,
                    DoorVisit.corrected_house_number, DoorVisit.corrected_street, DoorVisit.corrected_unit,
                    turf.label("turf"))
             .join(Household, Household.id == DoorVisit.household_id)
             .join(Building, Building.id == Household.building_id)
             .join(User, User.id == DoorVisit.volunteer_id)
             .outerjoin(Voter, Voter.id == DoorVisit.voter_id)
             .where(DoorVisit.campaign_id == campaign_id, DoorVisit.address_fix.is_(True),
                    DoorVisit.deleted.is_(False))
             # a phone gives visits to the minute: ties go the order the server took them in
             .order_by(DoorVisit.happened_at.desc(), DoorVisit.record_id.desc()).limit(LIMIT))
    return [{"id": row.id, "happened_at": row.happened_at, "result": row.result, "volunteer": row.volunteer,
             "voter": row.voter, "turf": row.turf,
             "in_file": {"house_number": row.house_number, "street": row.street, "unit": row.unit_label,
                         "zip": row.zip},
             "found": {"house_number": row.corrected_house_number, "street": row.corrected_street,
                       "unit": row.corrected_unit}} for row in db.session.execute(query)]
