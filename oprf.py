"""RFC 9497 OPRF, mode 0 (OPRF, not VOPRF), ciphersuite ristretto255-SHA512, over the system libsodium.

The phone blinds each identifier and finalizes (pwa/lib/matching/oprf.js); the server only ever sees blinded elements
and answers `blind_evaluate`. When it builds a campaign's tag table the server computes the same F(k, x) directly with
`evaluate_many`. Both sides pass the RFC's vectors and agree byte for byte (tests/server/matching/).

A module of its own, outside ``server``, importing nothing of the app: the tag build's processes
(server/matching/tags.py) load it in a few milliseconds, where importing ``server`` costs each of them over a
CPU-second.

Group operations go through pysodium's ctypes handle on libsodium (>= 1.0.18); expand_message_xmd (RFC 9380 §5.3.1)
is hashlib's SHA-512. Scalars are 32 bytes little-endian and elements 32-byte ristretto255 encodings, as the RFC
serializes them.
"""

import ctypes
import hashlib
import secrets
from collections.abc import Iterable

from pysodium import sodium

ELEMENT_SIZE = 32  # a serialized ristretto255 element or scalar
OUTPUT_SIZE = 64
MAX_INPUT_SIZE = 0xFFFF  # inputs are length-prefixed with two bytes (RFC 9497 §1.2)

CONTEXT_STRING = b"OPRFV1-\x00-ristretto255-SHA512"  # "OPRFV1-" || I2OSP(mode 0, 1) || "-" || identifier
ORDER = 2**252 + 27742317777372353535851937790883648493  # the ristretto255 group order (RFC 9496 §4)

_IDENTITY = bytes(ELEMENT_SIZE)  # the identity's only canonical encoding
_ELEMENT_SIZE_PREFIX = ELEMENT_SIZE.to_bytes(2, "big")


class InvalidElement(ValueError):
    """A blinded element that is not canonical, is the identity, or has the wrong length; ``index`` is its place
    among the elements of one call."""

    def __init__(self, reason: str, index: int = 0):
        super().__init__(reason)
        self.index = index


def _expander(dst: bytes):
    """expand_message_xmd with SHA-512 and len_in_bytes = 64 (so ell = 1), for one fixed DST (RFC 9380 §5.3.1)."""
    dst_prime = dst + bytes([len(dst)])
    after_msg = OUTPUT_SIZE.to_bytes(2, "big") + b"\x00" + dst_prime  # l_i_b_str || I2OSP(0, 1) || DST_prime
    after_b0 = b"\x01" + dst_prime
    z_pad = hashlib.sha512(bytes(128))  # Z_pad is one 128-byte SHA-512 block: absorb it once, copy per call

    def expand(msg: bytes) -> bytes:
        h = z_pad.copy()
        h.update(msg)
        h.update(after_msg)
        return hashlib.sha512(h.digest() + after_b0).digest()

    return expand


_expand_hash_to_group = _expander(b"HashToGroup-" + CONTEXT_STRING)
_expand_derive_key_pair = _expander(b"DeriveKeyPair" + CONTEXT_STRING)

# Bound once: each call below is a single C call with no Python wrapper in between.
_from_hash = sodium.crypto_core_ristretto255_from_hash
_scalarmult = sodium.crypto_scalarmult_ristretto255  # -1 when the point does not decode or the product is identity
_scalar_invert = sodium.crypto_core_ristretto255_scalar_invert
_buffer = ctypes.create_string_buffer
_at = ctypes.byref  # byref(buffer, offset): a pointer into a buffer, so a batch's products share one


def _check_input(input: bytes) -> None:
    if len(input) > MAX_INPUT_SIZE:
        raise ValueError(f"an OPRF input is at most {MAX_INPUT_SIZE} bytes, got {len(input)}")


def _check_scalar(scalar: bytes, name: str) -> None:
    """A canonical, nonzero scalar: anything else is a bug in the caller, not bad input from a phone."""
    if len(scalar) != ELEMENT_SIZE or not 0 < int.from_bytes(scalar, "little") < ORDER:
        raise ValueError(f"{name} must be a canonical nonzero {ELEMENT_SIZE}-byte ristretto255 scalar")


def _check_element(element: bytes) -> None:
    """Length, the top bit and identity; _multiply refuses the rest (libsodium decodes only canonical encodings,
    but 1.0.18 ignores the top bit, which RFC 9496 §4.3.1 says must be refused: the encoding read as an integer is
    then past the field's prime)."""
    if len(element) != ELEMENT_SIZE:
        raise InvalidElement(f"an element is {ELEMENT_SIZE} bytes, got {len(element)}")
    if element[-1] & 0x80:
        raise InvalidElement("not a canonical ristretto255 encoding (the top bit is set)")
    if element == _IDENTITY:  # libsodium decodes it; only the multiplication would fail, with a vaguer reason
        raise InvalidElement("the identity element")


def _hash_to_group(input: bytes) -> bytes:
    """HashToGroup: hash_to_ristretto255 (RFC 9380 Appendix B) with DST "HashToGroup-" || contextString."""
    point = _buffer(ELEMENT_SIZE)
    _from_hash(point, _expand_hash_to_group(input))
    return point.raw


def _multiply(scalar: bytes, element: bytes) -> bytes:
    product = _buffer(ELEMENT_SIZE)
    if _scalarmult(product, scalar, element) != 0:
        raise InvalidElement("not a canonical ristretto255 encoding")
    return product.raw


