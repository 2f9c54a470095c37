"""No English sentence from the server reaches a Spanish screen.

The server answers in English (``{"code", "status", "message", "errors"}``, server/errors.py). The volunteer's
screens show its words in a few places, always through the catalog key ``server.text``: a field's error and a form's
alert (pwa/ui/forms.js), leaving a campaign (privacy.js), a sync rejection without a code the catalog knows
(home.js); matching stopped by the server carries them too (lib/matching/match.js). es.js answers ``server.text``
from its own words for the server's sentences (pwa/lib/messages/server-es.js), and with a Spanish catch-all for one
it does not know.

This test drives every endpoint pwa/lib/api.js calls into every error it can give a volunteer: each field of each
body and query string, read from the app's OpenAPI document, missing, null, of the wrong type, too long or too
short, not one of the choices, not in range, not of its pattern or format, with an unknown field beside it; the
refusals with words of their own (wrong password, an invite or reset link that is no good, tokens, roles, rate
limits, the matching key, quotas and elements, an app too old, the last owner leaving); and every way the sync
protocol rejects an op. It collects each distinct ``message``, field message and rejection, then has node ask
es.js for each: every one must come back as Spanish written for it, not as the catch-all and not as the English.
"""

import base64
import json
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask_jwt_extended import create_access_token
from sqlalchemy import delete, select, update

import oprf
from server.auth import reset as reset_links
from server.auth.models import PasswordReset, ResetOrigin, User
from server.auth.reset import GONE, NOT_VALID
from server.auth.service import WRONG_CREDENTIALS
from server.auth.views import NO_MAIL
from server.basemaps.service import install_file
from server.campaigns import service as campaigns
from server.campaigns.models import Campaign, Invite, Membership, Role
from server.canvass import households
from server.canvass.models import Household, Turf
from server.columns import utcnow
from server.extensions import db
from server.matching.build import build_now
from server.matching.models import KeyState, MatchKey, MatchTag, TagRange
from server.sync_api.views import UPDATE_THE_APP
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from sync.hlc import MAX_DRIFT_MS, Stamp
from tests.basemap_town import write_town
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "pwa" / "lib" / "messages"
RATE_LIMITS = ("LOGIN_RATE_LIMIT", "JOIN_RATE_LIMIT", "INVITE_LOOKUP_RATE_LIMIT", "VOTER_SEARCH_RATE_LIMIT",
               "RESET_REQUEST_RATE_LIMIT", "RESET_REQUEST_ACCOUNT_RATE_LIMIT", "RESET_TOKEN_RATE_LIMIT")
# JSON a phone could send only by mistake, which the server refuses before any schema reads it (request_input.py)
RAW_BODIES = [("a NUL in a value", '{"x": "a\\u0000b"}'), ("a lone surrogate in a value", '{"x": "\\ud800"}'),
              ("a NUL in a name", '{"a\\u0000": 1}'), ("a number of 5,000 digits", '{"x": ' + "9" * 5000 + "}")]
# a sentence of each kind of refusal: the collection below must find each of them, so it cannot pass by finding none
SURE_TO_BE_HEARD = {
    WRONG_CREDENTIALS, NO_MAIL, NOT_VALID, *GONE.values(), UPDATE_THE_APP, "Missing data for required field.",
    "Unknown field.", "Field may not be null.", "Not a valid e-mail address.", "Use at least 8 characters.",
    "Must be one of: en, es.", "The token has expired.", "You have signed out; sign in again.",
    "This account no longer exists.", "No such campaign.", "This needs the organizer role or higher.",
    "This invite link is not valid.", "This invite has expired.", "This invite has been withdrawn.",
    "This invite has been used up.", "You are already a member of this campaign.",
    "Your access to this campaign was removed; ask an organizer.",
    "This e-mail or membership was just created by another request; try signing in.",
    "A campaign needs at least one active owner: make someone else an owner first.",
    "You are no longer a member of this campaign.", "A blinded element is not a valid group element.",
    "Not a cursor from this server.", "Holds a character that cannot be stored (NUL or a lone surrogate).",
}
NOW_MS = 1_790_000_000_000  # a moment in 2026, behind the server's clock: stamps at it are never "ahead"

# node asks es.js what a Spanish screen shows for each thing the server said, as the screens do: a sync rejection
# by its code when the catalog has words for it (home.js problemText), everything else through 'server.text'
ASK_SPANISH = r"""
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const es = (await import(pathToFileURL(process.argv[1]))).default;
const serverText = (message) => es['server.text']({ message });
const catchAll = serverText('A sentence no one has translated, 12345.');
const said = JSON.parse(readFileSync(0, 'utf8'));
const answers = said.map(({ message, code }) => {
  if (code && es[`problem.${code}`] !== undefined) return { by: 'code' };
  const text = serverText(message);
  return { by: 'server.text', text, known: text !== catchAll && text !== message };
});
console.log(JSON.stringify({ catchAll, answers }));
"""


