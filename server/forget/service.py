"""Forget a voter: delete or purge every trace of them in one transaction, and list keyed hashes of their
identifiers so that an import, a push or matching never brings them back. Shared by the API and the CLI."""

from sqlalchemy import delete, func, or_, select

from server.audit.models import record
from server.campaigns.models import Campaign
from server.columns import utcnow
from server.extensions import db
from server.forget.models import Suppression
from server.forget.suppression import EMAIL, PHONE, PUBLIC, VOTER, digests, person_pairs
from server.sync_api import service as sync
from server.sync_api.models import SyncRecord
from server.voters.models import Voter, VoterImport, VoterImportProblem, staged_identifier, staged_voter
from sync.entities import CONVERSATION, DOOR_VISIT, RELATIONSHIP


def forget(campaign: Campaign, voter: Voter, reason: str, actor_id: int | None) -> dict[str, int]:
    """Delete every trace of ``voter`` in the current transaction and list them as suppressed; the caller commits.
    Returns counts only (what the audit event and the CLI say)."""
    campaign_id, public_id = campaign.id, str(voter.public_id)
    phones, emails = set(voter.phones), set(voter.emails)
    pairs = {(VOTER, voter.external_id), (PUBLIC, public_id), *((PHONE, p) for p in phones),
             *((EMAIL, e) for e in emails)}
    listed = set(db.session.execute(select(Suppression.digest).where(Suppression.campaign_id == campaign_id))
                 .scalars())
    today = utcnow().date()
    # the public id is the voter's own, so there is always a new row: the audit event names it
    rows = [Suppression(campaign_id=campaign_id, digest=digest, reason=reason, created_on=today)
            for digest in digests(campaign_id, pairs) if digest not in listed]
    db.session.add_all(rows)
    db.session.flush()

    records = _records_about(campaign, public_id, phones, emails)
    sync.forget(campaign_id, records)
    problems = _forget_import_rows(campaign_id, voter, phones, emails)
    db.session.delete(voter)  # its identifiers, their matching tags and its dashboard progress go by cascade
    record(campaign_id, actor_id, "voter.forgotten", "suppression", rows[0].id, reason=reason,
           records=len(records), problems=problems)
    return {"records": len(records), "problems": problems}


def _records_about(campaign: Campaign, public_id: str, phones: set[str], emails: set[str]) -> list[SyncRecord]:
    """The synced records that name the voter: relationships with them, conversations with them or through those
    relationships, door visits with them or with a person met at the door who gave one of their phones or e-mails."""
    values = SyncRecord.values
    live = SyncRecord.campaign_id == campaign.id, SyncRecord.forgotten.is_(False)
    relationships = db.session.execute(select(SyncRecord).where(
        *live, SyncRecord.entity == RELATIONSHIP.name, values["voter_id"].as_string() == public_id)).scalars().all()
    relationship_ids = [str(row.entity_id) for row in relationships]
    conversations = db.session.execute(select(SyncRecord).where(*live, SyncRecord.entity == CONVERSATION.name, or_(
        values["voter_id"].as_string() == public_id,
        values["relationship_id"].as_string().in_(relationship_ids)))).scalars().all()
    visits = db.session.execute(select(SyncRecord).where(*live, SyncRecord.entity == DOOR_VISIT.name, or_(
        values["voter_id"].as_string() == public_id, values["person_phone"].as_string() != "",
        values["person_email"].as_string() != ""))).scalars().all()
    theirs = {(PHONE, p) for p in phones} | {(EMAIL, e) for e in emails}
    visits = [row for row in visits if row.values.get("voter_id") == public_id or person_pairs(
        campaign.phone_region, row.values.get("person_phone"), row.values.get("person_email")) & theirs]
    return [*relationships, *conversations, *visits]


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
