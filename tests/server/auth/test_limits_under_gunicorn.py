"""Rate limits count once per server: under gunicorn with two workers and no Redis, the sign-in limit lets through
exactly its number of guesses, whichever worker answers, and every refusal tells the same "try again in"."""

import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import empty_database_uri
from tests.server.sync.live import LiveServer

LIMIT = 5
ATTEMPTS = 16


def attempt(port: int) -> tuple[int, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/auth/login", body=json.dumps({"email": "ana@example.org", "password": "a guess"}),
                     headers={"Content-Type": "application/json", "Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    finally:
        conn.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_share_one_count(backend, tmp_path):
    server = LiveServer(empty_database_uri(backend, tmp_path), tmp_path, workers=2, threads=1,
                        gunicorn_args=("--access-logfile", "-", "--access-logformat", "worker=%(p)s status=%(s)s"))
    server.env.update({"KIN_LOGIN_RATE_LIMIT": f"{LIMIT} per minute"})
    server.env.pop("KIN_REDIS_URL", None)
    server.migrate()
    with server:
        server.start()
        both_answering(server)
        # side by side, so both workers take guesses (each sync worker answers one request at a time)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: attempt(server.port), range(ATTEMPTS)))
        log = server.log_tail(lines=200)
    workers = {worker for worker, status in re.findall(r"worker=<?(\d+)>? status=(\d+)", log) if status != "200"}
    assert len(workers) == 2, f"one worker answered every guess, so this run proves nothing:\n{log}"
    statuses = sorted(status for status, _ in answers)
    assert statuses == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    waits = [int(wait) for status, wait in answers if status == 429]
    assert 0 < min(waits) and max(waits) <= 60
    assert max(waits) - min(waits) <= 2  # one window: every worker counts down to the same moment


def both_answering(server: LiveServer, within: float = 60) -> None:
    """Health checks side by side until both workers have answered one: ``start`` returns once one worker answers,
    and on a loaded machine the other may still be loading the app while the first takes every guess."""
    deadline = time.monotonic() + within
    with ThreadPoolExecutor(max_workers=4) as pool:
        while len(set(re.findall(r"worker=<?(\d+)>? status=200", server.log_tail(lines=400)))) < 2:
            assert time.monotonic() < deadline, f"one worker answered every health check:\n{server.log_tail()}"
            list(pool.map(lambda _: server.healthy(), range(4)))