def ask_spanish(said: list[dict], catalog: Path = MESSAGES / "es.js") -> dict:
    """What es.js shows for each {message, code}: {catchAll, answers: [{by, text?, known?}]}."""
    result = subprocess.run(["node", "--input-type=module", "-e", ASK_SPANISH, str(catalog)], input=json.dumps(said),
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def untranslated(heard: dict[tuple[str, str | None], str], catalog: Path = MESSAGES / "es.js") -> list[str]:
    """Each thing heard that a Spanish screen would show in English or as the catch-all, with where it was heard."""
    said = [{"message": message, "code": code} for message, code in heard]
    answers = ask_spanish(said, catalog)
    assert answers["catchAll"] not in {"", "A sentence no one has translated, 12345."}, answers["catchAll"]
    return [f"{message!r} ({where})" for ((message, _code), where), answer in zip(heard.items(), answers["answers"],
                                                                                   strict=True)
            if answer["by"] == "server.text" and not answer["known"]]


def leaves(errors) -> list[str]:
    """Every sentence in an error's ``errors``, however deep (a list's items are keyed by their index), but the
    counts some carry (matching's ``remaining``)."""
    if isinstance(errors, str):
        return [] if errors.isdigit() else [errors]
    if isinstance(errors, dict):
        errors = errors.values()
    return [sentence for item in errors or () for sentence in leaves(item)]


@dataclass
class Heard:
    """What the server said, each with the first place it was heard."""

    sentences: dict[str, str] = field(default_factory=dict)  # message or field message -> where
    rejections: dict[tuple[str, str | None], str] = field(default_factory=dict)  # (message, code) -> where
    endpoints: set[str] = field(default_factory=set)  # "METHOD /api/path" that answered at least one error

    def error(self, response, endpoint: str, what: str) -> None:
        """An error answer's message and field messages (a success, which a mutation may get, says nothing)."""
        if response.status_code < 400:
            return
        body = response.get_json(silent=True)
        where = f"{endpoint}, {what}: {response.status_code}"
        assert response.status_code < 500 and body and {"code", "status", "message"} <= body.keys(), (
            f"{where} {response.data[:300]!r}")
        for sentence in [body["message"], *leaves(body.get("errors"))]:
            self.sentences.setdefault(sentence, where)
        self.endpoints.add(endpoint)

    def pushed(self, response, endpoint: str, whats: list[str]) -> None:
        """A push's results: what home.js shows of each rejected op, the first message of each field with its
        first code; and what a conflict says of a field, which keeps a code of its own."""
        assert response.status_code == 200, response.json
        results = response.json["results"]
        assert len(results) == len(whats)
        for result, what in zip(results, whats, strict=True):
            codes = result.get("codes", {})
            for name, messages in result.get("errors", {}).items():
                code = (codes.get(name) or [{}])[0].get("code")
                self.rejections.setdefault((messages[0], code), f"{endpoint}, {what}: {result['status']} {name}")
        self.endpoints.add(endpoint)

    def everything(self) -> dict[tuple[str, str | None], str]:
        return {**{(sentence, None): where for sentence, where in self.sentences.items()}, **self.rejections}


# ---- cases from the OpenAPI document -------------------------------------------------------------------------


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def wrong_values(spec: dict, schema: dict, valid=None):
    """(what, value) pairs, each breaking one rule of a field's JSON schema; ``valid`` is a good value, from which a
    list too long or with an item twice is made."""
    schema = resolve(spec, schema)
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants:  # a nullable field: [the field, null]
        schema = resolve(spec, next(variant for variant in variants if variant.get("type") != "null"))
    else:
        yield "null", None
    kind = schema.get("type")
    if "const" in schema or "enum" in schema:
        yield "not one of the choices", 1_000_000 if kind == "integer" else "not-a-choice"
    if kind == "string":
        yield "a number for text", 12345
        if "maxLength" in schema:
            yield "too long", "x" * (schema["maxLength"] + 1)
        if schema.get("minLength", 0) > 0:
            yield "too short", "x" * (schema["minLength"] - 1)
        if schema.get("format") == "email":
            yield "not an e-mail", "not-an-e-mail"
        if schema.get("format") in ("date", "date-time"):
            yield "not a date", "someday"
        if "pattern" in schema:
            yield "not its pattern", "!"
    elif kind in ("integer", "number"):
        yield "text for a number", "x"
        if kind == "integer":
            yield "a fraction", 1.5
        if "minimum" in schema:
            yield "below the minimum", schema["minimum"] - 1
        if "maximum" in schema:
            yield "above the maximum", schema["maximum"] + 1
    elif kind == "boolean":
        yield "text for yes or no", "x"
    elif kind == "array":
        item = valid[0] if isinstance(valid, list) and valid else "x"
        yield "text for a list", "x"
        if schema.get("minItems", 0) > 0:
            yield "an empty list", []
        if "maxItems" in schema:
            yield "too many items", [item] * (schema["maxItems"] + 1)
        if schema.get("uniqueItems"):
            yield "an item twice", [item, item]
        for what, value in wrong_values(spec, schema.get("items", {}), item):
            yield f"an item {what}", [value]
    elif kind == "object":
        yield "text for an object", "x"


def body_cases(spec: dict, schema: dict, base: dict):
    """(what, body): ``base`` with one field missing or wrong, with an unknown field, or not an object at all."""
    schema = resolve(spec, schema)
    for name, field_schema in sorted(schema.get("properties", {}).items()):
        if name in schema.get("required", ()):
            yield f"{name} missing", {key: value for key, value in base.items() if key != name}
        for what, value in wrong_values(spec, field_schema, base.get(name)):
            yield f"{name} {what}", {**base, name: value}
    yield "an unknown field", {**base, "unknown_field": 1}
    yield "a list, not an object", [base]


def query_cases(spec: dict, parameters: list[dict], base: dict):
    """(what, query): ``base`` with one parameter missing, empty or wrong, or an unknown parameter beside it."""
    for parameter in parameters:
        if parameter["in"] != "query":
            continue
        name, schema = parameter["name"], resolve(spec, parameter["schema"])
        if parameter.get("required"):
            yield f"{name} missing", {key: value for key, value in base.items() if key != name}
        yield f"{name} empty", {**base, name: ""}
        yield f"{name} with a NUL", {**base, name: "a\x00b"}
        for what, value in wrong_values(spec, schema):
            if value is not None and what != "a number for text":  # a query string has no null, and all is text
                yield f"{name} {what}", {**base, name: str(value)}
    yield "an unknown parameter", {**base, "unknown_field": "1"}


def request_schema(spec: dict, path: str, method: str) -> dict:
    return spec["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]["schema"]


def api_js_paths() -> set[str]:
    """The API paths pwa/lib/api.js calls, each parameter as {}: '/campaigns/{}/sync/push'."""
    text = (ROOT / "pwa" / "lib" / "api.js").read_text()
    return {re.sub(r"\$\{[^}]*\}", "{}", path) for path in re.findall(r"(?:send|authed|authedFile)\(\s*[`']([^`'?]+)",
                                                                           text)}


# ---- the volunteer's calls -----------------------------------------------------------------------------------


class Volunteer:
    """The PWA's side of every call, with a campaign, its people and what the errors need set up."""

    def __init__(self, app, client, heard: Heard, make_campaign, make_member, make_user, make_invite):
        self.app, self.client, self.heard = app, client, heard
        self.spec = client.get("/api/openapi.json").json
        self.make_invite, self.make_user = make_invite, make_user
        self.campaign = make_campaign(issue_tags=["housing"])
        self.owner = make_member(self.campaign, Role.OWNER)
        self.me = make_member(self.campaign, Role.VOLUNTEER)
        self.other = make_member(self.campaign, Role.VOLUNTEER)
        self.removed = make_member(self.campaign, Role.VOLUNTEER, active=False)
        self.stranger = make_user()
        self.headers = self.bearer(self.me.email)
        self.voter = self.voter_with("+19195550101")
        self.other_voter = self.voter_with("+19195550102")
        self.household = self.household_of(self.voter)
        self.device = str(uuid.uuid4())

    def sign_in(self, email: str) -> str:
        """An access token, from a client of its own: the refresh cookie stays out of ``self.client``."""
        response = self.app.test_client().post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    def bearer(self, email: str) -> dict:
        return {"Authorization": f"Bearer {self.sign_in(email)}"}

    def voter_with(self, phone: str) -> str:
        with self.app.app_context():
            campaign = db.session.get(Campaign, self.campaign)
            voter = Voter(campaign_id=self.campaign, external_id=uuid.uuid4().hex[:12], first_name="Ana",
                          last_name="Lopez", search_name="ana lopez")
            voter.identifiers = [VoterIdentifier(campaign_id=self.campaign, kind=IdentifierKind.PHONE, value=phone)]
            db.session.add(voter)
            db.session.flush()
            build_now(campaign)
            db.session.commit()
            return str(voter.public_id)

    def household_of(self, public_id: str) -> str:
        """The voter placed at 12 Oak Avenue and grouped into a household: what a door visit names."""
        with self.app.app_context():
            voter = db.session.execute(select(Voter).where(Voter.public_id == uuid.UUID(public_id))).scalar_one()
            voter.house_number, voter.street, voter.zip = "12", "Oak Avenue", "27601"
            db.session.flush()
            households.assign(self.campaign)
            db.session.commit()
            return str(db.session.get(Household, voter.household_id).public_id)

    def call(self, method: str, path: str, what: str, url: str | None = None, client=None, **kwargs):
        """One request to the documented ``path`` (at ``url``, its parameters filled in); its error is heard."""
        response = (client or self.client).open(url or self.url(path), method=method, **kwargs)
        self.heard.error(response, f"{method} {path}", what)
        if response.is_streamed:  # a file (a map extract): its body is not read here
            response.close()
        return response

    def url(self, path: str) -> str:
        return path.replace("{campaign_id}", str(self.campaign))

    def bodies(self, method: str, path: str, base: dict, headers: dict | None = None, url: str | None = None) -> None:
        """Every broken body of the documented request, then text that is not JSON."""
        for what, body in body_cases(self.spec, request_schema(self.spec, path, method), base):
            self.call(method, path, what, url, json=body, headers=headers)
        for what, text in [("not JSON", "{"), *RAW_BODIES]:
            self.call(method, path, what, url, data=text, content_type="application/json", headers=headers)

    def queries(self, path: str, base: dict, headers: dict) -> None:
        parameters = self.spec["paths"][path]["get"]["parameters"]
        for what, query in query_cases(self.spec, parameters, base):
            self.call("GET", path, what, query_string=query, headers=headers)

    def rate_limited(self, setting: str, method: str, path: str, url: str | None = None, **kwargs) -> None:
        """The 429 of a limit: set to one a minute for two calls, then back to plenty."""
        self.app.config[setting] = "1 per minute"
        for _ in range(2):
            response = self.call(method, path, f"{setting} reached", url, **kwargs)
        assert response.status_code == 429, response.json
        self.app.config[setting] = "100000 per minute"

    def tokens(self, method: str, path: str) -> None:
        """Each way a bearer token is refused."""
        with self.app.app_context():
            expired = create_access_token(identity=str(self.me.user_id), expires_delta=timedelta(seconds=-60))
            gone = create_access_token(identity="2000000000")
            # the volunteer's header and claims with another token's signature
            forged = create_access_token(identity=str(self.me.user_id)).rsplit(".", 1)[0] + "." + gone.rsplit(".")[2]
        signed_out = self.sign_in(self.other.email)
        self.app.test_client().post("/api/auth/logout", headers={"Authorization": f"Bearer {signed_out}"})
        for what, header in [("no token", None), ("not a bearer token", "Basic abc"), ("a broken token", "Bearer x"),
                             ("a token in three broken parts", "Bearer a.b.c"), ("a forged token", f"Bearer {forged}"),
                             ("an expired token", f"Bearer {expired}"), ("a signed-out token", f"Bearer {signed_out}"),
                             ("a deleted account's token", f"Bearer {gone}")]:
            self.call(method, path, what, headers={"Authorization": header} if header else {})

    # -- signing in and joining --

    def login(self) -> None:
        path = "/api/auth/login"
        self.bodies("POST", path, {"email": self.me.email, "password": PASSWORD})
        self.call("POST", path, "a wrong password", json={"email": self.me.email, "password": "wrong password"})
        self.call("POST", path, "an unknown e-mail", json={"email": "nobody@example.org", "password": PASSWORD})
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        self.call("POST", path, "a body over the limit", data=b" " * (limit + 1), content_type="application/json")
        self.call("POST", path, "nested too deeply", data="[" * 100_000 + "]" * 100_000,
                  content_type="application/json")
        self.rate_limited("LOGIN_RATE_LIMIT", "POST", path, json={"email": self.me.email, "password": "wrong"})

    def join(self, monkeypatch) -> None:
        path = "/api/auth/join"
        code = self.make_invite(self.campaign, max_uses=100).code

        def body(email=None, invite=code, password=PASSWORD):
            return {"code": invite, "email": email or f"{uuid.uuid4().hex[:8]}@example.org", "password": password,
                    "display_name": "Ana", "language": "es"}

        self.bodies("POST", path, body())
        self.call("POST", path, "an unknown invite", json=body(invite="no-such-invite"))
        for what, invite in self.unusable_invites():
            self.call("POST", path, what, json=body(invite=invite))
        stranger_email = self.email_of(self.stranger)
        self.call("POST", path, "an account's wrong password", json=body(stranger_email, password="wrong password"))
        self.call("POST", path, "already a member", json=body(self.me.email))
        self.call("POST", path, "a removed member", json=body(self.removed.email))

        # another request made the same membership between the checks and the commit
        def racing_record(campaign_id, user_id, *args, **kwargs):
            db.session.add(Membership(campaign_id=campaign_id, user_id=user_id, role=Role.VOLUNTEER))

        with monkeypatch.context() as patch:
            patch.setattr("server.auth.service.record", racing_record)
            self.call("POST", path, "a membership made meanwhile", json=body(stranger_email))
        self.rate_limited("JOIN_RATE_LIMIT", "POST", path, json=body(invite="no-such-invite"))

    def unusable_invites(self) -> list[tuple[str, str]]:
        used_up = self.make_invite(self.campaign, max_uses=1)
        with self.app.app_context():
            db.session.execute(update(Invite).where(Invite.id == used_up.id).values(uses=1))
            db.session.commit()
        return [("an expired invite", self.make_invite(self.campaign, expires_in=timedelta(days=-1)).code),
                ("a withdrawn invite", self.make_invite(self.campaign, revoked=True).code),
                ("a used-up invite", used_up.code)]

    def email_of(self, user_id: int) -> str:
        with self.app.app_context():
            return db.session.get(User, user_id).email

    def invite_lookup(self) -> None:
        path = "/api/invites/{code}"
        self.call("GET", path, "an unknown invite", "/api/invites/no-such-invite")
        self.call("GET", path, "a NUL in the code", "/api/invites/a%00b")
        for what, invite in self.unusable_invites():
            self.call("GET", path, what, f"/api/invites/{invite}")
        self.rate_limited("INVITE_LOOKUP_RATE_LIMIT", "GET", path, "/api/invites/no-such-invite")

    # -- a forgotten password --

    def reset_links(self) -> dict[str, str]:
        """Tokens of a link in each state: valid, used, replaced, expired."""
        def link(user_id):
            with self.app.app_context():
                made = reset_links.make_link(db.session.get(User, user_id), ResetOrigin.OPERATOR)
                db.session.commit()
                return made["token"]

        tokens = {"replaced": link(self.stranger)}
        tokens["valid"] = link(self.stranger)  # replaces the first
        tokens["expired"] = link(self.other.user_id)
        with self.app.app_context():
            db.session.execute(update(PasswordReset).where(PasswordReset.token_hash == reset_links.digest(
                tokens["expired"])).values(expires_at=utcnow() - timedelta(minutes=1)))
            db.session.commit()
        tokens["used"] = link(self.make_user())
        response = self.app.test_client().post("/api/auth/reset", json={"token": tokens["used"],
                                                                         "password": "a new password"})
        assert response.status_code == 200, response.json
        return tokens

    def reset(self) -> None:
        path = "/api/auth/reset-request"
        self.bodies("POST", path, {"email": self.me.email})
        self.call("POST", path, "no mail server", json={"email": self.me.email})
        self.rate_limited("RESET_REQUEST_RATE_LIMIT", "POST", path, json={"email": self.me.email})
        self.rate_limited("RESET_REQUEST_ACCOUNT_RATE_LIMIT", "POST", path, json={"email": self.me.email})

        tokens = self.reset_links()
        path = "/api/auth/reset/{token}"
        for what, token in [("an unknown link", "no-such-link"), ("a link not of its pattern", "a!b"),
                            ("a NUL in the link", "a%00b")]:
            self.call("GET", path, what, f"/api/auth/reset/{token}")
        self.rate_limited("RESET_TOKEN_RATE_LIMIT", "GET", path, "/api/auth/reset/no-such-link")

        path = "/api/auth/reset"
        self.bodies("POST", path, {"token": tokens["valid"], "password": "a new password"})
        for state in ("used", "replaced", "expired"):
            self.call("POST", path, f"a {state} link", json={"token": tokens[state], "password": "a new password"})
        self.call("POST", path, "an unknown link", json={"token": "no-such-link", "password": "a new password"})
        self.rate_limited("RESET_TOKEN_RATE_LIMIT", "POST", path,
                          json={"token": "no-such-link", "password": "a new password"})

    # -- the account --

    def account(self) -> None:
        self.tokens("GET", "/api/me")
        self.bodies("PATCH", "/api/me", {"display_name": "Ana", "language": "es"}, headers=self.headers)
        self.tokens("GET", "/api/me/data")
        # never the right password: the volunteer's account is needed for the rest
        self.bodies("POST", "/api/me/deletion", {"password": "not the password"}, headers=self.headers)
        self.call("POST", "/api/me/deletion", "the last owner deleting their account", json={"password": PASSWORD},
                  headers=self.bearer(self.owner.email))
        path = "/api/auth/refresh"
        self.call("POST", path, "no refresh cookie")
        browser = self.app.test_client()  # signed in: it holds the refresh cookie and its CSRF cookie
        browser.post("/api/auth/login", json={"email": self.me.email, "password": PASSWORD})
        self.call("POST", path, "no CSRF header", client=browser)
        self.call("POST", path, "a wrong CSRF header", client=browser, headers={"X-CSRF-TOKEN": "wrong"})
        broken = self.app.test_client()
        broken.set_cookie("refresh_token_cookie", "x", path="/")
        for what, headers in [("a broken refresh cookie", {"X-CSRF-TOKEN": "x"}),
                              ("a broken refresh cookie, no CSRF header", {})]:
            self.call("POST", path, what, client=broken, headers=headers)
            self.call("POST", "/api/auth/logout", what, client=broken, headers=headers)

    # -- a campaign --

    def campaign_access(self) -> None:
        self.tokens("GET", "/api/campaigns/{campaign_id}/match")
        self.call("GET", "/api/campaigns/{campaign_id}/match", "not a member",
                  headers=self.bearer(self.email_of(self.stranger)))
        self.call("GET", "/api/campaigns/{campaign_id}/match", "a removed member", headers={
            "Authorization": f"Bearer {self.removed_token()}"})
        self.call("GET", "/api/campaigns/{campaign_id}/match", "a campaign id past an INTEGER",
                  f"/api/campaigns/{2**31}/match", headers=self.headers)
        self.call("GET", "/api/campaigns/{campaign_id}/members", "a volunteer on an organizer's page",
                  headers=self.headers)

    def removed_token(self) -> str:
        with self.app.app_context():
            return create_access_token(identity=str(self.removed.user_id), additional_claims={
                "sv": db.session.get(User, self.removed.user_id).session_version})

    def leave(self, monkeypatch) -> None:
        path = "/api/campaigns/{campaign_id}/membership"
        self.call("DELETE", path, "the last owner leaving", headers=self.bearer(self.owner.email))
        self.call("DELETE", path, "a removed member leaving",
                  headers={"Authorization": f"Bearer {self.removed_token()}"})

        # an organizer removed the volunteer while they were leaving
        original = campaigns._lock_owners

        def removed_meanwhile(campaign_id, *members):
            db.session.execute(update(Membership).where(Membership.id == members[0].id).values(active=False))
            return original(campaign_id, *members)

        with monkeypatch.context() as patch:
            patch.setattr(campaigns, "_lock_owners", removed_meanwhile)
            self.call("DELETE", path, "removed while leaving", headers=self.bearer(self.other.email))

    def search(self) -> None:
        path = "/api/campaigns/{campaign_id}/voters/search"
        self.queries(path, {"name": "ana"}, self.headers)
        self.rate_limited("VOTER_SEARCH_RATE_LIMIT", "GET", path, query_string={"name": "ana"}, headers=self.headers)

    # -- the map's basemap --

    def basemap(self, tmp_path) -> None:
        info, extract = "/api/campaigns/{campaign_id}/basemap", "/api/campaigns/{campaign_id}/basemap/extract"
        box = {"bbox": "-78.902,35.993,-78.899,35.995"}
        self.call("GET", info, "no basemap yet", headers=self.headers)
        self.call("GET", extract, "no basemap yet", query_string=box, headers=self.headers)
        with self.app.app_context():
            install_file(db.session.get(Campaign, self.campaign), write_town(tmp_path / "town.pmtiles"), None)
        self.tokens("GET", info)
        self.queries(extract, box, self.headers)
        for what, bbox in [("three numbers", "1,2,3"), ("west past east", "10,0,5,1"), ("south past north", "0,5,1,4"),
                           ("a latitude past the map's", "0,0,1,89"), ("a longitude past 180", "-200,0,1,1"),
                           ("a box elsewhere", "2.29,48.85,2.30,48.86")]:
            self.call("GET", extract, what, query_string={"bbox": bbox}, headers=self.headers)
        self.app.config["BASEMAP_EXTRACT_MAX_TILES"] = 3
        self.call("GET", extract, "a box of too many tiles", query_string=box, headers=self.headers)

    # -- door to door: the turfs held, taking one by its link, its walk list --

    def turfs(self) -> None:
        listing, take = "/api/campaigns/{campaign_id}/turfs", "/api/campaigns/{campaign_id}/turfs/take"
        walk = "/api/campaigns/{campaign_id}/turfs/{turf_id}/walk-list"
        with self.app.app_context():
            turfs = {name: Turf(campaign_id=self.campaign, name=name, cut="precinct", area={}, holder_id=holder,
                                expires_at=utcnow() + timedelta(days=days))
                     for name, holder, days in [("held", self.other.id, 7), ("expired", self.me.id, -1)]}
            db.session.add_all(turfs.values())
            db.session.commit()
            ids = {name: (turf.id, turf.take_token) for name, turf in turfs.items()}
        self.tokens("GET", listing)
        self.queries(listing, {}, self.headers)
        self.bodies("POST", take, {"token": "no-such-token"}, self.headers)
        for what, token in [("no such token", "no-such-token"), ("held by another", ids["held"][1]),
                            ("expired", ids["expired"][1])]:
            self.call("POST", take, what, json={"token": token}, headers=self.headers)
        for what, name in [("held by another", "held"), ("expired", "expired")]:
            self.call("GET", walk, what, url=self.url(walk).replace("{turf_id}", str(ids[name][0])),
                      headers=self.headers)

    # -- the volunteer's own recruit link, and joining through one the campaign no longer honours --

    def recruiting(self) -> None:
        path = "/api/campaigns/{campaign_id}/recruit-link"
        self.tokens("POST", path)
        code = self.call("POST", path, "the volunteer's own link", headers=self.headers).json["code"]
        with self.app.app_context():
            db.session.execute(update(Campaign).where(Campaign.id == self.campaign).values(volunteer_recruiting=False))
            db.session.commit()
        self.call("POST", path, "recruiting turned off", headers=self.headers)
        self.call("GET", "/api/invites/{code}", "a recruit link, recruiting turned off", f"/api/invites/{code}")
        self.call("POST", "/api/auth/join", "a recruit link, recruiting turned off", json={
            "code": code, "email": "recruit@example.org", "password": PASSWORD, "display_name": "Ana",
            "language": "es"})
        with self.app.app_context():
            db.session.execute(update(Campaign).where(Campaign.id == self.campaign).values(volunteer_recruiting=True))
            db.session.commit()

    # -- private matching --

    def matching(self) -> None:
        with self.app.app_context():  # as while the campaign's first import has its tags built
            key = db.session.execute(select(MatchKey).where(MatchKey.campaign_id == self.campaign)).scalar_one()
            key.state = KeyState.BUILDING
            db.session.add(TagRange(key_id=key.id, first_id=1, last_id=1, done=False))
            db.session.commit()
        self.call("GET", "/api/campaigns/{campaign_id}/match", "before its first tag table is built",
                  headers=self.headers)
        with self.app.app_context():
            db.session.execute(delete(TagRange))
            db.session.execute(update(MatchKey).where(MatchKey.campaign_id == self.campaign)
                               .values(state=KeyState.ACTIVE))
            db.session.commit()
        status = self.client.get(self.url("/api/campaigns/{campaign_id}/match"), headers=self.headers).json
        version, bits = status["key_version"], status["prefix_bits"]
        element = b64(oprf.blind(b"tel:+19195550101")[1])
        with self.app.app_context():
            tag = b64(bytes(db.session.execute(select(MatchTag.tag)).scalars().first()))

        path = "/api/campaigns/{campaign_id}/match/evaluate"
        self.bodies("POST", path, {"key_version": version, "blinded": [element]}, headers=self.headers)
        for what, blinded in [("31 bytes", b64(bytes(31))), ("the identity", b64(bytes(32))),
                              ("the top bit set", b64(b"\xff" * 32)),
                              ("not canonical", b64(b"\xed" + b"\xff" * 30 + b"\x7f"))]:
            self.call("POST", path, f"an element of {what}", json={"key_version": version, "blinded": [blinded]},
                      headers=self.headers)
        self.call("POST", path, "an old key", json={"key_version": version + 1, "blinded": [element]},
                  headers=self.headers)

        path = "/api/campaigns/{campaign_id}/match/buckets"
        self.bodies("POST", path, {"key_version": version, "prefixes": [0]}, headers=self.headers)
        self.call("POST", path, "a bucket past the key's", json={"key_version": version, "prefixes": [2**bits]},
                  headers=self.headers)
        self.call("POST", path, "an old key", json={"key_version": version + 1, "prefixes": [0]}, headers=self.headers)

        path = "/api/campaigns/{campaign_id}/match/cards"
        self.bodies("POST", path, {"key_version": version, "tags": [tag]}, headers=self.headers)
        self.call("POST", path, "a tag of 15 bytes", json={"key_version": version, "tags": [b64(bytes(15))]},
                  headers=self.headers)
        self.call("POST", path, "an old key", json={"key_version": version + 1, "tags": [tag]}, headers=self.headers)

        with self.app.app_context():
            db.session.execute(update(Campaign).where(Campaign.id == self.campaign).values(
                match_daily_quota=1, match_daily_card_quota=0))
            db.session.commit()
        self.call("POST", "/api/campaigns/{campaign_id}/match/evaluate", "past the daily quota",
                  json={"key_version": version, "blinded": [element, element]}, headers=self.headers)
        self.call("POST", "/api/campaigns/{campaign_id}/match/cards", "past the daily card quota",
                  json={"key_version": version, "tags": [tag]}, headers=self.headers)

    # -- sync --

    def stamp(self, at_ms: int = NOW_MS, device: str | None = None) -> str:
        return Stamp(at_ms, 0, device or self.device).encode()

    def op(self, entity: str, fields: dict | None = None, entity_id: str | None = None, action: str = "upsert",
           **overrides) -> dict:
        op = {"op_id": str(uuid.uuid4()), "entity": entity, "entity_id": entity_id or str(uuid.uuid4()),
              "action": action, "hlc": self.stamp(), **overrides}
        if fields is not None:
            op["fields"] = fields
        return op

    def push(self, whats_and_ops: list[tuple[str, dict]], headers: dict | None = None):
        path = "/api/campaigns/{campaign_id}/sync/push"
        response = self.client.post(self.url(path), headers=headers or self.headers, json={
            "protocol": 1, "device_id": self.device, "ops": [op for _, op in whats_and_ops]})
        self.heard.pushed(response, f"POST {path}", [what for what, _ in whats_and_ops])
        return response.json["results"]

    def sync(self) -> None:
        path = "/api/campaigns/{campaign_id}/sync/push"
        relationship = {"voter_id": self.voter, "source": "search", "kind": "friend", "closeness": 3, "notes": "Hi"}
        conversation = {"voter_id": self.voter, "channel": "call", "happened_at": "2026-10-01T18:30:00-04:00",
                        "support": 2, "notes": "Will vote early.", "issue_tags": ["housing"]}
        asked = {"voter_id": self.voter, "no_door": True, "recorded_from": "door",
                 "recorded_at": "2026-10-03T11:02:00-04:00"}
        self.bodies("POST", path, {"protocol": 1, "device_id": self.device,
                                   "ops": [self.op("relationship", relationship)]}, headers=self.headers)
        self.call("POST", path, "an old protocol", json={"protocol": 2, "device_id": self.device, "ops": []},
                  headers=self.headers)

        # every op, each with one thing wrong, read from the document's declaration of each kind of op
        variants = resolve(self.spec, request_schema(self.spec, path, "POST"))["properties"]["ops"]["items"]["oneOf"]
        base_ops = {("relationship", "upsert"): self.op("relationship", relationship),
                    ("conversation", "upsert"): self.op("conversation", conversation),
                    ("door_visit", "upsert"): self.op("door_visit", {
                        "household_id": self.household, "voter_id": self.voter, "result": "talked", "support": 2,
                        "happened_at": "2026-10-03T11:02:00-04:00", "notes": "Asked about buses."}),
                    ("contact_preference", "upsert"): self.op("contact_preference", asked, entity_id=self.voter),
                    ("relationship", "delete"): self.op("relationship", action="delete")}
        cases = []
        for variant in variants:
            entity = variant["properties"]["entity"].get("const") or variant["properties"]["entity"]["enum"][0]
            base = base_ops[entity, variant["properties"]["action"]["const"]]
            for what, op in body_cases(self.spec, variant, base):
                if isinstance(op, dict):  # each op an id and a record of its own, unless the case is about them
                    fresh = {key: str(uuid.uuid4()) for key in ("op_id", "entity_id") if op.get(key) == base[key]}
                    cases.append((f"{entity} {base['action']}: {what}", {**op, **fresh}))
            fields_schema = variant["properties"].get("fields")
            for what, fields in body_cases(self.spec, fields_schema, base["fields"]) if fields_schema else ():
                cases.append((f"{entity} field {what}", self.op(entity, fields)))
        self.push(cases)
        self.push([("not an object", "x")])

        # what the records already on the server make of an op
        mine = self.op("relationship", relationship)
        gone = self.op("relationship", relationship)
        later = self.op("relationship", relationship, hlc=self.stamp(NOW_MS + 10))
        self.push([("made", mine), ("made to delete", gone), ("made later", later)])
        self.push([("deleted", self.op("relationship", entity_id=gone["entity_id"], action="delete",
                                       hlc=self.stamp(NOW_MS + 30)))])
        reviewed = self.op("conversation", conversation)
        self.push([("a conversation", reviewed), ("a preference", self.op("contact_preference", asked,
                                                                            entity_id=self.voter))])
        self.push([
            ("a fixed field changed", self.op("relationship", {"voter_id": self.other_voter},
                                              entity_id=mine["entity_id"])),
            ("an upsert of a deleted record", self.op("relationship", {"notes": "Still here"},
                                                      entity_id=gone["entity_id"], hlc=self.stamp(NOW_MS + 20))),
            ("a delete older than a change", self.op("relationship", entity_id=later["entity_id"], action="delete",
                                                     hlc=self.stamp(NOW_MS + 5))),
            ("a change older than the record's", self.op("relationship", {"notes": "Older"},
                                                         entity_id=later["entity_id"], hlc=self.stamp(NOW_MS + 1))),
            ("a delete of no person", self.op("relationship", action="delete")),
            ("a delete of no conversation", self.op("conversation", action="delete")),
            ("a delete with fields", self.op("relationship", {"notes": "x"}, action="delete")),
            ("a preference under another id than its voter's", self.op("contact_preference", asked)),
            ("a delete of no preference", self.op("contact_preference", action="delete", entity_id=self.other_voter)),
            ("a voter of no campaign of ours", self.op("relationship", {**relationship,
                                                                        "voter_id": str(uuid.uuid4())})),
            ("a person who is not there", self.op("conversation", {**conversation, "voter_id": None,
                                                                   "relationship_id": str(uuid.uuid4())})),
            ("both a person and a voter", self.op("conversation", {**conversation,
                                                                   "relationship_id": mine["entity_id"]})),
            ("neither a person nor a voter", self.op("conversation", {**conversation, "voter_id": None})),
            ("an organizer's field", self.op("conversation", {"reviewed": True}, entity_id=reviewed["entity_id"])),
            ("an issue not the campaign's", self.op("conversation", {**conversation, "issue_tags": ["parks"]})),
            ("a delete of a preference", self.op("contact_preference", action="delete", entity_id=self.voter)),
            ("a stamp far ahead", self.op("relationship", relationship,
                                          hlc=self.stamp(utcnow_ms() + 10 * MAX_DRIFT_MS))),
            ("a stamp of another device", self.op("relationship", relationship,
                                                  hlc=self.stamp(device=str(uuid.uuid4())))),
            ("a stamp that is not one", self.op("relationship", relationship, hlc="0-0-x")),
            ("a stamp's counter past its maximum", self.op("relationship", relationship,
                                                           hlc=f"{NOW_MS:015d}-99999-{self.device}")),
        ])
        # another account, or an organizer, on the volunteer's records
        self.push([("another account's op id", {**self.op("relationship", relationship), "op_id": mine["op_id"]})],
                  headers=self.bearer(self.other.email))
        self.push([("an organizer deleting a volunteer's record",
                    self.op("relationship", entity_id=mine["entity_id"], action="delete"))],
                  headers=self.bearer(self.owner.email))

        path = "/api/campaigns/{campaign_id}/sync/pull"
        self.queries(path, {"protocol": "1"}, self.headers)
        self.call("GET", path, "an old protocol", query_string={"protocol": "2"}, headers=self.headers)


def utcnow_ms() -> int:
    return int(utcnow().timestamp() * 1000)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# ---- the tests ---------------------------------------------------------------------------------------------------


def test_every_sentence_the_server_gives_a_volunteer_has_its_own_spanish(
        app, client, make_campaign, make_member, make_user, make_invite, monkeypatch, tmp_path):
    for setting in RATE_LIMITS:
        app.config[setting] = "100000 per minute"
    heard = Heard()
    volunteer = Volunteer(app, client, heard, make_campaign, make_member, make_user, make_invite)
    volunteer.login()
    volunteer.join(monkeypatch)
    volunteer.invite_lookup()
    volunteer.reset()
    volunteer.account()
    volunteer.campaign_access()
    volunteer.search()
    volunteer.matching()
    volunteer.sync()
    volunteer.basemap(tmp_path)
    volunteer.turfs()
    volunteer.recruiting()
    volunteer.leave(monkeypatch)

    # the collection is real: every call of the app was driven into errors, and what it found includes sentences
    # known to be there, from each kind of refusal
    driven = {re.sub(r"\{\w+\}", "{}", endpoint.split(" ", 1)[1].removeprefix("/api")) for endpoint in heard.endpoints}
    assert api_js_paths() - driven == set()
    assert len(heard.sentences) >= 75, sorted(heard.sentences)
    assert len(heard.rejections) >= 35, sorted(heard.rejections)
    assert SURE_TO_BE_HEARD - heard.sentences.keys() == set()
    assert any(sentence.startswith("Too many requests (limit: 1 per 1 minute)") for sentence in heard.sentences)
    assert any(sentence.startswith("Today's matching quota is used up") for sentence in heard.sentences)
    codes = {code for _, code in heard.rejections}
    assert {"required", "not_one_of", "too_long", "not_in_range", "unknown_field", "not_uuid", "fixed", "deleted",
            "kept", "lost", "no_such", "exactly_one", "owner_only", "not_issue", "clock_ahead", "foreign_stamp",
            "bad_stamp", "op_id_taken", "delete_with_fields", "not_object", None} <= codes

    missing = untranslated(heard.everything())
    assert missing == [], (f"es.js shows {len(missing)} of the server's sentences in English or as the catch-all; "
                           "give each its Spanish in pwa/lib/messages/server-es.js:\n" + "\n".join(missing))


def test_the_check_names_each_sentence_spanish_would_show_in_english(tmp_path):
    (tmp_path / "es.mjs").write_text("""export default {
      'problem.required': 'Falta este dato.',
      'server.text': ({ message }) => ({ 'Known.': 'Conocida.', 'Echoed.': 'Echoed.' })[message] ?? 'Algo falló.',
    };""")
    heard = {("Known.", None): "a", ("Echoed.", None): "b", ("Unknown.", None): "c", ("Required.", "required"): "d",
             ("Unknown code.", "no_such_code"): "e"}
    assert untranslated(heard, tmp_path / "es.mjs") == ["'Echoed.' (b)", "'Unknown.' (c)", "'Unknown code.' (e)"]
