"""Private matching over HTTP, with the phone's side played by oprf: the phone finds exactly
the voters behind its contacts, the quota holds, and the server keeps nothing about a contact."""

import base64

import pytest
from sqlalchemy import event, func, inspect, select, text

import oprf
from server.campaigns.models import Campaign, Role
from server.extensions import db
from server.matching import service
from server.matching.models import TAG_BYTES, MatchKey, MatchTag, MatchUsage
from server.matching.tags import bucket_of

VOTERS = [
    # voter_id, first, last, city, zip, birth_year, phone, email
    ["V1", "Ana", "Lopez", "Durham", "27701", "1990", "(919) 555-0101", "ana@example.org"],
    ["V2", "Ben", "Okafor", "Raleigh", "27601", "1985", "919-555-0102", ""],
    ["V3", "Cleo", "Park", "Cary", "27511", "1970", "", "CLEO@example.org"],
    ["V4", "Dev", "Shah", "Durham", "27701", "2001", "+1 919 555 0104", ""],
]
NOT_A_VOTER = b"tel:+19195550199"  # a contact of the volunteer who is in no voter file


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def split(packed: str, size: int) -> list[bytes]:
    """Protocol 2's packed items (a bucket's tags, or evaluated elements): base64 of them joined, as the phone
    splits it."""
    raw = base64.b64decode(packed, validate=True)
    assert len(raw) % size == 0
    return [raw[at:at + size] for at in range(0, len(raw), size)]


def unpack(packed: str) -> list[bytes]:
    return split(packed, TAG_BYTES)


class Phone:
    """What the PWA does, with the same OPRF: blind, ask, finalize, compare locally."""

    def __init__(self, client, headers, campaign_id):
        self.client, self.headers, self.url = client, headers, f"/api/campaigns/{campaign_id}/match"

    def status(self):
        return self.client.get(self.url, headers=self.headers).json

    def post(self, path, body):
        return self.client.post(f"{self.url}/{path}", json=body, headers=self.headers)

    def tags(self, inputs, key_version=None):
        key_version = key_version or self.status()["key_version"]
        blinds = [oprf.blind(value) for value in inputs]
        response = self.post("evaluate", {"protocol": 2, "key_version": key_version,
                                          "blinded": b64(b"".join(b for _, b in blinds))})
        assert response.status_code == 200, response.json
        evaluated = split(response.json["evaluated"], oprf.ELEMENT_SIZE)
        return [oprf.finalize(value, blind, element)[:16]
                for value, (blind, _), element in zip(inputs, blinds, evaluated, strict=True)]

    def match(self, inputs):
        status = self.status()
        tags = self.tags(inputs, status["key_version"])
        prefixes = sorted({bucket_of(tag, status["prefix_bits"]) for tag in tags})
        response = self.post("buckets", {"protocol": 2, "key_version": status["key_version"], "prefixes": prefixes})
        assert response.status_code == 200, response.json
        known = {tag for packed in response.json["buckets"].values() for tag in unpack(packed)}
        found = [tag for tag in tags if tag in known]
        if not found:
            return tags, []
        response = self.post("cards", {"key_version": status["key_version"], "tags": [b64(t) for t in found]})
        assert response.status_code == 200, response.json
        return tags, response.json["cards"]


@pytest.fixture
def campaign(app, make_campaign, voter_file, import_file):
    campaign_id = make_campaign(phone_region="US")
    result = import_file(voter_file(VOTERS), campaign_id, "--format", "generic")
    assert result.exit_code == 0, result.output
    return campaign_id


@pytest.fixture
def phone(client, make_member, auth_headers, campaign):
    member = make_member(campaign, Role.VOLUNTEER)
    return Phone(client, auth_headers(member.user_id), campaign)


def test_the_phone_finds_exactly_the_voters_behind_its_contacts(phone):
    contacts = [b"tel:+19195550101", b"mailto:ana@example.org", b"mailto:cleo@example.org", NOT_A_VOTER]
    tags, cards = phone.match(contacts)
    by_name = {card["voter"]["first_name"]: card for card in cards}
    assert set(by_name) == {"Ana", "Cleo"}
    assert by_name["Ana"]["strength"] == "both"  # her phone and her e-mail both point at her
    assert by_name["Cleo"]["strength"] == "email"
    assert {base64.b64decode(t) for t in by_name["Ana"]["tags"]} == {tags[0], tags[1]}
    assert by_name["Ana"]["voter"] == {"id": by_name["Ana"]["voter"]["id"], "first_name": "Ana", "last_initial": "L",
                                       "age": by_name["Ana"]["voter"]["age"], "city": "Durham", "priority": False}
    assert "last_name" not in by_name["Ana"]["voter"] and "phones" not in by_name["Ana"]["voter"]


