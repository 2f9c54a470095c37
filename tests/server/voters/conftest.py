import pytest
from sqlalchemy import select

from server.extensions import db
from server.voters.models import Voter


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
