// The one module that knows how IndexedDB is laid out. It opens the database, and the rest of the app calls the
// operations below, named for what they do: no store or index name appears outside this file, so a new schema
// version lands here alone. Versions fall through (idb README): a phone on any old version runs every step after
// it. Everything that must survive a closed tab or a dead battery lives here:
//   records     one per synced record, keyed [entity, entity_id]: {entity, entity_id, user_id, campaign_id, values,
//               stamps, deleted, deleted_stamp, version, local}; `local` never leaves the phone (a person's label).
//               Index owner [user_id, campaign_id, entity].
//   outbox      one per op not yet settled by the server, keyed op_id: {op_id, user_id, campaign_id, entity,
//               entity_id, action, fields, hlc, before, rejected}. Indexes queue [user_id, campaign_id, hlc] (pushed
//               in `hlc` order, the order they were made) and user (user_id).
//   meta        keyed by name: device (this phone's id, the HLC node), clock (its HLC), profile (who last signed in
//               here), cursor/<user>/<campaign> (where pull resumes), synced/<user> (when a sync last completed),
//               messages/<user>/<campaign> (the volunteer's own message drafts), card/<user> (what the volunteer
//               chose to put on the contact card they show at a door: {name, phone, email}), recruit/<user>/<campaign>
//               (the volunteer's own recruit link, kept to show at doors offline: {url, expires_at}, or {off: true})
//   voters      voter cards the phone was shown (match, search, pull), keyed [campaign_id, id]
// Private matching (version 2); none of it ever leaves the phone:
//   contacts    the volunteer's imported contacts, keyed id: {id, user_id, name, phones, emails, source, updated_at}.
//               Index user (user_id).
//   tags        F(k, input) per contact input and campaign key, keyed [user_id, campaign_id, key_version, input]:
//               {..., tag, voters} (voters: the voter ids the tag's card named, null until asked). Index campaign
//               [user_id, campaign_id].
//   candidates  a voter a contact matched, keyed [user_id, campaign_id, contact_id, voter_id]: {..., strength,
//               decision, found_at}; decision: null (not yet asked), 'confirmed', 'dismissed' ("not them": not
//               offered again). Index campaign [user_id, campaign_id].
// The map (version 3):
//   basemaps    the part of the campaign's basemap a phone keeps offline, keyed [campaign_id, key] (key: what the
//               caller keeps it for, e.g. a turf): {campaign_id, key, bbox, blob (a PMTiles archive), saved_at}.
//               Map tiles only, nothing about anyone; cleared with the rest when a person signs out.
// Door to door (version 4):
//   walklists   a turf taken offline, keyed [user_id, campaign_id, turf_id]: {user_id, campaign_id, turf_id, name,
//               expires_at, version, etag (to ask whether it changed), doors (in walk order, with voters' cards),
//               questions, basemap (whether an extract is kept under `turf/<id>`), saved_at}. The visits made
//               there are door_visit records with the rest.
// Rule from the idb README: never await anything but this database's requests inside a transaction. Where an
// operation must run the caller's rules inside its transaction (a change stamped by the clock, a pulled page
// merged, an import merged into the contacts here), it takes them as a synchronous function: values in, values out.
import { openDB, unwrap } from 'idb';
import { decode, encode, stamp } from './hlc.js';

const NAME = 'kin';
const VERSION = 4;
let opening = null;

/** The open database, opened once per page; after a failed open the next call tries again. */
export function db() {
  if (opening) return opening;
  const attempt = openDB(NAME, VERSION, {
    upgrade(database, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const records = database.createObjectStore('records', { keyPath: ['entity', 'entity_id'] });
        records.createIndex('owner', ['user_id', 'campaign_id', 'entity']);
        const outbox = database.createObjectStore('outbox', { keyPath: 'op_id' });
        outbox.createIndex('queue', ['user_id', 'campaign_id', 'hlc']);
        outbox.createIndex('user', 'user_id');
        database.createObjectStore('meta');
        tx.objectStore('meta').put(crypto.randomUUID(), 'device'); // made once, with the database
      }
      if (oldVersion < 2) {
        database.createObjectStore('voters', { keyPath: ['campaign_id', 'id'] });
        database.createObjectStore('contacts', { keyPath: 'id' }).createIndex('user', 'user_id');
        database.createObjectStore('tags', { keyPath: ['user_id', 'campaign_id', 'key_version', 'input'] })
          .createIndex('campaign', ['user_id', 'campaign_id']);
        database.createObjectStore('candidates', { keyPath: ['user_id', 'campaign_id', 'contact_id', 'voter_id'] })
          .createIndex('campaign', ['user_id', 'campaign_id']);
      }
      if (oldVersion < 3) {
        database.createObjectStore('basemaps', { keyPath: ['campaign_id', 'key'] });
      }
      if (oldVersion < 4) {
        database.createObjectStore('walklists', { keyPath: ['user_id', 'campaign_id', 'turf_id'] });
      }
    },
    // a newer app in another tab wants to upgrade: let it, and open again on next use
    blocking() {
      opening?.then((database) => database.close());
      opening = null;
    },
    terminated() {
      opening = null;
    },
  });
  opening = attempt;
  // a refused open (storage full or disabled, a newer version on disk) must not break the page until a reload
  attempt.catch(() => {
    if (opening === attempt) opening = null;
  });
  return attempt;
}

