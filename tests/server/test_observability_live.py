"""What an operator sees of a real server: gunicorn with two workers and server/gunicorn_conf.py, logging at DEBUG,
put through a representative day (the demo seeded, sign-ins, a matching run, a push with notes, a review reply, an
export, a voter file with a bad row, a sign-in with a wrong e-mail). Every log line is JSON and carries the request
id inside a request; no line holds a name, phone, e-mail or note; /metrics adds up both workers' counts."""

import base64
import json
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

import oprf
from tests.conftest import empty_database_uri
from tests.server.sync.live import BIN, ROOT, LiveServer

TOKEN = "metrics-token-for-the-test"
NOTES = "Ximena worried about the zanzibarite bus route; call back Thursday"
REPLY = "Thanks, bring the quetzalcoatl flyer next time"
WRONG_EMAIL = "nobody-by-that-name@example.org"
BAD_ROW_NAME = ("Bartholomew", "Quillfeather")
HEALTH_CHECKS = 6  # at least; then more until both workers have answered one
MOST_HEALTH_CHECKS = 300


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def day(request, tmp_path_factory):
    """Run the day once per database; returns the server's log lines, /metrics and the personal data to look for."""
    folder = tmp_path_factory.mktemp(request.param)
    uri = empty_database_uri(request.param, folder)
    server = LiveServer(uri, folder, workers=2, threads=2, gunicorn_args=(
        "-c", "server/gunicorn_conf.py", "--access-logfile", "-", "--log-level", "debug"))
    server.env.update({"KIN_LOG_LEVEL": "DEBUG", "KIN_METRICS_TOKEN": TOKEN,
                       "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")})
    (folder / "metrics").mkdir()
    server.env.pop("KIN_REDIS_URL", None)
    server.migrate()
    subprocess.run([str(BIN / "flask"), "--app", "server:create_app", "kin", "demo", "--voters", "60"], cwd=ROOT,
                   env=server.env, check=True, capture_output=True, timeout=300)
    with server:
        server.start()
        _run_the_day(f"http://127.0.0.1:{server.port}", uri, server.log_path)
        scraped = requests.get(f"http://127.0.0.1:{server.port}/metrics", timeout=30,
                               headers={"Authorization": f"Bearer {TOKEN}"})
    lines = server.log_path.read_text().splitlines()
    return {"lines": lines, "metrics": scraped, "personal": _personal_data(uri)}


def _run_the_day(base: str, uri: str, log_path: Path) -> None:
    session = requests.Session()
    campaign_id, voter_id, phone, name = _demo_voter(uri)

    def sign_in(email, password):
        response = session.post(f"{base}/api/auth/login", json={"email": email, "password": password}, timeout=30)
        assert response.status_code == 200, response.text
        session.cookies.clear()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    assert session.post(f"{base}/api/auth/login", json={"email": WRONG_EMAIL, "password": "a wrong guess"},
                        timeout=30).status_code == 401
    volunteer = sign_in("volunteer1@example.org", "demo-volunteer-2026")
    organizer = sign_in("organizer@example.org", "demo-organizer-2026")
    campaign = f"{base}/api/campaigns/{campaign_id}"

    key_version = session.get(f"{campaign}/match", headers=volunteer, timeout=30).json()["key_version"]
    blinded = base64.b64encode(oprf.blind(f"tel:{phone}".encode())[1]).decode()
    assert session.post(f"{campaign}/match/evaluate", json={"key_version": key_version, "blinded": [blinded]},
                        headers=volunteer, timeout=30).status_code == 200

    # a name in a query string is where an access log leaks most often: the search must find them, the log not
    found = session.get(f"{campaign}/voters/search", params={"name": name}, headers=volunteer, timeout=30)
    assert voter_id in [card["id"] for card in found.json()], found.text
    listed = session.get(f"{campaign}/voters", params={"name": name.split()[-1]}, headers=organizer, timeout=30)
    assert voter_id in [row["id"] for row in listed.json()], listed.text

    conversation_id, device_id = str(uuid.uuid4()), str(uuid.uuid4())
    op = {"op_id": str(uuid.uuid4()), "entity": "conversation", "entity_id": conversation_id, "action": "upsert",
          "hlc": f"{int(time.time() * 1000):015d}-00000-{device_id}",
          "fields": {"voter_id": voter_id, "channel": "call", "happened_at": "2026-10-01T10:00:00Z", "notes": NOTES}}
    pushed = session.post(f"{campaign}/sync/push", json={"protocol": 1, "device_id": device_id, "ops": [op]},
                          headers=volunteer, timeout=30)
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    assert session.post(f"{campaign}/sync/push", json={"protocol": 1, "device_id": device_id, "ops": [op]},
                        headers=volunteer, timeout=30).json()["results"][0]["status"] == "duplicate"
    assert session.get(f"{campaign}/sync/pull", params={"protocol": 1}, headers=volunteer, timeout=30).ok
    assert session.patch(f"{campaign}/conversations/{conversation_id}", json={"review_reply": REPLY},
                         headers=organizer, timeout=30).status_code == 200
    export = session.get(f"{campaign}/exports/conversations.csv", params={"notes": "true"}, headers=organizer,
                         timeout=30)
    assert NOTES in export.text  # the export has the notes; the log must not

    bad_file = ("voter_id,first_name,last_name,phone\nN1,Ana,Lopez,919-555-0143\n"
                f",{BAD_ROW_NAME[0]},{BAD_ROW_NAME[1]},not-a-phone-0143\n")
    upload = session.post(f"{campaign}/voter-files", files={"file": ("voters.csv", bad_file, "text/csv")},
                          headers=organizer, timeout=30)
    assert upload.status_code == 202, upload.text
    deadline = time.monotonic() + 60
    while session.get(f"{campaign}/voter-files/{upload.json()['id']}", headers=organizer,
                      timeout=30).json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the voter import did not finish"
        time.sleep(0.1)

    # fresh connections, until both workers have taken some: which worker accepts one is the kernel's choice, and
    # an idle one can take six in a row
    for sent in range(MOST_HEALTH_CHECKS):
        written = log_path.read_text().split("\n")[:-1]  # whole lines: gunicorn may be writing the next one
        if sent >= HEALTH_CHECKS and len({line["pid"] for line in _health_checks(written)}) == 2:
            break
        assert requests.get(f"{base}/api/health", timeout=30, headers={"Connection": "close"}).ok


