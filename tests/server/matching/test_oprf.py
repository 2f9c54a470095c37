"""oprf.py: every RFC 9497 mode-0 vector for ristretto255-SHA512, and the elements a phone must not
be allowed to send."""

import json
from pathlib import Path

import pytest

import oprf

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "oprf" / "rfc9497_ristretto255_sha512_vectors.json").read_text()
)["OPRF"]
KEYS = VECTORS["keys"]
CASES = [pytest.param(case, id=case["Input"][:8]) for case in VECTORS["vectors"]]

# RFC 9496 Appendix A.2: encodings every ristretto255 decoder must reject.
NON_CANONICAL = [
    # non-canonical field encodings: a top bit set, and values >= p
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    # negative field elements
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    # non-square x^2
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    # negative xy value
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    # s = -1, which causes y = 0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


@pytest.fixture(scope="module")
def sk():
    return oprf.derive_key_pair(bytes.fromhex(KEYS["Seed"]), bytes.fromhex(KEYS["KeyInfo"]))


@pytest.fixture(scope="module")
def valid_blinded():
    return oprf.blind(b"tel:+12025550143")[1]


def test_derive_key_pair_gives_the_rfc_key(sk):
    assert sk.hex() == KEYS["skSm"]


@pytest.mark.parametrize("case", CASES)
def test_blind_with_the_rfc_blind_gives_the_rfc_blinded_element(case):
    blind, blinded = oprf.blind(bytes.fromhex(case["Input"]), bytes.fromhex(case["Blind"]))
    assert blind.hex() == case["Blind"]
    assert blinded.hex() == case["BlindedElement"]


@pytest.mark.parametrize("case", CASES)
def test_blind_evaluate_gives_the_rfc_evaluation_element(sk, case):
    assert oprf.blind_evaluate(sk, bytes.fromhex(case["BlindedElement"])).hex() == case["EvaluationElement"]


@pytest.mark.parametrize("case", CASES)
def test_finalize_gives_the_rfc_output(case):
    output = oprf.finalize(
        bytes.fromhex(case["Input"]), bytes.fromhex(case["Blind"]), bytes.fromhex(case["EvaluationElement"])
    )
    assert len(output) == oprf.OUTPUT_SIZE
    assert output.hex() == case["Output"]


@pytest.mark.parametrize("case", CASES)
def test_evaluate_gives_the_rfc_output(sk, case):
    assert oprf.evaluate(sk, bytes.fromhex(case["Input"])).hex() == case["Output"]


def test_blind_evaluate_rejects_the_identity(sk):
    with pytest.raises(oprf.InvalidElement, match="identity"):
        oprf.blind_evaluate(sk, bytes(oprf.ELEMENT_SIZE))


@pytest.mark.parametrize("encoding", NON_CANONICAL)
def test_blind_evaluate_rejects_non_canonical_encodings(sk, encoding):
    with pytest.raises(oprf.InvalidElement, match="canonical"):
        oprf.blind_evaluate(sk, bytes.fromhex(encoding))


def test_blind_evaluate_rejects_a_valid_element_with_the_top_bit_set(sk, valid_blinded):
    """libsodium 1.0.18 decodes it as the element without the bit; RFC 9496 §4.3.1 says a decoder must refuse it."""
    flipped = valid_blinded[:-1] + bytes([valid_blinded[-1] | 0x80])
    with pytest.raises(oprf.InvalidElement, match="canonical"):
        oprf.blind_evaluate(sk, flipped)
    with pytest.raises(oprf.InvalidElement, match="canonical"):
        oprf.finalize(b"x", oprf.blind(b"x")[0], flipped)


@pytest.mark.parametrize("size", [0, 1, 31, 33, 64])
def test_blind_evaluate_rejects_wrong_lengths(sk, valid_blinded, size):
    element = (valid_blinded * 2)[:size]
    with pytest.raises(oprf.InvalidElement, match="bytes"):
        oprf.blind_evaluate(sk, element)


def test_invalid_element_is_a_value_error():
    assert issubclass(oprf.InvalidElement, ValueError)


def test_finalize_rejects_an_identity_answer():
    blind, _ = oprf.blind(b"tel:+12025550143")
    with pytest.raises(oprf.InvalidElement):
        oprf.finalize(b"tel:+12025550143", blind, bytes(oprf.ELEMENT_SIZE))


def test_round_trip_with_a_random_blind_equals_evaluate(sk):
    data = b"mailto:ana@example.org"
    blind, blinded = oprf.blind(data)
    assert oprf.finalize(data, blind, oprf.blind_evaluate(sk, blinded)) == oprf.evaluate(sk, data)


def test_random_blinds_differ_but_outputs_agree(sk):
    data = b"tel:+12025550143"
    (blind1, blinded1), (blind2, blinded2) = oprf.blind(data), oprf.blind(data)
    assert blinded1 != blinded2
    assert oprf.finalize(data, blind1, oprf.blind_evaluate(sk, blinded1)) == oprf.finalize(
        data, blind2, oprf.blind_evaluate(sk, blinded2)
    )


def test_different_keys_give_different_outputs(sk):
    other = oprf.derive_key_pair(bytes.fromhex(KEYS["Seed"]), b"kin campaign 2 v1")
    assert other != sk
    assert oprf.evaluate(other, b"tel:+12025550143") != oprf.evaluate(sk, b"tel:+12025550143")


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33)])
def test_derive_key_pair_needs_a_32_byte_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        oprf.derive_key_pair(seed, b"kin campaign 1 v1")


@pytest.mark.parametrize("bad", [bytes(32), oprf.ORDER.to_bytes(32, "little"), bytes(31)])
def test_a_bad_key_is_refused_as_a_caller_error_not_an_invalid_element(valid_blinded, bad):
    with pytest.raises(ValueError, match="sk") as raised:
        oprf.blind_evaluate(bad, valid_blinded)
    assert not isinstance(raised.value, oprf.InvalidElement)


def test_inputs_longer_than_the_two_byte_length_prefix_are_refused(sk):
    with pytest.raises(ValueError, match="at most"):
        oprf.evaluate(sk, bytes(0x10000))


def test_blind_evaluate_packed_answers_each_element_in_order(sk):
    elements = [oprf.blind(f"tel:+1919555{n:04d}".encode())[1] for n in range(5)]
    assert oprf.blind_evaluate_packed(sk, b"".join(elements)) == b"".join(
        oprf.blind_evaluate(sk, element) for element in elements)


@pytest.mark.parametrize(("bad", "reason"), [
    (bytes(oprf.ELEMENT_SIZE), "identity"),
    (bytes.fromhex(NON_CANONICAL[-1]), "canonical"),
    (None, "top bit"),
], ids=["identity", "non-canonical", "top bit"])
def test_blind_evaluate_packed_names_the_first_bad_element(sk, valid_blinded, bad, reason):
    bad = bad or valid_blinded[:-1] + bytes([valid_blinded[-1] | 0x80])
    with pytest.raises(oprf.InvalidElement, match=reason) as refused:
        oprf.blind_evaluate_packed(sk, valid_blinded * 3 + bad + valid_blinded + bad)
    assert refused.value.index == 3


@pytest.mark.parametrize("size", [0, 31, 33, 65])
def test_blind_evaluate_packed_rejects_what_is_not_whole_elements(sk, valid_blinded, size):
    with pytest.raises(oprf.InvalidElement, match="bytes"):
        oprf.blind_evaluate_packed(sk, (valid_blinded * 3)[:size])
