"""Campaign matching keys: derived from the server secret whenever needed, never stored anywhere."""

import hashlib
from functools import lru_cache

from flask import current_app
from sqlalchemy import func, select

import oprf
from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import db, upsert
from server.matching.models import KeyState, MatchKey, TagRange


class NotReady(Exception):
    """The campaign's first tag table is still being built: nobody can match until it is complete."""

    def __init__(self, percent: int):
        super().__init__(f"The voter file is still being prepared for matching ({percent}% done). "
                         "Try again in a few minutes.")
        self.percent = percent


def secret_key(key: MatchKey) -> bytes:
    """k for this campaign and version: RFC 9497 DeriveKeyPair(seed, info = campaign id and version)."""
    return _derive(current_app.config["OPRF_SEED"], key.campaign_id, key.version)


@lru_cache(maxsize=256)
def _derive(seed: str, campaign_id: int, version: int) -> bytes:
    info = f"kin campaign {campaign_id} key {version}".encode()
    return oprf.derive_key_pair(hashlib.sha256(seed.encode()).digest(), info)


def active_key(campaign: Campaign) -> MatchKey:
    """The key phones evaluate with. A campaign without a voter file gets its first one (version 1) on first use;
    a first import makes it itself, and it is active once its tag table is complete.

    :raise NotReady: while the campaign's first key is being built.
    """
    key = _active(campaign.id)
    if key is None:
        db.session.execute(upsert(MatchKey).values(
            campaign_id=campaign.id, version=1, prefix_bits=campaign.match_prefix_bits, state=KeyState.ACTIVE,
            created_at=utcnow(), activated_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["campaign_id", "version"]))
        key = _active(campaign.id)
    if key is None:
        raise NotReady(min(99, tags_ready_percent(campaign.id)))
    return key


def tags_ready_percent(campaign_id: int) -> int:
    """How much of the campaign's tag builds is done, by identifier ids: 100 with none in progress."""
    span = TagRange.last_id - TagRange.first_id + 1
    done, total = db.session.execute(
        select(func.coalesce(func.sum(span).filter(TagRange.done), 0), func.coalesce(func.sum(span), 0))
        .join(MatchKey, MatchKey.id == TagRange.key_id).where(MatchKey.campaign_id == campaign_id)).one()
    return 100 * done // total if total else 100


def _active(campaign_id: int) -> MatchKey | None:
    return db.session.execute(select(MatchKey).where(
        MatchKey.campaign_id == campaign_id, MatchKey.state == KeyState.ACTIVE)).scalar_one_or_none()


def campaign_keys(campaign_id: int) -> list[MatchKey]:
    """Every key whose tag table must follow the voter file: the active one, and one being built."""
    return list(db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign_id)
                                   .order_by(MatchKey.version)).scalars())
