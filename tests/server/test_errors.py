"""One error shape for every error: ``{"code", "status", "message", "errors"?}`` (after flask-smorest's
``tests/test_error_handler.py``)."""

import pytest
from flask import abort
from werkzeug.exceptions import default_exceptions

SHAPE = {"code", "status", "message"}


@pytest.mark.parametrize("code", sorted(default_exceptions))
def test_every_http_error_has_the_same_shape(new_app, code):
    @new_app.route("/boom")
    def boom():
        abort(code)

    response = new_app.test_client().get("/boom")
    assert response.status_code == code
    assert set(response.json) == SHAPE
    assert response.json["code"] == code and response.json["message"]


def test_an_unexpected_exception_is_a_500_in_the_same_shape_without_details(new_app):
    new_app.config["PROPAGATE_EXCEPTIONS"] = False

    @new_app.route("/crash")
    def crash():
        raise RuntimeError("secret internals")

    response = new_app.test_client().get("/crash")
    assert response.status_code == 500
    assert set(response.json) == SHAPE and "secret" not in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404 and set(response.json) == SHAPE


def test_missing_token_is_a_401_in_the_same_shape(client):
    response = client.get("/api/me")
    assert response.status_code == 401 and set(response.json) == SHAPE


def test_a_non_json_body_names_the_problem(client):
    response = client.post("/api/auth/login", data="email=a", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert "json" in response.json["errors"]
