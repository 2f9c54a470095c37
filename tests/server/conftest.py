"""Fixtures for tests that import voter files (the voter-file and matching tests)."""

import csv

import pytest

HEADER = ["voter_id", "first_name", "last_name", "city", "zip", "birth_year", "phone", "email"]


@pytest.fixture
def voter_file(tmp_path):
    """Write a generic CSV voter file from rows of HEADER values; returns its path."""
    counter = iter(range(1, 1000))

    def write(rows, header=HEADER, name=None):
        path = tmp_path / (name or f"voters-{next(counter)}.csv")
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def import_file(runner, tmp_path, monkeypatch):
    """Run ``flask kin voters import`` and return the result; a problems CSV it writes lands in tmp_path."""
    monkeypatch.chdir(tmp_path)

    def run(path, campaign_id, *args):
        return runner.invoke(args=["kin", "voters", "import", str(path), "--campaign", str(campaign_id), *args])

    return run