/** @typedef {import('idb').IDBPTransaction<any, string[], 'readwrite'>} WriteTx */

/**
 * Run work(tx) in one readwrite transaction over stores and wait until it commits; if work throws, nothing
 * it wrote is kept. work may await only requests on tx. Exported only for tests that set a scene
 * (pwa/lib/session.test.mjs); the app calls the operations below.
 * @template T
 * @param {string[]} stores
 * @param {(tx: WriteTx) => Promise<T> | T} work
 * @returns {Promise<T>}
 */
export async function write(stores, work) {
  const tx = (await db()).transaction(stores, 'readwrite');
  try {
    const result = await work(tx);
    await tx.done;
    return result;
  } catch (error) {
    tx.done.catch(() => {});
    try {
      tx.abort();
    } catch {
      // already committed or aborted
    }
    throw error;
  }
}

/**
 * Put many rows into one store of a write() transaction without a promise per request (thousands of them cost
 * more than the writes, and a failed one would also be an unhandled rejection); write() waits for the commit, so a
 * failed put still aborts it all.
 * @param {import('idb').IDBPObjectStore<any, any, any, 'readwrite'>} store
 * @param {Iterable<object>} rows
 */
function putAll(store, rows) {
  const raw = unwrap(store);
  for (const row of rows) raw.put(row);
}

/**
 * Delete keys (or key ranges) from one store of a write() transaction, as putAll puts.
 * @param {import('idb').IDBPObjectStore<any, any, any, 'readwrite'>} store
 * @param {Iterable<IDBValidKey | IDBKeyRange>} keys
 */
function deleteAll(store, keys) {
  const raw = unwrap(store);
  for (const key of keys) raw.delete(key);
}

/** Run a caller's rules inside a transaction: they must not await, or the transaction would commit under them. */
function within(rules, ...args) {
  const result = rules(...args);
  if (typeof result?.then === 'function') throw new TypeError('rules run inside a transaction must not be async');
  return result;
}

/** The array keys that start with prefix: [a, b] holds [a, b], [a, b, c], [a, b, c, d]... */
const startingWith = (...prefix) => IDBKeyRange.bound(prefix, [...prefix, []]);
const cursorKey = (userId, campaignId) => `cursor/${userId}/${campaignId}`;
const syncedKey = (userId) => `synced/${userId}`;
const cardKey = (userId) => `card/${userId}`;
const recruitKey = (userId, campaignId) => `recruit/${userId}/${campaignId}`;

/** This device's clock, read inside tx (with 'meta'): zero on a phone that never stamped anything. */
async function readClock(tx) {
  const meta = tx.objectStore('meta');
  const saved = await meta.get('clock');
  return saved ? decode(saved) : stamp(0, 0, await meta.get('device'));
}

/**
 * Keep clock, inside tx (with 'meta', readwrite).
 * @param {WriteTx} tx
 */
function writeClock(tx, clock) {
  unwrap(tx.objectStore('meta')).put(encode(clock), 'clock');
}

// --- meta: small named values ---

export async function getMeta(key) {
  return (await db()).get('meta', key);
}

export async function setMeta(key, value) {
  return (await db()).put('meta', value, key);
}

export async function deleteMeta(key) {
  return (await db()).delete('meta', key);
}

/** This phone's id, made with the database (the node of its clock). */
export function deviceId() {
  return getMeta('device');
}

/** Where pulling one campaign for a person resumes (undefined: from the start). */
export function pullCursor(userId, campaignId) {
  return getMeta(cursorKey(userId, campaignId));
}

