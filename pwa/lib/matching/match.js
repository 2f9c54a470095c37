// Private matching on the phone (docs/privacy.md): which of my contacts are in the campaign's voter file?
//
// 1. Each contact's phones and e-mails become OPRF inputs (contacts/normalize.js), on the phone.
// 2. Inputs without a cached tag under the campaign's current key are blinded (in workers), evaluated by the
//    server (counted against the daily quota) and finalized into tags, which are cached here per key version.
// 3. The phone asks for the buckets of its tags (the first p bits of each), and compares locally.
// 4. Only the tags found there are sent, for voter cards; each match waits for the volunteer: "that is my friend"
//    or "not them". A "not them" is remembered, so the same card is not offered again.
// Nothing the phone sends contains a name, a number or an address: only blinded elements, bucket numbers and
// the tags of real matches.
import { ApiError, matchBuckets, matchCards, matchEvaluate, matchStatus } from '../api.js';
import { contactInputs } from '../contacts/normalize.js';
import { contactsOf } from '../contacts/store.js';
import { dropStaleTags, saveCandidates, saveTags, saveVoters, tagsOf } from '../db.js';
import { cryptoPool } from './crypto-pool.js';
import { unpackTags } from './tags.js';

const ELEMENT_SIZE = 32; // a blinded or evaluated ristretto255 element

/** Standard base64 of bytes, a piece at a time: a batch's 64,000 bytes are too many arguments for one call. */
function toBase64(bytes) {
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x2000) text += String.fromCharCode(...bytes.subarray(at, at + 0x2000));
  return btoa(text);
}
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text) => Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));

/** A tag's bucket: its first prefixBits bits, as server/matching/tags.py bucket_of. */
export function bucketOf(tag, prefixBits) {
  return (((tag[0] << 24) | (tag[1] << 16) | (tag[2] << 8) | tag[3]) >>> 0) >>> (32 - prefixBits);
}

/**
 * Elements joined in one base64 string, as /match/evaluate protocol 2 takes them: one string for the server to
 * decode instead of one per element.
 * @param {Uint8Array[]} elements
 */
export function packElements(elements) {
  const joined = new Uint8Array(elements.length * ELEMENT_SIZE);
  elements.forEach((element, i) => {
    if (element.length !== ELEMENT_SIZE) throw new Error(`An element is ${ELEMENT_SIZE} bytes, not ${element.length}.`);
    joined.set(element, i * ELEMENT_SIZE);
  });
  return toBase64(joined);
}

/**
 * The elements of a protocol 2 answer, which must be `count` of them.
 * @param {string} packed
 * @param {number} count
 */
export function unpackElements(packed, count) {
  const joined = fromBase64(packed);
  if (joined.length !== count * ELEMENT_SIZE) {
    throw new Error(`The server answered ${joined.length} bytes for ${count} elements of ${ELEMENT_SIZE}.`);
  }
  return Array.from({ length: count }, (_, i) => joined.slice(i * ELEMENT_SIZE, (i + 1) * ELEMENT_SIZE));
}

/** The matching stage stopped early for a reason the volunteer should read. */
export class MatchingStopped extends Error {
  constructor(reason, details = {}) {
    super(reason);
    this.name = 'MatchingStopped';
    this.reason = reason; // 'offline' | 'quota' | 'notReady' | 'server'
    Object.assign(this, details);
  }
}

function stopped(error) {
  if (!(error instanceof ApiError)) return error;
  if (error.offline) return new MatchingStopped('offline');
  if (error.status === 429) return new MatchingStopped('quota', { retryAfter: error.retryAfter });
  // the campaign's first voter file is still being prepared for matching (server/matching/build.py)
  if (error.status === 409 && error.errors?.ready) return new MatchingStopped('notReady');
  return new MatchingStopped('server', { message: error.serverMessage });
}

/** The inputs of every contact of userId: Map input -> [{contactId, kind}]. */
async function inputsOf(userId, region) {
  const byInput = new Map();
  for (const contact of await contactsOf(userId)) {
    for (const input of contactInputs(contact, region)) {
      if (!byInput.has(input)) byInput.set(input, []);
      byInput.get(input).push({ contactId: contact.id, kind: input.startsWith('tel:') ? 'phone' : 'email' });
    }
  }
  return byInput;
}

/**
 * Run matching for one campaign; onProgress({stage, done, total}) reports it. Resolves to
 * {contacts, inputs, evaluated, matches, newMatches, quotaLeft}; rejects with MatchingStopped when offline, over
 * quota or refused (what was done so far is kept, and the next run carries on from there).
 * @param {{userId: number, campaign: {id: number, phone_region?: string}, workerUrl?: string,
 *   onProgress?: (progress: {stage: string, done: number, total: number}) => void}} run
 */
