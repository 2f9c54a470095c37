// The cases of tests/sync/test_hlc.py (after actual's crdt/timestamp.test.ts), for the phone's copy of the clock.
// tests/pwa/test_js_units.py runs this with `node --test` and also checks it against sync/hlc.py directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxDriftMs } from './constants.gen.js';
import { ClockDriftError, CounterOverflow, MAX_COUNTER, decode, encode, receive, send, stamp } from './hlc.js';

const ZERO = stamp(0, 0, '1');

function sends(clock, times) {
  return times.map((now) => {
    [clock] = send(clock, now);
    return [clock.wallMs, clock.counter];
  });
}

function receives(clock, events) {
  return events.map(([now, [wall, counter]]) => {
    clock = receive(clock, stamp(wall, counter, '2'), now);
    assert.equal(clock.node, '1');
    return [clock.wallMs, clock.counter];
  });
}

test('send returns the new clock as the stamp', () => {
  const [clock, s] = send(ZERO, 10);
  assert.deepEqual(clock, stamp(10, 0, '1'));
  assert.deepEqual(s, clock);
});

test('send follows a monotonic clock', () => assert.deepEqual(sends(ZERO, [10, 11, 12]), [[10, 0], [11, 0], [12, 0]]));

test('send counts through a stuttering clock', () => {
  assert.deepEqual(sends(ZERO, [20, 20, 20, 21]), [[20, 0], [20, 1], [20, 2], [21, 0]]);
});

test('send never goes back with a regressing clock', () => {
  assert.deepEqual(sends(ZERO, [30, 29, 29, 31]), [[30, 0], [30, 1], [30, 2], [31, 0]]);
});

test('send refuses to overflow the counter', () => {
  const [clock] = send(stamp(40, MAX_COUNTER - 1, '1'), 40);
  assert.equal(clock.counter, MAX_COUNTER);
  assert.throws(() => send(clock, 40), CounterOverflow);
});

test('send refuses a clock that ran too far ahead of the wall', () => {
  const clock = stamp(1e9, 0, '1');
  assert.deepEqual(send(clock, 1e9 - maxDriftMs)[1], stamp(1e9, 1, '1'));
  assert.throws(() => send(clock, 1e9 - maxDriftMs - 1), ClockDriftError);
});

test('receive with a global monotonic clock', () => {
  assert.deepEqual(receives(ZERO, [[52, [51, 0]], [54, [53, 0]], [56, [55, 0]]]), [[52, 0], [54, 0], [56, 0]]);
});

test('receive with a global stuttering clock', () => {
  assert.deepEqual(receives(ZERO, [[61, [62, 0]], [62, [62, 1]], [62, [62, 2]], [63, [62, 4]]]),
    [[62, 1], [62, 2], [62, 3], [63, 0]]);
});

test('receive with a local stuttering clock', () => {
  assert.deepEqual(receives(ZERO, [[73, [71, 0]], [73, [72, 0]], [74, [73, 0]]]), [[73, 0], [73, 1], [74, 0]]);
});

test('receive with a remote stuttering clock', () => {
  assert.deepEqual(receives(ZERO, [[81, [83, 0]], [82, [83, 1]], [83, [83, 2]], [84, [83, 3]]]),
    [[83, 1], [83, 2], [83, 3], [84, 0]]);
});

test('receive with a local regressing clock', () => {
  assert.deepEqual(receives(ZERO, [[93, [91, 0]], [92, [92, 0]], [91, [93, 0]]]), [[93, 0], [93, 1], [93, 2]]);
});

test('receive with a remote regressing clock', () => {
  assert.deepEqual(receives(ZERO, [[101, [103, 0]], [102, [102, 0]], [103, [101, 0]]]), [[103, 1], [103, 2], [103, 3]]);
});

test('receive refuses a remote stamp too far ahead', () => {
  assert.deepEqual(receive(ZERO, stamp(maxDriftMs + 5, 0, '2'), 5), stamp(maxDriftMs + 5, 1, '1'));
  assert.throws(() => receive(ZERO, stamp(maxDriftMs + 6, 0, '2'), 5), ClockDriftError);
});

test('receive refuses to overflow the counter', () => {
  assert.throws(() => receive(ZERO, stamp(50, MAX_COUNTER, '2'), 50), CounterOverflow);
});

test('the encoding is fixed width, and decode reverses it', () => {
  const s = stamp(1732700000000, 7, 'dev');
  assert.equal(encode(s), '001732700000000-00007-dev');
  assert.deepEqual(decode(encode(s)), s);
});

test('decode refuses what is not a stamp', () => {
  for (const text of [null, 42, '', '0', '1732700000000-00007-dev', '001732700000000-7-dev', '001732700000000-00007-',
    '001732700000000-65536-dev', '001732700000000-00007-dev ', '001732700000000-00007-d v']) {
    assert.throws(() => decode(text), RangeError, String(text));
  }
});
