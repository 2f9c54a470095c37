// The one module that opens IndexedDB. Versions fall through (idb README): a phone on any old version runs every
// step after it. Everything that must survive a closed tab or a dead battery lives here:
//   records  one per synced record, keyed [entity, entity_id]: {entity, entity_id, user_id, campaign_id, values,
//            stamps, deleted, deleted_stamp, version, local}; `local` never leaves the phone (a person's label)
//   outbox   one per op not yet settled by the server, keyed op_id; pushed in `hlc` order (the order they were made)
//   meta     device (this phone's id, the HLC node), clock (its HLC), profile (who last signed in here),
//            cursor/<user>/<campaign> (where pull resumes), synced/<user> (when a sync last completed),
//            messages/<user>/<campaign> (the volunteer's own message drafts)
//   voters   voter cards the phone was shown (match, search, pull), keyed [campaign_id, id]
// Private matching (version 2); none of it ever leaves the phone:
//   contacts    the volunteer's imported contacts, keyed id: {id, user_id, name, phones, emails, source, updated_at}
//   tags        F(k, input) per contact input and campaign key: {user_id, campaign_id, key_version, input, tag}
//   candidates  a voter a contact matched: {user_id, campaign_id, contact_id, voter_id, strength, decision}
//               decision: null (not yet asked), 'confirmed', 'dismissed' ("not them": not offered again)
// Rule from the idb README: never await anything but this database's requests inside a transaction.
import { openDB, unwrap } from 'idb';
import { decode, encode, stamp } from './hlc.js';

const NAME = 'kin';
const VERSION = 2;
let opening = null;

/** The open database, opened once per page. */
export function db() {
  opening ??= openDB(NAME, VERSION, {
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
  return opening;
}

/**
 * Run work(tx) in one readwrite transaction over stores and wait until it commits; if work throws, nothing
 * it wrote is kept. work may await only requests on tx.
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
 * more than the writes); write() waits for the commit, so a failed put still aborts it all.
 */
export function putAll(store, rows) {
  const raw = unwrap(store);
  for (const row of rows) raw.put(row);
}

/** This device's clock, read inside tx (with 'meta'). */
export async function readClock(tx) {
  const meta = tx.objectStore('meta');
  const saved = await meta.get('clock');
  return saved ? decode(saved) : stamp(0, 0, await meta.get('device'));
}

/** Keep clock, inside tx (with 'meta', readwrite). */
export function writeClock(tx, clock) {
  return tx.objectStore('meta').put(encode(clock), 'clock');
}

export async function getMeta(key) {
  return (await db()).get('meta', key);
}

export async function setMeta(key, value) {
  return (await db()).put('meta', value, key);
}

export async function deleteMeta(key) {
  return (await db()).delete('meta', key);
}

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

/** Keep voter cards the server showed (keyed by their campaign and public id), for offline person pages. */
export async function saveVoters(campaignId, cards) {
  if (cards.length) await write(['voters'], (tx) => putVoters(tx, campaignId, cards));
}

/** Keep voter cards inside tx (with 'voters', readwrite), as the pull that brought them writes its records. */
export function putVoters(tx, campaignId, cards) {
  putAll(tx.objectStore('voters'), cards.map((card) => ({ ...card, campaign_id: campaignId })));
}

/** Every voter card this phone has for a campaign, by voter id. */
export async function votersOf(campaignId) {
  const cards = await (await db()).getAll('voters', IDBKeyRange.bound([campaignId], [campaignId, []]));
  return new Map(cards.map((card) => [card.id, card]));
}

export async function getVoter(campaignId, voterId) {
  return (await db()).get('voters', [campaignId, voterId]);
}

/** Ask the browser not to evict our data under storage pressure; true when it agrees. */
export async function requestPersistence() {
  try {
    return (await navigator.storage?.persisted?.()) || (await navigator.storage?.persist?.()) || false;
  } catch {
    return false;
  }
}

/** Delete a person's contacts and everything matching derived from them, inside tx (all three stores). */
export async function forgetContacts(tx, userId) {
  const contacts = tx.objectStore('contacts').index('user');
  for (let cursor = await contacts.openCursor(userId); cursor; cursor = await cursor.continue()) cursor.delete();
  const theirs = IDBKeyRange.bound([userId], [userId, []]);
  for (const store of ['tags', 'candidates']) {
    for (let cursor = await tx.objectStore(store).openCursor(theirs); cursor; cursor = await cursor.continue()) {
      cursor.delete();
    }
  }
}

/** Delete everything of a person's from this phone (on signing out), in one transaction. */
export async function forgetUser(userId) {
  await write(['records', 'outbox', 'meta', 'contacts', 'tags', 'candidates', 'voters'], async (tx) => {
    await forgetContacts(tx, userId);
    tx.objectStore('voters').clear(); // cards of this person's people: the next one here pulls their own
    const records = tx.objectStore('records').index('owner');
    const range = IDBKeyRange.bound([userId], [userId, []]);
    for (let cursor = await records.openCursor(range); cursor; cursor = await cursor.continue()) cursor.delete();
    const outbox = tx.objectStore('outbox').index('user');
    for (let cursor = await outbox.openCursor(userId); cursor; cursor = await cursor.continue()) cursor.delete();
    const meta = tx.objectStore('meta');
    const mine = IDBKeyRange.bound(`cursor/${userId}/`, `cursor/${userId}/\uffff`);
    for (let cursor = await meta.openCursor(mine); cursor; cursor = await cursor.continue()) cursor.delete();
    const drafts = IDBKeyRange.bound(`messages/${userId}/`, `messages/${userId}/\uffff`);
    for (let cursor = await meta.openCursor(drafts); cursor; cursor = await cursor.continue()) cursor.delete();
    meta.delete(`synced/${userId}`);
    meta.delete('profile');
  });
}
