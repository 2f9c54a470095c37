"""``flask kin voters households`` and ``flask kin voters geocodes``, and the households a voter import gives."""

import pytest
from sqlalchemy import select

from server.canvass.models import Building, Household
from server.extensions import db
from server.voters.models import Voter

# external id, house number, street, unit, zip
ADDRESSES = [
    ("v1", "12-B", "North Main Street", "Apt 4", "27601-1234"),
    ("v2", "12B", "N. MAIN ST", "#4", "27601"),  # the same apartment, written another way
    ("v3", "12B", "N Main St", "APT 5", "27601"),  # the same building, another apartment
    ("v4", "12 1/2", "N Main St", "", "27601"),  # the house next door
    ("v5", "", "", "", "27601"),  # no street: no household
]


def add_voters(app, campaign_id, addresses=ADDRESSES):
    with app.app_context():
        db.session.add_all(Voter(campaign_id=campaign_id, external_id=external_id, first_name="Ana",
                                 last_name="Lopez", house_number=number, street=street, unit=unit, zip=zip_code)
                           for external_id, number, street, unit, zip_code in addresses)
        db.session.commit()


def households_of(app, campaign_id) -> dict[str, tuple | None]:
    """{external id: (building key, unit, household public id)} (None without a household)."""
    with app.app_context():
        rows = db.session.execute(
            select(Voter.external_id, Building.key, Household.unit, Household.public_id)
            .outerjoin(Household, Household.id == Voter.household_id)
            .outerjoin(Building, Building.id == Household.building_id)
            .where(Voter.campaign_id == campaign_id)).all()
    return {external_id: (key, unit, public_id) if key else None for external_id, key, unit, public_id in rows}


def households(runner, campaign_id):
    return runner.invoke(args=["kin", "voters", "households", "--campaign", str(campaign_id)])


def test_households_groups_voters_by_normalised_address(app, runner, make_campaign):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)
    result = households(runner, campaign_id)
    assert result.exit_code == 0, result.output
    assert "4 voters given a household" in result.output
    assert "3 households in 2 buildings; 1 voters have no street address" in result.output
    found = households_of(app, campaign_id)
    assert found["v1"] == found["v2"]
    assert found["v1"][:2] == ("27601|N MAIN ST|12B", "4")
    assert found["v3"][:2] == ("27601|N MAIN ST|12B", "5")
    assert found["v4"][:2] == ("27601|N MAIN ST|12 1/2", "")
    assert found["v5"] is None


def test_households_run_again_keeps_every_household_and_its_id(app, runner, make_campaign):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)
    assert households(runner, campaign_id).exit_code == 0
    first = households_of(app, campaign_id)
    again = households(runner, campaign_id)
    assert again.exit_code == 0 and "0 voters given a household" in again.output
    assert households_of(app, campaign_id) == first


def test_households_are_the_campaigns_own(app, runner, make_campaign):
    ours, theirs = make_campaign(), make_campaign("Another")
    add_voters(app, ours)
    add_voters(app, theirs)
    assert households(runner, ours).exit_code == 0
    assert set(households_of(app, theirs).values()) == {None}  # not touched
    assert households(runner, theirs).exit_code == 0
    mine, other = households_of(app, ours), households_of(app, theirs)
    assert mine["v1"][:2] == other["v1"][:2] and mine["v1"][2] != other["v1"][2]  # same address, own household


def test_households_names_an_unknown_campaign(runner):
    result = households(runner, 999)
    assert result.exit_code != 0 and "--campaign" in result.output and "999" in result.output


VOTER_FILE = "external_id,first_name,last_name,house_number,street,unit,zip\n{rows}"


def import_file(runner, tmp_path, campaign_id, rows, name="voters.csv"):
    path = tmp_path / name
    path.write_text(VOTER_FILE.format(rows="".join(f"{','.join(row)}\n" for row in rows)), encoding="utf-8")
    return runner.invoke(args=["kin", "voters", "import", str(path), "--campaign", str(campaign_id),
                               "--format", "generic", "--allow-shrink"])


