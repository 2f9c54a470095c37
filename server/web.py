"""Serves the PWA built into ``static/`` and sets the security headers every response carries."""

from flask import Blueprint, Flask, abort, current_app, request, send_from_directory
from werkzeug.exceptions import NotFound

from server import console
from server.extensions import api

bp = Blueprint("web", __name__)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
# Swagger UI's page starts itself with an inline script and styles itself inline
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")
# The matching worker compiles libsodium's WebAssembly, and a worker runs under the CSP of its own script's response
MATCHING_WORKER_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")


@bp.get("/", endpoint="home")
@bp.get("/signin", endpoint="signin")
@bp.get("/join/<code>", endpoint="join")
@bp.get("/reset", endpoint="reset_ask")
@bp.get("/reset/<token>", endpoint="reset")
@bp.get("/log", endpoint="log")
@bp.get("/log/<uuid:conversation_id>", endpoint="log_fix")
@bp.get("/contacts", endpoint="contacts")
@bp.get("/people", endpoint="people")
@bp.get("/people/<uuid:relationship_id>", endpoint="person")
@bp.get("/privacy", endpoint="privacy")
@bp.get("/doors", endpoint="doors")
@bp.get("/doors/<int:campaign_id>/<int:turf_id>", endpoint="walk_list")
@bp.get("/doors/<int:campaign_id>/<int:turf_id>/<uuid:household_id>", endpoint="door")
@bp.get("/doors/<int:campaign_id>/<int:turf_id>/print", endpoint="walk_sheet")
@bp.get("/doors/<int:campaign_id>/<int:turf_id>/paper", endpoint="paper_sheet")
@bp.get("/take/<int:campaign_id>/<token>", endpoint="take")
def app_shell(**_route_args):
    """The PWA's index.html for the paths it routes itself; the service worker caches it, not the browser."""
    response = send_from_directory(current_app.static_folder, "index.html")
    response.cache_control.no_cache = True
    return response


@bp.route("/api/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def no_such_api_path(_rest):
    """Under /api/, a path no route takes is a 404 whatever the method (the static files' catch-all route would
    answer 405 to all but GET)."""
    abort(404)


def _page_not_found(error: NotFound):
    """A person who follows a dead link gets the app, which says "page not found" in their language (with a 404
    status); programs, and anything under /api/, get the JSON error every other error has."""
    wants_page = request.method == "GET" and not request.path.startswith("/api/") and (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html")
    if not wants_page:
        return api.handle_http_exception(error)
    response = send_from_directory(current_app.static_folder, "index.html")
    response.cache_control.no_cache = True
    return response, 404


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(console.bp)
    app.register_error_handler(NotFound, _page_not_found)
    app.after_request(_security_headers)


def _security_headers(response):
    if response.direct_passthrough and response.mimetype in current_app.config["COMPRESS_MIMETYPES"]:
        # a static file: read it into the body (the file is closed with the response) so flask-compress,
        # whose after_request runs next, compresses it
        response.direct_passthrough = False
        response.make_sequence()
    headers = response.headers
    if request.path.startswith(current_app.config["OPENAPI_URL_PREFIX"] + "/docs"):
        headers.setdefault("Content-Security-Policy", DOCS_CSP)
    elif request.path == "/matching-worker.js":
        headers.setdefault("Content-Security-Policy", MATCHING_WORKER_CSP)
    else:
        headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path == "/sw.js":
        response.cache_control.no_cache = True
    if current_app.config["ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
