import json
import uuid
from datetime import date, datetime, time

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import String, cast, select

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.errors import UpgradeRequired
from server.extensions import db
from server.fields import Id
from server.pagination import QueryPage
from server.scoping import current_campaign, current_membership, requires_role
from server.sync_api import service
from server.sync_api.models import SyncRecord
from server.voters.schemas import VoterCardSchema
from sync.entities import CONVERSATION, UUID
from sync.errors import ProtocolError, UnsupportedProtocol
from sync.protocol import (
    MAX_CURSOR_DIGITS,
    MAX_OPS,
    MAX_PULL_LIMIT,
    SUPPORTED_PROTOCOLS,
    Status,
    change_json_schema,
    op_json_schema,
    parse_batch,
    parse_pull,
    pull_json,
    result_json_schema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/campaigns/<int:campaign_id>",
                description="Offline sync (push and pull; see docs/sync.md) and the organizers' review of logs.")

UPDATE_THE_APP = ("This version of the app is too old for the server; reload it to update. "
                  "Your changes are kept on this phone.")


class PushSchema(Schema):
    """The envelope; ``sync.protocol.parse_batch`` checks each op and names the bad field."""

    class Meta:
        unknown = RAISE

    protocol = fields.Integer(required=True, strict=True, metadata={
        "enum": sorted(SUPPORTED_PROTOCOLS), "description": "The protocol the phone speaks; another one is 426."})
    device_id = fields.String(required=True, metadata={"pattern": f"^{UUID.pattern}$"})
    ops = fields.List(fields.Raw(metadata=op_json_schema()), required=True, validate=validate.Length(max=MAX_OPS))


class PushResultSchema(Schema):
    results = fields.List(fields.Raw(metadata=result_json_schema()), required=True,
                          metadata={"description": "One per op sent, in order."})


class PullSchema(Schema):
    changes = fields.List(fields.Raw(metadata=change_json_schema()), required=True)
    voters = fields.Dict(keys=fields.String(), values=fields.Nested(VoterCardSchema), required=True,
                         metadata={"description": "The card of each voter the changes refer to, by public id."})
    cursor = fields.String(required=True)
    more = fields.Boolean(required=True)


PULL_PARAMETERS = [  # read by sync.protocol.parse_pull itself, so that sync/ owns the protocol's checks
    {"name": "protocol", "in": "query", "required": True,
     "schema": {"type": "integer", "enum": sorted(SUPPORTED_PROTOCOLS)},
     "description": "The protocol the phone speaks; another one is answered 426."},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": f"^[0-9]{{0,{MAX_CURSOR_DIGITS}}}$"},
     "description": "The cursor of the last page read; none for the first."},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PULL_LIMIT}},
]


def _protocol_errors(call, location: str):
    try:
        return call()
    except UnsupportedProtocol as exc:
        raise UpgradeRequired(UPDATE_THE_APP) from exc
    except ProtocolError as exc:
        abort(422, errors={location: {exc.field or "_schema": [str(exc)]}})