def _finalize_hash(input: bytes, unblinded: bytes) -> bytes:
    """Hash(I2OSP(len(input), 2) || input || I2OSP(len(unblindedElement), 2) || unblindedElement || "Finalize")."""
    return hashlib.sha512(
        len(input).to_bytes(2, "big") + input + _ELEMENT_SIZE_PREFIX + unblinded + b"Finalize"
    ).digest()


def derive_key_pair(seed: bytes, info: bytes) -> bytes:
    """RFC 9497 §3.2.1 DeriveKeyPair; return skS. The public key is only needed in the verifiable modes.

    :raise ValueError: the seed is not 32 bytes or info is longer than 65,535 bytes.
    """
    if len(seed) != ELEMENT_SIZE:
        raise ValueError(f"the seed is {ELEMENT_SIZE} bytes, got {len(seed)}")
    _check_input(info)
    derive_input = seed + len(info).to_bytes(2, "big") + info
    for counter in range(256):
        # HashToScalar: the 64 uniform bytes as a little-endian integer, reduced modulo the group order
        sk = int.from_bytes(_expand_derive_key_pair(derive_input + bytes([counter])), "little") % ORDER
        if sk:
            return sk.to_bytes(ELEMENT_SIZE, "little")
    raise ValueError("DeriveKeyPairError")  # probability about 2^-252 per counter value


def blind_evaluate(sk: bytes, blinded: bytes) -> bytes:
    """The server's answer to one blinded element from a phone: sk * blinded.

    :raise InvalidElement: blinded has the wrong length, is not canonical, or is the identity.
    """
    if len(blinded) != ELEMENT_SIZE:
        raise InvalidElement(f"an element is {ELEMENT_SIZE} bytes, got {len(blinded)}")
    return blind_evaluate_packed(sk, blinded)


def blind_evaluate_packed(sk: bytes, packed: bytes) -> bytes:
    """blind_evaluate over elements joined end to end, answered joined the same way: per element, only the
    scalar multiplication and its slice (the checks run once over the whole batch, and a failure is explained
    only when one happens), which keeps a phone's 2,000 elements close to 2,000 bare multiplications.

    :raise InvalidElement: with the index of the first element that is not canonical or is the identity.
    """
    _check_scalar(sk, "sk")
    if not packed or len(packed) % ELEMENT_SIZE:
        raise InvalidElement(f"elements are {ELEMENT_SIZE} bytes each, got {len(packed)} bytes")
    # libsodium 1.0.18 ignores the top bit of an encoding (see _check_element): every element's last byte at once
    if max(packed[ELEMENT_SIZE - 1::ELEMENT_SIZE]) & 0x80:
        index = next(i for i, last in enumerate(packed[ELEMENT_SIZE - 1::ELEMENT_SIZE]) if last & 0x80)
        raise InvalidElement("not a canonical ristretto255 encoding (the top bit is set)", index)
    products = _buffer(len(packed))
    for at in range(0, len(packed), ELEMENT_SIZE):
        # -1: not a canonical encoding, or the identity (sk is nonzero and the group's order prime)
        if _scalarmult(_at(products, at), sk, packed[at:at + ELEMENT_SIZE]):
            element = packed[at:at + ELEMENT_SIZE]
            reason = "the identity element" if element == _IDENTITY else "not a canonical ristretto255 encoding"
            raise InvalidElement(reason, at // ELEMENT_SIZE)
    return products.raw


def evaluate(sk: bytes, input: bytes) -> bytes:
    """F(k, input) computed with the key in hand (RFC 9497 §3.3.1 Evaluate): what a phone's finalize() yields."""
    return evaluate_many(sk, [input])[0]


def evaluate_many(sk: bytes, inputs: Iterable[bytes]) -> list[bytes]:
    """``evaluate`` for each input: the key checked once and two buffers reused, since a tag build calls it for
    every identifier of the file and the C calls are all the rest of a tag's cost."""
    _check_scalar(sk, "sk")
    point, product = _buffer(ELEMENT_SIZE), _buffer(ELEMENT_SIZE)
    outputs = []
    for input in inputs:
        _check_input(input)
        _from_hash(point, _expand_hash_to_group(input))
        # refuses an identity HashToGroup result (the RFC's InvalidInputError, probability ~2^-252)
        if _scalarmult(product, sk, point) != 0:
            raise InvalidElement("not a canonical ristretto255 encoding")
        outputs.append(_finalize_hash(input, product.raw))
    return outputs


def blind(input: bytes, blind: bytes | None = None) -> tuple[bytes, bytes]:
    """The client's first step, for tests and benchmarks: (blind scalar, blinded element); a random blind if None."""
    _check_input(input)
    if blind is None:
        blind = (secrets.randbelow(ORDER - 1) + 1).to_bytes(ELEMENT_SIZE, "little")  # RandomScalar: never zero
    _check_scalar(blind, "blind")
    return blind, _multiply(blind, _hash_to_group(input))


def finalize(input: bytes, blind: bytes, evaluated: bytes) -> bytes:
    """The client's last step, for tests and benchmarks: unblind the server's answer and hash it.

    :raise InvalidElement: evaluated has the wrong length, is not canonical, or is the identity.
    """
    _check_input(input)
    _check_scalar(blind, "blind")
    _check_element(evaluated)
    inverse = _buffer(ELEMENT_SIZE)
    _scalar_invert(inverse, blind)
    return _finalize_hash(input, _multiply(inverse.raw, evaluated))
