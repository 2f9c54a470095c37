"""Campaign settings: talking points and the message template per language, and every change audited."""

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.extensions import db


@pytest.fixture
def campaign(make_campaign, make_member):
    campaign_id = make_campaign()
    return {"id": campaign_id, **{role: make_member(campaign_id, role) for role in Role}}


def patch(client, auth_headers, member, **body):
    return client.patch(f"/api/campaigns/{member.campaign_id}", json=body, headers=auth_headers(member.user_id))


def events(app):
    with app.app_context():
        return [(e.action, e.actor_id, e.details) for e in db.session.execute(select(AuditEvent)).scalars()]


def test_an_owner_sets_talking_points_and_a_message_in_each_language(app, client, auth_headers, campaign):
    owner = campaign[Role.OWNER]
    response = patch(client, auth_headers, owner, talking_points={"en": ["Ask what matters."], "es": ["Pregunta."]},
                     message_template={"es": "¡Hola, {name}!"})
    assert response.status_code == 200, response.json
    assert response.json["talking_points"] == {"en": ["Ask what matters."], "es": ["Pregunta."]}
    # the volunteer's phone reads them from GET /api/me
    volunteer = campaign[Role.VOLUNTEER]
    [membership] = client.get("/api/me", headers=auth_headers(volunteer.user_id)).json["memberships"]
    assert membership["campaign"]["talking_points"]["es"] == ["Pregunta."]
    assert membership["campaign"]["message_template"] == {"es": "¡Hola, {name}!"}


def test_a_change_is_audited_by_the_names_of_the_settings_not_their_words(app, client, auth_headers, campaign):
    owner = campaign[Role.OWNER]
    assert patch(client, auth_headers, owner, name="Renamed", issue_tags=["housing"],
                 talking_points={"en": ["Ana's story"]}).status_code == 200
    assert events(app) == [("campaign.updated", owner.user_id,
                            {"fields": ["issue_tags", "name", "talking_points"]})]


def test_saving_what_is_already_there_writes_no_event(app, client, auth_headers, campaign):
    owner = campaign[Role.OWNER]
    current = client.get(f"/api/campaigns/{campaign['id']}", headers=auth_headers(owner.user_id)).json
    assert patch(client, auth_headers, owner, name=current["name"], talking_points={}).status_code == 200
    assert events(app) == []


@pytest.mark.parametrize(("body", "errors"), [
    ({"talking_points": {"fr": ["Bonjour"]}},
     {"talking_points": {"fr": {"key": ["Not a language of Kin's: en or es."]}}}),
    ({"talking_points": {"en": [""]}},
     {"talking_points": {"en": {"value": {"0": ["Length must be between 1 and 500."]}}}}),
    ({"talking_points": ["The old shape"]}, {"talking_points": ["Not a valid mapping type."]}),
    ({"message_template": {"es": "x" * 1001}}, {"message_template": {"es": {"value": [
        "Longer than maximum length 1000."]}}}),
])
def test_bad_settings_are_refused_naming_the_field_and_language(client, auth_headers, campaign, body, errors):
    response = patch(client, auth_headers, campaign[Role.OWNER], **body)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == errors


def test_an_organizer_reads_the_settings_and_cannot_change_them(app, client, auth_headers, campaign):
    organizer = campaign[Role.ORGANIZER]
    assert client.get(f"/api/campaigns/{campaign['id']}", headers=auth_headers(organizer.user_id)).status_code == 200
    assert patch(client, auth_headers, organizer, name="Mine now").status_code == 403
    assert events(app) == []
