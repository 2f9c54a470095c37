"""The console's page refuses a volunteer's browser: the refresh cookie's copy for /console says who asks
(docs/auth.md, "The console's page")."""

import pytest

from server.campaigns.models import Role

SHELL = b'src="/console.js"'


def open_console(client, path="/console"):
    response = client.get(path, headers={"Accept": "text/html"})
    response.close()
    return response


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def test_a_volunteers_browser_gets_a_plain_refusal_in_their_language(client, login, make_member, make_user,
                                                                      campaign):
    member = make_member(campaign, Role.VOLUNTEER, user_id=make_user(language="es"))
    login(member.email)
    for path in ("/console", "/console/1/volunteers", "/console/campaigns"):
        page = open_console(client, path)
        assert page.status_code == 403, path
        assert SHELL not in page.data and b"<script" not in page.data  # none of the console's code
        assert b'<html lang="es"' in page.data and b"equipo organizador" in page.data
        assert b'href="/"' in page.data  # the way to the app
        assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.OWNER])
def test_an_organizer_or_owner_gets_the_console(client, login, make_member, campaign, role):
    login(make_member(campaign, role).email)
    page = open_console(client, "/console/1/settings")
    assert page.status_code == 200 and SHELL in page.data
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]


def test_a_volunteer_here_who_organizes_elsewhere_gets_the_console(client, login, make_member, make_campaign,
                                                                    campaign):
    member = make_member(campaign, Role.VOLUNTEER)
    make_member(make_campaign(name="Elsewhere"), Role.ORGANIZER, user_id=member.user_id)
    login(member.email)
    assert open_console(client).status_code == 200


def test_an_organizer_who_was_removed_is_refused(client, login, make_member, campaign):
    member = make_member(campaign, Role.ORGANIZER, active=False)
    login(member.email)
    assert open_console(client).status_code == 403


def test_a_browser_the_cookie_does_not_name_gets_the_shell_which_asks_who_it_is(client, login, make_member,
                                                                               campaign):
    assert open_console(client).status_code == 200  # never signed in here
    member = make_member(campaign, Role.VOLUNTEER)
    login(member.email)
    csrf = client.get_cookie("csrf_refresh_token").value
    assert client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    assert client.get_cookie("refresh_token_cookie", path="/console") is None  # signing out takes the copy too
    assert open_console(client).status_code == 200


def test_a_signed_out_token_in_the_cookie_names_nobody(client, login, make_member, campaign):
    """A copy that outlived its session (a browser that kept it) opens nothing, and refuses nobody either."""
    member = make_member(campaign, Role.VOLUNTEER)
    login(member.email)
    stale = client.get_cookie("refresh_token_cookie", path="/console").value
    client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": client.get_cookie("csrf_refresh_token").value})
    client.set_cookie("refresh_token_cookie", stale, path="/console")
    assert open_console(client).status_code == 200


def test_a_session_from_before_the_console_gets_its_copy_at_the_next_refresh(client, login, make_member, campaign):
    member = make_member(campaign, Role.VOLUNTEER)
    login(member.email)
    client.delete_cookie("refresh_token_cookie", path="/console")
    assert open_console(client).status_code == 200  # unknown: the shell, whose first step asks GET /api/me
    csrf = client.get_cookie("csrf_refresh_token").value
    refreshed = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert refreshed.status_code == 200
    assert open_console(client).status_code == 403


def test_the_copy_is_httponly_strict_and_only_for_the_console(client, login, make_member, campaign):
    member = make_member(campaign, Role.ORGANIZER)
    response = client.post("/api/auth/login", json={"email": member.email, "password": "correct horse battery"})
    copies = [c for c in response.headers.getlist("Set-Cookie") if "Path=/console" in c]
    assert len(copies) == 1
    assert "HttpOnly" in copies[0] and "SameSite=Strict" in copies[0] and copies[0].startswith("refresh_token_cookie=")
