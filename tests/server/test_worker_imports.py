"""A web worker starts without the libraries only some commands need: Alembic (``flask db``) and Shapely with numpy
(drawing a turf) cost a gunicorn worker 10 and 19 MB it would carry for every request (bench/conversations.py holds
an export's worker under 100 MB)."""

import subprocess
import sys

LATER = ("alembic", "flask_migrate", "shapely", "numpy", "sentry_sdk")  # Sentry: only with KIN_SENTRY_DSN


def test_the_app_starts_without_alembic_or_shapely():
    probe = ("import sys; from server import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
             f"print(' '.join(m for m in {LATER!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={"KIN_ENV": "development"})
    assert done.stdout.strip() == ""


def test_flask_db_still_finds_the_migrations(tmp_path):
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "server:create_app", "db", "heads"],
                          capture_output=True, text=True, check=True,
                          env={"KIN_ENV": "development", "KIN_DATABASE_URL": f"sqlite:///{tmp_path}/kin.db"})
    assert done.stdout.strip().endswith("(head)")
