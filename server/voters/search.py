"""Typo-tolerant name search over the voter file: pg_trgm on PostgreSQL, the same trigram measure in Python
on SQLite, so both rank alike."""

import re
import unicodedata

from sqlalchemy import Row, bindparam, func, or_, select

from server.columns import utcnow
from server.extensions import db, one_of_param, prepared
from server.voters.models import Voter

_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")


def search_key(*names: str) -> str:
    """Lowercase, accents and punctuation removed, words separated by one space: "José  O'Neil" -> "jose oneil"."""
    text = unicodedata.normalize("NFKD", " ".join(names)).encode("ascii", "ignore").decode().lower()
    return " ".join(_NOT_LETTERS.sub("", text).split())


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams."""
    ga, gb = trigrams(a), trigrams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


def word_score(query: str, name: str) -> float:
    """How well each query word matches its best word of the name, so "jon smth" still finds "john smith"."""
    words = name.split()
    if not words:
        return 0.0
    return sum(max(similarity(q, w) for w in words) for q in query.split()) / len(query.split())


MIN_SCORE = 0.3
SQLITE_CANDIDATES = 5000


def search_voters(campaign_id: int, name: str, *, city: str | None = None, zip_code: str | None = None,
                  birth_years: tuple[int, int] | None = None, limit: int = 20) -> list:
    """Active voters of the campaign whose names look like ``name``, best first."""
    key = search_key(name)
    if not key:
        return []
    stmt = select(Voter).where(Voter.campaign_id == campaign_id, Voter.active.is_(True))
    if city:
        stmt = stmt.where(func.lower(Voter.city) == city.strip().lower())
    if zip_code:
        stmt = stmt.where(Voter.zip.startswith(zip_code.strip()))
    if birth_years:
        stmt = stmt.where(Voter.birth_year.between(*birth_years))
    if db.session.connection().dialect.name == "postgresql":
        score = func.similarity(Voter.search_name, key) + func.word_similarity(key, Voter.search_name)
        stmt = stmt.where(or_(Voter.search_name.op("%")(key), Voter.search_name.op("%>")(key)))
        return db.session.execute(stmt.order_by(score.desc(), Voter.id).limit(limit)).scalars().all()
    # SQLite: narrow by the first two letters of any word, then rank with pg_trgm's measure in Python
    prefixes = {word[:2] for word in key.split()}
    stmt = stmt.where(or_(*(Voter.search_name.like(f"{p}%") | Voter.search_name.like(f"% {p}%") for p in prefixes)))
    candidates = db.session.execute(stmt.limit(SQLITE_CANDIDATES)).scalars().all()
    scored = [(similarity(key, v.search_name) + word_score(key, v.search_name), v.id, v) for v in candidates]
    return [v for score, _, v in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= MIN_SCORE][:limit]


# what ``card`` reads: select these rather than whole Voter entities, which cost more to build than the read
CARD_COLUMNS = (Voter.public_id, Voter.first_name, Voter.last_name, Voter.birth_year, Voter.city, Voter.priority)


def card(voter: Voter | Row, year: int) -> dict:
    """The voter card a volunteer may see: first name, last initial, age, city (and the opaque id), and whether
    the campaign wants them reached first. ``voter`` may be a row of ``CARD_COLUMNS``."""
    return {"id": str(voter.public_id), "first_name": voter.first_name, "last_initial": voter.last_name[:1],
            "age": year - voter.birth_year if voter.birth_year else None, "city": voter.city,
            "priority": voter.priority}


def cards_by_public_id(campaign_id: int, public_ids) -> dict[str, dict]:
    """The card of each of these voters the campaign has, by public id as synced records name them."""
    if not public_ids:
        return {}
    year = utcnow().year
    rows = db.session.execute(_cards(), {"campaign_id": campaign_id, "ids": list(public_ids)})
    return {str(row.public_id): card(row, year) for row in rows}


@prepared
def _cards(connection):
    return select(*CARD_COLUMNS).where(Voter.campaign_id == bindparam("campaign_id"),
                                       one_of_param(Voter.public_id, "ids", connection))
