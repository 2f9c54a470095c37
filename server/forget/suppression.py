"""The suppression list's hashes: who the campaign forgot, asked about without storing or sending who they were.

Shared by forgetting (which lists them), the voter-file import (which skips them) and push (which refuses them)."""

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import bindparam, exists, select

from server.extensions import db
from server.forget.models import Suppression
from server.identifiers import InvalidIdentifier, normalize_email
from server.matching.inputs import phone_input

# kinds of identifier hashed into the list: the file's voter id, the public id phones name the voter by, and each
# phone (E.164) and e-mail (normalised) as voter_identifier keeps them
VOTER, PUBLIC, PHONE, EMAIL = "voter", "public", "phone", "email"


def _key(campaign_id: int) -> bytes:
    """The campaign's suppression key: derived from the seed whenever needed, never stored."""
    seed = current_app.config["SUPPRESSION_SEED"].encode()
    return hmac.new(seed, f"kin campaign {campaign_id} suppression".encode(), hashlib.sha256).digest()


def digests(campaign_id: int, pairs: Iterable[tuple[str, str]]) -> dict[bytes, tuple[str, str]]:
    """HMAC-SHA256 of each (kind, normalised value) under the campaign's key, mapped back to its pair."""
    key = _key(campaign_id)
    return {hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).digest(): (kind, value)
            for kind, value in pairs}


def suppressed(campaign_id: int, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs that belong to someone the campaign forgot."""
    hashed = digests(campaign_id, pairs)
    found = set()
    keys = list(hashed)
    for start in range(0, len(keys), 1000):
        found.update(db.session.execute(select(Suppression.digest).where(
            Suppression.campaign_id == campaign_id, Suppression.digest.in_(keys[start:start + 1000]))).scalars())
    return {hashed[digest] for digest in found}


_ANY = select(exists().where(Suppression.campaign_id == bindparam("campaign_id")))  # built once: every push asks


def any_suppressed(campaign_id: int) -> bool:
    return db.session.execute(_ANY, {"campaign_id": campaign_id}).scalar()


def person_pairs(region: str, phone: object, email: object) -> set[tuple[str, str]]:
    """A person met at the door, as a volunteer typed them, normalised as the voter file is; what cannot be read
    as a phone or an e-mail names nobody on the list."""
    pairs = set()
    if isinstance(phone, str) and phone.strip():
        try:
            pairs.add((PHONE, phone_input(phone, region).removeprefix("tel:")))
        except InvalidIdentifier:
            pass
    if isinstance(email, str) and email.strip():
        try:
            pairs.add((EMAIL, normalize_email(email)))
        except InvalidIdentifier:
            pass
    return pairs
