import tempfile

from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest import abort

from server.basemaps import service
from server.basemaps.archive import Archive, BadArchive, OutsideBasemap, TooManyTiles, write_extract
from server.basemaps.schemas import BasemapSchema, ExtractArgsSchema
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.request_input import upload
from server.scoping import current_campaign, current_user_id, requires_role

blp = Blueprint("basemaps", __name__, url_prefix="/api/campaigns/<int:campaign_id>/basemap",
                description="The campaign's basemap: a PMTiles archive of its area, for maps with no paid provider.")

PMTILES = "application/vnd.pmtiles"
NO_BASEMAP = "This campaign has no basemap yet: an organizer can upload one (docs/maps.md)."
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _basemap():
    basemap = service.current(current_campaign())
    if basemap is None:
        abort(404, message=NO_BASEMAP)
    return basemap


@blp.route("")
class Basemap(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, BasemapSchema)
    @blp.links(200, ReadFile=("get", "/file", {}), ReadExtract=("get", "/extract", {}))
    def get(self):
        """What the campaign's basemap covers: bounds, zooms, tile type, size, when it was uploaded.

        :raise 404: when the campaign has none.
        """
        return _basemap()

    @requires_role(Role.ORGANIZER)
    @upload("BASEMAP_MAX_BYTES")
    @blp.doc(requestBody={"required": True, "content": {PMTILES: BINARY, "application/octet-stream": BINARY}})
    @blp.response(200, BasemapSchema)
    @blp.errors(413, 422)  # the body is raw bytes, not a schema's: the errors a body brings, said here
    def put(self):
        """Upload the campaign's basemap, a PMTiles v3 archive as the body; it replaces the one before.

        :raise 422: when the body is not a PMTiles v3 archive of vector or raster tiles (the message says why).
        """
        try:
            received = service.receive(request.stream, current_app.config["BASEMAP_MAX_BYTES"])
            return service.install(current_campaign(), received, current_user_id())
        except BadArchive as exc:
            abort(422, message=str(exc), errors={"body": [str(exc)]})
        except service.TooLarge as exc:
            abort(413, message=str(exc))


@blp.route("/file")
class BasemapFile(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.response(200, BINARY["schema"], content_type=PMTILES)
    @blp.alt_response(206, schema=BINARY["schema"], content_type=PMTILES,
                      description="The bytes a Range header asked for.")
    @blp.errors(416)
    def get(self):
        """The whole archive; send a Range header to read part of it (206), as a map reading it in place does.

        :raise 404: when the campaign has none.
        """
        basemap = _basemap()
        response = send_file(service.path_of(basemap), mimetype=PMTILES, conditional=True, etag=True,
                             max_age=0)
        response.headers["Cache-Control"] = "private, no-cache"  # members only; revalidate by ETag
        return response


@blp.route("/extract")
class BasemapExtract(MethodView):
    @requires_role(Role.VOLUNTEER)
    @blp.arguments(ExtractArgsSchema, location="query")
    @blp.response(200, BINARY["schema"], content_type=PMTILES)
    def get(self, args):
        """A small PMTiles archive of the tiles covering the box at every zoom the basemap has, for a phone to keep.

        :raise 404: when the campaign has none.
        :raise 422: when the box is outside the basemap or covers more tiles than an extract may hold.
        """
        basemap = _basemap()
        out = tempfile.TemporaryFile()
        try:
            with open(service.path_of(basemap), "rb") as file, Archive(file) as archive:
                write_extract(archive, args["bbox"], current_app.config["BASEMAP_EXTRACT_MAX_TILES"], out)
        except (OutsideBasemap, TooManyTiles) as exc:
            out.close()
            abort(422, message=str(exc), errors={"query": {"bbox": [str(exc)]}})
        out.seek(0)
        response = send_file(out, mimetype=PMTILES, download_name="extract.pmtiles", max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response
