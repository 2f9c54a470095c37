"""Upgrading keeps every record: a database is built at the first migration and, at each revision in order, given
rows of what that revision added, with only the columns it had; upgraded step by step to head, every row is still
there with its values, and the app serves them (a volunteer's pull, the review list, the dashboard).

A new migration adds its rows to ``ROWS`` under its revision id (or says why it has none): the first test fails
until it does."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Uuid,
    column,
    func,
    inspect,
    select,
    table,
)

from server.backup import scripts
from server.extensions import db
from tests.conftest import app_at_revision

NOW = datetime(2026, 10, 1, 16, 0, tzinfo=UTC)
STAMP = f"{1_790_000_000_000:015d}-00000-device"


class Filler:
    """Inserts rows with the columns a table has at the current revision (the models' types, for UUIDs and JSON),
    fills the other required ones with plain values, and remembers what it wrote to check it at head."""

    def __init__(self, connection):
        self.connection = connection
        self.written: list[tuple[str, dict, dict]] = []  # (table, primary key, values given)
        self.ids: dict[str, object] = {}

    def table(self, name: str):
        reflected = Table(name, MetaData(), autoload_with=self.connection)
        model = db.metadata.tables.get(name)
        columns = [column(c.name, model.c[c.name].type if model is not None and c.name in model.c else c.type)
                   for c in reflected.columns]
        return reflected, table(name, *columns)

    def put(self, name: str, key: str | None = None, /, **values):
        reflected, target = self.table(name)
        missing = [c for c in reflected.columns if c.name not in values and not c.nullable
                   and c.server_default is None and not (c.primary_key and c.autoincrement is not False
                                                         and isinstance(c.type, Integer) and len(
                                                             reflected.primary_key.columns) == 1)]
        row = {**{c.name: plain(target.c[c.name].type) for c in missing}, **values}
        result = self.connection.execute(target.insert().values(**row).returning(
            *(target.c[c.name] for c in reflected.primary_key.columns)))
        primary = dict(result.one()._mapping)
        self.written.append((name, primary, values))
        if key:
            self.ids[key] = primary.get("id", primary)
        return primary.get("id", primary)

    def one(self, name: str, column_name: str, /, **where):
        _, target = self.table(name)
        query = select(target.c[column_name])
        for field, value in where.items():
            query = query.where(target.c[field] == value)
        return self.connection.execute(query).scalar_one()


def plain(kind):
    """A value for a required column that the row's story does not care about."""
    for types, value in (((Boolean,), False), ((SmallInteger, Integer, BigInteger), 0), ((Float, Double), 0.0),
                         ((DateTime,), NOW), ((Date,), NOW.date()), ((JSON,), {}), ((Uuid,), uuid.uuid4()),
                         ((LargeBinary,), b"\x00" * 16)):
        if isinstance(kind, types):
            return value
    return ""


def record(f: Filler, key: str, entity: str, values: dict, seq: int):
    entity_id = uuid.uuid4()
    f.put("sync_record", key, campaign_id=f.ids["campaign"], entity=entity, entity_id=entity_id,
          owner_id=f.ids["volunteer"], values=values, stamps=dict.fromkeys(values, STAMP), deleted=False, version=1,
          seq=seq, created_at=NOW, updated_at=NOW)
    f.ids[f"{key}_entity"] = entity_id
    return entity_id


def initial(f: Filler):
    f.put("campaign", "campaign", name="Upgrade campaign", phone_region="US", time_zone="America/New_York",
          election_day=date(2026, 11, 3), created_at=NOW)
    for role in ("volunteer", "organizer"):
        f.put("user", role, email=f"{role}@example.org", password_hash="!", display_name=role.title(),
              language="es" if role == "volunteer" else "en", created_at=NOW)
        f.put("membership", campaign_id=f.ids["campaign"], user_id=f.ids[role], role=role, active=True,
              created_at=NOW)
    f.put("invite", campaign_id=f.ids["campaign"], role="volunteer", code="upgrade-invite-code",
          expires_at=NOW + timedelta(days=7), max_uses=5, uses=1, created_by_id=f.ids["organizer"], created_at=NOW)
    for n, (first, last) in enumerate((("Ana", "Lopez"), ("Ben", "Okafor"))):
        f.put("voter", f"voter{n}", campaign_id=f.ids["campaign"], external_id=f"U{n}", first_name=first,
              last_name=last, house_number="12", street="Oak Avenue", city="Durham", state="NC", zip="27701",
              birth_year=1980 + n, party="DEM", active=True, updated_at=NOW)
    f.put("voter_identifier", campaign_id=f.ids["campaign"], voter_id=f.ids["voter0"], kind="phone",
          value="+19195550100")
    f.put("voter_identifier", campaign_id=f.ids["campaign"], voter_id=f.ids["voter1"], kind="email",
          value="ben@example.org")
    f.put("audit_event", campaign_id=f.ids["campaign"], actor_id=f.ids["organizer"], action="invite.create",
          target_type="invite", target_id="1", details={}, at=NOW)
    f.put("revoked_token", jti="revoked-token-id", expires_at=NOW + timedelta(days=1))


def imports(f: Filler):
    f.put("voter_import", "import", campaign_id=f.ids["campaign"], created_by_id=f.ids["organizer"],
          status="succeeded", filename="voters.csv", upload_path="", requested_format="auto", format="generic",
          column_map={}, bytes_read=100, rows_read=3, rows_rejected=1, voters_added=2, message="", created_at=NOW)
    f.put("voter_import_problem", import_id=f.ids["import"], line=3, column="phone", reason="Not a phone number.",
          rejected=True)


def sync(f: Filler):
    voter = f.one("voter", "public_id", id=f.ids["voter0"])
    relationship = record(f, "relationship", "relationship", {"voter_id": str(voter), "source": "match",
                                                              "kind": "friend"}, seq=1)
    record(f, "conversation", "conversation", {
        "relationship_id": str(relationship), "channel": "call", "happened_at": "2026-09-30T18:30:00-04:00",
        "support": 2, "issue_tags": [], "notes": "Worried about rent.", "follow_up_on": "2026-10-20"}, seq=2)
    f.put("sync_history", record_id=f.ids["conversation"], field="support", losing_value=3, losing_stamp=STAMP,
          winning_stamp=STAMP, op_id=uuid.uuid4(), at=NOW)
    f.put("applied_op", campaign_id=f.ids["campaign"], op_id=uuid.uuid4(), user_id=f.ids["volunteer"],
          device_id=uuid.uuid4(), status="applied", version=1, applied_at=NOW)
    f.put("sync_counter", campaign_id=f.ids["campaign"], last_seq=2)


def matching(f: Filler):
    f.put("match_key", "key", campaign_id=f.ids["campaign"], version=1, prefix_bits=16, state="active",
          created_at=NOW, activated_at=NOW)
    identifier = f.one("voter_identifier", "id", voter_id=f.ids["voter0"])
    f.put("match_tag", identifier_id=identifier, key_id=f.ids["key"], bucket=7, tag=b"0123456789abcdef")
    f.put("match_usage", membership_id=f.one("membership", "id", user_id=f.ids["volunteer"]), day=NOW.date(),
          elements=3, cards=1)


def priority(f: Filler):
    f.put("voter", "voter_priority", campaign_id=f.ids["campaign"], external_id="U-P", first_name="Cai",
          last_name="Nguyen", priority=True, active=True, updated_at=NOW, public_id=uuid.uuid4())


def households(f: Filler):
    f.put("building", "building", campaign_id=f.ids["campaign"], key="12|oak avenue|27701", street="Oak Avenue",
          house_number="12", zip="27701", city="Durham")
    f.put("household", "household", campaign_id=f.ids["campaign"], building_id=f.ids["building"], unit="",
          unit_label="", public_id=uuid.uuid4())
    household = f.one("household", "public_id", id=f.ids["household"])
    f.connection.execute(table("voter", column("id"), column("household_id")).update()
                         .where(column("id") == f.ids["voter0"]).values(household_id=f.ids["household"]))
    voter = f.one("voter", "public_id", id=f.ids["voter0"])
    record(f, "visit", "door_visit", {"household_id": str(household), "voter_id": str(voter), "result": "talked",
                                      "happened_at": "2026-09-30T11:00:00-04:00", "support": 1}, seq=3)
    f.connection.execute(table("sync_counter", column("last_seq")).update().values(last_seq=3))


def turfs(f: Filler):
    f.put("turf", "turf", campaign_id=f.ids["campaign"], name="Oak Avenue", cut="manual", area={}, doors=1,
          voters=1, taken=False, take_token="", expires_at=NOW + timedelta(days=1), created_at=NOW)
    f.put("turf_household", turf_id=f.ids["turf"], household_id=f.ids["household"], campaign_id=f.ids["campaign"])


def surveys(f: Filler):
    f.put("survey_question", "question", campaign_id=f.ids["campaign"], label="Yard sign?", kind="choice",
          options=["yes", "no"], position=0, retired=False, created_at=NOW)
    f.put("door_answer", campaign_id=f.ids["campaign"], visit_id=f.ids["visit_entity"],
          question_id=f.ids["question"], answer="yes")


def reset_links(f: Filler):
    f.put("password_reset", user_id=f.ids["volunteer"], token_hash="0" * 64, origin="organizer",
          campaign_id=f.ids["campaign"], created_by_id=f.ids["organizer"], created_at=NOW,
          expires_at=NOW + timedelta(hours=24))


def preferences(f: Filler):
    voter = f.one("voter", "public_id", id=f.ids["voter0"])
    values = {"voter_id": str(voter), "no_text": True, "recorded_from": "door", "recorded_at": NOW.isoformat()}
    f.put("sync_record", "preference", campaign_id=f.ids["campaign"], entity="contact_preference", entity_id=voter,
          owner_id=f.ids["volunteer"], values=values, stamps=dict.fromkeys(values, STAMP), deleted=False, version=1,
          seq=4, created_at=NOW, updated_at=NOW)
    f.connection.execute(table("sync_counter", column("last_seq")).update().values(last_seq=4))
    f.put("contact_preference", campaign_id=f.ids["campaign"], voter_id=f.ids["voter0"],
          record_id=f.ids["preference"], no_text=True, recorded_from="door", recorded_at=NOW,
          recorded_by_id=f.ids["volunteer"])


def nothing(reason: str):
    def fill(_f: Filler):
        pass

    fill.__doc__ = reason
    return fill


# every revision, by id: what it added, as rows (or why it has none to add)
ROWS = {
    "ba8ab59f4588": initial,
    "5813b7f4b49e": imports,
    "05c29881657d": sync,
    "8cd6395ab7f0": nothing("drops an index"),
    "3f1c9a7e2b10": matching,
    "7a2e4c1d9b35": priority,
    "1f42d969d73c": lambda f: f.put("rate_limit_count", key="login:127.0.0.1", count=2, expires_at=2e9),
    "98fc44a6934d": lambda f: f.put("voter_import", campaign_id=f.ids["campaign"], status="cancelled",
                                    filename="shrink.csv", upload_path="", requested_format="auto", column_map={},
                                    message="", allow_shrink=True, created_at=NOW),
    "25ddb16e5a12": reset_links,
    "243d925fea16": nothing("turns the campaign's talking points into one list per language (checked below)"),
    "4607cb14fe82": lambda f: f.put("export", campaign_id=f.ids["campaign"], kind="conversations",
                                    created_by_id=f.ids["organizer"], created_at=NOW, high_water=2, with_notes=False,
                                    complete=True, row_count=1),
    "0c9c47551d0d": lambda f: f.put("voter", campaign_id=f.ids["campaign"], external_id="U-MAP", first_name="Dee",
                                    last_name="Park", active=True, updated_at=NOW, public_id=uuid.uuid4(),
                                    latitude=35.99, longitude=-78.9),
    "5b10cfb657ca": nothing("dashboard counts, filled from the synced records by the migration (checked below)"),
    "84ee0f393440": nothing("follow-ups as rows, filled from the conversations by the migration (checked below)"),
    "600ed898230e": lambda f: f.put("voter_import_problem", import_id=f.ids["import"], line=4, column="zip",
                                    reason="Not a ZIP code.", rejected=False, code="not_zip", params={"value": "x"}),
    "5bdf0fb7549e": lambda f: f.put("voter_import", campaign_id=f.ids["campaign"], status="failed",
                                    filename="p.csv", upload_path="", requested_format="auto", column_map={},
                                    message="", priority_column="Target", created_at=NOW),
    "378fa32bf441": lambda f: f.put("download_ticket", campaign_id=f.ids["campaign"],
                                    created_by_id=f.ids["organizer"], token_hash="1" * 64, kind="van",
                                    with_notes=False, created_at=NOW, expires_at=NOW + timedelta(minutes=5)),
    "53eec888c392": lambda f: f.put("basemap", campaign_id=f.ids["campaign"], filename="town.pmtiles", size=1024,
                                    tile_type="mvt", kind="vector", tile_compression="gzip", min_zoom=0,
                                    max_zoom=15, bounds=[-79, 35, -78, 36], center=[-78.9, 35.99, 14],
                                    uploaded_at=NOW),
    "d107021d0f94": households,
    "61bcdaa210a9": nothing("staged voters live only while an import runs"),
    "6d276f628954": turfs,
    "f1bfd624fb87": nothing("voter progress marks, filled by pushes from now on"),
    "db1fd468aba2": surveys,
    "2a5fa1d9fee7": lambda f: f.put("invite", campaign_id=f.ids["campaign"], role="volunteer", code="recruit-link",
                                    expires_at=NOW + timedelta(days=90), max_uses=100, uses=0,
                                    recruiter_id=f.ids["volunteer"], created_at=NOW),
    "258647e1cf32": nothing("door visits in the dashboard, counted by the migration (checked below)"),
    "10f108d86bc2": nothing("door visits' address as found, new columns with defaults on the visits already there"),
    "e66b087257c3": lambda f: f.put("suppression", campaign_id=f.ids["campaign"], digest=bytes(range(32)),
                                    reason="asked", created_on=NOW.date()),
    "5c1e7a9d3b42": lambda f: f.put("user", email="gone@example.org", display_name="Gone", password_hash="x",
                                    language="en", session_version=0, created_at=NOW, deleted_at=NOW),
    "c0a7e1d5b9f2": preferences,
    "7b3d9e2f4a61": lambda f: f.put("match_tag_range", key_id=f.ids["key"], first_id=1, last_id=20_000, done=False,
                                    claimed_until=NOW),
    "3e8b5d2a7c14": nothing("drops two foreign keys of turf_household; the turf's door above stays"),
    "6e53939cf982": nothing("a count on each volunteer's tally, filled by the migration from the synced records"),
    "17e4a7b2bfed": nothing("match_tag's foreign keys become triggers that delete a gone identifier's or key's tags;"
                            " the tag above stays"),
    "9b1f4c7d2e60": nothing("drops conversation.seq: exports read a conversation's change number from its record"),
    "5d2a8c4e1f37": nothing("a tag count on each matching key, filled by the migration from its tags (checked below)"),
}
# values a later step changes on purpose: the door visit's record takes change 3
CHANGED_LATER = {("sync_counter", "last_seq")}


def revisions() -> list[str]:
    return [revision.revision for revision in reversed(list(scripts().walk_revisions()))]


def test_every_revision_says_what_rows_it_adds():
    missing = [revision for revision in revisions() if revision not in ROWS]
    assert not missing, f"add rows for these revisions to ROWS in {__file__}: {missing}"
    assert set(ROWS) == set(revisions())


@pytest.fixture(params=["sqlite", "postgresql"])
def first_revision_app(request, tmp_path):
    yield from app_at_revision(request.param, tmp_path, revisions()[0])


def test_upgrading_step_by_step_keeps_every_row_and_the_app_serves_them(first_revision_app):
    app = first_revision_app
    with app.app_context():
        steps = revisions()
        filler = None
        for n, revision in enumerate(steps):
            if n:
                upgrade(revision=revision)
            with db.engine.begin() as connection:
                if filler is None:
                    filler = Filler(connection)
                filler.connection = connection
                ROWS[revision](filler)
        written, ids = filler.written, filler.ids

        with db.engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
            for name, primary, values in written:
                assert name in names, name
                target = Table(name, MetaData(), autoload_with=connection)
                typed = table(name, *(column(c.name, db.metadata.tables[name].c[c.name].type)
                                      for c in target.columns))
                query = select(typed)
                for field, value in primary.items():
                    query = query.where(typed.c[field] == value)
                row = connection.execute(query).one()._mapping
                for field, value in values.items():
                    if (name, field) not in CHANGED_LATER:
                        assert getattr(row[field], "value", row[field]) == value, (name, field)  # enums
            campaign = table("campaign", column("talking_points", JSON), column("id"))
            assert connection.execute(select(campaign.c.talking_points)).scalar_one() == {}
            count = {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                     for name in ("conversation", "door_visit", "volunteer_follow_up", "voter_progress",
                                  "door_answer", "dashboard_day")}
            tags = table("match_tag", column("key_id"))
            keys = connection.execute(select(table("match_key", column("id"), column("tag_count")))).all()
            counted = [connection.execute(select(func.count()).select_from(tags).where(tags.c.key_id == key_id))
                       .scalar_one() for key_id, _ in keys]
            assert [tag_count for _, tag_count in keys] == counted and sum(counted) > 0, keys
        assert count["conversation"] == 1 and count["door_visit"] == 1 and count["volunteer_follow_up"] == 1
        assert count["voter_progress"] >= 1 and count["dashboard_day"] >= 1 and count["door_answer"] == 1

        campaign_id = ids["campaign"]
        volunteer = {"Authorization": f"Bearer {create_access_token(identity=str(ids['volunteer']))}"}
        organizer = {"Authorization": f"Bearer {create_access_token(identity=str(ids['organizer']))}"}
    client = app.test_client()
    pulled = client.get(f"/api/campaigns/{campaign_id}/sync/pull", headers=volunteer,
                        query_string={"protocol": 1})
    assert pulled.status_code == 200, pulled.json
    changes = {change["entity"]: change for change in pulled.json["changes"]}
    assert set(changes) == {"relationship", "conversation", "door_visit", "contact_preference"}
    assert changes["contact_preference"]["fields"]["no_text"] is True
    assert changes["conversation"]["fields"]["notes"] == "Worried about rent."
    assert changes["conversation"]["fields"]["relationship_id"] == str(ids["relationship_entity"])
    reviews = client.get(f"/api/campaigns/{campaign_id}/conversations", headers=organizer)
    assert reviews.status_code == 200, reviews.json
    listed = reviews.json["conversations"] if isinstance(reviews.json, dict) else reviews.json
    assert [row["id"] for row in listed] == [str(ids["conversation_entity"])]
    dashboard = client.get(f"/api/campaigns/{campaign_id}/dashboard", headers=organizer)
    assert dashboard.status_code == 200, dashboard.json
