// pwa/lib/outbox.js on fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C tests):
// node has no IndexedDB, and this gives fast unit coverage of the module's logic. The app's real IndexedDB in
// Chromium is exercised by tests/pwa/test_offline_sync.py.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { db, getMeta, getRecord, outboxPage, pendingOps } from './db.js';
import { decode } from './hlc.js';
import { discard, onRecordsChange, recordChange } from './outbox.js';

const realNow = Date.now;
const realUUID = crypto.randomUUID.bind(crypto);
afterEach(() => {
  Date.now = realNow;
  crypto.randomUUID = realUUID;
});

let nextUser = 100;
const person = () => ({ userId: nextUser++, campaignId: 1 });
const TALK = { channel: 'door', happened_at: '2026-10-01T18:00:00-04:00' };

async function outboxOf(userId) {
  return (await pendingOps(userId)).map(({ op_id: id, fields }) => ({ id, fields }));
}

test('a change writes the record, its op and the clock together, stamped by this device', async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  const op = await recordChange({ userId, campaignId, entity: 'conversation', entityId, fields: TALK,
    local: { label: 'Maria' } });

  assert.match(op.op_id, /^[0-9a-f-]{36}$/);
  assert.equal(decode(op.hlc).node, await getMeta('device'));
  assert.equal(await getMeta('clock'), op.hlc);
  assert.deepEqual(await pendingOps(userId), [{ op_id: op.op_id, user_id: userId, campaign_id: campaignId,
    entity: 'conversation', entity_id: entityId, action: 'upsert', fields: TALK, hlc: op.hlc,
    before: { channel: null, happened_at: null }, rejected: null }]);
  assert.deepEqual(await getRecord('conversation', entityId), { entity: 'conversation', entity_id: entityId,
    user_id: userId, campaign_id: campaignId, local: { label: 'Maria' }, values: TALK,
    stamps: { channel: op.hlc, happened_at: op.hlc }, deleted: false, deleted_stamp: null, version: 0 });

  const second = await recordChange({ userId, campaignId, entity: 'conversation', entityId,
    fields: { support: 2, channel: 'call' }, local: { seen: true } });
  assert.ok(second.hlc > op.hlc);
  assert.deepEqual(second.before, { support: null, channel: ['door', op.hlc] });
  const record = await getRecord('conversation', entityId);
  assert.deepEqual(record.values, { ...TALK, channel: 'call', support: 2 });
  assert.deepEqual(record.stamps, { channel: second.hlc, happened_at: op.hlc, support: second.hlc });
  assert.deepEqual(record.local, { label: 'Maria', seen: true });
});

test('ops keep the order they were made in, even when the phone clock goes back', async () => {
  const { userId, campaignId } = person();
  const start = realNow();
  const times = [start, start - 60_000, start - 60_000, start - 120_000, start + 1];
  const made = [];
  for (const [i, now] of times.entries()) {
    Date.now = () => now;
    made.push(await recordChange({ userId, campaignId, entity: 'conversation', entityId: crypto.randomUUID(),
      fields: { ...TALK, notes: `talk ${i}` } }));
  }
  const stamps = made.map((op) => op.hlc);
  assert.deepEqual([...stamps].sort(), stamps);
  assert.equal(new Set(stamps).size, stamps.length);
  assert.deepEqual((await outboxPage(userId, campaignId, '', 100)).map((op) => op.fields.notes),
    ['talk 0', 'talk 1', 'talk 2', 'talk 3', 'talk 4']);
});

test('a change that cannot be stored leaves no record, no op and the clock as it was', async () => {
  const { userId, campaignId } = person();
  const clock = await getMeta('clock');
  const heard = [];
  const stop = onRecordsChange(() => heard.push('changed'));
  const entityId = crypto.randomUUID();
  try {
    await assert.rejects(recordChange({ userId, campaignId, entity: 'conversation', entityId,
      fields: { ...TALK, notes: () => 'a function cannot be stored' } }), { name: 'DataCloneError' });
  } finally {
    stop();
  }
  assert.equal(await getRecord('conversation', entityId), undefined);
  assert.deepEqual(await pendingOps(userId), []);
  assert.equal(await getMeta('clock'), clock);
  assert.deepEqual(heard, []);
});

test('when the op cannot be added, the edit of the record is not kept either', async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  const first = await recordChange({ userId, campaignId, entity: 'conversation', entityId, fields: TALK });
  const clock = await getMeta('clock');
  crypto.randomUUID = () => first.op_id; // the next op's id is taken: the outbox refuses it
  await assert.rejects(recordChange({ userId, campaignId, entity: 'conversation', entityId,
    fields: { notes: 'lost with its op' } }), { name: 'ConstraintError' });
  assert.deepEqual((await getRecord('conversation', entityId)).values, TALK);
  assert.deepEqual(await outboxOf(userId), [{ id: first.op_id, fields: TALK }]);
  assert.equal(await getMeta('clock'), clock);
});