/** When a sync of every campaign of a person last completed (ms), or undefined. */
export function lastSynced(userId) {
  return getMeta(syncedKey(userId));
}

export function markSynced(userId, when) {
  return setMeta(syncedKey(userId), when);
}

/** The contact card a volunteer shows at doors ({name, phone, email}), as they last wrote it here; or undefined. */
export function ownCard(userId) {
  return getMeta(cardKey(userId));
}

export function keepOwnCard(userId, card) {
  return setMeta(cardKey(userId), card);
}

/** The volunteer's own recruit link in a campaign ({url, expires_at}, or {off: true}: the campaign turned
 * recruiting off), as last fetched here; or undefined. */
export function ownRecruitLink(userId, campaignId) {
  return getMeta(recruitKey(userId, campaignId));
}

export function keepOwnRecruitLink(userId, campaignId, link) {
  return setMeta(recruitKey(userId, campaignId), link);
}

// --- records and their outbox ---

export async function getRecord(entity, entityId) {
  return (await db()).get('records', [entity, entityId]);
}

/** A person's records of one entity in one campaign, deleted ones included. */
export async function recordsOf(userId, campaignId, entity) {
  return (await db()).getAllFromIndex('records', 'owner', [userId, campaignId, entity]);
}

/** Up to limit of a person's ops for one campaign made after the op stamped `after`, oldest first. */
export async function outboxPage(userId, campaignId, after, limit) {
  const range = IDBKeyRange.bound([userId, campaignId, after], [userId, campaignId, '\uffff'], true);
  return (await db()).getAllFromIndex('outbox', 'queue', range, limit);
}

/** Every op of a person still on this phone, oldest first. */
export async function pendingOps(userId) {
  const ops = await (await db()).getAllFromIndex('outbox', 'user', userId);
  return ops.sort((a, b) => (a.hlc < b.hlc ? -1 : 1));
}

/**
 * Tie the volunteer's own contacts to their people, on this phone only (a record's `local` never leaves it):
 * links is [{entityId, label, contact_id}] for relationships; a record that already has a contact keeps it.
 * Returns how many records changed.
 */
export async function linkContacts(links) {
  return write(['records'], async (tx) => {
    const records = tx.objectStore('records');
    let linked = 0;
    for (const { entityId, label, contact_id: contactId } of links) {
      const record = await records.get(['relationship', entityId]);
      if (!record || record.local?.contact_id) continue;
      putAll(records, [{ ...record, local: { ...record.local, label: record.local?.label || label,
        contact_id: contactId } }]);
      linked += 1;
    }
    return linked;
  });
}

/**
 * Keep a change made on this phone: the record and its op in ONE transaction with this device's clock, so a closed
 * tab or a dead battery leaves all or nothing. change({clock, record, replaced}) gets the clock, the record as
 * stored (undefined if none) and the ops of `supersedes` still waiting, and returns {clock, record, op}: the clock
 * after stamping, the record as it now reads and the new op. The replaced ops leave the outbox. Resolves to op.
 */
export async function applyChange({ entity, entityId, supersedes = [] }, change) {
  return write(['records', 'outbox', 'meta'], async (tx) => {
    const records = tx.objectStore('records');
    const outbox = tx.objectStore('outbox');
    const clock = await readClock(tx);
    const record = await records.get([entity, entityId]);
    const replaced = (await Promise.all(supersedes.map((id) => outbox.get(id)))).filter(Boolean);
    const made = within(change, { clock, record, replaced });
    writeClock(tx, made.clock);
    deleteAll(outbox, replaced.map((op) => op.op_id));
    putAll(records, [made.record]);
    await outbox.add(made.op); // add, not put: an op id already taken fails the change, with its own error
    return made.op;
  });
}

/**
 * Take op opId out of the outbox, in one transaction with what follows from it. withdraw({op, record, others})
 * gets the op, its record (undefined if none) and that record's other ops still waiting, oldest first, and returns
 * {record, drop}: the record as it now reads (null: delete it) and the ids of other ops that leave with it.
 * Resolves to the ids of every op taken out: none when opId is not here (settled or discarded meanwhile).
 */
