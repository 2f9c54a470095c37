"""One campaign at the issue's scale, generated (fixed seed) straight into a migrated PostgreSQL database with COPY,
for the benchmarks that read it (bench/conversations.py: the review list and exports; bench/console.py: the
dashboard): voters, volunteers, relationships and conversations as sync records and the conversation read model that
a push would have written, optionally door visits (sync records, their read model and the households they name),
and the machine's load meanwhile."""

import json
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bench.sync_load import cpu_seconds
from tests.server.sync.live import SECRET_KEY

VOTERS, VOLUNTEERS, RELATIONSHIPS, CONVERSATIONS = 1_000_000, 2_000, 200_000, 500_000
ISSUES = ["housing", "schools", "transit", "health care", "jobs", "climate", "safety", "taxes"]
CHANNELS = ["in_person", "door", "call", "text", "other"]
DOOR_RESULTS = ["talked", "not_home", "not_home", "not_home", "refused", "come_back", "moved", "inaccessible",
                "wrong_address", "deceased"]  # not home the likeliest, as at real doors
PLANS = ["mail", "election_day", "early_in_person", "undecided", None, None, None, None]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START = datetime(2026, 8, 1, tzinfo=UTC)  # conversations spread over the 90 days after this


def p95(times: list[float]) -> float:
    """The 95th percentile of request times (seconds), in milliseconds."""
    times = sorted(times)
    return times[min(len(times) - 1, round(0.95 * len(times)) - 1)] * 1000


def timed_gets(conn, url: str, headers: dict, rounds: int, server, postmaster: int,
               warm: int = 3) -> tuple[list[float], float, bytes]:
    """GET url ``rounds`` times on a keep-alive connection, after ``warm`` unmeasured requests that warm the workers
    and the database's cache: each request's time (s), the server's CPU (gunicorn and PostgreSQL) a request in ms,
    and the last answer's body."""
    for _ in range(warm):
        conn.request("GET", url, headers=headers)
        conn.getresponse().read()
    cpu, times = cpu_seconds(server, postmaster), []
    for _ in range(rounds):
        started = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append(time.perf_counter() - started)
        assert response.status == 200, body[:300]
    used = cpu_seconds(server, postmaster)
    return times, (used["gunicorn"] + used["PostgreSQL"] - cpu["gunicorn"] - cpu["PostgreSQL"]) / rounds * 1000, body


def busy_cores() -> float:
    """Busy time of all cores so far, in core-seconds (anyone's)."""
    cpu = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(cpu) - cpu[3] - cpu[4]) / CLOCK_TICKS