export async function findPeople({ userId, campaign, onProgress = () => {}, workerUrl }) {
  const region = campaign.phone_region || 'US';
  let status;
  try {
    status = await matchStatus(campaign.id);
  } catch (error) {
    throw stopped(error);
  }
  const byInput = await inputsOf(userId, region);
  const cache = await tagsOf(userId, campaign.id);
  if (cache.some((row) => row.key_version !== status.key_version)) { // the key was rotated: earlier tags mean nothing
    await dropStaleTags(userId, campaign.id, status.key_version);
  }
  const tags = new Map(cache.filter((row) => row.key_version === status.key_version).map((row) => [row.input, row]));
  const todo = [...byInput.keys()].filter((input) => !tags.has(input));
  const summary = { contacts: new Set([...byInput.values()].flat().map((use) => use.contactId)).size,
    inputs: byInput.size, evaluated: 0, matches: 0, newMatches: 0, quotaLeft: status.elements_left };

  if (todo.length) {
    const pool = cryptoPool(workerUrl);
    try {
      for (let at = 0; at < todo.length;) {
        const size = Math.min(status.max_per_call, todo.length - at, summary.quotaLeft);
        if (size <= 0) throw new MatchingStopped('quota', { done: summary.evaluated, total: todo.length });
        const batch = todo.slice(at, at + size);
        onProgress({ stage: 'evaluate', done: at, total: todo.length });
        const blinded = await pool.blind(batch);
        let answer;
        try {
          answer = await matchEvaluate(campaign.id, status.key_version, packElements(blinded.blinded));
        } catch (error) {
          throw stopped(error);
        }
        const found = await blinded.finalize(unpackElements(answer.evaluated, batch.length));
        const rows = batch.map((input, i) => ({ input, tag: hex(found[i]), voters: null }));
        await saveTags(userId, campaign.id, status.key_version, rows);
        for (const row of rows) tags.set(row.input, row);
        at += size;
        summary.evaluated += size;
        summary.quotaLeft -= size;
      }
    } finally {
      pool.close();
    }
  }

  // compare locally: fetch the buckets of every current tag, keep the tags the server also has
  const current = [...byInput.keys()].map((input) => tags.get(input));
  const prefixes = [...new Set(current.map((row) => bucketOf(unhex(row.tag), status.prefix_bits)))];
  const known = new Set();
  for (let at = 0; at < prefixes.length; at += status.buckets_per_call) {
    onProgress({ stage: 'compare', done: at, total: prefixes.length });
    let answer;
    try {
      answer = await matchBuckets(campaign.id, status.key_version, prefixes.slice(at, at + status.buckets_per_call));
    } catch (error) {
      throw stopped(error);
    }
    for (const packed of Object.values(answer.buckets)) for (const tag of unpackTags(packed)) known.add(tag);
  }
  const matched = current.filter((row) => known.has(row.tag));

  // voter cards, only for matched tags not already resolved on an earlier run
  const unresolved = matched.filter((row) => row.voters === null);
  for (let at = 0; at < unresolved.length; at += status.max_per_call) {
    onProgress({ stage: 'cards', done: at, total: unresolved.length });
    const slice = unresolved.slice(at, at + status.max_per_call);
    let answer;
    try {
      answer = await matchCards(campaign.id, status.key_version, slice.map((row) => toBase64(unhex(row.tag))));
    } catch (error) {
      throw stopped(error);
    }
    const votersOf = new Map(slice.map((row) => [row.tag, []]));
    for (const card of answer.cards) {
      for (const tag of card.tags) votersOf.get(hex(fromBase64(tag)))?.push(card.voter.id);
    }
    await saveVoters(campaign.id, answer.cards.map((card) => card.voter));
    for (const row of slice) row.voters = votersOf.get(row.tag);
    await saveTags(userId, campaign.id, status.key_version, slice);
  }

  // one candidate per (contact, voter); strength from which of that contact's identifiers point at the voter
  const kinds = new Map();
  for (const row of matched) {
    for (const use of byInput.get(row.input)) {
      for (const voterId of row.voters ?? []) {
        const key = `${use.contactId} ${voterId}`;
        if (!kinds.has(key)) kinds.set(key, { contactId: use.contactId, voterId, kinds: new Set() });
        kinds.get(key).kinds.add(use.kind);
      }
    }
  }
  summary.matches = kinds.size;
  summary.newMatches = await saveCandidates(userId, campaign.id, [...kinds.values()].map(
    ({ contactId, voterId, kinds: via }) => ({ contact_id: contactId, voter_id: voterId,
      strength: via.size === 2 ? 'both' : [...via][0] })));
  onProgress({ stage: 'done', done: 1, total: 1 });
  return summary;
}