export async function withdrawOp(opId, withdraw) {
  return write(['records', 'outbox'], async (tx) => {
    const records = tx.objectStore('records');
    const outbox = tx.objectStore('outbox');
    const op = await outbox.get(opId);
    if (!op) return [];
    const key = [op.entity, op.entity_id];
    const record = await records.get(key);
    const others = (await outbox.index('queue').getAll(startingWith(op.user_id, op.campaign_id)))
      .filter((other) => other.entity === op.entity && other.entity_id === op.entity_id && other.op_id !== opId);
    const { record: next, drop = [] } = within(withdraw, { op, record, others });
    const gone = [opId, ...drop];
    deleteAll(outbox, gone);
    if (next) putAll(records, [next]);
    else deleteAll(records, [key]);
    return gone;
  });
}

/**
 * Settle pushed ops by the server's verdicts, in one transaction: {op, version} leaves the outbox and its record
 * keeps the greater of its version and `version`; {op, rejected} stays, carrying `rejected`. An op no longer here
 * (discarded or fixed meanwhile) is left alone.
 */
export async function settleOps(verdicts) {
  await write(['outbox', 'records'], async (tx) => {
    const outbox = tx.objectStore('outbox');
    const records = tx.objectStore('records');
    for (const { op, version, rejected } of verdicts) {
      const stored = await outbox.get(op.op_id);
      if (!stored) continue;
      if (rejected) {
        putAll(outbox, [{ ...stored, rejected }]);
        continue;
      }
      deleteAll(outbox, [op.op_id]);
      const record = await records.get([op.entity, op.entity_id]);
      if (record && version > record.version) putAll(records, [{ ...record, version }]);
    }
  });
}

/**
 * Keep one pulled page of a campaign in one transaction: observe(clock) moves this device's clock past the page's
 * stamps (if it throws, nothing of the page is kept); merge(local, change) gives each changed record's synced
 * state from the one here (undefined if none), and what never leaves the phone stays; the voter cards that came
 * with the page are kept; pulling resumes after page.cursor.
 */
export async function savePulledPage(userId, campaignId, { changes, voters = [], cursor }, { observe, merge }) {
  const stores = ['records', 'meta', 'voters', 'outbox', 'walklists', 'candidates', 'tags'];
  await write(stores, async (tx) => {
    writeClock(tx, within(observe, await readClock(tx)));
    const records = tx.objectStore('records');
    const forgotten = [];
    for (const change of changes) {
      const local = await records.get([change.entity, change.entity_id]);
      if (change.forgotten) forgotten.push({ change, local });
      else {
        putAll(records, [{ entity: change.entity, entity_id: change.entity_id, user_id: userId,
          campaign_id: campaignId, local: local?.local ?? {}, ...within(merge, local, change) }]);
      }
    }
    putVoters(tx, campaignId, voters);
    if (forgotten.length) await dropForgotten(tx, userId, campaignId, forgotten);
    unwrap(tx.objectStore('meta')).put(cursor, cursorKey(userId, campaignId));
  });
}

/**
 * A person the campaign forgot at their request: drop every trace of them here, inside a pulled page's transaction.
 * The forgotten records go, and with them what the server never had: records made here that name the same voter or
 * one of the forgotten relationships, every op about any of these (even an edit made after, even a rejected one),
 * the voter's card, the voter on every kept walk list (its etag dropped, so the list is fetched again), and the
 * matches that offered them. The volunteer's own address book is theirs and stays.
 */
async function dropForgotten(tx, userId, campaignId, forgotten) {
  const voterIds = new Set(forgotten.map(({ local }) => local?.values?.voter_id).filter(Boolean));
  const relationships = new Set(forgotten.filter(({ change }) => change.entity === 'relationship')
    .map(({ change }) => change.entity_id));
  /** @param {{voter_id?: string, relationship_id?: string}} [values] */
  const names = (values = {}) => voterIds.has(values.voter_id) || relationships.has(values.relationship_id);
  const gone = new Map(forgotten.map(({ change }) => [`${change.entity} ${change.entity_id}`,
    [change.entity, change.entity_id]]));
  const records = tx.objectStore('records');
  for (const record of await records.index('owner').getAll(startingWith(userId, campaignId))) {
    if (names(record.values)) gone.set(`${record.entity} ${record.entity_id}`, [record.entity, record.entity_id]);
  }
  deleteAll(records, gone.values());
  const outbox = tx.objectStore('outbox');
  deleteAll(outbox, (await outbox.index('queue').getAll(startingWith(userId, campaignId)))
    .filter((op) => gone.has(`${op.entity} ${op.entity_id}`) || names(op.fields)).map((op) => op.op_id));
  deleteAll(tx.objectStore('voters'), [...voterIds].map((id) => [campaignId, id]));
  if (!voterIds.size) return;
  const walklists = tx.objectStore('walklists');
  for (const list of await walklists.getAll(startingWith(userId, campaignId))) {
    if (!list.doors.some((door) => door.voters.some((voter) => voterIds.has(voter.id)))) continue;
    putAll(walklists, [{ ...list, etag: null, doors: list.doors.map((door) => ({
      ...door, voters: door.voters.filter((voter) => !voterIds.has(voter.id)) })) }]);
  }
  const candidates = tx.objectStore('candidates');
  deleteAll(candidates, (await candidates.index('campaign').getAll([userId, campaignId]))
    .filter((found) => voterIds.has(found.voter_id))
    .map((found) => [found.user_id, found.campaign_id, found.contact_id, found.voter_id]));
  const tags = tx.objectStore('tags');
  putAll(tags, (await tags.index('campaign').getAll([userId, campaignId]))
    .filter((tag) => tag.voters?.some((id) => voterIds.has(id)))
    .map((tag) => ({ ...tag, voters: tag.voters.filter((id) => !voterIds.has(id)) })));
}

