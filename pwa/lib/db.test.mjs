// pwa/lib/db.js on fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C tests):
// node has no IndexedDB, and this gives fast unit coverage of the module's logic. The app's real IndexedDB in
// Chromium is exercised by tests/pwa/test_offline_sync.py and the other browser tests.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyChange, candidatesOf, db, dropStaleTags, forgetContacts, forgetUser, getMeta, getRecord, getVoter, keptBasemap,
  keepOwnCard, keptWalkList, keptWalkLists, outboxPage, ownCard, pendingOps, pullCursor, recordsOf, rememberDecision, requestPersistence,
  saveBasemap, saveCandidates, savePulledPage, saveTags, saveVoters, saveWalkList, setMeta, tagsOf, votersOf,
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
const V3 = { ...V2, basemaps: { keyPath: ['campaign_id', 'key'], indexes: {} } };
const V4 = { ...V3, walklists: { keyPath: ['user_id', 'campaign_id', 'turf_id'], indexes: {} } };

/** Put rows into a store in one transaction, beside the module under test (to set a scene). */
async function putRows(rows) {
  const tx = (await db()).transaction(Object.keys(rows), 'readwrite');
  for (const [store, list] of Object.entries(rows)) for (const row of list) tx.objectStore(store).put(...row);
  await tx.done;
}

const op = (userId, campaignId, hlc, extra = {}) => ({ op_id: crypto.randomUUID(), user_id: userId,
  campaign_id: campaignId, entity: 'conversation', entity_id: crypto.randomUUID(), action: 'upsert', fields: {}, hlc,
  ...extra });

test('from an empty database the upgrade makes every store and index, and one device id', async () => {
  const database = await db();
  assert.equal(database.name, 'kin');
  assert.equal(database.version, 4);
  assert.deepEqual(schemaOf(database), V4);
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
  assert.equal(database.version, 4);
  assert.deepEqual(schemaOf(database), V4);
  assert.equal(await getMeta('device'), 'old-device');
  assert.deepEqual((await recordsOf(7, 1, 'relationship')).map((r) => r.values), [{ notes: 'kept' }]);
  assert.deepEqual((await pendingOps(7)).map((o) => o.op_id), ['o1']);
});

test('a database that cannot be opened is not kept: the next use opens it again', async () => {
  await done(indexedDB.deleteDatabase('kin')); // db.js lets go of its connection, as for another tab
  const newer = indexedDB.open('kin', 5); // a newer app's database: this one cannot open it
  (await done(newer)).close();
  await assert.rejects(db(), { name: 'VersionError' });
  await assert.rejects(getMeta('device'), { name: 'VersionError' });

  await done(indexedDB.deleteDatabase('kin')); // whatever was in the way has gone
  const database = await db();
  assert.equal(database.version, 4);
  assert.deepEqual(schemaOf(database), V4);
  assert.match(await getMeta('device'), UUID);
});

test('the clock starts at zero on this device, and a change keeps the clock it stamped with', async () => {
  const device = await getMeta('device');
  const later = stamp(1_700_000_000_000, 4, device);
  const seen = [];
  const change = (clock, { op_id: opId, hlc }) => ({ clock, record: { entity: 'relationship', entity_id: opId,
    user_id: 9, campaign_id: 1, values: {}, stamps: {}, deleted: false, deleted_stamp: null, version: 0 },
  op: op(9, 1, hlc, { op_id: opId, entity: 'relationship', entity_id: opId }) });
  await applyChange({ entity: 'relationship', entityId: 'c1' }, ({ clock }) => {
    seen.push(clock);
    return change(later, { op_id: 'c1', hlc: encode(later) });
  });
  assert.equal(await getMeta('clock'), encode(later));
  await applyChange({ entity: 'relationship', entityId: 'c2' }, ({ clock }) => {
    seen.push(clock);
    return change(clock, { op_id: 'c2', hlc: encode(later) + 'b' });
  });
  assert.deepEqual(seen, [stamp(0, 0, device), decode(encode(later))]);
});

test('rules that run inside a transaction may not be async: nothing of the operation is kept', async () => {
  await assert.rejects(applyChange({ entity: 'relationship', entityId: 'async' }, async ({ clock }) => ({ clock })),
    { name: 'TypeError' });
  assert.equal(await getRecord('relationship', 'async'), undefined);
});

