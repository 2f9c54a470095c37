"""A volunteer's own rights over what the server holds: download it all, and delete their account."""

import csv
import io
import json
import zipfile

from sqlalchemy import delete, or_, select

from server.audit.models import AuditEvent, record
from server.auth.models import PasswordReset, User
from server.auth.tokens import sign_out_everywhere
from server.campaigns import service as campaigns
from server.campaigns.models import DepartedRecords, Membership
from server.columns import utcnow
from server.dashboard import rollup
from server.extensions import db
from server.surveys.models import DoorAnswer
from server.sync_api.models import SyncHistory, SyncRecord
from sync.entities import DOOR_VISIT, ENTITIES


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def my_data(user: User) -> dict:
    """Everything the server holds that ``user`` wrote or that is about them, as plain JSON values."""
    memberships = user.memberships
    records = db.session.execute(select(SyncRecord).where(SyncRecord.owner_id == user.id)
                                 .order_by(SyncRecord.campaign_id, SyncRecord.id)).scalars().all()
    history = db.session.execute(select(SyncRecord.entity_id, SyncHistory).join(
        SyncHistory, SyncHistory.record_id == SyncRecord.id).where(SyncRecord.owner_id == user.id)
        .order_by(SyncHistory.id)).all()
    about = or_(AuditEvent.actor_id == user.id,
                (AuditEvent.target_type == "user") & (AuditEvent.target_id == str(user.id)),
                (AuditEvent.target_type == "membership")
                & AuditEvent.target_id.in_([str(m.id) for m in memberships]))
    events = db.session.execute(select(AuditEvent).where(about).order_by(AuditEvent.id)).scalars().all()
    data = {
        "account": {"id": user.id, "email": user.email, "display_name": user.display_name,
                    "language": user.language, "created_at": _when(user.created_at)},
        "memberships": [{"campaign_id": m.campaign_id, "campaign": m.campaign.name, "role": m.role.value,
                         "active": m.active, "joined_at": _when(m.created_at)} for m in memberships],
    }
    for name in ENTITIES:
        data[f"{name}s"] = [{"id": str(r.entity_id), "campaign_id": r.campaign_id, "deleted": r.deleted,
                             "created_at": _when(r.created_at), "updated_at": _when(r.updated_at), **r.values}
                            for r in records if r.entity == name]
    data["earlier_values"] = [{"record_id": str(entity_id), "field": h.field, "value": h.losing_value,
                               "replaced_at": _when(h.at)} for entity_id, h in history]
    data["audit_events"] = [{"campaign_id": e.campaign_id, "action": e.action, "target_type": e.target_type,
                             "target_id": e.target_id, "by_you": e.actor_id == user.id, "details": e.details,
                             "at": _when(e.at)} for e in events]
    return data


def my_data_zip(user: User) -> bytes:
    """``my_data`` as one JSON file and one CSV file per list, zipped."""
    data = my_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kin-my-data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for name, rows in data.items():
            rows = [rows] if isinstance(rows, dict) else rows
            columns = list(dict.fromkeys(key for row in rows for key in row))
            text = io.StringIO()
            writer = csv.DictWriter(text, columns)
            writer.writeheader()
            writer.writerows({key: json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list))
                              else value for key, value in row.items()} for row in rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


def delete_account(user: User) -> None:
    """Delete the account: it leaves every campaign (audited, no personal data), each campaign keeps what they
    logged without a name or deletes it, as its owners chose; their name, e-mail and password go, and no token
    is accepted after. The caller commits.

    :raise 409: when they are the last active owner of a campaign.
    """
    for membership in db.session.execute(select(Membership).where(
            Membership.user_id == user.id).order_by(Membership.campaign_id)).scalars().all():
        mode = membership.campaign.departed_records
        if membership.active:
            campaigns.leave(membership)
        deleted = _delete_records(membership) if mode is DepartedRecords.DELETE else 0
        record(membership.campaign_id, user.id, "account.deleted", "membership", membership.id,
               records=mode.value, deleted=deleted)
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    sign_out_everywhere(user)
    user.display_name, user.email, user.password_hash = "", f"deleted-{user.id}@deleted.invalid", ""
    user.deleted_at = utcnow()


def _delete_records(membership: Membership) -> int:
    """Delete what the member logged in their campaign (the read models and history go with each record), then
    count the dashboard again without it."""
    campaign_id, owned = membership.campaign_id, (SyncRecord.campaign_id == membership.campaign_id,
                                                  SyncRecord.owner_id == membership.user_id)
    visits = select(SyncRecord.entity_id).where(*owned, SyncRecord.entity == DOOR_VISIT.name)
    db.session.execute(delete(DoorAnswer).where(DoorAnswer.campaign_id == campaign_id,
                                                DoorAnswer.visit_id.in_(visits)))
    count = db.session.execute(delete(SyncRecord).where(*owned)).rowcount
    if count:
        rollup.rebuild(campaign_id)
    return count