def test_a_bucket_holds_every_tag_with_its_prefix_and_nothing_else(app, phone, campaign):
    status = phone.status()
    with app.app_context():
        key = db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign)).scalar_one()
        stored = db.session.execute(select(MatchTag.bucket, MatchTag.tag).where(MatchTag.key_id == key.id)).all()
    assert len(stored) == 5  # 3 phones + 2 e-mails in the file
    prefixes = sorted({bucket for bucket, _ in stored} | {0})
    response = phone.post("buckets", {"protocol": 2, "key_version": status["key_version"], "prefixes": prefixes})
    expected = {str(p): sorted(bytes(t) for b, t in stored if b == p) for p in prefixes}
    assert {p: unpack(packed) for p, packed in response.json["buckets"].items()} == expected


def test_a_phone_that_predates_packed_buckets_still_gets_a_list_of_tags(app, phone, campaign):
    """Until every phone has updated: a request with no protocol gets protocol 1's answer, one base64 string per
    tag, while protocol 2 gets the same tags packed."""
    status = phone.status()
    with app.app_context():
        key = db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign)).scalar_one()
        stored = db.session.execute(select(MatchTag.bucket, MatchTag.tag).where(MatchTag.key_id == key.id)).all()
    prefixes = sorted({bucket for bucket, _ in stored} | {0})
    expected = {str(p): sorted(bytes(t) for b, t in stored if b == p) for p in prefixes}
    old = phone.post("buckets", {"key_version": status["key_version"], "prefixes": prefixes})
    assert old.status_code == 200
    assert {p: [base64.b64decode(t) for t in tags] for p, tags in old.json["buckets"].items()} == expected
    new = phone.post("buckets", {"protocol": 2, "key_version": status["key_version"], "prefixes": prefixes})
    assert new.status_code == 200
    assert all(isinstance(packed, str) for packed in new.json["buckets"].values())
    assert {p: unpack(packed) for p, packed in new.json["buckets"].items()} == expected


def key_of(app, campaign_id) -> MatchKey:
    with app.app_context():
        return db.session.execute(select(MatchKey).where(MatchKey.campaign_id == campaign_id)).scalar_one()


def tag_count(app, key_id) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(MatchTag)
                                  .where(MatchTag.key_id == key_id)).scalar_one()


def test_a_key_knows_how_many_tags_it_has_after_each_build(app, runner, phone, campaign, voter_file, import_file):
    """The count that sizes a buckets call follows the file: the first build, a re-import's new identifiers, a
    rotation."""
    key = key_of(app, campaign)
    assert key.tag_count == tag_count(app, key.id) == 5
    more = VOTERS + [["V5", "Eve", "Ng", "Durham", "27701", "1999", "919-555-0105", "eve@example.org"]]
    assert import_file(voter_file(more), campaign, "--format", "generic").exit_code == 0
    assert key_of(app, campaign).tag_count == tag_count(app, key.id) == 7
    assert runner.invoke(args=["kin", "matching", "rotate", "--campaign", str(campaign)]).exit_code == 0
    rotated = key_of(app, campaign)
    assert rotated.version == 2 and rotated.tag_count == tag_count(app, rotated.id) == 7


def test_a_buckets_answer_stays_near_its_size_however_full_the_buckets(app, client, make_campaign, make_member,
                                                                       auth_headers, voter_file, import_file,
                                                                       monkeypatch):
    """Few prefix bits for many voters make full buckets: the status then asks for fewer buckets a call, so no
    answer carries much of the tag table, and a phone that asks for more than that is refused by the field. Here
    600 phones in 2^8 buckets, under a small answer size so that a test-sized file needs several calls."""
    monkeypatch.setattr(service, "BUCKETS_ANSWER_BYTES", 2_000)
    campaign_id = make_campaign(phone_region="US", match_prefix_bits=8)
    rows = [[f"V{n}", "Voter", f"N{n}", "Durham", "27701", "1980", f"919-556-{n:04d}", ""] for n in range(600)]
    assert import_file(voter_file(rows), campaign_id, "--format", "generic").exit_code == 0
    phone = Phone(client, auth_headers(make_member(campaign_id, Role.VOLUNTEER).user_id), campaign_id)
    status = phone.status()
    per_call = status["buckets_per_call"]
    assert 1 < per_call < 256 // 4, status  # 600 tags in 256 buckets: about 2.3 a bucket
    every, seen = list(range(256)), set()
    for protocol in (1, 2):
        for at in range(0, len(every), per_call):
            response = phone.post("buckets", {"protocol": protocol, "key_version": status["key_version"],
                                              "prefixes": every[at:at + per_call]})
            assert response.status_code == 200, response.json
            assert len(response.get_data()) <= 1.3 * service.BUCKETS_ANSWER_BYTES
            if protocol == 2:
                seen.update(tag for packed in response.json["buckets"].values() for tag in unpack(packed))
    assert len(seen) == 600  # every tag, once, in calls of the announced size
    refused = phone.post("buckets", {"protocol": 2, "key_version": status["key_version"],
                                     "prefixes": every[:per_call + 1]})
    assert refused.status_code == 422
    assert f"at most {per_call}" in refused.json["errors"]["prefixes"][0]


