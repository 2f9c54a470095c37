// The phone's merge, after tests/sync/test_decide.py: field by field the later stamp wins, the later tombstone
// wins, and a delete holds only over the creator's fields stamped before it. tests/pwa/test_js_units.py also
// checks merge() against sync.decide.merge on random records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { edit, merge, mergePulled, undo } from './merge.js';

const s = (wall, node = 'a') => `${String(wall).padStart(15, '0')}-00000-${node}`;
const record = (values, stamps, deletedStamp = null, version = 1) => ({ values, stamps, deleted_stamp: deletedStamp,
  deleted: false, version });

test('the later stamp wins each field, whichever side it is on', () => {
  const local = record({ notes: 'mine', support: 2 }, { notes: s(20), support: s(10) });
  const remote = record({ notes: 'theirs', support: 4 }, { notes: s(15), support: s(30) }, null, 3);
  assert.deepEqual(merge('conversation', local, remote), {
    values: { notes: 'mine', support: 4 }, stamps: { notes: s(20), support: s(30) },
    deleted: false, deleted_stamp: null, version: 3,
  });
});

test('merging is commutative on values and idempotent', () => {
  const a = record({ notes: 'a', channel: 'door' }, { notes: s(5), channel: s(9) });
  const b = record({ notes: 'b', reviewed: true }, { notes: s(7, 'b'), reviewed: s(8, 'server') });
  const ab = merge('conversation', a, b);
  assert.deepEqual(ab.values, merge('conversation', b, a).values);
  assert.deepEqual(merge('conversation', ab, b), ab);
});

test('a delete wins over edits stamped before it, and an organizer review does not bring it back', () => {
  const local = record({ notes: 'x' }, { notes: s(10) });
  const tombstone = record({ reviewed: true }, { reviewed: s(30, 'server') }, s(20));
  assert.equal(merge('conversation', local, tombstone).deleted, true);
});

test('an edit stamped after the delete brings the record back', () => {
  const local = record({ notes: 'later' }, { notes: s(25) });
  const tombstone = record({}, {}, s(20));
  const merged = merge('conversation', local, tombstone);
  assert.equal(merged.deleted, false);
  assert.equal(merged.deleted_stamp, s(20));
});

test('a pulled tombstone drops the values kept here unless a later local edit holds it', () => {
  const change = { entity: 'conversation', fields: {}, stamps: {}, deleted: true, deleted_stamp: s(20), version: 4 };
  const gone = mergePulled(record({ notes: 'x' }, { notes: s(10) }), change);
  assert.deepEqual([gone.deleted, gone.values, gone.stamps], [true, {}, {}]);
  const kept = mergePulled(record({ notes: 'y' }, { notes: s(30) }), change);
  assert.deepEqual([kept.deleted, kept.values], [false, { notes: 'y' }]);
});

test('the server\'s redaction, pulled, empties the words kept here and keeps the results', () => {
  const local = record({ notes: 'Worried about rent.', support: 2, review_reply: 'Thanks!' },
    { notes: s(10), support: s(10), review_reply: s(12, 'server') });
  const pulled = { entity: 'conversation', fields: { notes: '', support: 2, review_reply: '' }, deleted_stamp: null,
    stamps: { notes: s(50, 'server'), support: s(10), review_reply: s(50, 'server') }, version: 4 };
  const merged = mergePulled(local, pulled);
  assert.deepEqual(merged.values, { notes: '', support: 2, review_reply: '' });
  assert.equal(merged.deleted, false);
});

test('undo restores what a discarded edit replaced, and leaves fields a later edit changed', () => {
  const start = record({ notes: 'first', support: 1 }, { notes: s(1), support: s(1) });
  const [edited, before] = edit('conversation', start, { notes: 'second', channel: 'call' }, s(5));
  const [later] = edit('conversation', edited, { channel: 'text' }, s(6));
  const undone = undo('conversation', later, before, s(5));
  assert.deepEqual(undone.values, { notes: 'first', support: 1, channel: 'text' });
  assert.deepEqual(undone.stamps, { notes: s(1), support: s(1), channel: s(6) });
});