test('a fix replaces the rejected op in the same transaction, keeping later edits of other fields', async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  const change = (fields, supersedes) => recordChange({ userId, campaignId, entity: 'conversation', entityId, fields,
    supersedes });
  const refused = await change({ ...TALK, support: 9 }); // the server will say support is 1 to 5
  const later = await change({ notes: 'Call back on Friday' });
  const fix = await change({ ...TALK, support: 2 }, [refused.op_id]);

  assert.deepEqual(await outboxOf(userId), [{ id: later.op_id, fields: { notes: 'Call back on Friday' } },
    { id: fix.op_id, fields: { ...TALK, support: 2 } }]);
  assert.deepEqual(fix.before, { channel: null, happened_at: null, support: null }); // as if 9 had never been
  const record = await getRecord('conversation', entityId);
  assert.deepEqual(record.values, { ...TALK, support: 2, notes: 'Call back on Friday' });
  assert.deepEqual(record.stamps, { channel: fix.hlc, happened_at: fix.hlc, support: fix.hlc, notes: later.hlc });
});

test('discarding the op that made a record removes the record', async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  const op = await recordChange({ userId, campaignId, entity: 'conversation', entityId, fields: TALK });
  assert.deepEqual(await discard(op.op_id), [op.op_id]);
  assert.deepEqual(await pendingOps(userId), []);
  assert.equal(await getRecord('conversation', entityId), undefined);
  assert.deepEqual(await discard(op.op_id), []); // already gone: nothing happens
  assert.deepEqual(await discard('no-such-op'), []);
});

test("discarding the op that made a record the server never had drops that record's later ops too", async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  const change = (id, fields) => recordChange({ userId, campaignId, entity: 'conversation', entityId: id, fields });
  const made = await change(entityId, { ...TALK, support: 9 }); // the server will refuse it: support is 1 to 5
  const other = await change(crypto.randomUUID(), TALK);
  const later = await change(entityId, { notes: 'Call back on Friday' }); // would make half a record on its own

  await discard(made.op_id);
  assert.deepEqual(await outboxOf(userId), [{ id: other.op_id, fields: TALK }]);
  assert.equal(await getRecord('conversation', entityId), undefined);
  assert.equal(await getRecord('conversation', other.entity_id) !== undefined, true);
  assert.deepEqual(await discard(later.op_id), []); // it went with the record
});

test('discarding a later edit of a record the server never had keeps the record and the op that made it',
  async () => {
    const { userId, campaignId } = person();
    const entityId = crypto.randomUUID();
    const change = (fields) => recordChange({ userId, campaignId, entity: 'conversation', entityId, fields });
    const made = await change(TALK);
    const later = await change({ notes: 'Call back on Friday', channel: 'call' });

    assert.deepEqual(await discard(later.op_id), [later.op_id]);
    assert.deepEqual(await outboxOf(userId), [{ id: made.op_id, fields: TALK }]);
    const record = await getRecord('conversation', entityId);
    assert.deepEqual([record.values, record.stamps], [TALK, { channel: made.hlc, happened_at: made.hlc }]);
  });

test('discarding an edit restores what the fields held, except those edited again since', async () => {
  const { userId, campaignId } = person();
  const entityId = crypto.randomUUID();
  // a record the server has (version 1), as a pull leaves it
  await (await db()).put('records', { entity: 'conversation', entity_id: entityId, user_id: userId,
    campaign_id: campaignId, local: {}, values: { ...TALK, notes: 'from the server' },
    stamps: { channel: '000000000000001-00000-x', happened_at: '000000000000001-00000-x',
      notes: '000000000000001-00000-x' }, deleted: false, deleted_stamp: null, version: 1 });
  const edit = await recordChange({ userId, campaignId, entity: 'conversation', entityId,
    fields: { notes: 'mine', support: 3, channel: 'call' } });
  const again = await recordChange({ userId, campaignId, entity: 'conversation', entityId, fields: { support: 4 } });
  await discard(edit.op_id);

  assert.deepEqual(await outboxOf(userId), [{ id: again.op_id, fields: { support: 4 } }]);
  const record = await getRecord('conversation', entityId);
  assert.deepEqual(record.values, { ...TALK, notes: 'from the server', support: 4 });
  assert.deepEqual(record.stamps, { channel: '000000000000001-00000-x', happened_at: '000000000000001-00000-x',
    notes: '000000000000001-00000-x', support: again.hlc });
  assert.equal(record.version, 1);
});

test('listeners hear of each change once it is committed, until they stop listening', async () => {
  const { userId, campaignId } = person();
  const seen = [];
  const stop = onRecordsChange(() => seen.push(pendingOps(userId).then((ops) => ops.length)));
  const op = await recordChange({ userId, campaignId, entity: 'conversation', entityId: crypto.randomUUID(),
    fields: TALK });
  await discard(op.op_id);
  stop();
  await recordChange({ userId, campaignId, entity: 'conversation', entityId: crypto.randomUUID(), fields: TALK });
  assert.deepEqual(await Promise.all(seen), [1, 0]);
});
