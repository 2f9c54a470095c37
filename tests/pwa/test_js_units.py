"""pwa/lib's node unit tests (pwa/lib/**/*.test.mjs) pass, those of api, session, sync and matching against the real
API served here (tests/pwa/node_api.py); and on random inputs the phone's own clock and merge (pwa/lib/hlc.js,
merge.js) decide exactly as sync/hlc.py and sync.decide.merge do."""

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

from sync import hlc
from sync.decide import merge
from sync.entities import ENTITIES
from sync.errors import ClockDriftError, CounterOverflow
from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS, Stamp
from sync.protocol import Record
from tests.pwa.node_api import serve, small_matching_calls

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "pwa" / "lib"


def node(script: str, data) -> object:
    """Run an ES module script with pwa/lib's hlc and merge at hand; it reads `input` (JSON) and prints JSON."""
    prelude = (f"import * as hlc from {json.dumps((LIB / 'hlc.js').as_uri())};\n"
               f"import * as merge from {json.dumps((LIB / 'merge.js').as_uri())};\n"
               "import { readFileSync } from 'node:fs';\n"
               "const input = JSON.parse(readFileSync(0, 'utf8'));\n")
    result = subprocess.run(["node", "--input-type=module", "-e", prelude + script], input=json.dumps(data),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def node_api(tmp_path_factory):
    """One live API for every node test file (without it, each file would start its own)."""
    with small_matching_calls(), serve(tmp_path_factory.mktemp("node-api")) as info:
        yield info


def test_node_unit_tests_pass(node_api):
    tests = sorted(str(path.relative_to(ROOT)) for path in LIB.rglob("*.test.mjs"))
    assert tests
    env = {**os.environ, "KIN_TEST_API": json.dumps(node_api)}
    result = subprocess.run(["node", "--test", *tests], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\n# skipped 0\n" in result.stdout, result.stdout


def random_history(rng):
    """A starting clock and sends and receives around one moment, with stutters, regressions and big jumps."""
    start = Stamp(rng.choice([0, 10**12]), rng.choice([0, MAX_COUNTER - 2]), "phone")
    steps = []
    for _ in range(rng.randint(1, 30)):
        now = 10**12 + rng.randint(-3, 3) * rng.choice([0, 1, 1000, MAX_DRIFT_MS // 2])
        if rng.random() < 0.5:
            steps.append(["send", now, None])
        else:
            wall = now + rng.randint(-3, 3) * rng.choice([0, 1, MAX_DRIFT_MS // 2])
            steps.append(["receive", now, Stamp(wall, rng.choice([0, 1, MAX_COUNTER]), "server").encode()])
    return start.encode(), steps


def python_outcomes(start, steps):
    clock, out = Stamp.decode(start), []
    for kind, now, remote in steps:
        try:
            clock = hlc.send(clock, now)[0] if kind == "send" else hlc.receive(clock, Stamp.decode(remote), now)
            out.append(clock.encode())
        except (ClockDriftError, CounterOverflow) as exc:
            out.append(type(exc).__name__)
    return out


def test_js_clock_matches_sync_hlc_on_random_histories():
    rng = random.Random(20261127)
    histories = [random_history(rng) for _ in range(400)]
    expected = [python_outcomes(start, steps) for start, steps in histories]
    assert {"ClockDriftError", "CounterOverflow"} <= {o for outcomes in expected for o in outcomes}
    assert node("""
        console.log(JSON.stringify(input.map(([start, steps]) => {
          let clock = hlc.decode(start);
          return steps.map(([kind, now, remote]) => {
            try {
              clock = kind === 'send' ? hlc.send(clock, now)[0] : hlc.receive(clock, hlc.decode(remote), now);
              return hlc.encode(clock);
            } catch (error) { return error.name; }
          });
        })));
    """, histories) == expected


def random_record(rng, entity) -> Record:
    names = list(ENTITIES[entity].fields)
    chosen = rng.sample(names, rng.randint(0, 4))
    stamp = lambda: Stamp(rng.randint(1, 6), rng.randint(0, 1), rng.choice(["a", "b", "server"])).encode()  # noqa: E731
    return Record(entity, "r", {name: rng.choice([1, "x", None, True]) for name in chosen},
                  {name: stamp() for name in chosen}, False, stamp() if rng.random() < 0.4 else None,
                  rng.randint(0, 5))


def as_json(record: Record | None):
    return record and {"values": dict(record.values), "stamps": dict(record.stamps), "deleted": record.deleted,
                       "deleted_stamp": record.deleted_stamp, "version": record.version}


def test_js_merge_matches_sync_decide_merge_on_random_records():
    rng = random.Random(7)
    pairs = []
    for _ in range(500):
        entity = rng.choice(list(ENTITIES))
        local = None if rng.random() < 0.2 else random_record(rng, entity)
        # a pulled record keeps values and stamps for the same fields
        pairs.append((entity, local, random_record(rng, entity)))
    expected = [as_json(merge(local, remote) if local else merge(None, remote)) for _, local, remote in pairs]
    assert any(e["deleted"] for e in expected) and not all(e["deleted"] for e in expected)
    assert node("""
        console.log(JSON.stringify(input.map(([entity, local, remote]) => merge.merge(entity, local, remote))));
    """, [[entity, as_json(local), as_json(remote)] for entity, local, remote in pairs]) == expected
