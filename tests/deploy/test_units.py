"""The example files in deploy/ that docs/operations.md tells an operator to copy: each unit parses, each command it
runs exists (a ``flask kin ...`` one resolves in the app's click group), and the pieces agree with each other."""

import configparser
import shlex
import sys
from pathlib import Path

import click
import pytest

from server import create_app
from tests.conftest import TEST_CONFIG

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VENV = "/opt/kin/.venv/bin/"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
# commands being built on other branches (retention: `rights`; backup: `backup`), allowed to be missing until merged


def parse(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read_string(path.read_text())
    return unit


def commands(service: configparser.ConfigParser) -> list[list[str]]:
    """The argument lists a service runs; ``sh -c '...'`` is opened to the command it execs."""
    runs = []
    for key in ("ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload"):
        if key in service["Service"]:
            argv = shlex.split(service["Service"][key].replace("%%", "%"))
            if Path(argv[0]).name == "sh" and argv[1] == "-c":
                argv = shlex.split(argv[2])
                argv = argv[1:] if argv[0] == "exec" else argv
            runs.append(argv)
    return runs


def flask_command(argv: list[str]) -> tuple[str, ...]:
    """``kin ...`` of a ``flask --app server:create_app kin ...`` line: the words up to the first argument."""
    assert argv[1:3] == ["--app", "server:create_app"], argv
    words = tuple(word for word in argv[3:] if not word.startswith("/"))
    return words


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_each_unit_parses_and_has_what_systemd_needs(path):
    unit = parse(path)
    assert unit["Unit"]["Description"]
    if path.suffix == ".timer":
        assert (DEPLOY / f"{path.stem}.service").exists()
        assert unit["Timer"]["OnCalendar"] and unit["Timer"]["Persistent"] == "yes"
    else:
        service = unit["Service"]
        assert service["User"] == "kin" and service["EnvironmentFile"] == "/etc/kin/kin.env"
        assert service.get("Type") in ("exec", "oneshot")
        assert ("Install" in unit) == (service["Type"] == "exec")  # a oneshot is started by its timer


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.service")), ids=lambda path: path.name)
def test_every_command_a_unit_runs_exists(path, tmp_path):
    group = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "INSTANCE_PATH": str(tmp_path)}).cli
    for argv in commands(parse(path)):
        program = argv[0]
        if program.startswith(VENV):
            local = Path(sys.executable).parent / program.removeprefix(VENV)
            assert local.exists(), f"{program} is not installed by `pip install .`"
        else:
            assert Path(program).exists(), f"{path.name} runs {program}, which Debian does not have here"
        if program.endswith("/flask"):
            words = flask_command(argv)
            assert _resolves(group, words), f"{path.name}: `flask {' '.join(words)}` is no command"
        if program.endswith("/gunicorn"):
            assert argv[argv.index("-c") + 1] == "server/gunicorn_conf.py"
            assert argv[-1] == "server:create_app()"


def _resolves(group: click.Group, words: tuple[str, ...]) -> bool:
    ctx = click.Context(group)
    command = group
    for word in words:
        if not isinstance(command, click.Group):
            return True  # the rest are the command's arguments
        command = command.get_command(ctx, word)
        if command is None:
            return False
    return True


def test_the_proxy_sends_a_request_id_to_the_port_gunicorn_binds_and_hides_metrics():
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    web = commands(parse(DEPLOY / "kin-web.service"))[0]
    bind = web[web.index("--bind") + 1]
    assert f"reverse_proxy {bind}" in caddyfile
    assert "request_header X-Request-Id {http.request.uuid}" in caddyfile
    assert "respond /metrics 404" in caddyfile


def test_the_web_server_and_the_worker_share_the_metrics_directory():
    directories = {parse(DEPLOY / name)["Service"]["Environment"] for name in ("kin-web.service",
                                                                                "kin-worker.service")}
    assert directories == {"PROMETHEUS_MULTIPROC_DIR=/run/kin-metrics"}
