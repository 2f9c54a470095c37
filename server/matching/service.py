"""What a volunteer's phone may ask while matching, each answer bounded by the campaign's daily quota.

The phone sends blinded elements (which look random to the server), then bucket numbers (p bits of each of its
tags), then only the tags it found in those buckets. No contact detail reaches the server, and nothing a
request carries is stored: only how many elements and cards each volunteer used today.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Integer, String, bindparam, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

import oprf
from server.campaigns.models import Campaign, Membership
from server.columns import utcnow
from server.extensions import db, upsert
from server.matching.keys import active_key, secret_key
from server.matching.models import MatchKey, MatchTag, MatchUsage
from server.matching.tags import bucket_of
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from server.voters.search import CARD_COLUMNS, card

MAX_PER_CALL = 2_500  # blinded elements or tags in one request: a 2,000-contact book's 2,400 or so in one call
MOST_BUCKETS_PER_CALL = 4_096  # bucket numbers in one request, however few tags the buckets hold
BUCKETS_ANSWER_BYTES = 600_000  # what a buckets answer may reach, in JSON, on average: well under 1 MB
# a bucket's share of a buckets answer in JSON, in its longer form (protocol 1's list of base64 tags,
# '"...", ' for each) with its number: protocol 2 packs the same tags in 22 bytes each
JSON_BYTES_A_TAG, JSON_BYTES_A_BUCKET = 28, 16


class StaleKey(Exception):
    """The phone evaluated under a key that has since been rotated: it must start over with ``current``."""

    def __init__(self, current: int):
        super().__init__(f"The campaign's matching key is now version {current}; match again with it.")
        self.current = current


class NotABucket(ValueError):
    """A bucket number with more bits than the key's buckets have, or more buckets than one call may ask."""


class QuotaExceeded(Exception):
    """More than is left of today's quota; ``remaining`` says how much a smaller request may still use."""

    def __init__(self, what: str, remaining: int, retry_after: int):
        super().__init__(f"Today's matching quota is used up: {remaining} {what} left until midnight UTC.")
        self.remaining, self.retry_after = remaining, retry_after


@dataclass(frozen=True)
class Status:
    key_version: int
    prefix_bits: int
    max_per_call: int
    buckets_per_call: int
    elements_left: int
    cards_left: int
    resets_at: datetime


def status(campaign: Campaign, membership: Membership) -> Status:
    key = active_key(campaign)
    usage = db.session.get(MatchUsage, (membership.id, _today())) or MatchUsage(elements=0, cards=0)
    answer = Status(key.version, key.prefix_bits, MAX_PER_CALL, buckets_per_call(key),
                    max(0, campaign.match_daily_quota - usage.elements),
                    max(0, campaign.match_daily_card_quota - usage.cards), _midnight())
    # a campaign's first key is made on first use; committed last, as a commit expires what the session read
    db.session.commit()
    return answer


