"""The campaign's basemap through the API and the command line, on both databases."""

import io
import struct
from pathlib import Path

import mercantile
import pytest
from pmtiles.reader import MemorySource, Reader, all_tiles
from pmtiles.tile import deserialize_header
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.extensions import db
from tests.basemap_town import EAST, NORTH, SOUTH, WEST, write_town

PMTILES = "application/vnd.pmtiles"
BOX = "-78.9020,35.9930,-78.8990,35.9950"  # a few blocks in the middle of Rivertown


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> bytes:
    return write_town(tmp_path_factory.mktemp("town") / "town.pmtiles").read_bytes()


@pytest.fixture
def campaign(make_campaign, make_member, auth_headers):
    """A campaign with an organizer and a volunteer; their bearer headers."""
    campaign_id = make_campaign()
    organizer, volunteer = make_member(campaign_id, Role.ORGANIZER), make_member(campaign_id, Role.VOLUNTEER)
    return {"id": campaign_id, "organizer": auth_headers(organizer.user_id),
            "volunteer": auth_headers(volunteer.user_id), "organizer_id": organizer.user_id}


def put(client, campaign, body: bytes, who="organizer"):
    return client.put(f"/api/campaigns/{campaign['id']}/basemap", data=body, content_type=PMTILES,
                      headers=campaign[who])


def url(campaign, path=""):
    return f"/api/campaigns/{campaign['id']}/basemap{path}"


def get(client, address, **kwargs):
    """A GET read to its end and closed: files are streamed, and an open one is a ResourceWarning."""
    response = client.get(address, **kwargs)
    response.get_data()
    response.close()
    return response


def test_an_organizer_uploads_a_basemap_and_members_read_what_it_covers(client, campaign, town):
    response = put(client, campaign, town)
    assert response.status_code == 200, response.json
    meta = get(client, url(campaign), headers=campaign["volunteer"]).json
    assert meta["kind"] == "vector" and meta["tile_type"] == "mvt" and meta["tile_compression"] == "gzip"
    assert (meta["min_zoom"], meta["max_zoom"]) == (12, 15)
    assert meta["bounds"] == pytest.approx([WEST, SOUTH, EAST, NORTH])
    assert meta["size"] == len(town)
    assert meta["uploaded_at"]


def test_a_member_reads_the_whole_file_and_any_range_of_it(client, campaign, town):
    put(client, campaign, town)
    whole = get(client, url(campaign, "/file"), headers=campaign["volunteer"])
    assert whole.status_code == 200 and whole.data == town and whole.mimetype == PMTILES
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = get(client, url(campaign, "/file"), headers={**campaign["volunteer"], "Range": "bytes=0-126"})
    assert part.status_code == 206
    assert part.data == town[:127] and deserialize_header(part.data)["tile_type"].name == "MVT"
    tail = get(client, url(campaign, "/file"), headers={**campaign["volunteer"], "Range": "bytes=100-"})
    assert tail.status_code == 206 and tail.data == town[100:]
    beyond = get(client, url(campaign, "/file"), headers={**campaign["volunteer"], "Range": f"bytes={len(town)}-"})
    assert beyond.status_code == 416


def test_an_extract_holds_exactly_the_tiles_that_cover_the_box_at_every_zoom(client, campaign, town):
    put(client, campaign, town)
    response = get(client, url(campaign, "/extract"), query_string={"bbox": BOX}, headers=campaign["volunteer"])
    assert response.status_code == 200 and response.mimetype == PMTILES
    extract, whole = Reader(MemorySource(response.data)), Reader(MemorySource(town))
    header = extract.header()
    assert (header["min_zoom"], header["max_zoom"]) == (12, 15) and header["tile_type"].name == "MVT"
    west, south, east, north = (float(v) for v in BOX.split(","))
    expected = {(t.z, t.x, t.y) for t in mercantile.tiles(west, south, east, north, range(12, 16))}
    held = {zxy: data for zxy, data in all_tiles(MemorySource(response.data))}
    assert set(held) == expected
    assert all(data == whole.get(*zxy) for zxy, data in held.items())  # the very bytes, not re-encoded
    assert len(response.data) < len(town)
    assert extract.metadata()["name"] == "Rivertown (test)"


def test_a_box_covering_too_many_tiles_is_refused_naming_the_box(app, client, campaign, town):
    put(client, campaign, town)
    app.config["BASEMAP_EXTRACT_MAX_TILES"] = 5
    response = get(client, url(campaign, "/extract"), query_string={"bbox": f"{WEST},{SOUTH},{EAST},{NORTH}"},
                          headers=campaign["volunteer"])
    assert response.status_code == 422
    assert "at most 5" in response.json["errors"]["query"]["bbox"][0]


@pytest.mark.parametrize(("bbox", "words"), [
    ("1,2,3", "four numbers"), ("a,b,c,d", "four numbers"), ("10,0,5,1", "west smaller than east"),
    ("0,50,1,40", "south smaller than north"), ("0,0,1,89", "85.05"), ("-200,0,1,1", "-180 to 180"),
])
def test_a_bad_box_is_refused_naming_the_field(client, campaign, town, bbox, words):
    put(client, campaign, town)
    response = get(client, url(campaign, "/extract"), query_string={"bbox": bbox}, headers=campaign["volunteer"])
    assert response.status_code == 422
    assert words in response.json["errors"]["query"]["bbox"][0]


def test_a_box_outside_the_basemap_is_refused(client, campaign, town):
    put(client, campaign, town)
    response = get(client, url(campaign, "/extract"), query_string={"bbox": "2.29,48.85,2.30,48.86"},
                          headers=campaign["volunteer"])
    assert response.status_code == 422 and "outside the basemap" in response.json["message"]


