// pwa/lib/matching/tags.js: a packed bucket splits back into the tags the server joined.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TAG_BYTES, unpackTags } from './tags.js';

const tag = (fill) => Buffer.alloc(TAG_BYTES, fill);

test('a packed bucket unpacks into its tags, in order, as hex', () => {
  const tags = [tag(0x00), tag(0xab), Buffer.from([...Array(TAG_BYTES).keys()])];
  assert.deepEqual(unpackTags(Buffer.concat(tags).toString('base64')), tags.map((t) => t.toString('hex')));
});

test('an empty bucket has no tags', () => {
  assert.deepEqual(unpackTags(''), []);
});

test('bytes that are not whole tags are refused, not cut into a wrong tag', () => {
  assert.throws(() => unpackTags(Buffer.alloc(TAG_BYTES + 1).toString('base64')), /not whole 16-byte tags/);
});