// --- voter cards ---

/** Keep voter cards the server showed (keyed by their campaign and public id), for offline person pages. */
export async function saveVoters(campaignId, cards) {
  if (cards.length) await write(['voters'], (tx) => putVoters(tx, campaignId, cards));
}

function putVoters(tx, campaignId, cards) {
  putAll(tx.objectStore('voters'), cards.map((card) => ({ ...card, campaign_id: campaignId })));
}

/** Every voter card this phone has for a campaign, by voter id. */
export async function votersOf(campaignId) {
  const cards = await (await db()).getAll('voters', startingWith(campaignId));
  return new Map(cards.map((card) => [card.id, card]));
}

export async function getVoter(campaignId, voterId) {
  return (await db()).get('voters', [campaignId, voterId]);
}

// --- contacts and private matching ---

export async function contactsOf(userId) {
  return (await db()).getAllFromIndex('contacts', 'user', userId);
}

export async function getContact(id) {
  return (await db()).get('contacts', id);
}

/**
 * Merge contacts into a person's, in one transaction: merge(existing) gets every contact of theirs here and returns
 * {changed, result}: the contacts to keep (new or updated, each whole) and what mergeContacts resolves to.
 */
export async function mergeContacts(userId, merge) {
  return write(['contacts'], async (tx) => {
    const store = tx.objectStore('contacts');
    const { changed, result } = within(merge, await store.index('user').getAll(userId));
    putAll(store, changed);
    return result;
  });
}

/** Delete a person's contacts and everything matching derived from them (tags, matches, answers). */
export async function forgetContacts(userId) {
  await write(['contacts', 'tags', 'candidates'], (tx) => deleteContacts(tx, userId));
}

async function deleteContacts(tx, userId) {
  const contacts = tx.objectStore('contacts').index('user');
  for (let cursor = await contacts.openCursor(userId); cursor; cursor = await cursor.continue()) cursor.delete();
  deleteAll(tx.objectStore('tags'), [startingWith(userId)]);
  deleteAll(tx.objectStore('candidates'), [startingWith(userId)]);
}

/** The tags cached for a person's contact inputs in one campaign, under any key version. */
export async function tagsOf(userId, campaignId) {
  return (await db()).getAllFromIndex('tags', 'campaign', [userId, campaignId]);
}

/** Keep tags ({input, tag, voters}) of a person's contact inputs under one campaign key version. */
export async function saveTags(userId, campaignId, keyVersion, rows) {
  await write(['tags'], (tx) => putAll(tx.objectStore('tags'),
    rows.map((row) => ({ ...row, user_id: userId, campaign_id: campaignId, key_version: keyVersion }))));
}

/** Delete the tags of a campaign's keys other than keyVersion (the key was rotated: they mean nothing now). */
export async function dropStaleTags(userId, campaignId, keyVersion) {
  await write(['tags'], (tx) => deleteAll(tx.objectStore('tags'), [
    IDBKeyRange.bound([userId, campaignId], [userId, campaignId, keyVersion], false, true),
    IDBKeyRange.bound([userId, campaignId, keyVersion, []], [userId, campaignId, []], true, false),
  ]));
}

/** Matches for one campaign: [{contact_id, voter_id, strength, decision, found_at}]. */
export async function candidatesOf(userId, campaignId) {
  return (await db()).getAllFromIndex('candidates', 'campaign', [userId, campaignId]);
}