@blp.route("/sync/push")
class Push(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(PushSchema)
    @blp.response(200, PushResultSchema)
    @blp.errors(426)
    @blp.links(200, ReadConversation=("get", "/conversations/{conversation_id}",
                                      {"conversation_id": "$request.body#/ops/0/entity_id"}),
               ReviewConversation=("patch", "/conversations/{conversation_id}",
                                   {"conversation_id": "$request.body#/ops/0/entity_id"}))
    def post(self, _envelope):
        """Apply a batch of ops from a phone: one result per op, in order; an op is applied at most once."""
        batch, early = _protocol_errors(lambda: parse_batch(request.get_json(), now_ms=service.now_ms()), "json")
        results = service.push(current_membership(), batch, early)
        return {"results": [result.to_json() for result in results]}


@blp.route("/sync/pull")
class Pull(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, PullSchema)
    @blp.doc(parameters=PULL_PARAMETERS)
    @blp.errors(422, 426)
    def get(self):
        """The caller's records changed since ``cursor`` (with organizers' replies), oldest first, paged."""
        cursor, limit = _protocol_errors(lambda: parse_pull(request.args), "query")
        page = pull_json(service.pull(current_membership(), cursor, limit), cursor=cursor, limit=limit)
        return {**page, "voters": service.voter_cards(current_campaign().id, page["changes"])}


class ConversationSchema(Schema):
    id = fields.UUID(attribute="entity_id")
    volunteer_id = fields.Integer(attribute="owner_id")
    volunteer_name = fields.Function(lambda row: row.owner.display_name)
    version = fields.Integer()
    deleted = fields.Boolean()
    fields_ = fields.Dict(data_key="fields", attribute="values")
    updated_at = fields.AwareDateTime()


class ConversationFilterSchema(Schema):
    volunteer_id = Id(strict=False)  # a query string's values are text
    since = fields.Date(metadata={"description": "Conversations on or after this day."})
    until = fields.Date(metadata={"description": "Conversations on or before this day."})
    support = fields.Integer(validate=validate.Range(min=1, max=5))
    issue = fields.String(validate=validate.Length(min=1, max=40))
    reviewed = fields.Boolean()


class ReviewSchema(Schema):
    reviewed = fields.Boolean()
    review_reply = fields.String(validate=validate.Length(max=2000))
    flagged_for_follow_up = fields.Boolean()


def _day_start(day: date) -> str:
    return datetime.combine(day, time.min).isoformat()


@blp.route("/conversations")
class Conversations(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(ConversationFilterSchema, location="query")
    @blp.response(200, ConversationSchema(many=True))
    @blp.paginate(QueryPage)
    @blp.links(200, ReadConversation=("get", "/conversations/{conversation_id}",
                                      {"conversation_id": "$response.body#/0/id"}),
               ReviewConversation=("patch", "/conversations/{conversation_id}",
                                   {"conversation_id": "$response.body#/0/id"}))
    def get(self, args):
        """Volunteers' logged conversations, newest change first, filtered and paged."""
        values = SyncRecord.values
        stmt = select(SyncRecord).where(SyncRecord.campaign_id == current_campaign().id,
                                        SyncRecord.entity == CONVERSATION.name, SyncRecord.deleted.is_(False))
        if "volunteer_id" in args:
            stmt = stmt.where(SyncRecord.owner_id == args["volunteer_id"])
        # happened_at is ISO 8601 text, so day bounds compare as strings (the phone's own offset aside)
        if "since" in args:
            stmt = stmt.where(values["happened_at"].as_string() >= _day_start(args["since"]))
        if "until" in args:
            stmt = stmt.where(values["happened_at"].as_string() < _day_start(args["until"]) + "~")
        if "support" in args:
            stmt = stmt.where(values["support"].as_integer() == args["support"])
        if "reviewed" in args:
            reviewed = values["reviewed"].as_boolean()
            stmt = stmt.where(reviewed.is_(True) if args["reviewed"] else reviewed.isnot(True))
        if "issue" in args:
            stmt = stmt.where(cast(values["issue_tags"], String).contains(json.dumps(args["issue"])))
        return stmt.order_by(SyncRecord.seq.desc())


def _conversation(conversation_id: uuid.UUID) -> SyncRecord:
    row = SyncRecord.get_in_campaign(conversation_id, current_campaign(), by="entity_id")
    if row.entity != CONVERSATION.name:
        abort(404, message="No such conversation.")
    return row


@blp.route("/conversations/<uuid:conversation_id>")
class ConversationById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, ConversationSchema)
    def get(self, conversation_id):
        """One logged conversation with its review."""
        return _conversation(conversation_id)

    @requires_role(Role.ORGANIZER)
    @blp.arguments(ReviewSchema)
    @blp.response(200, ConversationSchema)
    def patch(self, review, conversation_id):
        """Review a conversation: mark it reviewed, reply to the volunteer, flag it for follow-up. The change
        reaches the volunteer's phone on its next pull."""
        row = _conversation(conversation_id)
        if not review:
            abort(422, errors={"json": {"_schema": ["Give reviewed, review_reply or flagged_for_follow_up."]}})
        result = service.apply_review(current_membership(), CONVERSATION.name, str(row.entity_id), review)
        if result.status is Status.REJECTED:
            abort(422, errors={"json": dict(result.errors)})
        db.session.commit()
        return db.session.get(SyncRecord, row.id, populate_existing=True)

