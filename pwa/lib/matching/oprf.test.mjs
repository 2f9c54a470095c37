// pwa/lib/matching/oprf.js: every RFC 9497 mode-0 vector for ristretto255-SHA512, and refusal of bad server answers.
// tests/server/matching/test_oprf_cross_language.py checks the same module against oprf.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { blind, finalize, ready, tagOf } from './oprf.js';
import { TAG_BYTES } from './tags.js';

await ready();

const { OPRF } = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/oprf/rfc9497_ristretto255_sha512_vectors.json', import.meta.url)),
);
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

const inputs = OPRF.vectors.map((v) => fromHex(v.Input));
const sk = ristretto255_oprf.oprf.deriveKeyPair(fromHex(OPRF.keys.Seed), fromHex(OPRF.keys.KeyInfo)).secretKey;

test('blind with the RFC blinds gives the RFC blinded elements', () => {
  const { blinds, blinded } = blind(inputs, OPRF.vectors.map((v) => fromHex(v.Blind)));
  assert.deepEqual(blinds.map(toHex), OPRF.vectors.map((v) => v.Blind));
  assert.deepEqual(blinded.map(toHex), OPRF.vectors.map((v) => v.BlindedElement));
});

test('finalize of the RFC evaluation elements gives the RFC outputs', () => {
  const outputs = finalize(
    inputs,
    OPRF.vectors.map((v) => fromHex(v.Blind)),
    OPRF.vectors.map((v) => fromHex(v.EvaluationElement)),
  );
  assert.deepEqual(outputs.map(toHex), OPRF.vectors.map((v) => v.Output));
});

test('a random blind round trip gives the same output as the server-side evaluate', () => {
  const { blinds, blinded } = blind(inputs);
  assert.notDeepEqual(blinded.map(toHex), OPRF.vectors.map((v) => v.BlindedElement));
  const evaluated = blinded.map((element) => ristretto255_oprf.oprf.blindEvaluate(sk, element));
  assert.deepEqual(finalize(inputs, blinds, evaluated).map(toHex), OPRF.vectors.map((v) => v.Output));
});

test('finalize refuses an identity answer from the server', () => {
  const { blinds } = blind(inputs.slice(0, 1));
  assert.throws(() => finalize(inputs.slice(0, 1), blinds, [new Uint8Array(32)]), /identity/);
});

test('finalize refuses a non-canonical answer from the server', () => {
  const { blinds } = blind(inputs.slice(0, 1));
  const topBitSet = fromHex('00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff');
  assert.throws(() => finalize(inputs.slice(0, 1), blinds, [topBitSet]), /not a canonical/);
});

test('finalize refuses answers that do not line up with the inputs', () => {
  const { blinds, blinded } = blind(inputs);
  const evaluated = blinded.map((element) => ristretto255_oprf.oprf.blindEvaluate(sk, element));
  assert.throws(() => finalize(inputs, blinds, evaluated.slice(1)), /line up/);
  assert.throws(() => finalize(inputs, blinds.slice(1), evaluated), /line up/);
});

test('blind refuses a zero fixed blind, a non-canonical one and a missing one', () => {
  assert.throws(() => blind(inputs.slice(0, 1), [new Uint8Array(32)]), /canonical nonzero/);
  const groupOrder = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'); // little-endian
  assert.throws(() => blind(inputs.slice(0, 1), [groupOrder]), /canonical nonzero/);
  assert.throws(() => blind(inputs, [fromHex(OPRF.vectors[0].Blind)]), /one fixed blind per input/);
});

test('tagOf is the first TAG_BYTES bytes of an output', () => {
  const output = fromHex(OPRF.vectors[0].Output);
  assert.equal(TAG_BYTES, 16);
  assert.equal(toHex(tagOf(output)), OPRF.vectors[0].Output.slice(0, 2 * TAG_BYTES));
});