/**
 * Keep the matches ({contact_id, voter_id, strength}) found in one campaign, in one transaction; one already here
 * keeps its decision and when it was first found. Resolves to how many are new.
 */
export async function saveCandidates(userId, campaignId, found) {
  return write(['candidates'], async (tx) => {
    const store = tx.objectStore('candidates');
    const key = (row) => `${row.contact_id} ${row.voter_id}`;
    const known = new Map((await store.index('campaign').getAll([userId, campaignId])).map((row) => [key(row), row]));
    const now = Date.now();
    putAll(store, found.map((row) => ({ ...row, user_id: userId, campaign_id: campaignId,
      decision: known.get(key(row))?.decision ?? null, found_at: known.get(key(row))?.found_at ?? now })));
    return found.filter((row) => !known.has(key(row))).length;
  });
}

/** Keep the volunteer's answer on a match; a match no longer here (its contacts were deleted) stays gone. */
export async function rememberDecision(candidate, decision) {
  await write(['candidates'], async (tx) => {
    const store = tx.objectStore('candidates');
    const stored = await store.get([candidate.user_id, candidate.campaign_id, candidate.contact_id,
      candidate.voter_id]);
    if (stored) putAll(store, [{ ...stored, decision }]);
  });
}

// --- map tiles ---

/**
 * Keep a basemap extract for a campaign under ``key``, replacing what was kept there.
 * @param {{campaign_id: number, key: string, bbox: number[], blob: Blob}} extract
 */
export async function saveBasemap(extract) {
  await write(['basemaps'], (tx) => tx.objectStore('basemaps').put({ ...extract, saved_at: new Date().toISOString() }));
}

/** The extract kept for a campaign under ``key``, or undefined. */
export async function keptBasemap(campaignId, key) {
  return (await db()).get('basemaps', [campaignId, key]);
}

// --- walk lists ---

/**
 * Keep a turf's walk list for a person, replacing the one kept before.
 * @param {{user_id: number, campaign_id: number, turf_id: number, name: string, expires_at: string,
 *   version: string, etag: string, doors: object[], questions: object, basemap: boolean}} walkList
 */
export async function saveWalkList(walkList) {
  await write(['walklists'], (tx) => tx.objectStore('walklists').put({ ...walkList, saved_at: new Date().toISOString() }));
}

/** The walk list a person keeps for a turf, or undefined. */
export async function keptWalkList(userId, campaignId, turfId) {
  return (await db()).get('walklists', [userId, campaignId, turfId]);
}

/** Every walk list a person keeps, in any campaign. */
export async function keptWalkLists(userId) {
  return (await db()).getAll('walklists', startingWith(userId));
}

// --- the whole phone ---

/** Ask the browser not to evict our data under storage pressure; true when it agrees. */
export async function requestPersistence() {
  try {
    return (await navigator.storage?.persisted?.()) || (await navigator.storage?.persist?.()) || false;
  } catch {
    return false;
  }
}

/** Delete everything of a person's from this phone (on signing out), in one transaction. */
export async function forgetUser(userId) {
  const stores = ['records', 'outbox', 'meta', 'contacts', 'tags', 'candidates', 'voters', 'basemaps', 'walklists'];
  await write(stores, async (tx) => {
    await deleteContacts(tx, userId);
    deleteAll(tx.objectStore('walklists'), [startingWith(userId)]); // voters' cards and where they live
    tx.objectStore('voters').clear(); // cards of this person's people: the next one here pulls their own
    tx.objectStore('basemaps').clear(); // the next person here may not be in these campaigns
    const records = tx.objectStore('records').index('owner');
    for (let cursor = await records.openCursor(startingWith(userId)); cursor; cursor = await cursor.continue()) {
      cursor.delete();
    }
    const outbox = tx.objectStore('outbox').index('user');
    for (let cursor = await outbox.openCursor(userId); cursor; cursor = await cursor.continue()) cursor.delete();
    deleteAll(tx.objectStore('meta'), [
      IDBKeyRange.bound(`cursor/${userId}/`, `cursor/${userId}/\uffff`),
      IDBKeyRange.bound(`messages/${userId}/`, `messages/${userId}/\uffff`),
      IDBKeyRange.bound(`recruit/${userId}/`, `recruit/${userId}/\uffff`),
      syncedKey(userId),
      cardKey(userId),
      'profile',
    ]);
  });
}
