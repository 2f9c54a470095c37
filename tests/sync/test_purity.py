import subprocess
import sys

FORBIDDEN = ("flask", "sqlalchemy", "socket", "http", "urllib", "requests", "psycopg", "sqlite3", "time", "datetime")


def test_importing_sync_loads_no_framework_database_clock_or_network_module():
    code = ("import sys, pkgutil, importlib\n"
            "before = set(sys.modules)\n"
            "import sync\n"
            "for m in pkgutil.walk_packages(sync.__path__, 'sync.'): importlib.import_module(m.name)\n"
            f"print(sorted(n for n in set(sys.modules) - before if n.split('.')[0] in {FORBIDDEN!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
