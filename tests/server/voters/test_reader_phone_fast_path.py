"""The reader's phone fast path (in server/identifiers.py) gives byte for byte what phonenumbers gives.

Two proofs: the NANP metadata decides validity within the first seven digits, so remembering validity per
seven-digit prefix cannot change an answer; and both paths agree on many numbers, written many ways.
"""

import json
import random
import re._constants as sre
import re._parser as sre_parse
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from server import identifiers
from server.identifiers import InvalidIdentifier, normalize_phone

PHONES = Path(__file__).parent.parent.parent / "fixtures" / "phones"
NANP_REGIONS = COUNTRY_CODE_TO_REGION_CODE[1]
# every pattern that phonenumbers.is_valid_number reads for a +1 number: which region it is, and which type
NUMBER_TYPES = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                "personal_number", "voip", "pager", "uan", "voicemail")


def _sequence(items) -> set[tuple[int, int]]:
    """Each way a regex sequence can match: (its length, the last position a character class constrains)."""
    ways = {(0, 0)}
    for op, arg in items:
        ways = {(width + item_width, width + item_last if item_last else last)
                for width, last in ways for item_width, item_last in _item(op, arg)}
    return ways


def _item(op, arg) -> set[tuple[int, int]]:
    if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
        any_digit = op is sre.IN and arg in ([(sre.CATEGORY, sre.CATEGORY_DIGIT)], [(sre.RANGE, (48, 57))])
        return {(1, 0 if any_digit else 1)}
    if op is sre.SUBPATTERN:
        return _sequence(arg[-1])
    if op is sre.BRANCH:
        return set().union(*(_sequence(branch) for branch in arg[1]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = arg
        assert high is not sre.MAXREPEAT, "an unbounded repeat: this proof does not apply"
        once, ways, result = _sequence(body), {(0, 0)}, set()
        for count in range(high + 1):
            if count >= low:
                result |= ways
            ways = {(width + w, width + last_in if last_in else last) for width, last in ways for w, last_in in once}
        return result
    raise AssertionError(f"regex construct {op} is outside what this proof handles")


def decided_within(pattern: str, length: int | None = None) -> int:
    """How many leading digits decide whether a string of digits (of ``length``, if given) matches ``pattern``."""
    ways = _sequence(sre_parse.parse(pattern))
    return max((last for width, last in ways if length is None or width == length), default=0)


def nanp_patterns() -> list[tuple[str, str, int | None]]:
    """(where, pattern, length it must match whole, or None for a prefix match) for every NANP region."""
    patterns = []
    for region in NANP_REGIONS:
        metadata = PhoneMetadata.metadata_for_region(region)
        if metadata.leading_digits:
            patterns.append((f"{region} leading digits", metadata.leading_digits, None))
        for name in NUMBER_TYPES:
            desc = getattr(metadata, name)
            if desc is not None and desc.national_number_pattern:
                patterns.append((f"{region} {name}", desc.national_number_pattern, 10))
    return patterns


def test_proof_handles_what_it_needs():
    assert decided_within(r"983[2-57-9]\d{6}", 10) == 4
    assert decided_within(r"(?:2(?:0[1-35-9]|1[02-9]))[2-9]\d{6}", 10) == 4
    assert decided_within(r"52(?:3(?:[2-46-9][02-9]\d|5(?:[02-46-9]\d|5[0-46-9])))\d{4}", 10) == 6
    assert decided_within(r"[2-9]\d{9}|3\d{6}", 10) == 1
    assert decided_within(r"268", None) == 3


def test_nanp_metadata_decides_validity_within_the_cached_prefix():
    patterns = nanp_patterns()
    assert len(patterns) > len(NANP_REGIONS) * 3  # every region's patterns were found
    too_deep = {where: decided_within(pattern, length) for where, pattern, length in patterns
                if decided_within(pattern, length) > identifiers.NANP_PREFIX_DIGITS}
    assert too_deep == {}


def test_fast_path_is_used_only_where_the_proof_holds():
    for region in identifiers._NANP_REGIONS:
        metadata = PhoneMetadata.metadata_for_region(region)
        assert metadata.country_code == 1
        assert metadata.national_prefix_for_parsing == "1" and metadata.national_prefix_transform_rule is None
        assert 10 in metadata.general_desc.possible_length


def both(raw: str, region: str) -> tuple[str, str]:
    """What the fast and the reference path make of ``raw``: a number, or the words of the refusal."""
    answers = []
    for normalize in (normalize_phone, identifiers._normalize_phone_with_phonenumbers):
        try:
            answers.append(normalize(raw, region))
        except InvalidIdentifier as exc:
            answers.append(f"refused: {exc}")
    return answers[0], answers[1]


FORMATS = ("{a}{e}{l}", "({a}) {e}-{l}", "({a}){e}{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "{a} {e} {l}", "1{a}{e}{l}",
           "1-{a}-{e}-{l}", "1 ({a}) {e}-{l}", "+1{a}{e}{l}", "+1 {a} {e} {l}", "+1-{a}-{e}-{l}", "+1 ({a}) {e}-{l}",
           " {a}-{e}-{l}\t", "{a}{e}-{l}", "{a}-{e}{l}")


@pytest.fixture
def cold_cache(monkeypatch):
    """Forget every prefix, so each is first judged inside the test."""
    monkeypatch.setattr(identifiers, "_prefix_checked", bytearray(len(identifiers._prefix_checked)))
    monkeypatch.setattr(identifiers, "_prefix_valid", bytearray(len(identifiers._prefix_valid)))


def test_fast_path_matches_phonenumbers_on_many_numbers(cold_cache, monkeypatch):
    fast_path_calls = []
    judge = identifiers._nanp_is_valid
    monkeypatch.setattr(identifiers, "_nanp_is_valid", lambda national: fast_path_calls.append(1) or judge(national))
    rng = random.Random(9)
    # 1,500 prefixes, 20 numbers each: the first number of a prefix fills the cache, the other 19 read it
    prefixes = [f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}" for _ in range(1500)]
    checked = disagreements = valid = 0
    for prefix in prefixes:
        for _ in range(20):
            digits = prefix + f"{rng.randint(0, 999):03d}"
            a, e, line = digits[:3], digits[3:6], digits[6:]
            raw = rng.choice(FORMATS).format(a=a, e=e, l=line)
            fast, reference = both(raw, rng.choice(("US", "CA")))
            disagreements += fast != reference
            valid += fast.startswith("+")
            checked += 1
    assert (checked, disagreements, len(fast_path_calls)) == (30_000, 0, 30_000)
    assert 5_000 < valid < 25_000  # both valid and invalid numbers were compared


@pytest.mark.parametrize("region", sorted(identifiers._NANP_REGIONS))
def test_fast_path_matches_phonenumbers_on_every_example_number(cold_cache, region):
    for number_region in NANP_REGIONS:
        for number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE,
                            PhoneNumberType.PREMIUM_RATE, PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.VOIP,
                            PhoneNumberType.PAGER, PhoneNumberType.UAN):
            example = phonenumbers.example_number_for_type(number_region, number_type)
            if example is None:
                continue
            digits = str(example.national_number)
            for text in (digits, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"+1 {digits}"):
                assert both(text, region)[0] == both(text, region)[1] == f"+1{digits}", (number_region, text)


@pytest.mark.parametrize("raw", [
    "919-555-0100", "800-555-0199", "911-555-1234", "212-911-1234", "919-060-1234", "919-160-1234",
    "242-554-4053", "876-555-1234", "246-234-5678", "658-234-5678", "0919-660-1234", "1 1919 660 1234",
    "+2 919 660 1234", "919 660 1234 ext 5", "919-660-1234x5", "919  660 1234", "(919 660-1234", "919)660-1234",
    "919–660–1234", "９１９-６６０-１２３４", "\u200b919-660-1234", "", "   ", "1", "+1", "+44 20 7946 0958",
    "\x1c919-660-1234",
])
@pytest.mark.parametrize("region", ["US", "CA", "GB"])
def test_fast_path_matches_phonenumbers_at_its_edges(cold_cache, raw, region):
    fast, reference = both(raw, region)
    assert fast == reference


def test_fast_path_matches_phonenumbers_on_the_tricky_inputs(cold_cache):
    inputs = json.loads((PHONES / "tricky_inputs_71.json").read_text(encoding="utf-8"))
    for raw in inputs:
        for region in ("US", "CA"):
            fast, reference = both(raw, region)
            assert fast == reference, (raw, region)