def test_small_buckets_are_asked_for_in_few_calls(phone):
    """At 16 bits a bucket of the five-tag fixture is nearly empty: a whole address book's buckets fit in one call."""
    assert phone.status()["buckets_per_call"] == service.MOST_BUCKETS_PER_CALL


def test_a_bucket_protocol_the_server_does_not_speak_is_refused(phone):
    status = phone.status()
    response = phone.post("buckets", {"protocol": 3, "key_version": status["key_version"], "prefixes": [0]})
    assert response.status_code == 422
    assert "protocol" in response.json["errors"]["json"]


def test_tags_are_the_oprf_of_the_normalised_identifier(app, phone, campaign):
    """The server's tag for "(919) 555-0101" is what a phone computes for tel:+19195550101, and nothing else."""
    [tag] = phone.tags([b"tel:+19195550101"])
    with app.app_context():
        assert db.session.execute(select(func.count()).where(MatchTag.tag == tag)).scalar_one() == 1
    [other] = phone.tags([b"tel:+19195550101 "])
    assert other != tag


def test_the_daily_quota_holds_and_says_what_is_left(app, phone, campaign):
    with app.app_context():
        db.session.get(Campaign, campaign).match_daily_quota = 5
        db.session.commit()
    status = phone.status()
    assert status["elements_left"] == 5
    phone.tags([b"tel:+1", b"tel:+2", b"tel:+3"])
    blinded = [b64(oprf.blind(b"x")[1]) for _ in range(3)]
    refused = phone.post("evaluate", {"key_version": status["key_version"], "blinded": blinded})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 86_400
    assert "2 contacts left" in refused.json["message"]
    assert phone.status()["elements_left"] == 2  # a refused request costs nothing
    assert phone.post("evaluate", {"key_version": status["key_version"], "blinded": blinded[:2]}).status_code == 200
    assert phone.status()["elements_left"] == 0


def test_the_card_quota_counts_voters_shown(app, phone, campaign):
    with app.app_context():
        db.session.get(Campaign, campaign).match_daily_card_quota = 1
        db.session.commit()
    status = phone.status()
    ana_phone, ana_mail, ben = phone.tags([b"tel:+19195550101", b"mailto:ana@example.org", b"tel:+19195550102"])
    both = phone.post("cards", {"key_version": status["key_version"], "tags": [b64(ana_mail), b64(ben)]})
    assert both.status_code == 429 and "1 voter cards left" in both.json["message"]
    one = phone.post("cards", {"key_version": status["key_version"], "tags": [b64(ana_phone), b64(ana_mail)]})
    assert one.status_code == 200 and len(one.json["cards"]) == 1
    assert phone.status()["cards_left"] == 0


def test_cards_for_tags_that_do_not_exist_are_empty_and_free(phone):
    status = phone.status()
    response = phone.post("cards", {"key_version": status["key_version"], "tags": [b64(bytes(16))]})
    assert response.json == {"cards": []}
    assert phone.status()["cards_left"] == status["cards_left"]


VALID = oprf.blind(b"a")[1]


@pytest.mark.parametrize("protocol", [1, 2])
@pytest.mark.parametrize(("element", "problem"), [
    (bytes(32), "identity"),
    (bytes([0xff] * 32), "canonical"),
    (VALID[:-1] + bytes([VALID[-1] | 0x80]), "top bit"),  # accepted by libsodium 1.0.18 itself
], ids=["identity", "canonical", "top bit"])  # VALID is random: named, each test process collects the same tests
def test_invalid_elements_are_refused_by_their_place_and_not_counted(phone, protocol, element, problem):
    status = phone.status()
    elements = [oprf.blind(b"a")[1], oprf.blind(b"b")[1], element, bytes(32)]  # the first bad one is named
    blinded = b64(b"".join(elements)) if protocol == 2 else [b64(e) for e in elements]
    response = phone.post("evaluate", {"protocol": protocol, "key_version": status["key_version"], "blinded": blinded})
    assert response.status_code == 422
    [(place, [reason])] = response.json["errors"]["blinded"].items()
    assert place == "2" and problem in reason
    assert phone.status()["elements_left"] == status["elements_left"]


