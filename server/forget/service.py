"""Forget a voter: delete or purge every trace of them in one transaction, and list keyed hashes of their
identifiers so that an import, a push or matching never brings them back. Shared by the API and the CLI."""

import uuid

from sqlalchemy import delete, func, or_, select

from server.audit.models import record
from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import db
from server.forget.models import Suppression
from server.forget.suppression import EMAIL, PHONE, PUBLIC, VOTER, digests, person_pairs
from server.sync_api import service as sync
from server.sync_api.store import RECORD
from server.voters.models import (
    IdentifierKind,
    Voter,
    VoterIdentifier,
    VoterImport,
    VoterImportProblem,
    staged_identifier,
    staged_voter,
)
from sync.entities import CONTACT_PREFERENCE, CONVERSATION, DOOR_VISIT, RELATIONSHIP


def forget(campaign: Campaign, voter: Voter, reason: str, actor_id: int | None) -> dict[str, int]:
    """Delete every trace of ``voter`` in the current transaction and list them as suppressed; the caller commits.
    Returns counts only (what the audit event and the CLI say).

    The voter's row is locked before anything about them is read, and before any record or the change counter: a
    push reads the voters it names (directly or through a relationship) ``FOR KEY SHARE`` before it locks
    anything else, so a push that comes first is committed and seen here, and one that comes second finds them
    gone."""
    db.session.refresh(voter, with_for_update=True)
    campaign_id, public_id = campaign.id, str(voter.public_id)
    phones, emails = set(voter.phones), set(voter.emails)
    pairs = {(VOTER, voter.external_id), (PUBLIC, public_id), *((PHONE, p) for p in phones),
             *((EMAIL, e) for e in emails)}
    listed = set(db.session.execute(select(Suppression.digest).where(Suppression.campaign_id == campaign_id))
                 .scalars())
    today = utcnow().date()
    hashed = digests(campaign_id, pairs)
    rows = [Suppression(campaign_id=campaign_id, digest=digest, reason=reason, created_on=today)
            for digest in hashed if digest not in listed]
    db.session.add_all(rows)
    db.session.flush()
    # the audit event names a row of theirs: a new one, or (a voter back from a backup, forgotten again after a
    # restore) the one already listed
    target = rows[0].id if rows else db.session.execute(select(Suppression.id).where(
        Suppression.campaign_id == campaign_id, Suppression.digest.in_(list(hashed)))).scalars().first()

    def about():
        return _records_about(campaign, public_id, phones, emails)

    records = sync.forget(campaign_id, about(), again=about)
    problems = _forget_import_rows(campaign_id, voter, phones, emails)
    db.session.delete(voter)  # its identifiers and dashboard progress go by cascade, their matching tags by trigger
    record(campaign_id, actor_id, "voter.forgotten", "suppression", target, reason=reason,
           records=records, problems=problems)
    return {"records": records, "problems": problems}


def _records_about(campaign: Campaign, public_id: str, phones: set[str],
                   emails: set[str]) -> list[tuple[str, uuid.UUID]]:
    """The keys of the synced records that name the voter: relationships with them, conversations with them or
    through those relationships, door visits with them or with a person met at the door who gave one of their
    phones or e-mails, and what they asked about being contacted (keyed by their public id; its forgotten tombstone
    reaches every phone, since every phone pulls contact preferences)."""
    values, entity = RECORD.c["values"], RECORD.c.entity
    live = RECORD.c.campaign_id == campaign.id, RECORD.c.forgotten.is_(False)

    def keys(*where) -> list[tuple[str, uuid.UUID]]:
        return [tuple(row) for row in db.session.execute(select(entity, RECORD.c.entity_id).where(*live, *where))]

    relationships = keys(entity == RELATIONSHIP.name, values["voter_id"].as_string() == public_id)
    conversations = keys(entity == CONVERSATION.name, or_(
        values["voter_id"].as_string() == public_id,
        values["relationship_id"].as_string().in_([str(entity_id) for _, entity_id in relationships])))
    visits = db.session.execute(select(entity, RECORD.c.entity_id, values).where(*live, entity == DOOR_VISIT.name, or_(
        values["voter_id"].as_string() == public_id, values["person_phone"].as_string() != "",
        values["person_email"].as_string() != "")))
    theirs = {(PHONE, p) for p in phones} | {(EMAIL, e) for e in emails}
    visits = [(name, entity_id) for name, entity_id, seen in visits if seen.get("voter_id") == public_id
              or person_pairs(campaign.phone_region, seen.get("person_phone"), seen.get("person_email")) & theirs]
    asked = keys(entity == CONTACT_PREFERENCE.name, RECORD.c.entity_id == uuid.UUID(public_id))
    return [*relationships, *conversations, *visits, *asked]


