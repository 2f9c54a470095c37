// pwa/lib/db.js on fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C tests):
// node has no IndexedDB, and this gives fast unit coverage of the module's logic. The app's real IndexedDB in
// Chromium is exercised by tests/pwa/test_offline_sync.py and the other browser tests.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  db, forgetContacts, forgetUser, getMeta, getVoter, outboxPage, pendingOps, putAll, readClock, recordsOf,
  requestPersistence, saveVoters, setMeta, votersOf, write, writeClock,
} from './db.js';
import { decode, encode, stamp } from './hlc.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A request as a promise (raw IndexedDB, without the module under test). */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function schemaOf(database) {
  const tx = database.transaction([...database.objectStoreNames], 'readonly');
  return Object.fromEntries([...database.objectStoreNames].map((name) => {
    const store = tx.objectStore(name);
    const indexes = Object.fromEntries([...store.indexNames].map((index) => [index, store.index(index).keyPath]));
    return [name, { keyPath: store.keyPath, indexes }];
  }));
}

// what the comment at the top of db.js promises, store by store
const V1 = {
  meta: { keyPath: null, indexes: {} },
  outbox: { keyPath: 'op_id', indexes: { queue: ['user_id', 'campaign_id', 'hlc'], user: 'user_id' } },
  records: { keyPath: ['entity', 'entity_id'], indexes: { owner: ['user_id', 'campaign_id', 'entity'] } },
};
const V2 = {
  ...V1,
  candidates: { keyPath: ['user_id', 'campaign_id', 'contact_id', 'voter_id'],
    indexes: { campaign: ['user_id', 'campaign_id'] } },
  contacts: { keyPath: 'id', indexes: { user: 'user_id' } },
  tags: { keyPath: ['user_id', 'campaign_id', 'key_version', 'input'], indexes: { campaign: ['user_id', 'campaign_id'] } },
  voters: { keyPath: ['campaign_id', 'id'], indexes: {} },
};

const op = (userId, campaignId, hlc, extra = {}) => ({ op_id: crypto.randomUUID(), user_id: userId,
  campaign_id: campaignId, entity: 'conversation', entity_id: crypto.randomUUID(), action: 'upsert', fields: {}, hlc,
  ...extra });

test('from an empty database the upgrade makes every store and index, and one device id', async () => {
  const database = await db();
  assert.equal(database.name, 'kin');
  assert.equal(database.version, 2);
  assert.deepEqual(schemaOf(database), V2);
  const device = await getMeta('device');
  assert.match(device, UUID);
  assert.equal(await db(), database); // opened once per page
  assert.equal(await getMeta('device'), device);
});

test('a version 1 database is upgraded in place: its records, outbox and device id stay', async () => {
  // another tab asking for the database (here: to delete it) makes db.js close its connection, as it promises
  await done(indexedDB.deleteDatabase('kin'));
  const open = indexedDB.open('kin', 1);
  open.onupgradeneeded = () => {
    const v1 = open.result;
    v1.createObjectStore('records', { keyPath: ['entity', 'entity_id'] })
      .createIndex('owner', ['user_id', 'campaign_id', 'entity']);
    const outbox = v1.createObjectStore('outbox', { keyPath: 'op_id' });
    outbox.createIndex('queue', ['user_id', 'campaign_id', 'hlc']);
    outbox.createIndex('user', 'user_id');
    v1.createObjectStore('meta');
    open.transaction.objectStore('meta').put('old-device', 'device');
    open.transaction.objectStore('records').put({ entity: 'relationship', entity_id: 'r1', user_id: 7, campaign_id: 1,
      values: { notes: 'kept' }, stamps: {}, deleted: false, deleted_stamp: null, version: 3 });
    open.transaction.objectStore('outbox').put(op(7, 1, 'h1', { op_id: 'o1' }));
  };
  (await done(open)).close();

  const database = await db();
  assert.equal(database.version, 2);
  assert.deepEqual(schemaOf(database), V2);
  assert.equal(await getMeta('device'), 'old-device');
  assert.deepEqual((await recordsOf(7, 1, 'relationship')).map((r) => r.values), [{ notes: 'kept' }]);
  assert.deepEqual((await pendingOps(7)).map((o) => o.op_id), ['o1']);
});

