"""sync/ is pure: values in, decisions out. No framework, database, clock, network, file or randomness; checked on
its source, so an import of a module the interpreter happens to have loaded already (``time``) is caught too."""

import ast
from pathlib import Path

import pytest

SYNC = Path(__file__).resolve().parents[2] / "sync"
# the standard library modules sync/ may use: data shapes and text, nothing that reads the world
ALLOWED = {"__future__", "collections", "collections.abc", "dataclasses", "enum", "re", "typing"}
# names whose use would read the world even through an allowed module
FORBIDDEN_CALLS = {"open", "input", "__import__", "exec", "eval", "breakpoint"}


def imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
    return found


def outside(names: set[str]) -> set[str]:
    """The imports that are neither sync/ itself nor on the allow-list."""
    return {name for name in names
            if not name.startswith(".") and name.split(".")[0] != "sync" and name not in ALLOWED}


def calls(tree: ast.AST) -> set[str]:
    return {node.func.id for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS}


@pytest.mark.parametrize("path", sorted(SYNC.glob("*.py")), ids=lambda path: path.name)
def test_sync_modules_import_only_the_allow_list(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert outside(imports(tree)) == set()
    assert calls(tree) == set()


@pytest.mark.parametrize("source", [
    "import time", "from time import time_ns", "import datetime", "from os import environ", "import random",
    "import importlib", "from flask import g", "import socket, re", "def f():\n    import sqlalchemy",
    "x = open('f')", "__import__('time')",
])
def test_the_check_catches_what_a_module_must_not_use(source):
    """The negative control: each of these, added to a sync/ module, fails the test above."""
    tree = ast.parse(source)
    assert outside(imports(tree)) or calls(tree)
