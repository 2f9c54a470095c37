from flask import request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import RAISE, Schema, fields, validate

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.errors import UpgradeRequired
from server.observability import metrics
from server.replica import counter_caught_up, replica_reads
from server.scoping import current_membership, requires_role
from server.sync_api import service
from server.voters.schemas import VoterCardSchema
from sync.entities import UUID
from sync.errors import ProtocolError, UnsupportedProtocol
from sync.protocol import (
    MAX_CURSOR_DIGITS,
    MAX_OPS,
    MAX_PULL_LIMIT,
    SUPPORTED_PROTOCOLS,
    change_json_schema,
    op_json_schema,
    parse_batch,
    parse_pull,
    pull_json,
    result_json_schema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/campaigns/<int:campaign_id>",
                description="Offline sync: push and pull (docs/sync.md).")

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
        metrics.SYNC_REQUESTS.labels("push").inc()
        for result in results:
            metrics.SYNC_OPS.labels(str(result.status)).inc()
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
        membership = current_membership()
        # from the replica only once it holds every change the primary had committed: never less than the primary
        with replica_reads(caught_up=counter_caught_up(membership.campaign_id)):
            page = pull_json(service.pull(membership, cursor, limit), cursor=cursor, limit=limit)
            voters = service.voter_cards(membership.campaign_id, page["changes"])
        metrics.SYNC_REQUESTS.labels("pull").inc()
        return {**page, "voters": voters}