def _forget_import_rows(campaign_id: int, voter: Voter, phones: set[str], emails: set[str]) -> int:
    """Drop the voter's rows still staged by an import in progress, and every import problem that quotes one of
    their values (a problem's reason holds the cell it quotes). Returns how many problems went."""
    imports = select(VoterImport.id).where(VoterImport.campaign_id == campaign_id)
    db.session.execute(delete(staged_voter).where(staged_voter.c.import_id.in_(imports),
                                                  staged_voter.c.external_id == voter.external_id))
    db.session.execute(delete(staged_identifier).where(staged_identifier.c.import_id.in_(imports), or_(
        staged_identifier.c.external_id == voter.external_id,
        staged_identifier.c.value.in_([*phones, *emails]))))
    words = {voter.external_id, *phones, *(p.removeprefix("+1") for p in phones), *emails,
             *(name for name in (voter.first_name, voter.last_name) if len(name) >= 3)}
    quoting = or_(*(func.lower(VoterImportProblem.reason).contains(word.lower(), autoescape=True)
                    for word in words if word))
    return db.session.execute(delete(VoterImportProblem).where(
        VoterImportProblem.import_id.in_(imports), quoting)).rowcount


def listed_rows() -> list[dict]:
    """Every campaign's suppression list as plain rows, read before a restore replaces the database."""
    return [dict(row._mapping) for row in db.session.execute(select(
        Suppression.campaign_id, Suppression.digest, Suppression.reason, Suppression.created_on))]


def reapply(listed: list[dict]) -> dict[str, int]:
    """After a restore: list again what the replaced database had listed (``listed``, from ``listed_rows``), then
    forget every voter the list names, so that someone forgotten after the backup was taken does not come back
    with it. Voters are read in ranges and hashed here (the list holds no identifier to look up); the caller
    commits. Returns {listed: rows added back, forgotten: voters}."""
    campaigns = set(db.session.execute(select(Campaign.id)).scalars())
    have = set(db.session.execute(select(Suppression.campaign_id, Suppression.digest)).all())
    added = [Suppression(**row) for row in listed
             if row["campaign_id"] in campaigns and (row["campaign_id"], row["digest"]) not in have]
    db.session.add_all(added)
    db.session.flush()
    forgotten = 0
    for campaign_id in sorted({c for c, _ in have} | {row.campaign_id for row in added}):
        reasons = dict(db.session.execute(select(Suppression.digest, Suppression.reason).where(
            Suppression.campaign_id == campaign_id)).all())
        campaign = db.session.get(Campaign, campaign_id)
        for voter_id, reason in _listed_voters(campaign_id, reasons):
            forget(campaign, db.session.get(Voter, voter_id), reason, None)
            forgotten += 1
    return {"listed": len(added), "forgotten": forgotten}


def _listed_voters(campaign_id: int, reasons: dict[bytes, str], batch: int = 5_000):
    """(voter id, reason) of each voter of the campaign one of whose identifiers is on its list."""
    found = []
    last = 0
    while True:
        voters = db.session.execute(select(Voter.id, Voter.external_id, Voter.public_id).where(
            Voter.campaign_id == campaign_id, Voter.id > last).order_by(Voter.id).limit(batch)).all()
        if not voters:
            return found
        last = voters[-1].id
        pairs = {voter.id: {(VOTER, voter.external_id), (PUBLIC, str(voter.public_id))} for voter in voters}
        for voter_id, kind, value in db.session.execute(select(
                VoterIdentifier.voter_id, VoterIdentifier.kind, VoterIdentifier.value).where(
                VoterIdentifier.campaign_id == campaign_id, VoterIdentifier.voter_id.in_(pairs))):
            pairs[voter_id].add((PHONE if kind is IdentifierKind.PHONE else EMAIL, value))
        for voter_id, named in pairs.items():
            hit = next((reasons[d] for d in digests(campaign_id, named) if d in reasons), None)
            if hit:
                found.append((voter_id, hit))
