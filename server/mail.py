"""Plain-text e-mail through the server's relay (``KIN_SMTP_URL``), with the standard library only.

``smtps://[user:password@]host[:465]`` speaks TLS from the first byte; ``smtp://user:password@host[:587]`` must
switch to TLS (STARTTLS) before it logs in, so a password never crosses the network in clear;
``smtp://host[:25]``, without a user, speaks plain SMTP: for a relay on the same machine or a private network.
Certificates are verified against the system's authorities. Nothing here logs a recipient, a subject or a body.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app

TLS, STARTTLS, PLAIN = "tls", "starttls", "plain"


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    security: str  # TLS, STARTTLS or PLAIN
    username: str | None = None
    password: str | None = None


def parse_relay(url: str) -> Relay:
    """Read ``KIN_SMTP_URL``. :raise ValueError: naming what is wrong, never echoing the URL (it holds a password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("use smtp://host:25 (plain), smtp://user:password@host:587 (STARTTLS) or "
                         "smtps://user:password@host:465 (TLS).")
    if not parts.hostname:
        raise ValueError("no host name.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("the port is not a number from 1 to 65535.") from exc
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if parts.scheme == "smtps":
        return Relay(parts.hostname, port or 465, TLS, username, password)
    return Relay(parts.hostname, port or 587, STARTTLS if username else PLAIN, username, password)


def check_sender(value: str) -> None:
    """:raise ValueError: unless ``value`` is one address, with or without a name (``Kin <kin@example.org>``)."""
    if "\r" in value or "\n" in value:
        raise ValueError("a line break cannot be part of an address.")
    if "@" not in parseaddr(value)[1]:
        raise ValueError("not an e-mail address (e.g. Kin <kin@example.org>).")


def can_send() -> bool:
    return bool(current_app.config["SMTP_URL"])


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text message. :raise OSError, smtplib.SMTPException: when the relay cannot be reached within
    ``SMTP_TIMEOUT_SECONDS`` or refuses it (see :func:`describe_failure` for what may be logged of it)."""
    config = current_app.config
    relay = parse_relay(config["SMTP_URL"])
    sender = config["MAIL_FROM"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # the sender's domain, not this machine's name, which make_msgid would otherwise look up and reveal
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    message.set_content(body)
    timeout = config["SMTP_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    if relay.security == TLS:
        connection = smtplib.SMTP_SSL(relay.host, relay.port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(relay.host, relay.port, timeout=timeout)
    with connection:
        if relay.security == STARTTLS:
            connection.starttls(context=context)  # SMTPNotSupportedError when the relay does not offer it
        if relay.username:
            connection.login(relay.username, relay.password or "")
        connection.send_message(message)


def describe_failure(error: Exception) -> str:
    """What may be logged of a failed send: the kind of error and the relay's reply code. Never its text, which
    can quote the recipient (``550 <ana@example.org>: unknown user``)."""
    described = type(error).__name__
    if code := getattr(error, "smtp_code", None):
        described += f" {code}"
    if error.__context__ is not None:  # smtplib words a timeout as a disconnection: say what was underneath
        described += f" ({type(error.__context__).__name__})"
    return described
