// pwa/lib/matching/match.js, private matching on the phone, against the real Kin API on a local port
// (pwa/lib/testing/live-api.mjs: its matching campaign has voters with phones and e-mails, tagged as an import
// tags them, and its status announces small batch sizes so that a few contacts need several calls). IndexedDB is
// fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C tests), and the crypto
// workers are the real worker.js in node worker threads (pwa/lib/testing/worker.mjs): this runs in node for fast
// unit coverage of the module's logic; tests/pwa/test_privacy.py and test_volunteer_app.py match in Chromium.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { installBrowser } from '../testing/browser.mjs';
import { liveApi, newEmail, PASSWORD } from '../testing/live-api.mjs';
import { installWorker } from '../testing/worker.mjs';
import { join, matchStatus } from '../api.js';
import { importContacts } from '../contacts/store.js';
import { contactsOf, getVoter, tagsOf } from '../db.js';
import { getProfile } from '../session.js';
import { candidatesOf, decide } from './candidates.js';
import { MatchingStopped, bucketOf, findPeople, packElements, unpackElements } from './match.js';

const api = await liveApi();
const browser = installBrowser(api.url);
const Worker = installWorker();
const workerUrl = new URL('./worker.js', import.meta.url).href;
const voters = api.match.voters; // first name -> {id, identifiers}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text) => Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
const fromBase64 = (text) => Uint8Array.from(Buffer.from(text, 'base64'));
/** The elements of one evaluate request's body (protocol 2: one base64 string of 32-byte elements joined). */
const elementsOf = (body) => {
  const joined = fromBase64(body.blinded);
  return Array.from({ length: joined.length / 32 }, (_, i) => joined.slice(32 * i, 32 * (i + 1)));
};
const inputOf = (identifier) => (identifier.includes('@') ? `mailto:${identifier.toLowerCase()}` : `tel:${identifier}`);

const card = (name, phones = [], emails = []) => ({ name, phones: phones.map((value) => ({ value, type: 'cell' })),
  emails: emails.map((value) => ({ value, type: 'home' })) });
const BOOK = [
  card('Ana Lopez', ['(919) 555-0101'], ['Ana.Lopez@example.org']), // both of Ana's identifiers
  card('Ben O', ['919-555-0102']),
  card('Cleo P', [], ['CLEO@example.net']),
  card('Dev Rao', ['+1 919 555 0104']), // one home phone, two people
  card('Dana Rao', ['919.555.0104']),
  card('Zoe Privateer', ['+1 919 555 0199'], ['zoe.privateer@example.com']), // not voters here
  card('Yusuf Hiddenfield', ['(919) 555-0188']),
  card('Nobody', ['12']), // not a phone number: no input
];
const SECRETS = ['9195550', '555-01', 'example.org', 'example.net', 'example.com', 'Lopez', 'Privateer', 'Hiddenfield',
  'Yusuf', 'Zoe', 'Dana'];

/** A volunteer of campaign `which` (match or quota) with BOOK (or `book`) imported on this phone. */
async function volunteer(which, book = BOOK) {
  await join({ code: api[which].invite, email: newEmail(which), password: PASSWORD, displayName: 'Mo Match',
    language: 'en' });
  const { user, memberships } = getProfile();
  const campaign = memberships.find((m) => m.campaign.id === api[which].id).campaign;
  await importContacts(user.id, book, 'file');
  return { userId: user.id, campaign };
}

/** Run findPeople; returns its summary (or error), its progress reports and its requests by kind. */
async function match({ userId, campaign }) {
  const from = browser.requests.length;
  const progress = [];
  const outcome = await findPeople({ userId, campaign, workerUrl, onProgress: (p) => progress.push(p) })
    .catch((error) => error);
  const calls = browser.since(from, `/api/campaigns/${campaign.id}/match`);
  const of = (kind) => calls.filter((call) => call.path.endsWith(`/match/${kind}`));
  return { outcome, progress, evaluate: of('evaluate'), buckets: of('buckets'), cards: of('cards'), calls };
}

