"""The phone (pwa/lib/matching/oprf.js) and the server (oprf.py) compute the same OPRF, byte for byte,
on Kin's own vectors (tests/fixtures/oprf/kin_vectors.json) and on random blinds."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

import oprf

ROOT = Path(__file__).resolve().parents[3]
KIN_VECTORS = ROOT / "tests" / "fixtures" / "oprf" / "kin_vectors.json"
JS_OPRF = ROOT / "pwa" / "lib" / "matching" / "oprf.js"


def load_generator():
    """make_kin_vectors.py is a script, not a package module: load it from its path."""
    spec = importlib.util.spec_from_file_location("make_kin_vectors", Path(__file__).with_name("make_kin_vectors.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def node(script: str, data) -> object:
    """Run an ES module with pwa/lib/matching/oprf.js as `phone`, ready; it reads `input` (JSON) and prints JSON."""
    prelude = (f"import * as phone from {json.dumps(JS_OPRF.as_uri())};\n"
               "import { readFileSync } from 'node:fs';\n"
               "await phone.ready();\n"
               "const input = JSON.parse(readFileSync(0, 'utf8'));\n"
               "const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));\n"
               "const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');\n")
    result = subprocess.run(["node", "--input-type=module", "-e", prelude + script], input=json.dumps(data),
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def kin():
    return json.loads(KIN_VECTORS.read_text(encoding="utf-8"))


def test_committed_kin_vectors_are_what_the_python_module_makes():
    assert KIN_VECTORS.read_text(encoding="utf-8") == load_generator().render()


def test_kin_vectors_cover_phones_emails_and_non_ascii(kin):
    inputs = [v["input"] for v in kin["vectors"]]
    assert any(i.startswith("tel:") for i in inputs) and any(i.startswith("mailto:") for i in inputs)
    assert any(not i.isascii() for i in inputs)
    assert all(bytes.fromhex(v["inputHex"]) == v["input"].encode() for v in kin["vectors"])


def test_phone_blinds_and_finalizes_the_python_evaluations_byte_for_byte(kin):
    phone = node("""
        const inputs = input.vectors.map((v) => new TextEncoder().encode(v.input));
        const { blinds, blinded } = phone.blind(inputs, input.vectors.map((v) => fromHex(v.blind)));
        const outputs = phone.finalize(inputs, blinds, input.vectors.map((v) => fromHex(v.evaluated)));
        console.log(JSON.stringify({
          inputs: inputs.map(toHex),
          blinded: blinded.map(toHex),
          outputs: outputs.map(toHex),
          tags: outputs.map((o) => toHex(phone.tagOf(o))),
        }));
    """, kin)
    assert phone == {
        "inputs": [v["inputHex"] for v in kin["vectors"]],
        "blinded": [v["blinded"] for v in kin["vectors"]],
        "outputs": [v["output"] for v in kin["vectors"]],
        "tags": [v["tag"] for v in kin["vectors"]],
    }


def test_phone_random_blinds_round_trip_through_python_to_python_evaluate(kin):
    inputs = [v["input"] for v in kin["vectors"]]
    sk = bytes.fromhex(kin["skS"])
    blinded = node("""
        const { blinds, blinded } = phone.blind(input.map((i) => new TextEncoder().encode(i)));
        console.log(JSON.stringify({ blinds: blinds.map(toHex), blinded: blinded.map(toHex) }));
    """, inputs)
    assert not set(blinded["blinded"]) & {v["blinded"] for v in kin["vectors"]}  # really a fresh blind
    evaluated = [oprf.blind_evaluate(sk, bytes.fromhex(b)).hex() for b in blinded["blinded"]]
    outputs = node("""
        const outputs = phone.finalize(input.inputs.map((i) => new TextEncoder().encode(i)),
                                       input.blinds.map(fromHex), input.evaluated.map(fromHex));
        console.log(JSON.stringify(outputs.map(toHex)));
    """, {"inputs": inputs, "blinds": blinded["blinds"], "evaluated": evaluated})
    assert outputs == [oprf.evaluate(sk, i.encode()).hex() for i in inputs]


def test_noble_derives_the_same_campaign_key_and_evaluates_the_same_outputs(kin):
    """An independent check of derive_key_pair and evaluate, which the phone never runs."""
    noble = node("""
        const { ristretto255_oprf } = await import('@noble/curves/ed25519.js');
        const { oprf } = ristretto255_oprf;
        const sk = oprf.deriveKeyPair(fromHex(input.seed), new TextEncoder().encode(input.keyInfo)).secretKey;
        console.log(JSON.stringify({
          skS: toHex(sk),
          outputs: input.vectors.map((v) => toHex(oprf.evaluate(sk, fromHex(v.inputHex)))),
        }));
    """, kin)
    assert noble == {"skS": kin["skS"], "outputs": [v["output"] for v in kin["vectors"]]}