def _health_checks(lines: list[str]) -> list[dict]:
    """The log lines of requests that answered /api/health."""
    return [line for line in map(json.loads, lines)
            if line["logger"] == "kin.request" and line["route"] == "/api/health"]


def _demo_voter(uri: str) -> tuple[int, str, str, str]:
    """The demo campaign's id, and a voter of it with a phone: public id, the phone in E.164 and their name."""
    engine = create_engine(uri)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT v.campaign_id, v.public_id, i.value, v.first_name || ' ' || v.last_name FROM voter v "
            "JOIN voter_identifier i ON i.voter_id = v.id WHERE i.kind = 'phone' ORDER BY v.id LIMIT 1")).one()
    engine.dispose()
    return row[0], str(uuid.UUID(str(row[1]))), row[2], row[3]


def _personal_data(uri: str) -> list[str]:
    """Everything a log line must not hold: the demo's people and voters, the notes' and the reply's words."""
    from server.demo import ACCOUNTS

    engine = create_engine(uri)
    with engine.connect() as conn:
        names = [f"{first} {last}" for first, last in conn.execute(text("SELECT first_name, last_name FROM voter"))]
        identifiers = list(conn.execute(text("SELECT value FROM voter_identifier")).scalars())
    engine.dispose()
    phones = [value.lstrip("+")[-10:] for value in identifiers if value.startswith("+")]
    words = [word for word in f"{NOTES} {REPLY}".split() if len(word) > 6]
    return ([email for email, *_ in ACCOUNTS] + [name for *_, name, _role in ACCOUNTS] + names + identifiers + phones
            + words + [WRONG_EMAIL, *BAD_ROW_NAME, "not-a-phone"])


def test_every_line_is_json_and_each_request_line_has_its_request_id(day):
    lines = [json.loads(line) for line in day["lines"]]
    requests_logged = [line for line in lines if line["logger"] in ("kin.request", "gunicorn.access")]
    assert len(requests_logged) > 2 * 20
    assert all(len(line["request_id"]) == 32 for line in requests_logged)
    routes = {line["route"] for line in lines if line["logger"] == "kin.request"}
    assert "/api/campaigns/<int:campaign_id>/sync/push" in routes  # the rule, never the path with its ids
    assert any(line["level"] == "debug" for line in lines)  # DEBUG was on: the check below saw everything


def test_no_line_holds_a_name_a_phone_an_e_mail_or_a_note(day):
    log = "\n".join(day["lines"]).lower()
    found = [value for value in day["personal"] if value.lower() in log]
    assert found == []


def test_metrics_add_up_across_both_workers(day):
    assert day["metrics"].status_code == 200
    checks = _health_checks(day["lines"])
    assert len({line["pid"] for line in checks}) == 2, "one worker answered every check: this run proves nothing"
    samples = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
               for family in text_string_to_metric_families(day["metrics"].text) for sample in family.samples}
    health = samples[("kin_http_request_duration_seconds_count",
                      (("method", "GET"), ("route", "/api/health"), ("status_class", "2xx")))]
    assert health == len(checks)  # each worker's count, added up
    assert samples[("kin_sync_ops_total", (("result", "applied"),))] == 1
    assert samples[("kin_sync_ops_total", (("result", "duplicate"),))] == 1
    assert samples[("kin_sync_requests_total", (("kind", "push"),))] == 2
    assert samples[("kin_sync_requests_total", (("kind", "pull"),))] == 1
    assert samples[("kin_voter_import_rows_total", ())] == 2
    assert samples[("kin_voter_imports_running", ())] == 0