test('a pulled page is kept whole or not at all: records, clock, voter cards and cursor', async () => {
  const device = await getMeta('device');
  const clock = await getMeta('clock');
  const change = { entity: 'conversation', entity_id: 'p1', fields: { notes: 'pulled' }, version: 3 };
  const page = (voters) => ({ changes: [change], voters, cursor: '17' });
  const rules = { observe: () => stamp(1_800_000_000_000, 0, device),
    merge: (local, pulled) => ({ values: pulled.fields, stamps: {}, deleted: false, deleted_stamp: null,
      version: pulled.version }) };

  // the second card has no id, so it cannot be stored: nothing of the page is
  await assert.rejects(savePulledPage(70, 1, page([{ id: 'v1' }, { first_name: 'No id' }]), rules),
    { name: 'DataError' });
  assert.deepEqual([await getRecord('conversation', 'p1'), await getMeta('clock'), await pullCursor(70, 1)],
    [undefined, clock, undefined]);
  assert.equal((await votersOf(1)).size, 0);

  await savePulledPage(70, 1, page([{ id: 'v1' }]), rules);
  assert.deepEqual((await recordsOf(70, 1, 'conversation')).map((r) => [r.entity_id, r.values, r.version, r.local]),
    [['p1', { notes: 'pulled' }, 3, {}]]);
  assert.equal(await getMeta('clock'), encode(stamp(1_800_000_000_000, 0, device)));
  assert.equal(await pullCursor(70, 1), '17');
  assert.deepEqual([...(await votersOf(1)).keys()], ['v1']);
});

test('the outbox pages one person and campaign in stamp order, after a given stamp', async () => {
  const stamps = ['000000000000005-00000-d', '000000000000001-00000-d', '000000000000003-00001-d',
    '000000000000003-00000-d', '000000000000009-00000-d'];
  const mine = stamps.map((hlc) => op(20, 1, hlc));
  const others = [op(20, 2, '000000000000002-00000-d'), op(21, 1, '000000000000004-00000-d')];
  await putRows({ outbox: [...mine, ...others].map((row) => [row]) });
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

  const more = [{ id: 'ok' }, { first_name: 'no id: not a valid key' }];
  await assert.rejects(saveVoters(62, more), { name: 'DataError' }); // one bad card: none of them is kept
  assert.equal((await votersOf(62)).size, 0);
});

/** Everything a person can have on the phone, in two campaigns. */
async function fill(userId) {
  const rows = { records: [], outbox: [], meta: [[1, `synced/${userId}`]], tags: [], candidates: [],
    contacts: [[{ id: `c-${userId}`, user_id: userId, name: 'Friend', phones: [], emails: [] }]] };
  for (const campaignId of [1, 2]) {
    rows.records.push([{ entity: 'relationship', entity_id: `r-${userId}-${campaignId}`, user_id: userId,
      campaign_id: campaignId, values: {}, stamps: {}, deleted: false, deleted_stamp: null, version: 1 }]);
    rows.outbox.push([op(userId, campaignId, `00000000000000${campaignId}-00000-d`)]);
    rows.meta.push(['42', `cursor/${userId}/${campaignId}`], ['draft', `messages/${userId}/${campaignId}`]);
    rows.tags.push([{ user_id: userId, campaign_id: campaignId, key_version: 1, input: 'tel:+1', tag: 'ab' }]);
    rows.candidates.push([{ user_id: userId, campaign_id: campaignId, contact_id: `c-${userId}`, voter_id: 'v',
      decision: null }]);
  }
  await putRows(rows);
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
  await forgetContacts(30);
  assert.deepEqual(await holdings(30), { ...FULL, contacts: 0, tags: 0, candidates: 0 });
  assert.deepEqual(await holdings(31), FULL);
});

test('a basemap extract is kept per campaign and key, replaced by the next one kept there', async () => {
  const archive = (text) => new Blob([text], { type: 'application/vnd.pmtiles' });
  await saveBasemap({ campaign_id: 1, key: 'turf-1', bbox: [1, 2, 3, 4], blob: archive('first') });
  await saveBasemap({ campaign_id: 1, key: 'turf-2', bbox: [1, 2, 3, 5], blob: archive('second') });
  await saveBasemap({ campaign_id: 2, key: 'turf-1', bbox: [5, 6, 7, 8], blob: archive('elsewhere') });
  await saveBasemap({ campaign_id: 1, key: 'turf-1', bbox: [1, 2, 3, 4.5], blob: archive('first, again') });
  const kept = await keptBasemap(1, 'turf-1');
  assert.deepEqual(kept.bbox, [1, 2, 3, 4.5]);
  assert.equal(await kept.blob.text(), 'first, again');
  assert.equal(await (await keptBasemap(2, 'turf-1')).blob.text(), 'elsewhere');
  assert.equal(await keptBasemap(3, 'turf-1'), undefined);
});