def test_a_phone_that_predates_packed_elements_still_gets_a_list(phone):
    """Until every phone has updated: a request with no protocol sends and gets one base64 string per element;
    protocol 2 gets the same answers joined in one string."""
    status = phone.status()
    elements = [oprf.blind(value)[1] for value in (b"tel:+19195550101", b"mailto:ana@example.org", b"x")]
    old = phone.post("evaluate", {"key_version": status["key_version"], "blinded": [b64(e) for e in elements]})
    assert old.status_code == 200 and isinstance(old.json["evaluated"], list)
    new = phone.post("evaluate", {"protocol": 2, "key_version": status["key_version"],
                                  "blinded": b64(b"".join(elements))})
    assert new.status_code == 200 and isinstance(new.json["evaluated"], str)
    answers = [base64.b64decode(e) for e in old.json["evaluated"]]
    assert split(new.json["evaluated"], oprf.ELEMENT_SIZE) == answers
    assert len(set(answers)) == 3 and answers[0] != elements[0]
    assert phone.status()["elements_left"] == status["elements_left"] - 6


@pytest.mark.parametrize(("body", "field"), [
    ({"blinded": ["not base64!"]}, "blinded"),
    ({"blinded": [b64(bytes(31))]}, "blinded"),
    ({"blinded": []}, "blinded"),
    ({"blinded": [b64(bytes(32))] * (service.MAX_PER_CALL + 1)}, "blinded"),
    ({"blinded": [b64(bytes(32))], "contacts": ["Ana"]}, "contacts"),
    ({"protocol": 2, "blinded": "not base64!"}, "blinded"),
    ({"protocol": 2, "blinded": b64(bytes(63))}, "blinded"),
    ({"protocol": 2, "blinded": ""}, "blinded"),
    ({"protocol": 2, "blinded": b64(bytes(32 * (service.MAX_PER_CALL + 1)))}, "blinded"),
    ({"protocol": 2, "blinded": [b64(bytes(32))]}, "blinded"),
    ({"blinded": b64(bytes(32))}, "blinded"),
    ({"protocol": 3, "blinded": b64(bytes(32))}, "protocol"),
], ids=["not base64", "short", "empty", "too many", "unknown field", "packed not base64", "packed not whole",
        "packed empty", "packed too many", "list in protocol 2", "string in protocol 1", "unknown protocol"])
def test_malformed_evaluate_requests_name_the_field(phone, body, field):
    response = phone.post("evaluate", {"key_version": 1, **body})
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize(("call", "field", "good", "bad"), [
    ("evaluate", "blinded", b64(VALID), b64(bytes(31))),
    ("evaluate", "blinded", b64(VALID), 7),
    ("buckets", "prefixes", 0, -1),
    ("buckets", "prefixes", 0, True),
    ("buckets", "prefixes", 0, 1 << 32),
    ("cards", "tags", b64(bytes(16)), "not base64!"),
], ids=["short element", "element not text", "negative bucket", "bucket true", "bucket past 32 bits", "bad tag"])
def test_one_bad_item_in_a_long_list_is_named_by_its_place(phone, call, field, good, bad):
    """Long lists are checked in one pass; one bad item still gets the error that says which it is."""
    response = phone.post(call, {"key_version": phone.status()["key_version"], field: [good] * 1000 + [bad, good]})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"][field]) == ["1000"]


def test_a_bucket_number_beyond_the_prefix_is_refused(phone):
    status = phone.status()
    response = phone.post("buckets", {"key_version": status["key_version"], "prefixes": [1 << status["prefix_bits"]]})
    assert response.status_code == 422 and "prefixes" in response.json["errors"]