test('bucketOf is the first prefixBits bits of a tag, read as an unsigned number', () => {
  const tags = [new Uint8Array(16).fill(0xff), new Uint8Array(16), Uint8Array.from({ length: 16 }, (_, i) => 0x80 + i)];
  for (let i = 0; i < 200; i += 1) tags.push(crypto.getRandomValues(new Uint8Array(16)));
  for (const tag of tags) {
    const first32 = new DataView(tag.buffer).getUint32(0); // big-endian, as server/matching/tags.py reads it
    for (let bits = 8; bits <= 24; bits += 1) {
      assert.equal(bucketOf(tag, bits), Math.floor(first32 / 2 ** (32 - bits)), `${hex(tag)} with ${bits} bits`);
    }
  }
});

test('elements pack into one base64 string and unpack into the same elements, in order', () => {
  const elements = Array.from({ length: 2000 }, () => crypto.getRandomValues(new Uint8Array(32))); // a full batch
  const packed = packElements(elements);
  assert.equal(packed, Buffer.concat(elements).toString('base64'));
  assert.deepEqual(unpackElements(packed, 2000), elements);
});

test('an answer with a different number of elements than were sent is refused, not cut or padded', () => {
  const packed = packElements([new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]);
  assert.throws(() => unpackElements(packed, 3), /64 bytes for 3 elements/);
  assert.throws(() => unpackElements(Buffer.alloc(33).toString('base64'), 1), /33 bytes for 1 elements/);
  assert.throws(() => packElements([new Uint8Array(31)]), /32 bytes, not 31/);
});

let first;
before(async () => {
  first = await volunteer('match');
});

test('matching finds the contacts in the voter file, sending only blinded elements, buckets and found tags',
  async () => {
    const { userId, campaign } = first;
    const { outcome, progress, evaluate, buckets, cards } = await match(first);
    assert.ok(!(outcome instanceof Error), outcome?.stack);

    // every input (each distinct phone and e-mail) evaluated once, in batches of at most max_per_call
    const inputs = 8; // Ana 2, Ben, Cleo, the Raos' shared phone, Zoe 2, Yusuf
    // in protocol 2: each call's elements packed in one base64 string, and answered the same way
    assert.ok(evaluate.every((call) => call.body.protocol === 2 && typeof call.answer.evaluated === 'string'
      && elementsOf(call.body).length <= api.max_per_call
      && fromBase64(call.answer.evaluated).length === fromBase64(call.body.blinded).length));
    assert.equal(evaluate.length, Math.ceil(inputs / api.max_per_call));
    const blinded = evaluate.flatMap((call) => elementsOf(call.body));
    assert.equal(blinded.length, inputs);
    assert.equal(new Set(blinded.map(hex)).size, inputs);
    const tags = await tagsOf(userId, campaign.id);
    assert.equal(tags.length, inputs);

    // the buckets of all the phone's tags, each asked once, at most buckets_per_call a request
    const { prefix_bits: bits } = await matchStatus(campaign.id);
    assert.ok(buckets.every((call) => call.body.prefixes.length <= api.buckets_per_call));
    const asked = buckets.flatMap((call) => call.body.prefixes);
    assert.equal(new Set(asked).size, asked.length);
    assert.deepEqual(new Set(asked), new Set(tags.map((row) => bucketOf(unhex(row.tag), bits))));
    // in protocol 2, which answers each bucket's tags packed into one base64 string
    assert.ok(buckets.every((call) => call.body.protocol === 2
      && Object.values(call.answer.buckets).every((packed) => typeof packed === 'string')));

    // cards only for the tags found in those buckets: the voters' identifiers, never the strangers'
    const voterInputs = new Set(Object.values(voters).flatMap((v) => v.identifiers.map(inputOf)));
    const found = tags.filter((row) => voterInputs.has(row.input)).map((row) => row.tag);
    assert.equal(found.length, 5);
    const sent = cards.flatMap((call) => call.body.tags.map((tag) => hex(fromBase64(tag))));
    assert.deepEqual(sent.sort(), found.sort());
    assert.ok(cards.every((call) => call.body.tags.length <= api.max_per_call));

    // nothing sent names a contact, a number or an address
    const said = JSON.stringify([...evaluate, ...buckets, ...cards].map((call) => [call.path, call.body]));
    for (const secret of SECRETS) assert.ok(!said.includes(secret), secret);

    // one match per (contact, voter), with which kinds of identifier point at the voter
    const contacts = new Map((await contactsOf(userId)).map((c) => [c.id, c.name]));
    const names = Object.fromEntries(Object.entries(voters).map(([first, v]) => [v.id, first]));
    const matches = (await candidatesOf(userId, campaign.id))
      .map((c) => [contacts.get(c.contact_id), names[c.voter_id], c.strength, c.decision]).sort();
    assert.deepEqual(matches, [['Ana Lopez', 'Ana', 'both', null], ['Ben O', 'Ben', 'phone', null],
      ['Cleo P', 'Cleo', 'email', null], ['Dana Rao', 'Dev', 'phone', null], ['Dev Rao', 'Dev', 'phone', null]]);
    assert.equal((await getVoter(campaign.id, voters.Ana.id)).first_name, 'Ana'); // the cards are kept here

    const left = (await matchStatus(campaign.id)).elements_left;
    assert.deepEqual(outcome, { contacts: 7, inputs, evaluated: inputs, matches: 5, newMatches: 5, quotaLeft: left });
    assert.deepEqual(progress.map((p) => p.stage),
      [...evaluate.map(() => 'evaluate'), ...buckets.map(() => 'compare'), ...cards.map(() => 'cards'), 'done']);
    assert.ok(Worker.started.length > 0 && Worker.started.every((worker) => worker.terminated));
  });