test("forgetUser deletes everything of the person's, keeps others' work and this device's clock", async () => {
  await fill(40);
  await fill(41);
  await setMeta('profile', { user: { id: 40 } });
  await saveVoters(1, [{ id: 'v', first_name: 'Vera' }]);
  await saveBasemap({ campaign_id: 1, key: 'turf-1', bbox: [1, 2, 3, 4], blob: new Blob(['tiles']) });
  const walkList = (userId) => ({ user_id: userId, campaign_id: 1, turf_id: 5, name: 'Mill Street', expires_at: '',
    version: 'v1', doors: [{ household_id: 'h', voters: [{ first_name: 'Vera' }] }], questions: {}, basemap: true });
  await saveWalkList(walkList(40));
  await saveWalkList(walkList(41));
  await keepOwnCard(40, { name: 'Vera', phone: '+1 919 555 0100', email: '' });
  await keepOwnCard(41, { name: 'Otto', phone: '', email: 'otto@example.org' });
  const device = await getMeta('device');
  const clock = await getMeta('clock');
  await forgetUser(40);
  assert.deepEqual(await holdings(40), NONE);
  assert.deepEqual(await holdings(41), FULL);
  assert.equal(await getMeta('profile'), undefined);
  assert.equal((await votersOf(1)).size, 0); // cards of the person's people: the next person pulls their own
  assert.equal(await keptBasemap(1, 'turf-1'), undefined); // the next person here may not be in this campaign
  assert.deepEqual(await keptWalkLists(40), []); // voters' cards and addresses leave with their volunteer
  assert.deepEqual((await keptWalkLists(41)).map((kept) => kept.user_id), [41]);
  assert.equal((await keptWalkList(41, 1, 5)).doors[0].household_id, 'h');
  assert.equal(await ownCard(40), undefined); // their phone number is theirs to take away
  assert.equal((await ownCard(41)).name, 'Otto');
  assert.equal(await getMeta('device'), device);
  assert.equal(await getMeta('clock'), clock);
});

test('tags are kept per key version, and a new key drops the others of that person and campaign', async () => {
  await saveTags(80, 1, 3, [{ input: 'tel:+1', tag: 'a3', voters: null }, { input: 'mailto:a@b', tag: 'b3' }]);
  await saveTags(80, 1, 2, [{ input: 'tel:+1', tag: 'a2' }]);
  await saveTags(80, 1, 4, [{ input: 'tel:+1', tag: 'a4' }]);
  await saveTags(80, 2, 2, [{ input: 'tel:+1', tag: 'other campaign' }]);
  await saveTags(81, 1, 2, [{ input: 'tel:+1', tag: 'other person' }]);
  const tags = async (userId, campaignId) => (await tagsOf(userId, campaignId)).map((row) => [row.key_version,
    row.input, row.tag]);
  assert.deepEqual(await tags(80, 1), [[2, 'tel:+1', 'a2'], [3, 'mailto:a@b', 'b3'], [3, 'tel:+1', 'a3'],
    [4, 'tel:+1', 'a4']]);

  await dropStaleTags(80, 1, 3);
  assert.deepEqual(await tags(80, 1), [[3, 'mailto:a@b', 'b3'], [3, 'tel:+1', 'a3']]);
  assert.deepEqual(await tags(80, 2), [[2, 'tel:+1', 'other campaign']]);
  assert.deepEqual(await tags(81, 1), [[2, 'tel:+1', 'other person']]);
});

test('a match found again keeps its answer; an answer to a match no longer here does not bring it back', async () => {
  const found = [{ contact_id: 'c1', voter_id: 'v1', strength: 'phone' }, { contact_id: 'c2', voter_id: 'v1',
    strength: 'email' }];
  assert.equal(await saveCandidates(90, 1, found), 2);
  const [first] = await candidatesOf(90, 1);
  await rememberDecision(first, 'dismissed');
  assert.equal(await saveCandidates(90, 1, [{ ...found[0], strength: 'both' }, found[1]]), 0);
  assert.deepEqual((await candidatesOf(90, 1)).map((c) => [c.contact_id, c.strength, c.decision, c.found_at]),
    [['c1', 'both', 'dismissed', first.found_at], ['c2', 'email', null, first.found_at]]);

  await forgetContacts(90);
  await rememberDecision(first, 'confirmed');
  assert.deepEqual(await candidatesOf(90, 1), []);
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
