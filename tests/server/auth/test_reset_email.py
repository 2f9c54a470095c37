"""Reset links by e-mail, sent through a real SMTP server (aiosmtpd) on this machine: what arrives, in which
language, that the link in it works, that nobody learns whether an address has an account, the limits, the three
ways of reaching a relay, and that no log line holds an address or a token."""

import logging
import re
import socket
import ssl
import subprocess
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import PASSWORD, background_finished

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://localhost/reset/([A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it is sent; ``refuse`` makes it reject every recipient."""

    def __init__(self):
        self.received = []  # (envelope recipients, parsed message, whether TLS was on, who logged in)
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return f"550 5.1.1 <{address}>: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((envelope.rcpt_tos, message, session.ssl is not None,
                              session.auth_data if session.authenticated else None))
        return "250 Message accepted"

    @property
    def messages(self):
        return [message for _, message, _, _ in self.received]


def wait_for_mail():
    """Let every reset e-mail the requests started be sent (or fail) before looking."""
    background_finished(within=15)


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, and the server's TLS context; the app trusts it through
    SSL_CERT_FILE, as it would trust a relay's certificate through the system's authorities."""
    cert, key = tmp_path / "relay.pem", tmp_path / "relay.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=relay",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def relay(app):
    """Start an SMTP server on a free port with the given aiosmtpd options and point the app at ``url``."""
    started = []

    def start(url="smtp://127.0.0.1:{port}", **options) -> Inbox:
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        app.config.update(SMTP_URL=url.format(port=port), MAIL_FROM="Kin <kin@example.org>")
        return inbox

    yield start
    wait_for_mail()
    for controller in started:
        controller.stop()


def ask(client, email, **environ):
    return client.post("/api/auth/reset-request", json={"email": email}, environ_overrides=environ)


def test_the_email_holds_a_link_that_resets_the_password(app, client, relay, make_user, login):
    inbox = relay()
    make_user(email="ana@example.org", display_name="Ana", language="en")
    assert client.get("/api/auth/reset-request").json == {"by_email": True, "expires_in_hours": 24}
    response = ask(client, "  ANA@example.org ")
    assert response.status_code == 202
    assert response.json["expires_in_hours"] == 24
    wait_for_mail()
    [(recipients, message, _tls, _login)] = inbox.received
    assert recipients == ["ana@example.org"] and message["To"] == "ana@example.org"
    assert message["From"] == "Kin <kin@example.org>"
    assert message["Subject"] == "Choose a new Kin password"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert body.startswith("Hello Ana,") and "within 24 hours" in body
    [token] = LINK.findall(body)
    assert client.get(f"/api/auth/reset/{token}").json["state"] == "valid"
    assert client.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    login("ana@example.org", NEW_PASSWORD)


def test_the_email_is_in_spanish_for_a_spanish_account(client, relay, make_user):
    inbox = relay()
    make_user(email="lucia@example.org", display_name="Lucía", language="es")
    assert ask(client, "lucia@example.org").status_code == 202
    wait_for_mail()
    [message] = inbox.messages
    assert message["Subject"] == "Elige una contraseña nueva para Kin"
    body = message.get_content()
    assert body.startswith("Hola, Lucía:") and "en las próximas 24 horas" in body
    assert LINK.search(body)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, relay, make_user):
    inbox = relay()
    make_user(email="ana@example.org")
    known, unknown = ask(client, "ana@example.org"), ask(client, "nobody@example.org")
    assert (unknown.status_code, unknown.json) == (known.status_code, known.json) == (202, known.json)
    wait_for_mail()
    assert [recipients for recipients, *_ in inbox.received] == [["ana@example.org"]]


def test_the_answer_comes_before_the_email_is_sent(app, client, make_user):
    """The account lookup and the sending happen after the answer, so its timing says nothing either: a relay that
    never answers delays no request."""
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{silent.getsockname()[1]}", MAIL_FROM="kin@example.org",
                          SMTP_TIMEOUT_SECONDS=2)
        make_user(email="ana@example.org")
        for email in ("ana@example.org", "nobody@example.org"):
            started = time.perf_counter()
            assert ask(client, email).status_code == 202
            assert time.perf_counter() - started < 1.5  # an answer that waited for the relay takes 2 s or more
        wait_for_mail()


def test_a_new_email_replaces_the_link_in_the_older_one(client, relay, make_user):
    inbox = relay()
    make_user(email="ana@example.org")
    for _ in range(2):
        assert ask(client, "ana@example.org").status_code == 202
        wait_for_mail()
    first, second = (LINK.search(m.get_content())[1] for m in inbox.messages)
    assert client.get(f"/api/auth/reset/{first}").json["state"] == "replaced"
    assert client.get(f"/api/auth/reset/{second}").json["state"] == "valid"


def test_requests_are_limited_per_account_whatever_the_address_or_spelling(app, client, relay, make_user):
    inbox = relay()
    app.config["RESET_REQUEST_ACCOUNT_RATE_LIMIT"] = "2 per hour"
    make_user(email="ana@example.org")
    statuses = [ask(client, email, REMOTE_ADDR=f"10.0.0.{n}").status_code
                for n, email in enumerate(["ana@example.org", "ANA@example.org", "ana@example.org\u200b"])]
    assert statuses == [202, 202, 429]
    assert ask(client, "other@example.org", REMOTE_ADDR="10.0.0.9").status_code == 202
    wait_for_mail()
    assert len(inbox.messages) == 2  # nobody's inbox is flooded


def test_an_unknown_address_is_limited_like_a_known_one(app, client, relay, make_user):
    """Otherwise the limit itself would tell which addresses have accounts."""
    relay()
    app.config["RESET_REQUEST_ACCOUNT_RATE_LIMIT"] = "1 per hour"
    make_user(email="ana@example.org")
    for email in ("ana@example.org", "nobody@example.org"):
        first, second = ask(client, email), ask(client, email)
        assert (first.status_code, second.status_code) == (202, 429)


def test_requests_are_limited_per_address(app, client, relay):
    relay()
    app.config["RESET_REQUEST_RATE_LIMIT"] = "2 per minute"
    statuses = [ask(client, f"person{n}@example.org").status_code for n in range(3)]
    assert statuses == [202, 202, 429]
    assert ask(client, "person9@example.org", REMOTE_ADDR="10.0.0.9").status_code == 202


def test_starttls_then_login_with_the_urls_user(client, relay, certificate, make_user):
    def authenticate(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"kin", b"s3cret/pass"),
                          auth_data=auth_data.login)

    # the password is percent-encoded in the URL, as any URL's would be
    inbox = relay("smtp://kin:s3cret%2Fpass@127.0.0.1:{port}", tls_context=certificate, require_starttls=True,
                  auth_require_tls=True, auth_required=True, authenticator=authenticate)
    make_user(email="ana@example.org")
    assert ask(client, "ana@example.org").status_code == 202
    wait_for_mail()
    [(recipients, _message, tls, login)] = inbox.received
    assert (recipients, tls, login) == (["ana@example.org"], True, b"kin")


def test_smtps_speaks_tls_from_the_first_byte(client, relay, certificate, make_user):
    inbox = relay("smtps://127.0.0.1:{port}", ssl_context=certificate)
    make_user(email="ana@example.org")
    assert ask(client, "ana@example.org").status_code == 202
    wait_for_mail()
    assert [recipients for recipients, *_ in inbox.received] == [["ana@example.org"]]


def test_a_certificate_the_system_does_not_trust_stops_the_email(client, relay, certificate, make_user, monkeypatch,
                                                                  caplog):
    monkeypatch.delenv("SSL_CERT_FILE")
    inbox = relay("smtps://127.0.0.1:{port}", ssl_context=certificate)
    make_user(email="ana@example.org")
    assert ask(client, "ana@example.org").status_code == 202
    wait_for_mail()
    assert inbox.received == []
    assert "A password-reset e-mail was not sent: SSLCertVerificationError." in caplog.messages


def test_a_password_is_never_sent_to_a_relay_without_starttls(client, relay, make_user, caplog):
    inbox = relay("smtp://kin:secret@127.0.0.1:{port}")  # offers no STARTTLS: it has no certificate
    make_user(email="ana@example.org")
    assert ask(client, "ana@example.org").status_code == 202
    wait_for_mail()
    assert inbox.received == []
    assert "A password-reset e-mail was not sent: SMTPNotSupportedError." in caplog.messages


def test_a_relay_that_does_not_answer_gives_up_after_the_timeout(app, client, make_user, caplog):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{silent.getsockname()[1]}", MAIL_FROM="kin@example.org",
                          SMTP_TIMEOUT_SECONDS=0.5)
        make_user(email="ana@example.org")
        started = time.perf_counter()
        assert ask(client, "ana@example.org").status_code == 202
        wait_for_mail()
        assert time.perf_counter() - started < 5
    assert "A password-reset e-mail was not sent: SMTPServerDisconnected (TimeoutError)." in caplog.messages


def test_no_log_line_holds_the_address_or_the_token(app, client, relay, make_user, caplog):
    """Logs are kept and shipped elsewhere: they must never hold personal data. Every path is walked: an e-mail
    sent and used, an unknown address, an account's limit hit (the limiter logs the key of a limit it enforces),
    a relay that refuses the recipient quoting the address, and a relay that cannot be reached."""
    caplog.set_level(logging.DEBUG)
    app.config.update(RESET_REQUEST_ACCOUNT_RATE_LIMIT="2 per hour", RESET_REQUEST_RATE_LIMIT="100 per minute")
    inbox = relay()
    make_user(email="ana.secret@example.org", display_name="Ana")
    make_user(email="bo.secret@example.org", display_name="Bo", language="es")
    assert ask(client, "ana.secret@example.org").status_code == 202
    wait_for_mail()
    [token] = LINK.findall(inbox.messages[0].get_content())
    client.get(f"/api/auth/reset/{token}")
    assert client.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD}).status_code == 200
    client.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD})
    assert ask(client, "unknown.person@example.org").status_code == 202
    inbox.refuse = True
    assert ask(client, "ana.secret@example.org").status_code == 202
    wait_for_mail()
    assert ask(client, "ana.secret@example.org").status_code == 429
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    assert ask(client, "bo.secret@example.org").status_code == 202
    wait_for_mail()
    client.post("/api/auth/login", json={"email": "ana.secret@example.org", "password": PASSWORD})

    formatter = logging.Formatter("%(name)s %(message)s")
    # aiosmtpd's own log ("mail.log") is the test relay's, not the server's
    lines = [formatter.format(record) for record in caplog.records if not record.name.startswith("mail.")]
    assert "server.auth.reset A password-reset e-mail was sent." in lines
    assert "server.auth.reset A password-reset e-mail was not sent: SMTPRecipientsRefused." in lines
    assert "server.auth.reset A password-reset e-mail was not sent: ConnectionRefusedError." in lines
    assert any("ratelimit" in line for line in lines)
    for secret in ("ana.secret", "bo.secret", "unknown.person", token, token[:12]):
        assert not [line for line in lines if secret in line], secret
