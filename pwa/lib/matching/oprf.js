// RFC 9497 OPRF, mode 0 (OPRF, not VOPRF), ristretto255-SHA512: the phone's side of private matching.
// The phone blinds its contacts' identifiers, the server answers each blinded element (server/matching/oprf.py
// blind_evaluate), and the phone finalizes F(k, x) here; its first TAG_BYTES bytes are compared with the server's tags.
// Runs in a Web Worker bundled by esbuild: imports @noble only, no Node APIs.
import { ristretto255, ristretto255_hasher, ristretto255_oprf } from '@noble/curves/ed25519.js';

const { oprf } = ristretto255_oprf;
const { Fn } = ristretto255.Point;

export const TAG_BYTES = 16;

// HashToGroup's DST: "HashToGroup-" || contextString, contextString = "OPRFV1-" || I2OSP(0, 1) || "-ristretto255-SHA512"
const HASH_TO_GROUP_DST = new TextEncoder().encode('HashToGroup-OPRFV1-\x00-ristretto255-SHA512');

/** The RFC's Blind with a given scalar, so tests can replay fixed vectors. */
function blindWith(input, blindBytes) {
  const scalar = Fn.fromBytes(blindBytes); // throws unless canonical
  if (Fn.is0(scalar)) throw new Error('blind must be nonzero');
  const inputElement = ristretto255_hasher.hashToCurve(input, { DST: HASH_TO_GROUP_DST });
  if (inputElement.is0()) throw new Error('input hashes to the identity');
  return { blind: Fn.toBytes(scalar), blinded: inputElement.multiply(scalar).toBytes() };
}

/**
 * Blind each input (Uint8Array). Keep `blinds` on the phone (they unlock the answers); send only `blinded`.
 * `fixedBlinds` (32-byte scalars) is for tests: by default every blind is a fresh random nonzero scalar.
 */
export function blind(inputs, fixedBlinds) {
  if (fixedBlinds !== undefined && fixedBlinds.length !== inputs.length) {
    throw new Error('one fixed blind per input');
  }
  const blinds = [];
  const blinded = [];
  inputs.forEach((input, i) => {
    const one = fixedBlinds === undefined ? oprf.blind(input) : blindWith(input, fixedBlinds[i]);
    blinds.push(one.blind);
    blinded.push(one.blinded);
  });
  return { blinds, blinded };
}

/** F(k, input) for each input, 64 bytes each; throws on an evaluated element that is the identity or not canonical. */
export function finalize(inputs, blinds, evaluated) {
  if (blinds.length !== inputs.length || evaluated.length !== inputs.length) {
    throw new Error('inputs, blinds and evaluated elements must line up');
  }
  return inputs.map((input, i) => oprf.finalize(input, blinds[i], evaluated[i]));
}

/** The part of an output that the server's tag table holds. */
export function tagOf(output) {
  return output.slice(0, TAG_BYTES);
}
