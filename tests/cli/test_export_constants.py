"""``flask kin export-constants``: the PWA's copy of the sync protocol's constants is never stale."""

from server import create_app
from server.cli import CONSTANTS_JS
from tests.conftest import TEST_CONFIG


def export(tmp_path):
    # the command reads no database: a bare app is enough, so this runs once rather than per backend
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    output = tmp_path / "constants.gen.js"
    result = app.test_cli_runner().invoke(args=["kin", "export-constants", "--output", str(output)])
    assert result.exit_code == 0, result.output
    return output.read_text(encoding="utf-8")


def test_committed_constants_match_sync_protocol(tmp_path):
    assert CONSTANTS_JS.read_text(encoding="utf-8") == export(tmp_path), (
        "pwa/lib/constants.gen.js is stale: run `flask kin export-constants` and commit the result")


def test_constants_name_what_the_phone_needs(tmp_path):
    module = export(tmp_path)
    assert "export const protocol = 1;" in module
    assert 'export const settled = [\n  "applied",\n  "conflict",\n  "duplicate"\n];' in module
    assert '"conversation": {' in module and '"owner": "organizer"' in module