def _with_header(town: bytes, offset: int, fmt: str, value) -> bytes:
    data = bytearray(town)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


@pytest.mark.parametrize(("body", "words"), [
    (lambda town: b"PK\x03\x04 a zip file, not tiles" * 10, "not a PMTiles archive"),
    (lambda town: b"PMTiles\x02" + bytes(200), "version 2"),
    (lambda town: town[:60], "shorter than a PMTiles header"),
    (lambda town: town[:-100], "cut short"),
    (lambda town: _with_header(town, 99, "B", 6), "MLT tiles"),  # tile type: MapLibre tiles
    (lambda town: _with_header(town, 99, "B", 9), "does not define"),
    (lambda town: _with_header(town, 97, "B", 1), "compressed as NONE"),  # internal compression
], ids=["zip", "v2", "short", "truncated", "mlt", "unknown-type", "raw-directories"])
def test_a_file_kin_cannot_serve_is_refused_saying_why(app, client, campaign, town, body, words):
    response = put(client, campaign, body(town))
    assert response.status_code == 422
    assert words in response.json["message"] and response.json["errors"] == {"body": [response.json["message"]]}
    assert get(client, url(campaign), headers=campaign["volunteer"]).status_code == 404
    assert list((Path(app.instance_path) / "basemaps").iterdir()) == []  # nothing left on disk


def test_a_basemap_over_the_size_limit_is_refused_before_it_is_stored(app, client, campaign, town):
    app.config["BASEMAP_MAX_BYTES"] = len(town) - 1
    response = put(client, campaign, town)
    assert response.status_code == 413
    chunked = client.put(url(campaign), content_type=PMTILES, headers=campaign["organizer"], environ_overrides={
        "wsgi.input": io.BytesIO(town), "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    assert chunked.status_code == 413
    assert get(client, url(campaign), headers=campaign["volunteer"]).status_code == 404
    assert list((Path(app.instance_path) / "basemaps").iterdir()) == []


def test_a_new_basemap_replaces_the_old_one_and_both_uploads_are_audited(app, client, campaign, town, tmp_path):
    put(client, campaign, town)
    smaller = write_town(tmp_path / "smaller.pmtiles", min_zoom=13, max_zoom=14).read_bytes()
    assert put(client, campaign, smaller).status_code == 200
    assert get(client, url(campaign), headers=campaign["volunteer"]).json["max_zoom"] == 14
    assert get(client, url(campaign, "/file"), headers=campaign["volunteer"]).data == smaller
    assert len(list((Path(app.instance_path) / "basemaps").iterdir())) == 1  # the old file is gone
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.campaign_id == campaign["id"])
                                    .order_by(AuditEvent.id)).scalars().all()
        assert [(e.action, e.actor_id) for e in events] == [("basemap.uploaded", campaign["organizer_id"]),
                                                            ("basemap.replaced", campaign["organizer_id"])]
        assert events[1].details == {"size": len(smaller), "tile_type": "mvt", "min_zoom": 13, "max_zoom": 14}


def test_without_a_basemap_each_read_says_so(client, campaign):
    for path in ("", "/file", "/extract?bbox=" + BOX):
        response = get(client, url(campaign, path), headers=campaign["volunteer"])
        assert response.status_code == 404
        assert response.json["message"] == "This campaign has no basemap yet: an organizer can upload one " \
                                           "(docs/maps.md)."


def test_a_volunteer_cannot_upload_a_basemap(client, campaign, town):
    assert put(client, campaign, town, who="volunteer").status_code == 403
    assert get(client, url(campaign), headers=campaign["volunteer"]).status_code == 404


def test_another_campaigns_members_cannot_read_it(client, campaign, town, make_campaign, make_member,
                                                  auth_headers):
    put(client, campaign, town)
    other = make_campaign(name="Elsewhere")
    outsider = auth_headers(make_member(other, Role.OWNER).user_id)
    for path in ("", "/file", "/extract?bbox=" + BOX):
        assert get(client, url(campaign, path), headers=outsider).status_code == 404
    assert client.put(url(campaign), data=town, content_type=PMTILES, headers=outsider).status_code == 404
    # and their own campaign has no basemap: the file is not shared by id
    assert get(client, f"/api/campaigns/{other}/basemap/file", headers=outsider).status_code == 404


def test_the_command_line_installs_a_basemap_and_refuses_a_bad_file(app, runner, campaign, client, town,
                                                                   tmp_path):
    good = tmp_path / "rivertown.pmtiles"
    good.write_bytes(town)
    result = runner.invoke(args=["kin", "basemap", str(good), "--campaign", str(campaign["id"])])
    assert result.exit_code == 0, result.output
    assert "vector tiles (mvt), zooms 12 to 15" in result.output
    assert get(client, url(campaign, "/file"), headers=campaign["volunteer"]).data == town
    bad = tmp_path / "notes.pmtiles"
    bad.write_bytes(b"hello, not tiles at all")
    result = runner.invoke(args=["kin", "basemap", str(bad), "--campaign", str(campaign["id"])])
    assert result.exit_code == 1 and "not a PMTiles archive" in result.output
    result = runner.invoke(args=["kin", "basemap", str(good), "--campaign", "999999"])
    assert result.exit_code == 2 and "No campaign with id 999999" in result.output
    with app.app_context():
        [event] = db.session.execute(select(AuditEvent).where(AuditEvent.action == "basemap.uploaded")).scalars()
        assert event.actor_id is None  # the operator, at the command line
