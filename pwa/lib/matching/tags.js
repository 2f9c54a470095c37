// What a tag is, for both the crypto worker (oprf.js makes tags) and the page (match.js compares them), in a
// module of its own so that the page does not load libsodium to know it.

/** Bytes of a tag: the first bytes of F(k, x), as server/matching/models.py TAG_BYTES. */
export const TAG_BYTES = 16;

/**
 * A bucket of /match/buckets protocol 2 (one base64 string of concatenated tags) as hex tags: one decode per
 * bucket instead of one per tag, which is what made the packed answer cheap for the server to write.
 * @param {string} packed
 * @returns {string[]}
 */
export function unpackTags(packed) {
  const bytes = atob(packed);
  if (bytes.length % TAG_BYTES) throw new Error(`A bucket of ${bytes.length} bytes is not whole ${TAG_BYTES}-byte tags.`);
  const hex = Array.from(bytes, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  const tags = [];
  for (let at = 0; at < hex.length; at += 2 * TAG_BYTES) tags.push(hex.slice(at, at + 2 * TAG_BYTES));
  return tags;
}
