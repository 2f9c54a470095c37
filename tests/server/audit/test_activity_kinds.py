"""Every action the server records can be found on the console's Activity screen: ``ACTIONS`` lists each action
passed to ``record`` anywhere in server/, and the screen's "What" filter offers each of their kinds, named in both
languages. A new kind of event added without a filter entry fails here."""

import ast
import re
from pathlib import Path

import pytest

from server.audit.models import ACTIONS, record

ROOT = Path(__file__).resolve().parents[3]
ACTIVITY = ROOT / "pwa" / "console" / "screens" / "activity.js"


def recorded_actions() -> set[str]:
    """The action of every ``record(...)`` call in server/: its third argument, a string or a choice of two."""
    found = set()
    for path in (ROOT / "server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) > 2:
                action = node.args[2]
                choices = (action.body, action.orelse) if isinstance(action, ast.IfExp) else (action,)
                assert all(isinstance(c, ast.Constant) for c in choices), f"{path}:{node.lineno}: a literal action"
                found.update(c.value for c in choices)
    return found


def filter_kinds() -> list[str]:
    """The kinds the filter offers, read from the screen's KIND_GROUPS."""
    groups = re.search(r"export const KIND_GROUPS = \[(.*?)\n\];", ACTIVITY.read_text(), re.S).group(1)
    return [kind for listed in re.findall(r"\[([^\[\]]*)\]\]", groups) for kind in re.findall(r"'(\w+)'", listed)]


def test_actions_lists_every_action_the_server_records():
    assert recorded_actions() == ACTIONS


def test_the_activity_filter_offers_every_kind_once():
    kinds = filter_kinds()
    assert sorted(kinds) == sorted({action.split(".")[0] for action in ACTIONS})


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_kind_and_group_has_a_name(language):
    catalog = (ROOT / "pwa" / "lib" / "messages" / f"console-{language}.js").read_text()
    groups = re.findall(r"\['(\w+)', \[", ACTIVITY.read_text())
    missing = [key for key in (*(f"console.kind.{kind}" for kind in filter_kinds()),
                               *(f"console.kindGroup.{group}" for group in groups)) if f"'{key}':" not in catalog]
    assert groups and missing == []


def test_an_action_not_listed_is_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="ACTIONS"):
        record(1, None, "turf.renamed", "turf", 1)