test('write keeps everything its work wrote, or nothing when the work throws', async () => {
  await write(['meta'], (tx) => {
    tx.objectStore('meta').put('a', 'first');
    tx.objectStore('meta').put('b', 'second');
  });
  assert.deepEqual([await getMeta('first'), await getMeta('second')], ['a', 'b']);

  const failure = new Error('the work failed half way');
  await assert.rejects(write(['meta'], async (tx) => {
    tx.objectStore('meta').put('changed', 'first');
    await tx.objectStore('meta').put('new', 'third');
    throw failure;
  }), (error) => error === failure);
  assert.deepEqual([await getMeta('first'), await getMeta('third')], ['a', undefined]);
});

test('putAll writes every row, and one bad row aborts the whole write', async () => {
  const cards = [1, 2, 3].map((i) => ({ campaign_id: 50, id: `v${i}`, first_name: `N${i}` }));
  await write(['voters'], (tx) => putAll(tx.objectStore('voters'), cards));
  assert.equal((await votersOf(50)).size, 3);

  const more = [{ campaign_id: 51, id: 'ok' }, { campaign_id: 51 /* no id: not a valid key */ }];
  await assert.rejects(write(['voters'], (tx) => putAll(tx.objectStore('voters'), more)), { name: 'DataError' });
  assert.equal((await votersOf(51)).size, 0);
});

test('the clock starts at zero on this device and is kept as written', async () => {
  const device = await getMeta('device');
  const clock = await write(['meta'], (tx) => readClock(tx));
  assert.deepEqual(clock, stamp(0, 0, device));
  const later = stamp(1_700_000_000_000, 4, device);
  await write(['meta'], (tx) => writeClock(tx, later));
  assert.equal(await getMeta('clock'), encode(later));
  assert.deepEqual(await write(['meta'], (tx) => readClock(tx)), decode(encode(later)));
});

test('the outbox pages one person and campaign in stamp order, after a given stamp', async () => {
  const stamps = ['000000000000005-00000-d', '000000000000001-00000-d', '000000000000003-00001-d',
    '000000000000003-00000-d', '000000000000009-00000-d'];
  const mine = stamps.map((hlc) => op(20, 1, hlc));
  const others = [op(20, 2, '000000000000002-00000-d'), op(21, 1, '000000000000004-00000-d')];
  await write(['outbox'], (tx) => putAll(tx.objectStore('outbox'), [...mine, ...others]));
  const sorted = [...stamps].sort();

  assert.deepEqual((await outboxPage(20, 1, '', 100)).map((o) => o.hlc), sorted);
  assert.deepEqual((await outboxPage(20, 1, '', 2)).map((o) => o.hlc), sorted.slice(0, 2));
  assert.deepEqual((await outboxPage(20, 1, sorted[1], 2)).map((o) => o.hlc), sorted.slice(2, 4));
  assert.deepEqual((await outboxPage(20, 1, sorted.at(-1), 2)), []);
  assert.deepEqual((await pendingOps(20)).map((o) => o.hlc),
    [...stamps, '000000000000002-00000-d'].sort()); // both campaigns, one list
  assert.deepEqual((await pendingOps(21)).map((o) => o.op_id), [others[1].op_id]);
});

test('voter cards are kept per campaign', async () => {
  await saveVoters(60, [{ id: 'a', first_name: 'Ana' }, { id: 'b', first_name: 'Ben' }]);
  await saveVoters(61, [{ id: 'a', first_name: 'Another Ana' }]);
  await saveVoters(60, []);
  assert.deepEqual([...(await votersOf(60)).keys()], ['a', 'b']);
  assert.equal((await votersOf(60)).get('a').first_name, 'Ana');
  assert.deepEqual(await getVoter(61, 'a'), { id: 'a', first_name: 'Another Ana', campaign_id: 61 });
  assert.equal(await getVoter(61, 'b'), undefined);
});