def evaluate(campaign: Campaign, membership: Membership, key_version: int, blinded: bytes) -> bytes:
    """BlindEvaluate each element (32 bytes each, joined) under the campaign key, counting them against today's
    quota; the answers come back joined in the same order.

    :raise oprf.InvalidElement: an element is the identity or not canonical (nothing is counted then).
    """
    key = _current(campaign, key_version)
    _spend(membership, campaign.match_daily_quota, elements=len(blinded) // oprf.ELEMENT_SIZE)
    try:
        evaluated = oprf.blind_evaluate_packed(secret_key(key), blinded)
    except oprf.InvalidElement:
        db.session.rollback()
        raise
    db.session.commit()
    return evaluated


def buckets_per_call(key: MatchKey) -> int:
    """As many buckets as fill an answer of about ``BUCKETS_ANSWER_BYTES``, by how full the key's buckets are on
    average: 2,000 contacts' buckets in one call at 200,000 voters and 16 bits (4.6 tags a bucket), about 900 a
    call at a million voters, and a handful when an organizer chose few bits for a big file (a bucket of
    thousands of tags), where a fixed number of buckets would have sent the whole tag table in one answer."""
    per_bucket = JSON_BYTES_A_BUCKET + JSON_BYTES_A_TAG * key.tag_count / (1 << key.prefix_bits)
    return max(1, min(MOST_BUCKETS_PER_CALL, int(BUCKETS_ANSWER_BYTES / per_bucket)))


def buckets(campaign: Campaign, key_version: int, prefixes: list[int]) -> dict[int, bytes]:
    """Every tag in each asked-for bucket, and nothing else, packed: the bucket's distinct tags joined in order
    (tags shared by a household are listed once)."""
    key = _current(campaign, key_version)
    bits = key.prefix_bits
    if beyond := [prefix for prefix in prefixes if prefix >> bits]:
        raise NotABucket(f"Not a bucket: {beyond[0]} (buckets are numbered below 2^{bits}).")
    if len(prefixes) > (most := buckets_per_call(key)):
        raise NotABucket(f"{len(prefixes):,} buckets in one call; this campaign's buckets are asked for at most "
                         f"{most:,} at a time (buckets_per_call).")
    found = dict.fromkeys(prefixes, b"")
    if db.session.connection().dialect.name == "postgresql":
        # PostgreSQL joins each bucket's tags itself: one row a bucket reaches Python, not one a tag, and the
        # array is one parameter, not a thousand to plan; written as one array literal: 0.18 ms for 1,000 numbers,
        # where psycopg's binary list dumper (server/extensions.py) takes 0.27-0.31 ms and its text one 0.7
        literal = "{" + ",".join(map(str, prefixes)) + "}"
        found.update(db.session.execute(_PACKED_BUCKETS, {"key_id": key.id, "prefixes": literal}).all())
        return found
    tags = defaultdict(set)
    for bucket, tag in db.session.execute(select(MatchTag.bucket, MatchTag.tag).where(
            MatchTag.key_id == key.id, MatchTag.bucket.in_(prefixes))):
        tags[bucket].add(bytes(tag))
    found.update((bucket, b"".join(sorted(bucket_tags))) for bucket, bucket_tags in tags.items())
    return found


_PACKED_BUCKETS = text("""
    SELECT tag.bucket, string_agg(DISTINCT tag.tag, ''::bytea ORDER BY tag.tag)
    FROM unnest(CAST(:prefixes AS integer[])) AS asked(bucket)
    JOIN match_tag AS tag ON tag.key_id = :key_id AND tag.bucket = asked.bucket GROUP BY tag.bucket
""")


@dataclass(frozen=True)
class Card:
    voter: dict
    tags: list[bytes]
    strength: str  # "phone", "email" or "both": which kinds of the phone's identifiers point at this voter


def cards(campaign: Campaign, membership: Membership, key_version: int, tags: list[bytes]) -> list[Card]:
    """The voter card behind each tag that exists, counted against today's card quota."""
    key = _current(campaign, key_version)
    tags = list(dict.fromkeys(tags))
    rows = db.session.execute(
        select(MatchTag.tag, VoterIdentifier.kind, Voter.id, *CARD_COLUMNS)
        .join(VoterIdentifier, VoterIdentifier.id == MatchTag.identifier_id)
        .join(Voter, Voter.id == VoterIdentifier.voter_id)
        .where(MatchTag.key_id == key.id, Voter.active.is_(True), _is_one_of(tags, key.prefix_bits))
    ).all()
    voters = {}
    found: dict[int, dict[bytes, set[IdentifierKind]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        voters[row.id] = row
        found[row.id][bytes(row.tag)].add(row.kind)
    year = utcnow().year
    result = []
    for voter_id, by_tag in found.items():
        kinds = set().union(*by_tag.values())
        strength = "both" if len(kinds) == 2 else next(iter(kinds)).value
        result.append(Card(card(voters[voter_id], year), sorted(by_tag), strength))
    _spend(membership, campaign.match_daily_card_quota, cards=len(voters))
    db.session.commit()
    return sorted(result, key=lambda c: (c.voter["first_name"], c.voter["last_initial"], c.voter["id"]))


def _is_one_of(tags: list[bytes], prefix_bits: int):
    """The tag table's rows for ``tags``, each found through the (key, bucket, tag) index. On PostgreSQL, as a
    join on two arrays (a list of a thousand (bucket, tag) pairs costs more to plan than to look up); the tags
    travel as one string of hex, which psycopg passes as it is (a bytea array is escaped and quoted per item)."""
    pairs = tuple_(MatchTag.bucket, MatchTag.tag)
    if db.session.connection().dialect.name != "postgresql":
        return pairs.in_([(bucket_of(tag, prefix_bits), tag) for tag in tags])
    asked = select(func.unnest(bindparam("asked_buckets", [bucket_of(tag, prefix_bits) for tag in tags],
                                         type_=ARRAY(Integer))),
                   func.decode(func.unnest(func.string_to_array(
                       bindparam("asked_tags", ",".join(tag.hex() for tag in tags), type_=String), ",")), "hex"))
    return pairs.in_(asked)


def _current(campaign: Campaign, key_version: int) -> MatchKey:
    key = active_key(campaign)
    if key.version != key_version:
        raise StaleKey(key.version)
    return key


def _spend(membership: Membership, limit: int, elements: int = 0, cards: int = 0) -> None:
    """Count this request in today's usage, atomically; refuse it whole if it does not fit."""
    if not elements and not cards:
        return
    statement = upsert(MatchUsage).values(membership_id=membership.id, day=_today(), elements=elements, cards=cards)
    used = db.session.execute(statement.on_conflict_do_update(
        index_elements=["membership_id", "day"],
        set_={"elements": MatchUsage.elements + elements, "cards": MatchUsage.cards + cards},
    ).returning(MatchUsage.elements if elements else MatchUsage.cards)).scalar_one()
    if used > limit:
        db.session.rollback()
        what = "contacts" if elements else "voter cards"
        raise QuotaExceeded(what, max(0, limit - (used - (elements or cards))), _seconds_to_midnight())


def _today():
    return utcnow().date()


def _midnight() -> datetime:
    return datetime.combine(_today() + timedelta(days=1), time(), tzinfo=UTC)


def _seconds_to_midnight() -> int:
    return max(1, int((_midnight() - utcnow()).total_seconds()))
