"""Hostile input against every route of the API, as an attacker would send it: JSON nested past the parser's depth,
numbers of thousands of digits or past 64 bits, NUL and lone surrogates, invalid UTF-8, huge bodies, text made to
make a pattern backtrack. Each gets a 4xx in the one error shape, in under a second, and never a 500.

The routes come from the URL map and their fields from the OpenAPI document, so a new route or field is covered
without being listed here."""

import gc
import io
import json
import time
import uuid
from urllib.parse import quote

import pytest

from server import create_app
from server.campaigns.models import Role
from tests.conftest import TEST_CONFIG

SHAPE = {"code", "status", "message"}
SECOND = 1.0  # of the server's CPU: the test client runs the app in this thread, so its CPU time is the request's
HUGE = 40 * 1024 * 1024

# (name, JSON text of a field's value): each is put in every field of a route's body at once
FIELD_VALUES = [
    ("thousands of digits", "9" * 5000),
    ("past 32 bits", str(2**31)),
    ("past 64 bits", str(2**64)),
    ("negative past 64 bits", str(-(2**64))),
    ("float for an integer", "1e23"),
    ("NUL", '"a\\u0000b"'),
    ("lone surrogate", '"\\ud800@b.c"'),
    ("lone low surrogate", '"x\\udc00"'),
    ("long text", json.dumps("x" * 200_000)),
    ("many dots", json.dumps("a@" + "." * 32_000 + "@")),
    ("deep list", "[" * 900 + "]" * 900),
    ("object", '{"$gt": ""}'),
    ("list of NUL", '["\\u0000"]'),
]
# whole bodies
BODIES = [
    ("deep array", "[" * 100_000 + "]" * 100_000),
    ("deep object", '{"a":' * 50_000 + "1" + "}" * 50_000),
    ("NUL in a name", '{"a\\u0000": 1}'),
    ("not an object", "[1, 2, 3]"),
    ("a bare string", '"\\ud800"'),
]
# raw query-string text: %00 is NUL, %ED%A0%80 a surrogate written as UTF-8 (invalid), %FF not UTF-8 at all
QUERY_VALUES = ["1e23", str(2**31), "99999999999999999999", "9" * 5000, "-1", "%00", "x" * 5000, "nan",
                "%ED%A0%80", "%FF", "a@" + "." * 5000]
PATH_VALUES = {"int": [str(2**31), "99999999999999999999", "9" * 5000, "-1", "0"], "uuid": ["not-a-uuid", "0" * 5000],
               "default": ["%00", "x" * 5000, "%ED%A0%80"]}
# query parameters some views read themselves, beside those the document lists
EXTRA_QUERY = ["cursor", "limit", "protocol", "page", "page_size"]
VALID_QUERY = {"protocol": "1", "name": "ana"}


class Counting(io.RawIOBase):
    """A request body of ``size`` bytes that is made as it is read, counting how much the server took."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"{" * n
        self.read_bytes += n
        return n


def openapi_path(rule: str) -> str:
    return rule.replace("<int:", "{").replace("<uuid:", "{").replace("<", "{").replace(">", "}")


def resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def body_fields(spec, rule: str, method: str) -> list[str]:
    """The fields of the route's documented body (JSON or a form), or [] when it takes none."""
    body = spec["paths"][openapi_path(rule)][method.lower()].get("requestBody", {}).get("content", {})
    schema = body.get("application/json", body.get("multipart/form-data", {})).get("schema")
    return sorted(resolve(spec, schema).get("properties", {})) if schema else []


def routes() -> tuple[list, list]:
    """Every API route and method, and those that take a body."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    spec = app.test_client().get("/api/openapi.json").json
    found = []
    for rule in app.url_map.iter_rules():
        if openapi_path(rule.rule) in spec["paths"]:  # the API's routes (not its documents, nor the 404 catch-all)
            found += [(rule.rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found, [(rule, method) for rule, method in found if body_fields(spec, rule, method)]


ROUTES, BODY_ROUTES = routes()


@pytest.fixture
def attacker(app, client, make_campaign, make_member, auth_headers):
    """Signed in as a campaign's owner, so each request gets past sign-in to the checks of its input."""
    for setting in ("LOGIN_RATE_LIMIT", "JOIN_RATE_LIMIT", "INVITE_LOOKUP_RATE_LIMIT", "VOTER_SEARCH_RATE_LIMIT",
                    "RESET_REQUEST_RATE_LIMIT", "RESET_REQUEST_ACCOUNT_RATE_LIMIT", "RESET_TOKEN_RATE_LIMIT"):
        app.config[setting] = "100000 per minute"
    app.config["VOTER_FILE_MAX_BYTES"] = HUGE // 4  # so the upload route's own, larger limit is tested too
    app.config["BASEMAP_MAX_BYTES"] = HUGE // 4  # the same for the basemap upload
    owner = make_member(make_campaign(), Role.OWNER)
    spec = client.get("/api/openapi.json").json
    return Attacker(client, auth_headers(owner.user_id), owner.campaign_id, spec)


