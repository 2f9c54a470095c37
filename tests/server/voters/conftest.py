import csv

import pytest
from sqlalchemy import select

from server.extensions import db
from server.voters.models import Voter

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
def voters_of(app):
    """{external_id: Voter} for a campaign, with phones and e-mails loaded."""

    def read(campaign_id):
        with app.app_context():
            voters = db.session.execute(select(Voter).where(Voter.campaign_id == campaign_id)).scalars().all()
            for voter in voters:
                voter.phones, voter.emails  # noqa: B018 - load before the session closes
                db.session.expunge(voter)
            return {voter.external_id: voter for voter in voters}

    return read


@pytest.fixture
def import_file(runner):
    """Run ``flask kin voters import`` and return the result."""

    def run(path, campaign_id, *args):
        return runner.invoke(args=["kin", "voters", "import", str(path), "--campaign", str(campaign_id), *args])

    return run