test('a second run sends only new inputs, asks no cards again and keeps the answers', async () => {
  const { userId, campaign } = first;
  const ben = (await candidatesOf(userId, campaign.id)).find((c) => c.voter_id === voters.Ben.id);
  await decide(ben, 'dismissed'); // "not them"
  const before = new Map((await candidatesOf(userId, campaign.id)).map((c) => [c.voter_id + c.contact_id, c]));

  let run = await match(first);
  assert.deepEqual([run.evaluate.length, run.cards.length], [0, 0]);
  assert.ok(run.buckets.length > 0); // compared again: the voter file may have changed
  assert.equal(run.outcome.newMatches, 0);
  assert.equal(run.outcome.matches, 5);
  const after = await candidatesOf(userId, campaign.id);
  assert.deepEqual(new Map(after.map((c) => [c.voter_id + c.contact_id, c])), before);
  assert.equal(after.find((c) => c.voter_id === voters.Ben.id).decision, 'dismissed');

  await importContacts(userId, [card('Quinn New', ['(919) 555-0155'])], 'file');
  run = await match(first);
  assert.deepEqual(run.evaluate.map((call) => elementsOf(call.body).length), [1]);
  assert.equal(run.cards.length, 0);
  assert.deepEqual([run.outcome.inputs, run.outcome.evaluated, run.outcome.newMatches], [9, 1, 0]);
});

test('with no network it stops as offline', async () => {
  await browser.unreachable();
  try {
    const run = await match(first);
    assert.ok(run.outcome instanceof MatchingStopped);
    assert.equal(run.outcome.reason, 'offline');
  } finally {
    browser.reachable();
  }
});

test('a matching worker that cannot load stops the run with an error instead of leaving it waiting', async () => {
  const lonely = await volunteer('match', BOOK.slice(0, 1));
  const outcome = await findPeople({ ...lonely, workerUrl: new URL('./no-such-worker.js', import.meta.url).href })
    .catch((error) => error);
  assert.ok(outcome instanceof Error && !(outcome instanceof MatchingStopped), String(outcome));
  assert.match(outcome.message, /matching worker failed/);
});

test('past the daily quota it stops, keeps what it evaluated, and the next run carries on from there', async () => {
  const quota = await volunteer('quota', BOOK.slice(5)); // 3 inputs; the campaign allows 2 a day
  let run = await match(quota);
  assert.ok(run.outcome instanceof MatchingStopped);
  assert.equal(run.outcome.reason, 'quota');
  assert.deepEqual([run.outcome.done, run.outcome.total], [2, 3]);
  assert.deepEqual(run.evaluate.map((call) => elementsOf(call.body).length), [2]);
  assert.equal((await tagsOf(quota.userId, quota.campaign.id)).length, 2);

  run = await match(quota);
  assert.equal(run.outcome.reason, 'quota');
  assert.deepEqual([run.outcome.done, run.outcome.total], [0, 1]); // only the one not yet evaluated is left
  assert.deepEqual(run.evaluate, []);
});
