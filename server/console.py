"""The organizer console's page: ``/console`` and every path under it, which the console routes itself.

A page load carries no bearer token, so the page knows who asks from the refresh cookie's copy that is sent only
to ``/console`` (server/auth/tokens.py). A volunteer's browser gets a plain page saying the console is for
organizers, with a 403 and no script. Anyone the cookie does not name (signed out here, or a link followed from
another site, which a SameSite=Strict cookie does not come with) gets the console's shell, whose first step asks
``GET /api/me`` and loads the console's screens only for an organizer or owner (pwa/console/main.js). Every API
route the console calls refuses volunteers on its own (tests/server/test_access_matrix.py).
"""

from flask import Blueprint, current_app, render_template, send_from_directory

from server.auth import tokens
from server.auth.models import User
from server.campaigns.models import Role

bp = Blueprint("console", __name__)

REFUSED = {
    "en": {"title": "The console is for organizers",
           "heading": "This part of Kin is for organizers",
           "body": "Kin’s console is where a campaign’s organizers and owners invite volunteers and change the "
                   "campaign’s settings. Your account is a volunteer’s, so there is nothing for you here.",
           "app": "Go to the Kin app"},
    "es": {"title": "La consola es para el equipo organizador",
           "heading": "Esta parte de Kin es para el equipo organizador",
           "body": "La consola de Kin es donde el equipo organizador y las personas responsables de una campaña "
                   "invitan a voluntarios y cambian su configuración. Tu cuenta es de voluntario/a, así que aquí no "
                   "hay nada para ti.",
           "app": "Ir a la aplicación de Kin"},
}


def runs_a_campaign(user: User) -> bool:
    """An active organizer or owner of at least one campaign."""
    return any(m.active and m.role.at_least(Role.ORGANIZER) for m in user.memberships)


@bp.get("/console", endpoint="console")
@bp.get("/console/<path:_rest>", endpoint="console_path")
def console_shell(**_route_args):
    """The console's page, or a 403 page for a browser whose refresh cookie names a volunteer."""
    user = tokens.cookie_user()
    if user is not None and not runs_a_campaign(user):
        language = user.language if user.language in REFUSED else "en"
        response = current_app.make_response((render_template(
            "console_refused.html", lang=language, words=REFUSED[language]), 403))
        response.cache_control.no_store = True
        return response
    response = send_from_directory(current_app.static_folder, "console.html")
    response.cache_control.no_cache = True
    return response
