from datetime import timedelta

from flask.views import MethodView
from flask_smorest import abort

from server.audit.models import record
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.canvass import corrections, quality, turfmap, turfs
from server.canvass.models import Turf
from server.canvass.schemas import (
    CanvasserQuerySchema,
    CanvasserSchema,
    CorrectionSchema,
    CountSchema,
    CutResultSchema,
    PolygonSchema,
    PrecinctSchema,
    StreetSchema,
    TakeSchema,
    TurfAutoSchema,
    TurfChangeSchema,
    TurfCutSchema,
    TurfListQuerySchema,
    TurfMapSchema,
    TurfSchema,
    WalkListSchema,
)
from server.canvass.walklist import walk_list
from server.columns import utcnow
from server.extensions import db
from server.scoping import current_campaign, current_membership, requires_role

blp = Blueprint("turfs", __name__, url_prefix="/api/campaigns/<int:campaign_id>/turfs",
                description="Door to door: cutting turfs, handing them to volunteers, their walk lists and progress.")


def _organizer() -> bool:
    return current_membership().role.at_least(Role.ORGANIZER)


def _shown(rows: list[dict]) -> list[dict]:
    """Turf rows with the take link for organizers only (a volunteer holding a turf has no use for it)."""
    organizer = _organizer()
    return [{**row, "organizer": organizer} for row in rows]


def _cut_answer(result: turfs.Cut) -> dict:
    return {"turfs": _shown(turfs.describe(result.turfs)), "left_out": result.left_out, "balance": result.balance}


@blp.route("")
class Turfs(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(TurfListQuerySchema, location="query")
    @blp.response(200, TurfSchema(many=True))
    def get(self, query):
        """Organizers: every live turf (and expired ones with ``expired=true``), newest first, with progress. A
        volunteer: the turfs they hold."""
        return _shown(turfs.listing(current_campaign(), current_membership(), query["expired"]))

    @requires_role(Role.ORGANIZER)
    @blp.arguments(TurfCutSchema)
    @blp.response(201, CutResultSchema)
    @blp.errors(409)
    def post(self, data):
        """Cut one turf from a precinct, streets or a polygon: the doors there not already in a live turf."""
        result = turfs.cut_turf(current_campaign(), current_membership(), data)
        _audit_cut(result)
        db.session.commit()
        return _cut_answer(result)


@blp.route("/auto")
class AutoCut(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(TurfAutoSchema)
    @blp.response(201, CutResultSchema)
    @blp.errors(409)
    def post(self, data):
        """Cut ``count`` turfs of balanced door counts from a universe's doors not already in a live turf."""
        result = turfs.cut_automatically(current_campaign(), current_membership(), data)
        _audit_cut(result)
        db.session.commit()
        return _cut_answer(result)


def _audit_cut(result: turfs.Cut) -> None:
    for turf in result.turfs:
        record(turf.campaign_id, current_membership().user_id, "turf.cut", "turf", turf.id, doors=turf.doors,
               cut=turf.cut)


@blp.route("/streets")
class Streets(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, StreetSchema(many=True))
    def get(self):
        """The campaign's streets (a street within a ZIP) with their doors and voters, to pick a turf from."""
        return turfs.streets(current_campaign())


@blp.route("/precincts")
class Precincts(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, PrecinctSchema(many=True))
    def get(self):
        """The voter file's precincts with their doors and voters."""
        return turfs.precincts(current_campaign())


@blp.route("/canvassers")
class Canvassers(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(CanvasserQuerySchema, location="query")
    @blp.response(200, CanvasserSchema(many=True))
    def get(self, query):
        """Each volunteer's doors, contacts and pace over the last days, with the signals worth a word with them
        (far faster than the others, someone at every door)."""
        return quality.canvassers(current_campaign().id, utcnow() - timedelta(days=query["days"]))


@blp.route("/corrections")
class Corrections(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, CorrectionSchema(many=True))
    def get(self):
        """Addresses volunteers found wrong at the door, newest first (at most 200): to fix in the voter file."""
        return corrections.corrections(current_campaign().id)


@blp.route("/count")
class PolygonCount(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(PolygonSchema)
    @blp.response(200, CountSchema)
    def post(self, data):
        """Doors and voters inside a polygon, quick enough to count live while it is drawn."""
        return turfs.count_in_polygon(current_campaign(), data["polygon"])


@blp.route("/map")
class TurfMap(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, TurfMapSchema)
    def get(self):
        """The console's map: the campaign's doors by building and each live turf's outline."""
        return turfmap.map_of(current_campaign())


@blp.route("/take")
class Take(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(TakeSchema)
    @blp.response(200, TurfSchema)
    @blp.errors(409, 410)
    def post(self, data):
        """Take the turf of a take link (its QR code): it becomes the caller's, unless someone holds it."""
        turf = turfs.take(current_campaign(), current_membership(), data["token"])
        db.session.commit()
        return _shown(turfs.describe([turf]))[0]


@blp.route("/<int:turf_id>")
class TurfById(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, TurfSchema)
    def get(self, turf_id):
        """One turf with its progress; a volunteer sees only the turfs they hold."""
        turf = turfs.get_visible(current_campaign(), current_membership(), turf_id)
        return _shown(turfs.describe([turf]))[0]

    @requires_role(Role.ORGANIZER)
    @blp.arguments(TurfChangeSchema)
    @blp.response(200, TurfSchema)
    def patch(self, data, turf_id):
        """Rename a turf, assign it to a member (``holder_id``) or free it (null), or set when it expires."""
        turf = Turf.get_in_campaign(turf_id, current_campaign())
        if "name" in data:
            turf.name = data["name"]
        if "holder_id" in data:
            turfs.assign(turf, data["holder_id"])
            record(turf.campaign_id, current_membership().user_id, "turf.assigned", "turf", turf.id,
                   holder=turf.holder_id)
        if "days" in data:
            turf.expires_at = utcnow() + timedelta(days=data["days"])
        db.session.commit()
        return _shown(turfs.describe([turf]))[0]

    @requires_role(Role.ORGANIZER)
    @blp.response(204)
    def delete(self, turf_id):
        """Delete a turf; its doors are free for another. The door visits made there stay."""
        turf = Turf.get_in_campaign(turf_id, current_campaign())
        record(turf.campaign_id, current_membership().user_id, "turf.deleted", "turf", turf.id)
        db.session.delete(turf)
        db.session.commit()


@blp.route("/<int:turf_id>/walk-list")
class WalkList(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.etag
    @blp.response(200, WalkListSchema)
    @blp.errors(410)
    def get(self, turf_id):
        """The turf's doors in walk order with the voters' cards and the campaign's questions, for the phone to
        keep offline; its ETag is its ``version``. A volunteer gets only a turf they hold; nobody an expired one."""
        turf = turfs.get_visible(current_campaign(), current_membership(), turf_id)
        if turf.expired(utcnow()):
            abort(410, message="This turf has expired; ask an organizer for another.")
        answer = walk_list(current_campaign(), turf)
        blp.set_etag(answer["version"])
        return answer
