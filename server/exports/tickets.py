"""Download tickets: an organizer's bearer-token POST buys a URL that a plain browser GET can open once, within a
minute, so the browser streams the export straight to disk (Content-Disposition: attachment) instead of the page
fetching the whole file into a Blob. The URL is the credential: 256 random bits, only its SHA-256 stored, bound to
one campaign and one export's options, dead after its first use or its minute, and honoured only while its maker
is still an organizer or owner of the campaign."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from server.campaigns.models import Membership, Role
from server.columns import utcnow
from server.exports.models import DownloadTicket, ExportKind
from server.extensions import db

TICKET_SECONDS = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(membership: Membership, kind: ExportKind, since: str | None, with_notes: bool) -> tuple[str, DownloadTicket]:
    """A new ticket and its token (the only copy), committed."""
    token = secrets.token_urlsafe(32)
    ticket = DownloadTicket(campaign_id=membership.campaign_id, created_by_id=membership.user_id,
                            token_hash=_hash(token), kind=kind, since=since, with_notes=with_notes,
                            expires_at=utcnow() + timedelta(seconds=TICKET_SECONDS))
    prune()
    db.session.add(ticket)
    db.session.commit()
    return token, ticket


def redeem(campaign_id: int, token: str) -> tuple[DownloadTicket, Membership] | None:
    """Use the ticket up and answer it with its maker's membership; None for a token that is unknown, another
    campaign's, expired, already used, or whose maker is no longer an active organizer or owner here. Marking it
    used is one conditional UPDATE, so two requests racing for one ticket cannot both win."""
    if len(token) > 100:
        return None
    now = utcnow()
    won = db.session.execute(update(DownloadTicket).where(
        DownloadTicket.token_hash == _hash(token), DownloadTicket.campaign_id == campaign_id,
        DownloadTicket.used_at.is_(None), DownloadTicket.expires_at > now).values(used_at=now))
    db.session.commit()
    if won.rowcount != 1:
        return None
    ticket = db.session.execute(select(DownloadTicket).where(
        DownloadTicket.token_hash == _hash(token))).scalar_one()
    membership = db.session.execute(select(Membership).where(
        Membership.campaign_id == campaign_id, Membership.user_id == ticket.created_by_id,
        Membership.active.is_(True))).scalar_one_or_none()
    if membership is None or not membership.role.at_least(Role.ORGANIZER):
        return None
    return ticket, membership


def prune() -> None:
    """Drop tickets that can no longer be used (called when one is issued, so the table stays small)."""
    db.session.execute(DownloadTicket.__table__.delete().where(DownloadTicket.expires_at < utcnow() - timedelta(
        hours=1)))
