// RFC 9497 OPRF, mode 0 (OPRF, not VOPRF), ristretto255-SHA512: the phone's side of private matching.
// The phone blinds its contacts' identifiers, the server answers each blinded element (oprf.py
// blind_evaluate), and the phone finalizes F(k, x) here; its first TAG_BYTES bytes are compared with the server's tags.
// Group operations and SHA-512 run in libsodium's WebAssembly build, the library the server uses too. It runs in a
// Web Worker bundled by esbuild, so the worker script's CSP must allow 'wasm-unsafe-eval' (server/web.py).
import sodium from 'libsodium-wrappers-sumo';
import { TAG_BYTES } from './tags.js';

const ELEMENT_SIZE = 32; // a serialized ristretto255 element or scalar
const OUTPUT_SIZE = 64;
const MAX_INPUT_SIZE = 0xffff; // inputs are length-prefixed with two bytes (RFC 9497 §1.2)

const encoder = new TextEncoder();
// contextString = "OPRFV1-" || I2OSP(mode 0, 1) || "-ristretto255-SHA512"; HashToGroup's DST prefixes "HashToGroup-"
const HASH_TO_GROUP_DST = encoder.encode('HashToGroup-OPRFV1-\x00-ristretto255-SHA512');
const FINALIZE = encoder.encode('Finalize');

/** Load and start libsodium's WebAssembly; await it once before calling anything else here. */
export async function ready() {
  await sodium.ready;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const i2osp2 = (n) => Uint8Array.of(n >> 8, n & 0xff);

/** expand_message_xmd with SHA-512 and len_in_bytes = 64, so ell = 1 (RFC 9380 §5.3.1), for one fixed DST. */
function expander(dst) {
  const zPad = new Uint8Array(128); // one SHA-512 block of zeros
  const dstPrime = concat(dst, [dst.length]);
  const afterMsg = concat(i2osp2(OUTPUT_SIZE), [0], dstPrime); // l_i_b_str || I2OSP(0, 1) || DST_prime
  const afterB0 = concat([1], dstPrime);
  return (msg) => sodium.crypto_hash_sha512(concat(sodium.crypto_hash_sha512(concat(zPad, msg, afterMsg)), afterB0));
}

const expandHashToGroup = expander(HASH_TO_GROUP_DST);

function checkInput(input) {
  if (input.length > MAX_INPUT_SIZE) throw new Error(`an OPRF input is at most ${MAX_INPUT_SIZE} bytes`);
}

/** HashToGroup: hash_to_ristretto255 (RFC 9380 Appendix B) with DST "HashToGroup-" || contextString. */
function hashToGroup(input) {
  checkInput(input);
  return sodium.crypto_core_ristretto255_from_hash(expandHashToGroup(input));
}

/** A canonical (below the group order) nonzero scalar: only the tests' fixed blinds need checking. */
function checkBlind(scalar) {
  const canonical = scalar.length === ELEMENT_SIZE
    && sodium.memcmp(sodium.crypto_core_ristretto255_scalar_reduce(concat(scalar, new Uint8Array(32))), scalar);
  if (!canonical || sodium.is_zero(scalar)) {
    throw new Error('a blind must be a canonical nonzero 32-byte ristretto255 scalar');
  }
}

/**
 * RandomScalar: 64 random bytes reduced modulo the group order (bias about 2^-259), never zero. Not libsodium's
 * scalar_random: its WebAssembly build fetches randomness 4 bytes per call into JavaScript, and rejects about half
 * its draws, which made it cost more than the scalar multiplication.
 */
function randomScalar() {
  const wide = new Uint8Array(64);
  let scalar;
  do {
    scalar = sodium.crypto_core_ristretto255_scalar_reduce(crypto.getRandomValues(wide));
  } while (sodium.is_zero(scalar));
  return scalar;
}

/** scalar * element; libsodium throws when the product is the identity: say which element that was. */
function multiply(scalar, element, what) {
  try {
    return sodium.crypto_scalarmult_ristretto255(scalar, element);
  } catch {
    throw new Error(`${what} is the identity element`);
  }
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
    let scalar;
    if (fixedBlinds === undefined) {
      scalar = randomScalar();
    } else {
      scalar = Uint8Array.from(fixedBlinds[i]);
      checkBlind(scalar);
    }
    blinds.push(scalar);
    // the RFC's InvalidInputError: H(x) is the identity (probability about 2^-252)
    blinded.push(multiply(scalar, hashToGroup(input), 'the hashed input'));
  });
  return { blinds, blinded };
}

/** F(k, input) for each input, 64 bytes each; throws on an evaluated element that is the identity or not canonical. */
export function finalize(inputs, blinds, evaluated) {
  if (blinds.length !== inputs.length || evaluated.length !== inputs.length) {
    throw new Error('inputs, blinds and evaluated elements must line up');
  }
  return inputs.map((input, i) => {
    checkInput(input);
    const element = evaluated[i];
    if (element.length !== ELEMENT_SIZE || !sodium.crypto_core_ristretto255_is_valid_point(element)) {
      throw new Error('an evaluated element is not a canonical ristretto255 encoding');
    }
    // libsodium decodes the identity (all zeros) as a valid point; only the multiplication below would refuse it
    if (sodium.is_zero(element)) throw new Error('an evaluated element is the identity element');
    const unblinded = multiply(sodium.crypto_core_ristretto255_scalar_invert(blinds[i]), element, 'an evaluated element');
    // Hash(I2OSP(len(input), 2) || input || I2OSP(len(unblindedElement), 2) || unblindedElement || "Finalize")
    return sodium.crypto_hash_sha512(concat(i2osp2(input.length), input, i2osp2(ELEMENT_SIZE), unblinded, FINALIZE));
  });
}

/** The part of an output that the server's tag table holds. */
export function tagOf(output) {
  return output.slice(0, TAG_BYTES);
}
