"""KIN_SMTP_URL and KIN_MAIL_FROM: how each form of the URL reaches the relay, and a setting that cannot work stops
the server at startup, saying which, without echoing the password."""

import pytest

from server import create_app
from server.config import BadSetting, MissingSetting
from server.mail import PLAIN, STARTTLS, TLS, Relay, parse_relay
from tests.conftest import TEST_CONFIG

IN_MEMORY = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.mark.parametrize(("url", "relay"), [
    ("smtp://kin:p%40ss@mail.example.org:587", Relay("mail.example.org", 587, STARTTLS, "kin", "p@ss")),
    ("smtp://kin:secret@mail.example.org", Relay("mail.example.org", 587, STARTTLS, "kin", "secret")),
    ("smtps://kin:secret@mail.example.org", Relay("mail.example.org", 465, TLS, "kin", "secret")),
    ("smtps://mail.example.org:2465", Relay("mail.example.org", 2465, TLS)),
    ("smtp://localhost:25", Relay("localhost", 25, PLAIN)),
    ("smtp://127.0.0.1:1025", Relay("127.0.0.1", 1025, PLAIN)),
])
def test_each_form_of_the_url_reaches_the_relay_as_documented(url, relay):
    assert parse_relay(url) == relay


@pytest.mark.parametrize(("url", "says"), [
    ("http://kin:hunter22@mail.example.org", "use smtp://"),
    ("smtp://", "no host name"),
    ("smtp://kin:hunter22@mail.example.org:99999", "port"),
    ("mail.example.org:25", "use smtp://"),
])
def test_a_relay_url_that_cannot_work_stops_the_server_naming_it(url, says):
    with pytest.raises(BadSetting, match=says) as refused:
        create_app({**IN_MEMORY, "SMTP_URL": url, "MAIL_FROM": "kin@example.org"})
    assert str(refused.value.message).startswith("KIN_SMTP_URL: ")
    assert "hunter22" not in refused.value.message


def test_a_relay_without_a_sender_stops_the_server():
    with pytest.raises(MissingSetting, match="KIN_MAIL_FROM"):
        create_app({**IN_MEMORY, "SMTP_URL": "smtp://localhost:25"})


@pytest.mark.parametrize("sender", ["kin.example.org", "Kin <kin@example.org>\r\nBcc: everyone@example.org"])
def test_a_sender_that_is_not_one_address_stops_the_server(sender):
    with pytest.raises(BadSetting, match="KIN_MAIL_FROM"):
        create_app({**IN_MEMORY, "SMTP_URL": "smtp://localhost:25", "MAIL_FROM": sender})


def test_a_server_without_a_relay_needs_no_sender():
    assert create_app(IN_MEMORY).config["SMTP_URL"] is None