class Attacker:
    def __init__(self, client, headers, campaign_id, spec):
        self.client, self.headers, self.campaign_id, self.spec = client, headers, campaign_id, spec

    def url(self, rule: str, bad: tuple[str, str] | None = None) -> str:
        """The rule with the caller's campaign and made-up ids filled in, and ``bad`` = (param, value) if given."""
        out = rule
        for part in rule.split("<")[1:]:
            spec, _ = part.split(">", 1)
            converter, name = spec.split(":") if ":" in spec else ("default", spec)
            if bad and bad[0] == name:
                value = bad[1]
            elif name == "campaign_id":
                value = str(self.campaign_id)
            else:
                value = {"int": "1", "uuid": str(uuid.uuid4()), "default": "some-code"}[converter]
            out = out.replace(f"<{spec}>", value)
        return out

    def operation(self, rule: str, method: str) -> dict:
        return self.spec["paths"][openapi_path(rule)][method.lower()]

    def fields(self, rule: str, method: str) -> list[str]:
        return body_fields(self.spec, rule, method)

    def query(self, rule: str, method: str) -> list[str]:
        # (a parameter may be a $ref: the ETag decorator's If-None-Match, a header)
        params = [p["name"] for p in self.operation(rule, method).get("parameters", []) if p.get("in") == "query"]
        return sorted(set(params) | set(EXTRA_QUERY))

    def send(self, method, url, **kwargs):
        """The answer and the CPU time it cost. CPU, not wall-clock time: a loaded CI machine stretched a 0.3 s
        answer past 2 s of waiting, while a slow pattern (16 s of CPU before the fix) is caught all the same. The
        garbage collector waits until after the request: in a full run its sweep of every earlier test's objects
        once landed inside one request and billed it 1.01 s."""
        gc.disable()
        try:
            started = time.thread_time()
            response = self.client.open(url, method=method, headers=self.headers, **kwargs)
            response.get_data()  # a streamed body (an export) is made, and costs, as it is read
            response.close()
            return response, time.thread_time() - started
        finally:
            gc.enable()


def check(response, elapsed, what, *, must_refuse=True):
    assert elapsed < SECOND, f"{what}: {elapsed:.2f} s of CPU"
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if must_refuse:
        assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code >= 400:
        assert SHAPE <= set(response.json), f"{what}: {response.json}"
        assert response.json["code"] == response.status_code


@pytest.mark.parametrize(("rule", "method"), BODY_ROUTES, ids=[f"{m} {r}" for r, m in BODY_ROUTES])
def test_hostile_bodies_get_a_4xx_quickly(attacker, rule, method):
    fields = attacker.fields(rule, method)
    url = attacker.url(rule)
    for name, text in BODIES:
        check(*attacker.send(method, url, data=text, content_type="application/json"), f"{method} {rule}: {name}")
    check(*attacker.send(method, url, data=b'{"a": "\xff\xfe"}', content_type="application/json"),
          f"{method} {rule}: invalid UTF-8")
    for name, value in FIELD_VALUES:
        body = "{" + ", ".join(f"{json.dumps(field)}: {value}" for field in fields) + "}"
        check(*attacker.send(method, url, data=body, content_type="application/json"), f"{method} {rule}: {name}")


@pytest.mark.parametrize(("rule", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_a_body_over_the_limit_is_413_and_read_no_further(attacker, rule, method):
    url = attacker.url(rule)
    declared = Counting(HUGE)
    response, elapsed = attacker.send(method, url, content_type="application/json", environ_overrides={
        "wsgi.input": declared, "CONTENT_LENGTH": str(HUGE)})
    check(response, elapsed, f"{method} {rule}: 40 MB declared")
    assert response.status_code == 413 and declared.read_bytes == 0
    if attacker.fields(rule, method):
        streamed = Counting(HUGE)  # no length given: cut off at the limit while it is read
        content_type = "multipart/form-data; boundary=x" if "voter-files" in rule else "application/json"
        response, elapsed = attacker.send(method, url, content_type=content_type, environ_overrides={
            "wsgi.input": streamed, "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
        check(response, elapsed, f"{method} {rule}: 40 MB streamed")
        assert response.status_code == 413
        assert streamed.read_bytes <= HUGE // 4 + 64 * 1024


@pytest.mark.parametrize(("rule", "method"), ROUTES, ids=[f"{m} {r}" for r, m in ROUTES])
def test_hostile_query_and_path_values_never_crash(attacker, rule, method):
    for name in attacker.query(rule, method):
        for value in QUERY_VALUES:
            query = "&".join(f"{quote(key)}={text}" for key, text in {**VALID_QUERY, name: value}.items())
            response, elapsed = attacker.send(method, attacker.url(rule), query_string=query)
            # a page past the last is a legitimate empty page; everything else here is refused
            check(response, elapsed, f"{method} {rule}?{name}={value[:30]}", must_refuse=False)
    for part in rule.split("<")[1:]:
        spec = part.split(">", 1)[0]
        converter, name = spec.split(":") if ":" in spec else ("default", spec)
        for value in PATH_VALUES[converter]:
            response, elapsed = attacker.send(method, attacker.url(rule, (name, value)))
            check(response, elapsed, f"{method} {rule} with {name}={value[:30]}")


def test_a_slow_pattern_costs_nothing_before_sign_in(client):
    """The e-mail check used to backtrack: this body took 16 s of CPU with no account needed. The test client runs
    the request in this thread, so its CPU time is the request's, whatever else the machine is doing (wall time
    under a loaded CI once took 0.26 s against a 0.2 s bound)."""
    body = {"email": "a@" + "." * 32_000 + "@", "password": "x"}
    for url in ("/api/auth/login", "/api/auth/join", "/api/auth/reset-request"):
        started = time.thread_time()
        response = client.post(url, json={**body, "code": "x", "display_name": "x"})
        assert time.thread_time() - started < 1  # linear: about 0.01 s; the backtracking took seconds
        assert response.status_code == 422 and "email" in response.json["errors"]["json"]
