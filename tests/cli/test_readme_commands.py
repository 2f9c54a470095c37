"""The README's commands work as written, and a missing setting is one clear sentence, not a traceback."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = ".venv/bin/flask"  # as the README writes it: `make test` installs into the checkout's .venv


def readme_flask_commands() -> list[str]:
    """Every `...` span of the README that runs the flask command."""
    spans = re.findall(r"`([^`\n]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    return [span for span in spans if ".venv/bin/flask " in span]


def run(command: str, instance, **env) -> subprocess.CompletedProcess:
    """Run a command line as a shell would, from the checkout, with the instance folder in ``instance`` (the
    checkout's own instance/ may hold a developer's demo)."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("KIN_", "FLASK_"))}
    environ.update(KIN_INSTANCE_PATH=str(instance), **env)
    return subprocess.run(command, shell=True, cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_the_readmes_invite_command_prints_a_join_link(tmp_path):
    [invite] = [command for command in readme_flask_commands() if " kin invite " in command]
    for setup in ("db upgrade", "kin demo --voters 20"):  # what `make run` does first
        done = run(f"KIN_ENV=development {FLASK} --app server:create_app {setup}", tmp_path)
        assert done.returncode == 0, done.stderr
    done = run(invite, tmp_path)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/join/[\w-]{20,}\n", done.stdout)


def test_a_missing_secret_is_one_sentence_without_a_traceback(tmp_path):
    done = run(f"{FLASK} --app server:create_app kin invite --campaign 1", tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: Missing secret setting(s): KIN_SECRET_KEY, KIN_OPRF_SEED, KIN_SUPPRESSION_SEED.")
