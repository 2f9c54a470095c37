import base64
import binascii

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

import oprf
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.fields import BulkList, Id
from server.matching import service
from server.matching.keys import NotReady
from server.matching.models import MAX_PREFIX_BITS, TAG_BYTES
from server.observability import metrics
from server.scoping import current_campaign, current_membership, requires_role
from server.voters.schemas import VoterCardSchema

blp = Blueprint("matching", __name__, url_prefix="/api/campaigns/<int:campaign_id>/match",
                description="Private contact matching (docs/privacy.md): blinded elements in, voter cards out "
                            "only for the tags the phone found.")


class Base64Bytes(fields.String):
    """Standard base64 of exactly ``size`` bytes."""

    def __init__(self, size: int, **kwargs):
        length = 4 * ((size + 2) // 3)
        padding = "=" * (-size % 3)
        pattern = f"^[A-Za-z0-9+/]{{{length - len(padding)}}}{padding}$"
        super().__init__(metadata={"pattern": pattern, "description": f"{size} bytes, base64."}, **kwargs)
        self.size = size

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else base64.b64encode(value).decode()

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            raw = base64.b64decode(super()._deserialize(value, attr, data, **kwargs), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError("Not base64.") from exc
        if len(raw) != self.size:
            raise ValidationError(f"Not {self.size} bytes.")
        return raw


class PackedBytes(fields.String):
    """Standard base64 of 1 to ``most`` items of ``size`` bytes joined end to end: one string to decode instead of
    one per item."""

    def __init__(self, size: int, most: int, **kwargs):
        super().__init__(metadata={"description": f"1 to {most:,} items of {size} bytes, joined, in base64."},
                         **kwargs)
        self.size, self.most = size, most

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            raw = base64.b64decode(super()._deserialize(value, attr, data, **kwargs), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError("Not base64.") from exc
        if len(raw) % self.size or not 1 <= len(raw) // self.size <= self.most:
            raise ValidationError(f"Not 1 to {self.most} whole items of {self.size} bytes.")
        return raw


LISTED_OR_PACKED = [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]  # in OpenAPI


class ListedOrPacked(fields.Field):
    """A long list as protocol 1 sends it (``listed``, a JSON array) or as protocol 2 does (``packed``, one string),
    told apart by the value's JSON type; the schema checks that it is the request's protocol's."""

    def __init__(self, listed: fields.Field, packed: fields.Field, description: str, **kwargs):
        super().__init__(metadata={"description": description, "oneOf": LISTED_OR_PACKED}, **kwargs)
        self.listed, self.packed = listed, packed

    def _bind_to_schema(self, field_name, parent):
        super()._bind_to_schema(field_name, parent)
        for inner in (self.listed, self.packed):
            inner._bind_to_schema(field_name, self)

    def _deserialize(self, value, attr, data, **kwargs):
        field = self.packed if isinstance(value, str) else self.listed
        return field.deserialize(value, attr, data, **kwargs)


def _decoder(size: int):
    """Base64Bytes(size) over a whole list at once (BulkList); any bad item sends the list through the field."""

    def decode(values: list) -> list[bytes]:
        raw = [base64.b64decode(value, validate=True) for value in values if type(value) is str]
        if len(raw) != len(values) or any(len(each) != size for each in raw):
            raise ValueError("not a list of base64 strings of the size")
        return raw

    return decode


def _bucket_numbers(values: list) -> list[int]:
    """Bucket numbers over a whole list at once (BulkList): whole numbers from 0 to 2^MAX_PREFIX_BITS - 1."""
    if not all(type(value) is int and 0 <= value < 1 << MAX_PREFIX_BITS for value in values):
        raise ValueError("not a list of bucket numbers")
    return values


class Strict(Schema):
    class Meta:
        unknown = RAISE

    key_version = Id(required=True)


class StatusSchema(Schema):
    key_version = fields.Integer()
    prefix_bits = fields.Integer(metadata={"description": "Bits of a tag that name its bucket."})
    max_per_call = fields.Integer(metadata={"description": "Most blinded elements or tags in one request."})
    buckets_per_call = fields.Integer(metadata={
        "description": "Most bucket numbers in one request: fewer as the campaign's buckets hold more tags, so an "
                       "answer stays well under 1 MB."})
    elements_left = fields.Integer(metadata={"description": "Blinded elements this volunteer may still send today."})
    cards_left = fields.Integer(metadata={"description": "Voter cards this volunteer may still see today."})
    resets_at = fields.AwareDateTime()


LISTED, PACKED = 1, 2  # the protocols: one base64 string per element or tag, or one per call (evaluate) or bucket


class EvaluateSchema(Strict):
    # phones from before protocol 2 send no protocol and a list: they keep getting a list until they update
    protocol = fields.Integer(strict=True, load_default=LISTED, validate=validate.OneOf([LISTED, PACKED]),
                              metadata={"description": "2: the elements packed in one string, and the answer too; "
                                                       "1 (the default, for phones that predate it): lists."})
    blinded = ListedOrPacked(
        BulkList(Base64Bytes(oprf.ELEMENT_SIZE), _decoder(oprf.ELEMENT_SIZE),
                 validate=validate.Length(min=1, max=service.MAX_PER_CALL)),
        PackedBytes(oprf.ELEMENT_SIZE, service.MAX_PER_CALL),
        f"Protocol 2: one base64 string of the {oprf.ELEMENT_SIZE}-byte blinded elements joined; protocol 1: a list "
        f"of base64 elements. 1 to {service.MAX_PER_CALL:,} elements.", required=True)

    @validates_schema
    def _protocol_matches_blinded(self, data, **kwargs):
        if isinstance(data["blinded"], bytes) != (data["protocol"] == PACKED):
            raise ValidationError("Protocol 2 sends one base64 string; protocol 1 a list.", "blinded")


class EvaluatedSchema(Schema):
    key_version = fields.Integer()
    # built as base64 already, as buckets' answer is: no field call per element
    evaluated = fields.Raw(metadata={
        "oneOf": LISTED_OR_PACKED,
        "description": "The evaluated elements in the order sent. Protocol 2: one base64 string of them joined; "
                       "protocol 1: a list of base64 elements."})


class BucketsSchema(Strict):
    # phones from before protocol 2 send no protocol and read lists: they keep getting them until they update
    protocol = fields.Integer(strict=True, load_default=LISTED, validate=validate.OneOf([LISTED, PACKED]),
                              metadata={"description": "2: each bucket's tags packed in one string; 1 (the default, "
                                                       "for phones that predate it): a list of tags."})
    prefixes = BulkList(fields.Integer(strict=True, validate=validate.Range(min=0, max=2**MAX_PREFIX_BITS - 1)),
                        _bucket_numbers, required=True,
                        validate=validate.Length(min=1, max=service.MOST_BUCKETS_PER_CALL),
                        metadata={"description": "At most the status's buckets_per_call."})


class BucketsResultSchema(Schema):
    # built as base64 already, keyed by text: a field call per bucket or tag would cost more than finding the tags
    buckets = fields.Dict(metadata={
        "description": f"Bucket number -> its tags. Protocol 2: one base64 string of the bucket's "
                       f"{TAG_BYTES}-byte tags joined in order; protocol 1: a list of base64 tags."})


class CardsSchema(Strict):
    tags = BulkList(Base64Bytes(TAG_BYTES), _decoder(TAG_BYTES), required=True,
                    validate=validate.Length(min=1, max=service.MAX_PER_CALL))


class MatchCardSchema(Schema):
    voter = fields.Nested(VoterCardSchema)
    tags = fields.List(Base64Bytes(TAG_BYTES), metadata={"description": "The asked-for tags of this voter."})
    strength = fields.String(metadata={"description": "phone, email or both"})


class Prebuilt(fields.Nested):
    """Documented as ``nested``, passed through as it is: the view builds the value in that shape already, so no
    schema runs per voter card and per tag."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class CardsResultSchema(Schema):
    cards = Prebuilt(MatchCardSchema, many=True)


NOT_READY_RETRY_SECONDS = 60


def _answer(call):
    """The service's refusals as HTTP: 409 for a rotated key, and while the campaign's first tag table is built
    (then ``errors.ready`` says how far, in percent: a state to wait out, not a server fault), 429 past the quota."""
    try:
        return call()
    except NotReady as exc:
        abort(409, message=str(exc), errors={"ready": [str(exc.percent)]},
              headers={"Retry-After": str(NOT_READY_RETRY_SECONDS)})
    except service.StaleKey as exc:
        abort(409, message=str(exc), errors={"key_version": [str(exc)]})
    except service.QuotaExceeded as exc:
        metrics.MATCHING_REFUSALS.inc()
        abort(429, message=str(exc), errors={"remaining": [str(exc.remaining)]},
              headers={"Retry-After": str(exc.retry_after)})


@blp.route("")
class MatchStatus(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, StatusSchema)
    @blp.errors(409)
    def get(self):
        """The key version and bucket size to match with, and what is left of today's quota."""
        return _answer(lambda: service.status(current_campaign(), current_membership()))


@blp.route("/evaluate")
class Evaluate(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(EvaluateSchema)
    @blp.response(200, EvaluatedSchema)
    @blp.errors(409, 429)
    def post(self, args):
        """BlindEvaluate up to 2,500 blinded elements; each counts against the volunteer's daily quota.
        Protocol 2 sends and gets them packed in one base64 string; protocol 1 as lists."""
        packed = args["protocol"] == PACKED
        blinded = args["blinded"] if packed else b"".join(args["blinded"])
        try:
            evaluated = _answer(lambda: service.evaluate(
                current_campaign(), current_membership(), args["key_version"], blinded))
        except oprf.InvalidElement as exc:  # named by its place in the list, as a malformed one is
            abort(422, message="A blinded element is not a valid group element.",
                  errors={"blinded": {str(exc.index): [str(exc)]}})
        if packed:
            return {"key_version": args["key_version"], "evaluated": base64.b64encode(evaluated).decode()}
        return {"key_version": args["key_version"],
                "evaluated": [base64.b64encode(evaluated[at:at + oprf.ELEMENT_SIZE]).decode()
                              for at in range(0, len(evaluated), oprf.ELEMENT_SIZE)]}


@blp.route("/buckets")
class Buckets(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(BucketsSchema)
    @blp.response(200, BucketsResultSchema)
    @blp.errors(409, 429)
    def post(self, args):
        """Every tag in each asked-for bucket (the first ``prefix_bits`` bits of a tag); packed in protocol 2."""
        try:
            found = _answer(lambda: service.buckets(current_campaign(), args["key_version"], args["prefixes"]))
        except service.NotABucket as exc:
            abort(422, message=str(exc), errors={"prefixes": [str(exc)]})
        if args["protocol"] == PACKED:  # one encode per bucket, not 54,000 strings for 2,000 contacts
            return {"buckets": {str(prefix): base64.b64encode(tags).decode() for prefix, tags in found.items()}}
        return {"buckets": {str(prefix): [base64.b64encode(tags[at:at + TAG_BYTES]).decode()
                                          for at in range(0, len(tags), TAG_BYTES)]
                            for prefix, tags in found.items()}}


@blp.route("/cards")
class Cards(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(CardsSchema)
    @blp.response(200, CardsResultSchema)
    @blp.errors(409, 429)
    def post(self, args):
        """The voter card behind each tag that exists, with how strongly it matched; counts against the card quota."""
        cards = _answer(lambda: service.cards(current_campaign(), current_membership(), args["key_version"],
                                              args["tags"]))
        return {"cards": [{"voter": card.voter, "tags": [base64.b64encode(tag).decode() for tag in card.tags],
                           "strength": card.strength} for card in cards]}
