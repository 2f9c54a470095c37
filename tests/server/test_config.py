"""Settings come from defaults, then ``KIN_*`` variables, then the dict a test passes, and fail closed."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server import create_app
from server.config import BadSetting, MissingSetting
from server.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "test-secret-key-that-is-long-enough-for-hs256"
SECRETS = {"SECRET_KEY": SECRET, "OPRF_SEED": "an-oprf-seed-from-the-environment-" + "x" * 16,
           "SUPPRESSION_SEED": "a-suppression-seed-from-the-environment-" + "x" * 16}
# a database that needs no server and leaves no file; every test here passes what else it needs
IN_MEMORY = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PASSWORD_HASH_PROFILE": "CHEAPEST"}


@pytest.fixture(autouse=True)
def no_kin_environment(monkeypatch):
    """Each test sets the ``KIN_*`` variables it is about; none leak in from the shell that runs pytest."""
    for name in list(os.environ):
        if name.startswith("KIN_"):
            monkeypatch.delenv(name)


def build(config: dict):
    """create_app, releasing the database engine so nothing is left open when the test ends."""
    app = create_app(config)
    with app.app_context():
        db.engine.dispose()
    return app


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(MissingSetting, match="KIN_SECRET_KEY"):
        create_app({**IN_MEMORY, "INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "secrets.json").exists()


def test_production_is_the_default_environment():
    assert build({**IN_MEMORY, **SECRETS}).config["ENV"] == "production"


def test_development_generates_a_secret_key_into_the_instance_folder(tmp_path):
    app = build({**IN_MEMORY, "ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    secrets_file = tmp_path / "secrets.json"
    assert len(app.config["SECRET_KEY"]) >= 32
    stored = json.loads(secrets_file.read_text())
    assert stored["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert stored["OPRF_SEED"] == app.config["OPRF_SEED"] != app.config["SECRET_KEY"]
    assert stored["SUPPRESSION_SEED"] == app.config["SUPPRESSION_SEED"] not in (app.config["OPRF_SEED"],
                                                                              app.config["SECRET_KEY"])
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_development_reuses_the_secret_key_it_generated(tmp_path):
    config = {**IN_MEMORY, "ENV": "development", "INSTANCE_PATH": str(tmp_path)}
    first = build(config).config["SECRET_KEY"]
    assert build(config).config["SECRET_KEY"] == first


def test_kin_environment_is_read_when_the_app_is_created_not_at_import(monkeypatch):
    monkeypatch.setenv("KIN_PUBLIC_URL", "https://first.example.org")
    assert build({**IN_MEMORY, **SECRETS}).config["PUBLIC_URL"] == "https://first.example.org"
    monkeypatch.setenv("KIN_PUBLIC_URL", "https://second.example.org")
    assert build({**IN_MEMORY, **SECRETS}).config["PUBLIC_URL"] == "https://second.example.org"


def test_secrets_can_come_from_the_environment(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(f"KIN_{name}", value)
    config = build(IN_MEMORY).config
    assert (config["SECRET_KEY"], config["OPRF_SEED"], config["SUPPRESSION_SEED"]) == tuple(SECRETS.values())


def test_production_without_the_matching_seed_refuses_to_start_and_names_it():
    with pytest.raises(MissingSetting, match="KIN_OPRF_SEED") as refused:
        create_app({**IN_MEMORY, "SECRET_KEY": SECRET})
    assert "KIN_SECRET_KEY" not in str(refused.value)


def test_production_without_the_suppression_seed_refuses_to_start_and_names_it():
    with pytest.raises(MissingSetting, match="KIN_SUPPRESSION_SEED") as refused:
        create_app({**IN_MEMORY, "SECRET_KEY": SECRET, "OPRF_SEED": SECRETS["OPRF_SEED"]})
    assert "KIN_OPRF_SEED" not in str(refused.value)


def test_the_dict_passed_to_create_app_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("KIN_PUBLIC_URL", "https://from-environment.example.org")
    app = build({**IN_MEMORY, **SECRETS, "PUBLIC_URL": "https://from-dict.example.org"})
    assert app.config["PUBLIC_URL"] == "https://from-dict.example.org"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_database_url_uses_the_psycopg_driver(monkeypatch, url):
    monkeypatch.setenv("KIN_DATABASE_URL", url)
    app = build({**SECRETS})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_psycopg_prepares_no_statement_so_pgbouncer_can_pool_transactions(monkeypatch):
    monkeypatch.setenv("KIN_DATABASE_URL", "postgresql://u@pgbouncer:6432/db")
    options = build({**SECRETS}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"prepare_threshold": None}
    assert options["pool_pre_ping"] and options["hide_parameters"]  # the defaults are kept beside it
    assert "connect_args" not in build({**IN_MEMORY, **SECRETS}).config["SQLALCHEMY_ENGINE_OPTIONS"]  # SQLite's


def test_a_read_replica_is_a_second_engine_with_the_primarys_options_that_only_reads(monkeypatch):
    monkeypatch.setenv("KIN_DATABASE_URL", "postgresql://u@primary/db")
    monkeypatch.setenv("KIN_READ_DATABASE_URL", "postgresql://u@replica/db")
    replica = build({**SECRETS}).config["SQLALCHEMY_BINDS"]["replica"]
    assert replica["url"] == "postgresql+psycopg://u@replica/db"
    assert replica["execution_options"] == {"postgresql_readonly": True}
    assert replica["connect_args"] == {"prepare_threshold": None} and replica["pool_pre_ping"]


def test_a_read_replica_of_sqlite_is_refused_naming_the_setting(monkeypatch):
    monkeypatch.setenv("KIN_READ_DATABASE_URL", "postgresql://u@replica/db")
    with pytest.raises(BadSetting, match="KIN_READ_DATABASE_URL"):
        build({**IN_MEMORY, **SECRETS})


def test_without_a_database_url_the_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    app = build({**SECRETS, "INSTANCE_PATH": str(instance)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'kin.sqlite3'}"
    assert instance.is_dir()  # SQLite cannot create the file in a folder that does not exist


def test_development_on_plain_http_sends_cookies_without_secure(tmp_path):
    app = build({**IN_MEMORY, "ENV": "development", "INSTANCE_PATH": str(tmp_path),
                 "PUBLIC_URL": "http://127.0.0.1:5000"})
    assert app.config["JWT_COOKIE_SECURE"] is False


def test_development_on_https_keeps_cookies_secure(tmp_path):
    app = build({**IN_MEMORY, "ENV": "development", "INSTANCE_PATH": str(tmp_path),
                 "PUBLIC_URL": "https://kin.example.org"})
    assert app.config["JWT_COOKIE_SECURE"] is True


def test_production_keeps_cookies_secure_even_on_plain_http():
    app = build({**IN_MEMORY, **SECRETS, "PUBLIC_URL": "http://127.0.0.1:5000"})
    assert app.config["JWT_COOKIE_SECURE"] is True


def test_importing_server_needs_no_settings():
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KIN_")}
    environment["KIN_DATABASE_URL"] = "not a database url"  # read only by create_app, so harmless at import
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import server, server.config, server.cli; print(server.create_app)"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "create_app" in result.stdout
