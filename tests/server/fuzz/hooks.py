"""schemathesis hooks for tests/server/fuzz/test_fuzz.py, loaded by the schemathesis process
(``SCHEMATHESIS_HOOKS=tests.server.fuzz.hooks``).

Some of what a request must hold cannot be said in JSON Schema: a pushed op carries a stamp made by the pushing
device near the server's clock and points at voters of the campaign; a blinded element is a point of the group;
matching names the campaign's current key; a reset link is one the server made. Generated bodies are made to hold
it, so the fuzzer's requests get past those first checks into the sync rules, the OPRF, password resets and the
database, instead of nearly all being refused there.
"""

import base64
import os
import time
import zlib

import schemathesis

import oprf

DEVICE = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
VOTERS = os.environ.get("KIN_FUZZ_VOTERS", "").split(",")
KEY_VERSION = int(os.environ.get("KIN_FUZZ_KEY_VERSION", "1"))
RESET_TOKEN = os.environ.get("KIN_FUZZ_RESET_TO_USE", "")


def _pick(key: str) -> str:
    return VOTERS[zlib.crc32(key.encode()) % len(VOTERS)]


def _push(body: dict) -> None:
    body["device_id"] = DEVICE
    now = time.time_ns() // 1_000_000
    for n, op in enumerate(body["ops"] if isinstance(body.get("ops"), list) else ()):
        if not isinstance(op, dict):
            continue
        op["hlc"] = f"{now:015d}-{n % 100_000:05d}-{DEVICE}"
        fields = op.get("fields")
        if isinstance(fields, dict) and "voter_id" in fields and isinstance(op.get("entity_id"), str):
            fields["voter_id"] = _pick(op["entity_id"])  # a voter of the campaign, so the reference holds
            fields.pop("relationship_id", None)


def _evaluate(body: dict) -> None:
    """Each generated element becomes a point of the group (HashToGroup of its bytes), as a phone's would be."""
    if isinstance(body.get("blinded"), list):
        body["blinded"] = [base64.b64encode(oprf.blind(str(item).encode())[1]).decode() for item in body["blinded"]]


@schemathesis.hook
def map_body(context, body):
    path = context.operation.path if context.operation else ""
    if not isinstance(body, dict):
        return body
    if path.endswith("/sync/push"):
        _push(body)
    if path.endswith(("/match/evaluate", "/match/buckets", "/match/cards")):
        body["key_version"] = KEY_VERSION
    if path.endswith("/match/evaluate"):
        _evaluate(body)
    if path.endswith("/auth/reset"):
        body["token"] = RESET_TOKEN  # a seeded link: the first valid password sets it and signs in, then 410
    return body
