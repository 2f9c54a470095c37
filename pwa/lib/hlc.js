// Hybrid logical clocks, exactly as sync/hlc.py: values in and out, and the caller passes the time in.
// A stamp is {wallMs, counter, node}; its encoding `%015d-%05d-node` sorts as strings in stamp order.
import { maxDriftMs } from './constants.gen.js';

export const MAX_COUNTER = 0xffff;
const NODE = /^[0-9A-Za-z_-]{1,64}$/;
const ENCODED = /^([0-9]{15})-([0-9]{5})-([0-9A-Za-z_-]{1,64})$/;

/** A remote stamp (or this clock) is more than maxDriftMs ahead of the wall clock: check the date and time. */
export class ClockDriftError extends Error {
  name = 'ClockDriftError';
}

/** More than 65,536 stamps within one millisecond of logical time: refuse rather than reuse a stamp. */
export class CounterOverflow extends Error {
  name = 'CounterOverflow';
}

/** A checked stamp; throws a RangeError for a value Python's Stamp would refuse. */
export function stamp(wallMs, counter, node) {
  if (!(Number.isInteger(wallMs) && wallMs >= 0 && wallMs < 1e15
    && Number.isInteger(counter) && counter >= 0 && counter <= MAX_COUNTER && NODE.test(node))) {
    throw new RangeError('Not a hybrid logical clock stamp.');
  }
  return { wallMs, counter, node };
}

export function encode({ wallMs, counter, node }) {
  return `${String(wallMs).padStart(15, '0')}-${String(counter).padStart(5, '0')}-${node}`;
}

export function decode(text) {
  const match = typeof text === 'string' ? ENCODED.exec(text) : null;
  if (!match) throw new RangeError('Not a hybrid logical clock stamp.');
  return stamp(Number(match[1]), Number(match[2]), match[3]);
}

/** Refuse a stamp from a clock that runs more than maxDriftMs ahead of nowMs. */
export function checkDrift(s, nowMs) {
  if (s.wallMs - nowMs > maxDriftMs) {
    throw new ClockDriftError(`The stamp is ${s.wallMs - nowMs} ms ahead of this clock (at most ${maxDriftMs} ms allowed).`);
  }
}

function tick(clock, wallMs, counter, nowMs) {
  if (counter > MAX_COUNTER) throw new CounterOverflow('More than 65536 stamps within one millisecond of logical time.');
  const next = stamp(wallMs, counter, clock.node);
  checkDrift(next, nowMs); // this clock itself has run too far ahead of the wall clock
  return next;
}

/** Stamp a local edit: [the advanced clock (to keep), the stamp (to put on the op)]; they are equal. */
export function send(clock, nowMs) {
  const wall = Math.max(clock.wallMs, nowMs);
  const next = tick(clock, wall, wall === clock.wallMs ? clock.counter + 1 : 0, nowMs);
  return [next, next];
}

/** Merge a stamp seen from elsewhere, so this device's next stamps sort after it; returns the new clock. */
export function receive(clock, remote, nowMs) {
  checkDrift(remote, nowMs);
  const wall = Math.max(clock.wallMs, remote.wallMs, nowMs);
  let counter;
  if (wall === clock.wallMs && wall === remote.wallMs) counter = Math.max(clock.counter, remote.counter) + 1;
  else if (wall === clock.wallMs) counter = clock.counter + 1;
  else if (wall === remote.wallMs) counter = remote.counter + 1;
  else counter = 0;
  return tick(clock, wall, counter, nowMs);
}