def test_rotation_switches_keys_and_old_evaluations_are_refused(app, runner, phone, campaign):
    old_tags, _ = phone.match([b"tel:+19195550101"])
    result = runner.invoke(args=["kin", "matching", "rotate", "--campaign", str(campaign)])
    assert result.exit_code == 0, result.output
    assert "key 2" in result.output
    stale = phone.post("evaluate", {"key_version": 1, "blinded": [b64(oprf.blind(b"a")[1])]})
    assert stale.status_code == 409 and "version 2" in stale.json["message"]
    assert phone.status()["key_version"] == 2
    new_tags, cards = phone.match([b"tel:+19195550101"])
    assert new_tags != old_tags and [c["voter"]["first_name"] for c in cards] == ["Ana"]
    with app.app_context():
        keys = db.session.execute(select(MatchKey.version).where(MatchKey.campaign_id == campaign)).scalars().all()
        assert keys == [2]
        assert db.session.execute(select(func.count()).select_from(MatchTag)).scalar_one() == 5


def test_reimport_tags_new_identifiers_and_drops_removed_ones(app, phone, campaign, voter_file, import_file):
    changed = [row[:] for row in VOTERS]
    changed[1][6] = "919-555-0112"  # Ben changed his number
    changed[3][6] = ""  # Dev's number is gone
    result = import_file(voter_file(changed), campaign, "--format", "generic")
    assert result.exit_code == 0, result.output
    _, cards = phone.match([b"tel:+19195550102", b"tel:+19195550112", b"tel:+19195550104"])
    assert [c["voter"]["first_name"] for c in cards] == ["Ben"]
    assert len(cards[0]["tags"]) == 1
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(MatchTag)).scalar_one() == 4


def test_voters_no_longer_in_the_file_get_no_card(phone, campaign, voter_file, import_file):
    import_file(voter_file(VOTERS[:3]), campaign, "--format", "generic")
    _, cards = phone.match([b"tel:+19195550104"])
    assert cards == []


def test_the_server_keeps_nothing_about_a_contact(app, phone, campaign, caplog):
    """After a full matching run, no table holds anything derived from the volunteer's contacts, and the only
    row that changed is the usage counter; the log names no contact either."""

    def snapshot():
        with app.app_context():
            tables = inspect(db.engine).get_table_names()
            return {table: sorted(map(repr, db.session.execute(text(f'SELECT * FROM "{table}"')).all()))
                    for table in tables if table != "alembic_version"}

    before = snapshot()
    contact = b"tel:+19195550199"
    tags, cards = phone.match([contact, b"mailto:someone.private@example.net"])
    assert cards == []
    after = snapshot()
    changed = {table for table in after if after[table] != before.get(table)}
    assert changed == {"match_usage"}
    dump = repr(after)
    for secret in ("9195550199", "555-0199", "someone.private", b64(tags[0]), tags[0].hex()):
        assert secret not in dump
        assert secret not in caplog.text
    with app.app_context():
        usage = db.session.execute(select(MatchUsage)).scalar_one()
        assert (usage.elements, usage.cards) == (2, 0)


def statements_of(app, call) -> list[str]:
    """The SQL statements that ``call`` (a request) runs."""
    seen = []

    def hook(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hook)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    return seen


def test_a_matching_call_runs_the_same_few_statements_whatever_its_size(app, phone):
    """Each call's statements are per request, never per element or tag, and the campaign comes with the
    membership that scopes the call (server/scoping.py) instead of in a statement of its own."""
    status = phone.status()
    elements = b"".join(oprf.blind(f"tel:+1919555{n:04d}".encode())[1] for n in range(40))

    def evaluate(count):
        return lambda: phone.post("evaluate", {"protocol": 2, "key_version": status["key_version"],
                                               "blinded": b64(elements[:count * oprf.ELEMENT_SIZE])})

    one, forty = statements_of(app, evaluate(1)), statements_of(app, evaluate(40))
    assert len(one) == len(forty) <= 6, forty
    alone = [sql for sql in forty if sql.startswith("SELECT") and "FROM campaign " in sql and "membership" not in sql]
    assert not alone
    tags = phone.tags([b"tel:+19195550101", b"mailto:ana@example.org", b"tel:+19195550102"])
    cards = [statements_of(app, lambda n=n: phone.post("cards", {"key_version": status["key_version"],
                                                                 "tags": [b64(t) for t in tags[:n]]}))
             for n in (1, 3)]
    assert len(cards[0]) == len(cards[1]) <= 7, cards[1]


def test_the_status_call_reads_nothing_twice(app, phone):
    """The status call's reads come before its commit: after it, the session's objects are expired, and touching
    them read the membership and the key again, in a second transaction."""
    phone.status()  # the campaign's first key is made here
    statements = statements_of(app, phone.status)
    reads = [sql.split(" WHERE ")[0] for sql in statements if sql.startswith("SELECT")]
    assert len(reads) == len(set(reads)) == 4, statements  # account, membership and campaign, key, usage