def test_a_voter_import_gives_households_and_a_reimport_keeps_them(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    rows = [("v1", "Ana", "Lopez", "12", "Oak Avenue", "Apt 1", "27601"),
            ("v2", "Bo", "Lopez", "12", "OAK AVE", "#1", "27601-0001"),
            ("v3", "Cy", "Diaz", "14", "Oak Avenue", "", "27601")]
    assert import_file(runner, tmp_path, campaign_id, rows).exit_code == 0
    first = households_of(app, campaign_id)
    assert first["v1"] == first["v2"] != first["v3"]

    moved = [*rows[:2], ("v3", "Cy", "Diaz", "16", "Oak Avenue", "", "27601")]  # Cy moved two doors down
    result = import_file(runner, tmp_path, campaign_id, moved, "again.csv")
    assert result.exit_code == 0, result.output
    again = households_of(app, campaign_id)
    assert again["v1"] == first["v1"] and again["v2"] == first["v2"]
    assert again["v3"][:2] == ("27601|OAK AVE|16", "")
    with app.app_context():  # the old house stays, for the visits that name it
        assert db.session.execute(select(Household).where(Household.public_id == first["v3"][2])).scalar_one()


def test_an_import_places_buildings_at_the_mean_of_its_voters_coordinates(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    path = tmp_path / "placed.csv"
    path.write_text("external_id,first_name,last_name,house_number,street,unit,zip,latitude,longitude\n"
                    "v1,Ana,Lopez,12,Oak Avenue,Apt 1,27601,35.7800,-78.6400\n"
                    "v2,Bo,Lopez,12,OAK AVE,Apt 2,27601,35.7802,-78.6402\n"
                    "v3,Cy,Diaz,14,Oak Avenue,,27601,,\n", encoding="utf-8")
    result = runner.invoke(args=["kin", "voters", "import", str(path), "--campaign", str(campaign_id),
                                 "--format", "generic"])
    assert result.exit_code == 0, result.output
    placed = coordinates_of(app, campaign_id)
    assert placed["v1"] == placed["v2"] == pytest.approx((35.7801, -78.6401))  # one building, two apartments
    assert placed["v3"] == (None, None)


def test_an_import_gives_a_household_to_an_unchanged_voter_who_had_none(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    rows = [("v1", "Ana", "Lopez", "12", "Oak Avenue", "Apt 1", "27601")]
    add_voters(app, campaign_id, [("v1", "12", "Oak Avenue", "Apt 1", "27601")])  # imported before households
    assert households_of(app, campaign_id)["v1"] is None
    assert import_file(runner, tmp_path, campaign_id, rows).exit_code == 0
    assert households_of(app, campaign_id)["v1"][:2] == ("27601|OAK AVE|12", "1")


# geocodes


def geocodes(runner, tmp_path, campaign_id, text, name="geo.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["kin", "voters", "geocodes", str(path), "--campaign", str(campaign_id)])


def coordinates_of(app, campaign_id) -> dict[str, tuple | None]:
    with app.app_context():
        rows = db.session.execute(
            select(Voter.external_id, Building.latitude, Building.longitude)
            .join(Household, Household.id == Voter.household_id).join(Building, Building.id == Household.building_id)
            .where(Voter.campaign_id == campaign_id)).all()
    return {external_id: (lat, lon) for external_id, lat, lon in rows}


def test_geocodes_places_each_voters_building(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)  # no households yet: geocodes gives them
    result = geocodes(runner, tmp_path, campaign_id,
                      "Voter_ID,Latitude,Longitude\nv1,35.78,-78.64\nv2,35.78,-78.64\nv4,35.781,-78.641\n")
    assert result.exit_code == 0, result.output
    assert "Coordinates for 3 voters in 2 buildings." in result.output
    placed = coordinates_of(app, campaign_id)
    assert placed["v1"] == placed["v3"] == pytest.approx((35.78, -78.64))  # v3 lives in v1's building
    assert placed["v4"] == pytest.approx((35.781, -78.641))


def test_geocodes_writes_each_voters_own_latitude_and_longitude(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)
    result = geocodes(runner, tmp_path, campaign_id, "voter_id,lat,lng\nv1,35.78,-78.64\nv2,35.7802,-78.6402\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        voters = {v.external_id: (v.latitude, v.longitude) for v in db.session.execute(
            select(Voter).where(Voter.campaign_id == campaign_id)).scalars()}
    assert voters["v1"] == pytest.approx((35.78, -78.64))
    assert voters["v2"] == pytest.approx((35.7802, -78.6402))  # the voter keeps their own point, not the mean
    assert voters["v3"] == voters["v4"] == (None, None)  # not in the file
    assert coordinates_of(app, campaign_id)["v1"] == pytest.approx((35.7801, -78.6401))  # the building: the mean


def test_geocodes_reads_the_census_geocoders_results(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)
    census = ('"v1","12 N MAIN ST, RALEIGH, NC, 27601","Match","Exact","12 N MAIN ST, RALEIGH, NC, 27601",'
              '"-78.64,35.78","59653655","R"\n'
              '"v4","12 1/2 N MAIN ST, RALEIGH, NC, 27601","No_Match"\n'
              '"v3","12 N MAIN ST, RALEIGH, NC, 27601","Match","Non_Exact","12 N MAIN ST, RALEIGH, NC, 27601",'
              '"-78.64,35.78","59653655","R","37","183","050100","1002"\n')
    result = geocodes(runner, tmp_path, campaign_id, census, "GeocodeResults.csv")
    assert result.exit_code == 0, result.output
    assert "Coordinates for 2 voters in 1 buildings; 1 rows the geocoder did not match." in result.output
    assert coordinates_of(app, campaign_id)["v2"] == pytest.approx((35.78, -78.64))
    assert coordinates_of(app, campaign_id)["v4"] == (None, None)


def test_geocodes_with_a_bad_row_names_line_and_field_and_changes_nothing(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    add_voters(app, campaign_id)
    result = geocodes(runner, tmp_path, campaign_id,
                      "external_id,lat,lon\nv1,35.78,-78.64\nv2,135.78,-78.64\nv4,35.78,west\nnobody,35,-78\n")
    assert result.exit_code != 0
    assert "nothing was changed" in result.output
    assert "line 3: latitude: '135.78' is not a latitude" in result.output
    assert "line 4: longitude: 'west' is not a longitude" in result.output
    assert set(coordinates_of(app, campaign_id).values()) <= {(None, None)}


def test_geocodes_names_an_id_that_is_not_in_the_campaign(app, runner, make_campaign, tmp_path):
    ours, theirs = make_campaign(), make_campaign("Another")
    add_voters(app, theirs)
    result = geocodes(runner, tmp_path, ours, "external_id,latitude,longitude\nv1,35.78,-78.64\n")
    assert result.exit_code != 0
    assert "line 2: id: No voter with id 'v1' in this campaign." in result.output
    assert set(coordinates_of(app, theirs).values()) <= {(None, None)}


def test_geocodes_refuses_a_file_without_coordinate_columns(app, runner, make_campaign, tmp_path):
    campaign_id = make_campaign()
    result = geocodes(runner, tmp_path, campaign_id, "external_id,address\nv1,12 Main St\n")
    assert result.exit_code != 0
    assert "line 1: header: No a latitude, a longitude column" in result.output
