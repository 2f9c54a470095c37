"""Kin's web API and the server of its progressive web app."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import cli, errors, extensions, health, models, request_input, web  # noqa: F401 (models: the schema)
from server.audit import views as audit_views
from server.auth import tokens
from server.auth import views as auth_views
from server.basemaps import views as basemap_views
from server.campaigns import views as campaign_views
from server.canvass import views as turf_views
from server.config import load_config
from server.conversations import views as conversation_views
from server.dashboard import views as dashboard_views
from server.exports import views as export_views
from server.forget import views as forget_views
from server.matching import views as matching_views
from server.observability import init_app as observe
from server.preferences import views as preference_views
from server.privacy import views as privacy_views
from server.surveys import views as survey_views
from server.sync_api import views as sync_views
from server.voters import views as voter_views

STATIC = Path(__file__).resolve().parent.parent / "static"
BLUEPRINTS = (health.blp, auth_views.blp, campaign_views.blp, voter_views.blp, matching_views.blp, sync_views.blp,
              conversation_views.blp, dashboard_views.blp, export_views.blp, turf_views.blp,
              audit_views.blp, basemap_views.blp, survey_views.blp, forget_views.blp, privacy_views.blp,
              preference_views.blp)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Tests pass a dict; nothing reads the environment at import."""
    # the instance folder holds the SQLite file and development secrets; it must be known before config loads
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("KIN_INSTANCE_PATH")
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="", instance_path=instance_path)
    load_config(app, config)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    observe(app)  # first, so that every line logged while answering a request carries its id
    request_input.init_app(app)  # before any route: converters apply as rules are made
    extensions.init_app(app)
    errors.register_token_errors(extensions.jwt)
    tokens.init_app(app)
    for blp in BLUEPRINTS:
        extensions.api.register_blueprint(blp)
    web.init_app(app)
    cli.init_app(app)
    return app
