"""schemathesis against the live app (gunicorn) on SQLite and PostgreSQL, signed in as a volunteer and as an owner:
no answer is a 5xx, every status code and every response body is what the OpenAPI document says. Its phases:
the document's examples, coverage of each schema's edges, random fuzzing, and stateful sequences that follow the
document's links (invites made then read and withdrawn, members listed then changed, conversations pushed then
read and reviewed). Fixed seed, bounded examples: the same cases every run, in a few minutes."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.conftest import empty_database_uri
from tests.server.sync.live import SECRET_KEY, LiveServer

ROOT = Path(__file__).resolve().parents[3]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = Path(__file__).with_name("schemathesis.toml")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# generous limits: the fuzzer's hundreds of sign-ins are not what is under test here (tests/server/auth is)
LIMITS = {f"KIN_{name}": "100000 per minute" for name in (
    "LOGIN_RATE_LIMIT", "JOIN_RATE_LIMIT", "INVITE_LOOKUP_RATE_LIMIT", "VOTER_SEARCH_RATE_LIMIT",
    "RESET_REQUEST_RATE_LIMIT", "RESET_REQUEST_ACCOUNT_RATE_LIMIT", "RESET_TOKEN_RATE_LIMIT")}


def seed_campaign(database_uri: str, instance: Path) -> dict:
    """A campaign with an owner and a volunteer, tagged voters, an invite and a logged conversation, and reset links
    for two accounts of no campaign (one to read, one to use); returns the ids and links the fuzzer starts from and
    an hour-long access token for each role."""
    import uuid

    from flask_jwt_extended import create_access_token

    from server import create_app
    from server.auth.models import ResetOrigin, User
    from server.auth.reset import make_link
    from server.campaigns.models import Campaign, Invite, Membership, Role
    from server.columns import utcnow
    from server.extensions import db
    from server.matching.build import build_now
    from server.matching.keys import active_key
    from server.sync_api import service
    from server.voters.models import IdentifierKind, Voter, VoterIdentifier
    from sync.hlc import Stamp
    from sync.protocol import Action, Batch, Op

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET_KEY, "OPRF_SEED": SECRET_KEY,
                      "SUPPRESSION_SEED": SECRET_KEY,
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        # the largest matching quotas a campaign may set: the fuzzer's thousands of elements are not under test
        campaign = Campaign(name="Fuzz County", issue_tags=["housing", "transit"], match_daily_quota=100_000,
                            match_daily_card_quota=10_000)
        db.session.add(campaign)
        db.session.flush()
        people, members = {}, {}
        for role in (Role.OWNER, Role.VOLUNTEER):
            user = User(email=f"{role.value}@example.org", password_hash="!unusable", display_name=role.value)
            db.session.add(user)
            db.session.flush()
            members[role.value] = Membership(campaign_id=campaign.id, user_id=user.id, role=role)
            db.session.add(members[role.value])
            people[role.value] = user
        voters = []
        for n in range(6):
            voter = Voter(campaign_id=campaign.id, external_id=f"F{n}", first_name="Ana", last_name=f"Fuzz{n}",
                          search_name=f"ana fuzz{n}", city="Rivertown", birth_year=1980 + n, priority=n % 2 == 0)
            voter.identifiers = [VoterIdentifier(campaign_id=campaign.id, kind=IdentifierKind.PHONE,
                                                 value=f"+1919555010{n}")]
            db.session.add(voter)
            voters.append(voter)
        db.session.add(Invite(campaign_id=campaign.id, role=Role.VOLUNTEER, max_uses=1000,
                              expires_at=utcnow() + timedelta(days=1)))
        db.session.flush()
        build_now(campaign)
        db.session.commit()
        volunteer = members["volunteer"]
        device = str(uuid.uuid4())
        op = Op(str(uuid.uuid4()), "conversation", str(uuid.uuid4()), Action.UPSERT,
                {"voter_id": str(voters[0].public_id), "channel": "call", "happened_at": "2026-10-01T18:30:00-04:00",
                 "notes": "Talked about rent."}, Stamp(service.now_ms(), 0, device))
        service.push(volunteer, Batch(1, device, (op,)), {})
        tokens = {role: create_access_token(identity=str(user.id), expires_delta=timedelta(hours=1))
                  for role, user in people.items()}
        resets = {}
        for use in ("read", "use"):  # accounts of their own: using a link signs its account out everywhere
            user = User(email=f"reset-{use}@example.org", password_hash="!unusable", display_name=use)
            db.session.add(user)
            db.session.flush()
            resets[use] = make_link(user, ResetOrigin.OPERATOR)["token"]
        seeded = {"campaign_id": campaign.id, "tokens": tokens, "voters": [str(v.public_id) for v in voters],
                  "key_version": active_key(campaign).version, "resets": resets}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    database_uri = empty_database_uri(request.param, folder)
    # the fuzzer's query strings can run past gunicorn's 4 KB request line, which gunicorn refuses with an HTML
    # 400 of its own before Kin sees the request: lifted here, so every case reaches Kin's answers under test
    server = LiveServer(database_uri.replace("postgresql+psycopg://", "postgresql://"), folder, workers=1,
                        threads=4, gunicorn_args=("--limit-request-line", "0"))
    server.env.update(LIMITS)
    server.migrate()
    seeded = seed_campaign(database_uri, folder)
    with server:
        server.start()
        yield server, seeded, folder


def schemathesis(server, seeded, folder, token, name, *args) -> dict:
    """Run schemathesis as its command line does, and return its JSON report."""
    report = folder / f"{name}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": "tests.server.fuzz.hooks",
           "KIN_FUZZ_CAMPAIGN": str(seeded["campaign_id"]), "KIN_FUZZ_VOTERS": ",".join(seeded["voters"]),
           "KIN_FUZZ_KEY_VERSION": str(seeded["key_version"]), "KIN_FUZZ_RESET_TO_READ": seeded["resets"]["read"],
           "KIN_FUZZ_RESET_TO_USE": seeded["resets"]["use"]}
    done = subprocess.run([str(SCHEMATHESIS), "--config-file", str(CONFIG), "run",
                           f"http://127.0.0.1:{server.port}/api/openapi.json", "--checks", CHECKS,
                           "-H", f"Authorization: Bearer {token}", "--report", "json", "--report-json-path",
                           str(report), "--no-color", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(report.read_text())
    failures = result["failures"] + result["errors"]
    assert failures == [] and done.returncode == 0, (json.dumps(failures, indent=1)[:4000] + done.stdout[-6000:]
                                                      + server.log_tail())
    print(f"{name}: {result['test_cases']['generated']} cases, phases "
          f"{ {phase: info['status'] for phase, info in result['phases'].items()} }")
    return result


# leaving the campaign and signing out end the fuzzer's access (logout revokes the bearer token it is sent with):
# they run apart, after the rest
LAST = ("/api/campaigns/{campaign_id}/membership", "/api/auth/logout")


@pytest.mark.parametrize("role", ["volunteer", "owner"])
def test_no_answer_breaks_the_document(live, role):
    server, seeded, folder = live
    excluded = [arg for path in LAST for arg in ("--exclude-path", path)]
    result = schemathesis(server, seeded, folder, seeded["tokens"][role], f"fuzz-{role}", *excluded)
    assert result["operations"]["tested"] == result["operations"]["selected"] >= 30
    assert result["test_cases"]["generated"] > 1000
    # the seeded link was used: the fuzzer reached a reset's success, not only its refusals
    with urlopen(f"http://127.0.0.1:{server.port}/api/auth/reset/{seeded['resets']['use']}") as answer:
        assert json.load(answer)["state"] == "used"


def test_leaving_and_signing_out_are_fuzzed_last(live):
    server, seeded, folder = live
    included = [arg for path in LAST for arg in ("--include-path", path)]
    result = schemathesis(server, seeded, folder, seeded["tokens"]["volunteer"], "fuzz-last", *included,
                          "--phases", "examples,coverage,fuzzing")
    assert result["operations"]["tested"] == 2