/** Everything a person can have on the phone, in two campaigns. */
async function fill(userId) {
  await write(['records', 'outbox', 'meta', 'contacts', 'tags', 'candidates'], (tx) => {
    for (const campaignId of [1, 2]) {
      tx.objectStore('records').put({ entity: 'relationship', entity_id: `r-${userId}-${campaignId}`, user_id: userId,
        campaign_id: campaignId, values: {}, stamps: {}, deleted: false, deleted_stamp: null, version: 1 });
      tx.objectStore('outbox').put(op(userId, campaignId, `00000000000000${campaignId}-00000-d`));
      tx.objectStore('meta').put('42', `cursor/${userId}/${campaignId}`);
      tx.objectStore('meta').put('draft', `messages/${userId}/${campaignId}`);
      tx.objectStore('tags').put({ user_id: userId, campaign_id: campaignId, key_version: 1, input: 'tel:+1', tag: 'ab' });
      tx.objectStore('candidates').put({ user_id: userId, campaign_id: campaignId, contact_id: `c-${userId}`,
        voter_id: 'v', decision: null });
    }
    tx.objectStore('meta').put(1, `synced/${userId}`);
    tx.objectStore('contacts').put({ id: `c-${userId}`, user_id: userId, name: 'Friend', phones: [], emails: [] });
  });
}

async function holdings(userId) {
  const database = await db();
  const range = IDBKeyRange.bound([userId], [userId, []]);
  const keys = await database.getAllKeys('meta');
  return {
    records: (await database.getAllFromIndex('records', 'owner', range)).length,
    outbox: (await pendingOps(userId)).length,
    meta: keys.filter((key) => key.includes(`/${userId}/`) || key === `synced/${userId}`).length,
    contacts: (await database.getAllFromIndex('contacts', 'user', userId)).length,
    tags: (await database.getAll('tags', range)).length,
    candidates: (await database.getAll('candidates', range)).length,
  };
}

const FULL = { records: 2, outbox: 2, meta: 5, contacts: 1, tags: 2, candidates: 2 };
const NONE = { records: 0, outbox: 0, meta: 0, contacts: 0, tags: 0, candidates: 0 };

test("forgetContacts deletes a person's contacts, tags and matches, and nobody else's", async () => {
  await fill(30);
  await fill(31);
  await write(['contacts', 'tags', 'candidates'], (tx) => forgetContacts(tx, 30));
  assert.deepEqual(await holdings(30), { ...FULL, contacts: 0, tags: 0, candidates: 0 });
  assert.deepEqual(await holdings(31), FULL);
});

test("forgetUser deletes everything of the person's, keeps others' work and this device's clock", async () => {
  await fill(40);
  await fill(41);
  await setMeta('profile', { user: { id: 40 } });
  await saveVoters(1, [{ id: 'v', first_name: 'Vera' }]);
  const device = await getMeta('device');
  const clock = await getMeta('clock');
  await forgetUser(40);
  assert.deepEqual(await holdings(40), NONE);
  assert.deepEqual(await holdings(41), FULL);
  assert.equal(await getMeta('profile'), undefined);
  assert.equal((await votersOf(1)).size, 0); // cards of the person's people: the next person pulls their own
  assert.equal(await getMeta('device'), device);
  assert.equal(await getMeta('clock'), clock);
});

test('requestPersistence says whether the browser keeps the data under storage pressure', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const as = (storage) => Object.defineProperty(globalThis, 'navigator', { value: { storage }, configurable: true });
  try {
    as({ persisted: async () => true, persist: async () => assert.fail('already persisted: no need to ask') });
    assert.equal(await requestPersistence(), true);
    as({ persisted: async () => false, persist: async () => true });
    assert.equal(await requestPersistence(), true);
    as({ persisted: async () => false, persist: async () => false });
    assert.equal(await requestPersistence(), false);
    as({ persisted: async () => { throw new Error('refused'); } });
    assert.equal(await requestPersistence(), false);
    as(undefined);
    assert.equal(await requestPersistence(), false);
  } finally {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete globalThis.navigator;
  }
});
