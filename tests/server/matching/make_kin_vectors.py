"""Write tests/fixtures/oprf/kin_vectors.json: Kin's own OPRF vectors, made with oprf.py.

    .venv/bin/python tests/server/matching/make_kin_vectors.py

Everything is fixed (seed, key info, inputs, blinds), so the file only changes when the OPRF does.
test_oprf_cross_language.py regenerates it and fails when it differs, then checks pwa/lib/matching/oprf.js against it.
Inputs are the bytes the matching flow sends: normalised identifiers with a `tel:` or `mailto:` prefix, UTF-8.
"""

import hashlib
import json
from pathlib import Path

import oprf

OUT = Path(__file__).resolve().parents[2] / "fixtures" / "oprf" / "kin_vectors.json"

SEED = hashlib.sha256(b"kin test vectors seed").digest()  # a stand-in for the server secret
KEY_INFO = b"kin campaign 1 v1"  # campaign id and key version, as the server derives each campaign's key
TAG_BYTES = 16
INPUTS = [
    "tel:+12025550143",
    "tel:+525512345678",
    "mailto:ana@example.org",
    "mailto:jos\u00e9.garc\u00eda@ejemplo.es",  # NFC, as NFKC normalisation leaves it
    "mailto:\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a",  # internationalised local part and domain
]


def fixed_blind(i: int) -> bytes:
    """A nonzero scalar that anyone can recompute: SHA-512("kin test blind <i>") mod (order - 1), plus 1."""
    wide = int.from_bytes(hashlib.sha512(b"kin test blind %d" % i).digest(), "little")
    return (wide % (oprf.ORDER - 1) + 1).to_bytes(oprf.ELEMENT_SIZE, "little")


def build() -> dict:
    """The vectors as a JSON-ready dict (hex for every byte string)."""
    sk = oprf.derive_key_pair(SEED, KEY_INFO)
    vectors = []
    for i, text in enumerate(INPUTS):
        data = text.encode()
        blind, blinded = oprf.blind(data, fixed_blind(i))
        evaluated = oprf.blind_evaluate(sk, blinded)
        output = oprf.finalize(data, blind, evaluated)
        vectors.append({
            "input": text,
            "inputHex": data.hex(),
            "blind": blind.hex(),
            "blinded": blinded.hex(),
            "evaluated": evaluated.hex(),
            "output": output.hex(),
            "tag": output[:TAG_BYTES].hex(),
        })
    return {
        "suite": "ristretto255-SHA512",
        "mode": 0,
        "generator": "tests/server/matching/make_kin_vectors.py",
        "seed": SEED.hex(),
        "keyInfo": KEY_INFO.decode(),
        "skS": sk.hex(),
        "vectors": vectors,
    }


def render() -> str:
    """The file's exact text."""
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