class Load:
    """The machine's load over a stretch: ``with Load() as load: ...; print(load)``."""

    def __enter__(self):
        self.cpu, self.at = busy_cores(), time.monotonic()
        return self

    def __exit__(self, *_exc):
        self.cores = (busy_cores() - self.cpu) / max(time.monotonic() - self.at, 1e-9)
        self.loadavg = os.getloadavg()[0]

    def __str__(self):
        return f"(machine busy {self.cores:.2f} of {os.cpu_count()} cores, load average {self.loadavg:.2f})"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def copy(conn: psycopg.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    with conn.cursor() as cursor, cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as out:
        for row in rows:
            out.write_row(row)


def generate(url: str, scale: float, door_visits: int = 0) -> dict:
    """Fill the migrated database; returns what the requests need (ids, a volunteer with many conversations).
    ``door_visits`` (not scaled) adds that many visits, one in ten naming nobody in the voter file."""
    rng = random.Random(12)
    voters, volunteers = int(VOTERS * scale), max(int(VOLUNTEERS * scale), 10)
    relationships, conversations = int(RELATIONSHIPS * scale), int(CONVERSATIONS * scale)
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO campaign (id, name, phone_region, time_zone, issue_tags, talking_points, "
                     "message_template, match_prefix_bits, match_daily_quota, match_daily_card_quota, created_at) "
                     "VALUES (1, 'Bench', 'US', 'America/New_York', %s, '{}', '{}', 16, 5000, 500, %s)",
                     [json.dumps(ISSUES), START])
        users = [(n, f"person{n}@example.org", "x", f"Volunteer {n}", "en", 0, now) for n in range(1, volunteers + 2)]
        copy(conn, "user", ("id", "email", "password_hash", "display_name", "language", "session_version",
                            "created_at"), users)
        copy(conn, "membership", ("id", "campaign_id", "user_id", "role", "active", "created_at"),
             ((n, 1, n, "organizer" if n == 1 else "volunteer", True, now) for n in range(1, volunteers + 2)))
        print(f"  {voters:,} voters ...", flush=True)
        public_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(voters)]
        cities = ["Durham", "Raleigh", "Cary", "Chapel Hill", "Apex", "Garner", "Wake Forest", "Mebane"]
        firsts = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Ines", "Jamal", "Kim", "Luis"]
        lasts = ["Lopez", "Smith", "Nguyen", "Okafor", "Patel", "Garcia", "Brown", "Kim", "Diaz", "Jones"]
        copy(conn, "voter", (
            "id", "campaign_id", "external_id", "public_id", "first_name", "middle_name", "last_name", "name_suffix",
            "house_number", "street", "unit", "city", "state", "zip", "county", "precinct", "congressional_district",
            "state_senate_district", "state_house_district", "birth_year", "party", "registration_status",
            "priority", "active", "search_name", "updated_at"),
            ((n + 1, 1, str(100_000_000 + n), public_ids[n], rng.choice(firsts), "", rng.choice(lasts), "",
              str(rng.randint(1, 9999)), "Main St", "", rng.choice(cities), "NC", "27701", "Durham", "", "", "", "",
              rng.randint(1930, 2006), "", "", rng.random() < 0.1, True, "", now) for n in range(voters)))
        print(f"  {relationships:,} relationships and {conversations:,} conversations ...", flush=True)
        stamp = f"{int(START.timestamp() * 1000):015d}-00000-bench"
        relationship_of = []  # (entity id, voter row id, volunteer) of each relationship
        records = []
        for n in range(relationships):
            voter, volunteer = rng.randrange(voters), rng.randint(2, volunteers + 1)
            values = {"voter_id": str(public_ids[voter]), "source": "match"}
            entity_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            relationship_of.append((entity_id, voter + 1, volunteer))
            records.append((n + 1, 1, "relationship", entity_id, volunteer, json.dumps(values),
                            json.dumps(dict.fromkeys(values, stamp)), False, 1, n + 1, now, now))
        read_model, issue_rows = [], []
        for n in range(conversations):
            relationship_id, voter, volunteer = rng.choice(relationship_of)
            happened_at = START + timedelta(seconds=rng.randrange(90 * 86400))
            issues = rng.sample(ISSUES, rng.choice((0, 1, 1, 2, 3)))
            support = rng.choice((1, 2, 3, 4, 5, None))
            # from the row number, not the generator, so every other value stays what it was before these columns
            vote_method = PLANS[n % len(PLANS)]
            follow_up_on = (happened_at + timedelta(days=7)).date() if n % 5 == 0 else None
            reviewed, flagged = rng.random() < 0.3, rng.random() < 0.03
            channel = rng.choice(CHANNELS)
            values = {"relationship_id": str(relationship_id), "channel": channel,
                      "happened_at": happened_at.isoformat(), "support": support, "issue_tags": issues,
                      "vote_method": vote_method, "follow_up_on": follow_up_on and follow_up_on.isoformat(),
                      "notes": "Talked about the election.", "reviewed": reviewed, "flagged_for_follow_up": flagged}
            record_id, entity_id, seq = relationships + n + 1, uuid.UUID(int=rng.getrandbits(128), version=4), \
                relationships + n + 1
            records.append((record_id, 1, "conversation", entity_id, volunteer, json.dumps(values),
                            json.dumps(dict.fromkeys(values, stamp)), False, 1, seq, now, now))
            read_model.append((1, entity_id, record_id, volunteer, relationship_id, voter, happened_at, channel,
                               support, json.dumps(issues), None, vote_method, None, follow_up_on, values["notes"],
                               reviewed, "",
                               flagged, None, None, False, now))
            issue_rows += [(1, entity_id, issue, happened_at) for issue in issues]
        copy(conn, "sync_record", ("id", "campaign_id", "entity", "entity_id", "owner_id", "values", "stamps",
                                   "deleted", "version", "seq", "created_at", "updated_at"), records)
        del records
        copy(conn, "conversation", (
            "campaign_id", "id", "record_id", "volunteer_id", "relationship_id", "voter_id", "happened_at", "channel",
            "support", "issue_tags", "registered", "vote_method", "vote_on", "follow_up_on", "notes", "reviewed",
            "review_reply", "flagged_for_follow_up", "reviewed_at", "reviewed_by_id", "deleted",
            "updated_at"), read_model)
        copy(conn, "conversation_issue", ("campaign_id", "conversation_id", "issue", "happened_at"), issue_rows)
        last_seq = relationships + conversations
        if door_visits:
            print(f"  {door_visits:,} door visits ...", flush=True)
            last_seq = _door_visits(conn, rng, door_visits, public_ids, volunteers, last_seq, now)
        conn.execute("INSERT INTO sync_counter (campaign_id, last_seq) VALUES (1, %s)", [last_seq])
        for table in ("user", "membership", "voter", "sync_record", "building", "household"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                         f"(SELECT max(id) FROM \"{table}\"))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        busiest = conn.execute("SELECT volunteer_id FROM conversation GROUP BY volunteer_id "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return {"conversations": conversations, "volunteer": busiest}


def _door_visits(conn, rng: random.Random, count: int, public_ids: list, volunteers: int, last_seq: int,
                 now: datetime) -> int:
    """Door visits with their sync records and read model, at a household each of their own; returns the last
    change number given."""
    households = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]
    copy(conn, "building", ("id", "campaign_id", "key", "street", "house_number", "zip", "city"),
         ((n + 1, 1, f"27701|MAIN ST|{n}", "MAIN ST", str(n), "27701", "Durham") for n in range(count)))
    copy(conn, "household", ("id", "campaign_id", "building_id", "unit", "unit_label", "public_id"),
         ((n + 1, 1, n + 1, "", "", households[n]) for n in range(count)))
    stamp = f"{int(START.timestamp() * 1000):015d}-00000-bench"
    first_record = conn.execute("SELECT max(id) FROM sync_record").fetchone()[0]
    records, read_model = [], []
    for n in range(count):
        voter = rng.randrange(len(public_ids)) if rng.random() < 0.9 else None
        result, volunteer = rng.choice(DOOR_RESULTS), rng.randint(2, volunteers + 1)
        happened_at = START + timedelta(seconds=rng.randrange(90 * 86400))
        values = {"household_id": str(households[n]), "result": result, "happened_at": happened_at.isoformat(),
                  **({"voter_id": str(public_ids[voter])} if voter is not None else {}),
                  **({"support": rng.choice((1, 2, 3, 4, 5, None)),
                      "issue_tags": rng.sample(ISSUES, rng.choice((0, 1, 1, 2)))} if result == "talked" else {})}
        record_id, entity_id = first_record + n + 1, uuid.UUID(int=rng.getrandbits(128), version=4)
        records.append((record_id, 1, "door_visit", entity_id, volunteer, json.dumps(values),
                        json.dumps(dict.fromkeys(values, stamp)), False, 1, last_seq + n + 1, now, now))
        read_model.append((1, entity_id, record_id, volunteer, n + 1, voter + 1 if voter is not None else None,
                           result, happened_at, False, "", "", "", False))
    copy(conn, "sync_record", ("id", "campaign_id", "entity", "entity_id", "owner_id", "values", "stamps",
                               "deleted", "version", "seq", "created_at", "updated_at"), records)
    copy(conn, "door_visit", ("campaign_id", "id", "record_id", "volunteer_id", "household_id", "voter_id",
                              "result", "happened_at", "deleted", "corrected_house_number", "corrected_street",
                              "corrected_unit", "address_fix"), read_model)
    return last_seq + count


def token_for(database_uri: str, instance: Path, user_id: int) -> str:
    from flask_jwt_extended import create_access_token

    from server import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        return create_access_token(identity=str(user_id), expires_delta=timedelta(hours=2))




def count_for_the_dashboard(database_uri: str, instance: Path, url: str) -> float:
    """What an import and the pushes would have left for the dashboard: the file's size on a finished import, and
    the maintained counts made from scratch (``rollup.rebuild``, as an import does); returns the rebuild's seconds."""
    from server import create_app
    from server.dashboard import rollup
    from server.extensions import db

    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO voter_import (campaign_id, status, filename, upload_path, requested_format, "
                     "column_map, bytes_read, rows_read, rows_rejected, rows_with_warnings, voters_added, "
                     "voters_updated, voters_deactivated, voters_in_file, priority_in_file, message, "
                     "cancel_requested, allow_shrink, created_at) SELECT 1, 'succeeded', 'bench.csv', '', 'auto', "
                     "'{}', 0, count(*), 0, 0, count(*), 0, 0, count(*), count(*) FILTER (WHERE priority), '', "
                     "false, false, now() FROM voter WHERE campaign_id = 1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        started = time.monotonic()
        rollup.rebuild(1)
        db.session.commit()
        seconds = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return seconds
