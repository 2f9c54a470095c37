"""Sign-in cost and authenticated request rate, on SQLite and (with KIN_TEST_POSTGRES_URL) PostgreSQL.

Argon2id's cost is deliberate: it bounds how many sign-ins a core can do, which this prints, so the rate
limits and the number of web processes can be set with numbers. Run with `make bench`.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.passwords import hash_password  # noqa: E402
from server.campaigns.models import Campaign, Membership, Role  # noqa: E402
from server.extensions import db  # noqa: E402

PASSWORD = "benchmark password"


def timed(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def report(label, samples):
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95)]
    print(f"  {label:<34} median {median * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   {1 / median:8.0f} /s per core")


def bench(name, uri):
    app = create_app({"SECRET_KEY": "bench-secret-key-long-enough-for-hs256",
                      "OPRF_SEED": "bench-oprf-seed-long-enough", "SQLALCHEMY_DATABASE_URI": uri,
                      "SUPPRESSION_SEED": "bench-oprf-seed-long-enough",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        campaign = Campaign(name="Bench")
        user = User(email="bench@example.org", display_name="Bench", password_hash=hash_password(PASSWORD))
        db.session.add_all([campaign, user])
        db.session.flush()
        db.session.add(Membership(campaign_id=campaign.id, user_id=user.id, role=Role.VOLUNTEER))
        db.session.commit()
        campaign_id = campaign.id
    client = app.test_client()
    print(f"{name}:")
    login = lambda: client.post("/api/auth/login", json={"email": "bench@example.org", "password": PASSWORD})  # noqa: E731
    report("POST /api/auth/login (argon2id)", timed(login, 30))
    token = login().json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    report("GET /api/me", timed(lambda: client.get("/api/me", headers=headers), 500))
    report("GET /api/campaigns/<id> (scoped)", timed(lambda: client.get(f"/api/campaigns/{campaign_id}",
                                                                          headers=headers), 500))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3")
    admin = os.environ.get("KIN_TEST_POSTGRES_URL")
    if admin:
        name = f"kin_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        bench("PostgreSQL", admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}")
    else:
        print("PostgreSQL: skipped (run through `make bench`)")


if __name__ == "__main__":
    main()
