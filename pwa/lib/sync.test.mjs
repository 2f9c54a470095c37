// pwa/lib/sync.js, the sync loop, against the real Kin API on a local port (pwa/lib/testing/live-api.mjs), with
// IndexedDB from fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C tests). This
// runs in node for fast unit coverage of the loop's logic; tests/pwa/test_offline_sync.py runs the whole app, with
// Chromium's real IndexedDB, through airplane mode and reloads. pwa/lib/testing/browser.mjs adds what a page would
// have around node's fetch (origin, cookies, navigator.onLine) and a request log; the network fails for real (a
// refused connection) or, for an answer lost on the way back, after the server has answered in full.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { installBrowser, watchTimers } from './testing/browser.mjs';
import { liveApi, newEmail, PASSWORD } from './testing/live-api.mjs';
import { join, leaveCampaign, login } from './api.js';
import { maxBatchBytes, maxOps, protocol } from './constants.gen.js';
import { forgetUser, getMeta, getRecord, pendingOps, recordsOf, votersOf } from './db.js';
import { decode, encode, stamp } from './hlc.js';
import { discard, recordChange } from './outbox.js';
import { getAccessToken, getProfile, setAccessToken } from './session.js';
import { createSync } from './sync.js';

const nodeFetch = globalThis.fetch; // other phones: no cookies shared with this one, not in its request log
const api = await liveApi();
const browser = installBrowser(api.url);
const campaignId = api.sync.id;
const [maria, tomas, lena] = api.sync.voters;
const email = newEmail('sync');
const WHEN = '2026-10-01T18:00:00-04:00';

// The loop's planned runs: their delays are checked, and they are cancelled after each test, so that each test runs
// the loop itself with request().
const planned = watchTimers('request');
const realNow = Date.now;
afterEach(async () => {
  planned.cancel();
  for (const op of await pendingOps(userId)) await discard(op.op_id); // a failed test leaves nothing to the next
  Date.now = realNow;
  browser.reachable();
  browser.online = true;
});

let userId;
let sync;
before(async () => {
  await join({ code: api.sync.invite, email, password: PASSWORD, displayName: 'Sam Sync', language: 'en' });
  userId = getProfile().user.id;
  sync = createSync({ session: () => ({ userId, campaignIds: [campaignId] }) });
});

const change = (entity, entityId, fields, supersedes = []) => recordChange({ userId, campaignId, entity, entityId,
  fields, supersedes });
const talk = (fields = {}) => change('conversation', crypto.randomUUID(), { voter_id: maria, channel: 'door',
  happened_at: WHEN, ...fields });
const wire = ({ op_id, entity, entity_id, action, fields, hlc }) => ({ op_id, entity, entity_id, action, fields, hlc });
const cursor = () => getMeta(`cursor/${userId}/${campaignId}`);

/** One run of the loop; returns its sync requests. */
async function run() {
  const from = browser.requests.length;
  await sync.request();
  return browser.since(from, `/api/campaigns/${campaignId}/sync/`);
}
const pushes = (calls) => calls.filter((call) => call.path.endsWith('/sync/push'));
const pulls = (calls) => calls.filter((call) => call.path.includes('/sync/pull?'));

/** Ops pushed by another phone of the same volunteer, stamped by that phone. */
async function fromAnotherPhone(ops) {
  const device = crypto.randomUUID();
  const body = { protocol, device_id: device, ops: ops.map(({ wallMs, ...op }, i) => ({ ...op,
    op_id: crypto.randomUUID(), hlc: encode(stamp(wallMs, i, device)) })) };
  const response = await nodeFetch(`${api.url}/api/campaigns/${campaignId}/sync/push`, { method: 'POST',
    headers: { Authorization: `Bearer ${getAccessToken()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  assert.equal(response.status, 200);
  return (await response.json()).results;
}

/** An organizer's review of a conversation, from the organizer's own phone. */
async function review(conversationId, fields) {
  const { organizer } = api.sync;
  const login = await nodeFetch(`${api.url}/api/auth/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(organizer) });
  const { access_token: token } = await login.json();
  const response = await nodeFetch(`${api.url}/api/campaigns/${campaignId}/conversations/${conversationId}`, {
    method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(fields) });
  assert.equal(response.status, 200, await response.clone().text());
}

test('a run pushes the outbox in order, drops what the server applied and keeps its versions', async () => {
  const person = crypto.randomUUID();
  const made = [
    await change('relationship', person, { voter_id: maria, source: 'search', notes: 'My neighbour' }),
    await change('conversation', crypto.randomUUID(), { relationship_id: person, channel: 'door', happened_at: WHEN,
      support: 2 }),
    await change('relationship', person, { closeness: 4 }),
  ];
  const seen = [];
  const stop = sync.onStatus((status) => seen.push(status.syncing));
  const calls = await run();
  stop();

  const [push, ...more] = pushes(calls);
  assert.equal(more.length, 0);
  assert.deepEqual(push.body, { protocol, device_id: await getMeta('device'), ops: made.map(wire) });
  assert.deepEqual(push.answer.results.map((r) => [r.op_id, r.status]), made.map((op) => [op.op_id, 'applied']));
  assert.deepEqual(await pendingOps(userId), []);
  assert.equal((await getRecord('relationship', person)).version, 2);
  assert.equal((await getRecord('conversation', made[1].entity_id)).version, 1);
  assert.equal((await votersOf(campaignId)).get(maria).first_name, 'Maria'); // the card came with the pull

  const status = sync.status();
  assert.deepEqual([status.syncing, status.problem, status.pending, status.rejected], [false, null, 0, []]);
  assert.equal(status.lastSynced, await getMeta(`synced/${userId}`));
  assert.ok(Math.abs(status.lastSynced - Date.now()) < 60_000);
  assert.equal(seen[0], true);
  assert.equal(seen.at(-1), false);
  assert.deepEqual(planned.map((p) => p.ms), [2 * 60_000]); // the next run in two minutes
});

test('a long outbox goes in requests of at most maxOps, in order, each op once', async () => {
  const made = [];
  for (let i = 0; i <= maxOps; i += 1) made.push(await talk({ voter_id: tomas, channel: 'call', notes: `call ${i}` }));
  const calls = await run();
  const sent = pushes(calls);
  assert.deepEqual(sent.map((call) => call.body.ops.length), [maxOps, made.length - maxOps]);
  assert.deepEqual(sent.flatMap((call) => call.body.ops), made.map(wire));
  assert.ok(sent.every((call) => call.answer.results.every((r) => r.status === 'applied')));
  assert.deepEqual(await pendingOps(userId), []);
});

test('ops with long notes are split so that no request body is longer than maxBatchBytes', async () => {
  const notes = 'Talked about rent, the bus line and the school board. '.repeat(80).slice(0, 4_000);
  const count = Math.ceil((1.5 * maxBatchBytes) / notes.length);
  assert.ok(count < maxOps); // what splits these requests is their length, not their number
  const made = [];
  for (let i = 0; i < count; i += 1) made.push(await talk({ voter_id: lena, notes: `${i} ${notes}` }));
  const calls = await run();
  const sent = pushes(calls);
  assert.ok(sent.length >= 2, `${sent.length} request(s)`);
  for (const call of sent) {
    const bytes = new TextEncoder().encode(JSON.stringify(call.body)).length;
    assert.ok(bytes <= maxBatchBytes, `a body of ${bytes} bytes`);
  }
  assert.deepEqual(sent.flatMap((call) => call.body.ops), made.map(wire));
  assert.deepEqual(await pendingOps(userId), []);
});

test('a new phone pulls every record from the start, page after page while there is more', async () => {
  const before = (await recordsOf(userId, campaignId, 'conversation')).map((r) => [r.entity_id, r.values, r.version]);
  assert.ok(before.length > 400); // enough for three pages of 200
  await forgetUser(userId); // as signing out leaves the phone; the device and its clock stay
  assert.equal(await cursor(), undefined);

  const calls = await run();
  const pages = pulls(calls);
  const size = Number(new URL(pages[0].url).searchParams.get('limit'));
  assert.equal(pages.length, Math.ceil((before.length + 1) / size)); // the conversations and the relationship
  pages.forEach((page, i) => {
    const asked = new URL(page.url).searchParams;
    assert.equal(asked.get('protocol'), String(protocol));
    assert.equal(asked.get('cursor'), i === 0 ? '' : pages[i - 1].answer.cursor);
    assert.equal(page.answer.more, i < pages.length - 1);
  });
  assert.equal(await cursor(), pages.at(-1).answer.cursor);
  const after = (await recordsOf(userId, campaignId, 'conversation')).map((r) => [r.entity_id, r.values, r.version]);
  const sort = (rows) => rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(sort(after), sort(before));
});

test('a rejected op stays with its errors and codes, the rest of its batch is settled', async () => {
  const good = await talk({ notes: 'fine' });
  const bad = await talk({ support: 9 });
  const alsoGood = await talk({ notes: 'fine too' });
  let calls = await run();
  assert.deepEqual(pushes(calls)[0].answer.results.map((r) => r.status), ['applied', 'rejected', 'applied']);

  const [kept] = await pendingOps(userId);
  assert.equal((await pendingOps(userId)).length, 1);
  assert.equal(kept.op_id, bad.op_id);
  assert.ok(kept.rejected.errors.support.every((message) => typeof message === 'string' && message));
  assert.deepEqual(kept.rejected.codes.support, [{ code: 'not_in_range', params: { min: 1, max: 5 } }]);
  assert.equal((await getRecord('conversation', bad.entity_id)).version, 0); // the server has none of it
  assert.equal((await getRecord('conversation', good.entity_id)).version, 1);
  assert.equal((await getRecord('conversation', alsoGood.entity_id)).version, 1);
  const status = sync.status();
  assert.equal(status.problem, null); // a refused op is the volunteer's to fix, not a failed run
  assert.equal(status.pending, 1);
  assert.deepEqual(status.rejected.map((op) => op.op_id), [bad.op_id]);

  calls = await run(); // tried again on the next run: the server judges it again
  assert.deepEqual(pushes(calls).map((call) => call.body.ops.map((op) => op.op_id)), [[bad.op_id]]);
  assert.deepEqual((await pendingOps(userId)).map((op) => op.op_id), [bad.op_id]);

  const fix = await change('conversation', bad.entity_id, { voter_id: maria, channel: 'door', happened_at: WHEN,
    support: 2 }, [bad.op_id]);
  calls = await run();
  assert.deepEqual(pushes(calls)[0].answer.results.map((r) => [r.op_id, r.status]), [[fix.op_id, 'applied']]);
  assert.deepEqual(await pendingOps(userId), []);
  assert.deepEqual(sync.status().rejected, []);
  assert.equal((await getRecord('conversation', bad.entity_id)).values.support, 2);
});

test('an op whose answer was lost is kept, sent again and settled as a duplicate', async () => {
  const op = await talk({ notes: 'Sent once' });
  browser.loseNextAnswer();
  let calls = await run();
  assert.equal(pushes(calls)[0].lost, true);
  assert.equal(pushes(calls)[0].answer.results[0].status, 'applied'); // the server did apply it
  assert.equal(sync.status().problem, 'offline');
  assert.deepEqual((await pendingOps(userId)).map((o) => o.op_id), [op.op_id]);
  assert.equal(planned.length, 1);
  assert.ok(planned[0].ms >= 1_000 && planned[0].ms <= 2_000, `retry in ${planned[0].ms} ms`);

  calls = await run();
  assert.deepEqual(pushes(calls)[0].answer.results.map((r) => [r.op_id, r.status, r.version]),
    [[op.op_id, 'duplicate', 1]]);
  assert.deepEqual(await pendingOps(userId), []);
  assert.equal(sync.status().problem, null);
  assert.equal((await getRecord('conversation', op.entity_id)).version, 1);
});

test('with no network nothing is lost: the outbox, the records and the cursor stay as they were', async () => {
  const op = await talk({ notes: 'Written offline' });
  const where = await cursor();
  browser.online = false; // the browser knows: no request at all
  let calls = await run();
  assert.deepEqual(calls, []);
  assert.equal(sync.status().problem, 'offline');

  browser.online = true;
  await browser.unreachable(); // it thinks it is online, but the server cannot be reached
  calls = await run();
  assert.ok(calls.length > 0 && calls.every((call) => call.status === null));
  assert.equal(sync.status().problem, 'offline');
  assert.deepEqual((await pendingOps(userId)).map((o) => o.op_id), [op.op_id]);
  assert.equal((await getRecord('conversation', op.entity_id)).version, 0);
  assert.equal(await cursor(), where);

  browser.reachable();
  calls = await run();
  assert.deepEqual(pushes(calls)[0].answer.results.map((r) => r.status), ['applied']);
  assert.deepEqual(await pendingOps(userId), []);
});

test("a pull merges an organizer's review into the record and moves the cursor once it is stored", async () => {
  const op = await talk({ notes: 'Asked about the bus line' });
  await run();
  await review(op.entity_id, { reviewed: true, review_reply: 'Great talk!' });
  await change('conversation', op.entity_id, { support: 1 }); // edited here meanwhile
  const calls = await run();

  const record = await getRecord('conversation', op.entity_id);
  assert.deepEqual(record.values, { voter_id: maria, channel: 'door', happened_at: WHEN,
    notes: 'Asked about the bus line', support: 1, reviewed: true, review_reply: 'Great talk!' });
  const [page] = pulls(calls);
  const pulled = page.answer.changes.find((c) => c.entity_id === op.entity_id);
  assert.equal(record.version, pulled.version);
  assert.equal(record.stamps.reviewed, pulled.stamps.reviewed);
  assert.equal(await cursor(), page.answer.cursor);
  // the phone's clock has seen the review's stamp: its next edit sorts after it
  const next = await change('conversation', op.entity_id, { notes: 'Called back' });
  assert.ok(next.hlc > pulled.stamps.reviewed);
  await run();
});

test('a page that cannot be stored (the phone clock is hours behind) leaves the records and cursor', async () => {
  const op = await talk({ notes: 'Before the clock went wrong' });
  await run();
  const where = await cursor();
  await review(op.entity_id, { reviewed: true });
  Date.now = () => realNow() - 3 * 3_600_000; // the server's stamps look hours ahead of this phone
  let calls = await run();
  assert.equal(pulls(calls).length, 1);
  assert.equal(sync.status().problem, 'clock');
  assert.equal(await cursor(), where);
  assert.equal((await getRecord('conversation', op.entity_id)).values.reviewed, undefined);
  assert.ok(planned.at(-1).ms <= 2_000, `next try in ${planned.at(-1).ms} ms`); // soon, as for any failed run

  Date.now = realNow;
  calls = await run();
  assert.equal(sync.status().problem, null);
  assert.equal((await getRecord('conversation', op.entity_id)).values.reviewed, true);
  assert.equal(await cursor(), pulls(calls).at(-1).answer.cursor);
  assert.notEqual(await cursor(), where);
});

test('an edit that lost to a later one on another phone is settled as a conflict, and the winner pulled', async () => {
  const op = await talk({ notes: 'First words' });
  await run();
  const mine = await change('conversation', op.entity_id, { notes: 'Mine, stamped earlier' });
  const [theirs] = await fromAnotherPhone([{ entity: 'conversation', entity_id: op.entity_id, action: 'upsert',
    fields: { notes: 'Theirs, stamped later' }, wallMs: realNow() + 60_000 }]);
  assert.equal(theirs.status, 'applied');

  const calls = await run();
  assert.deepEqual(pushes(calls)[0].answer.results.map((r) => [r.op_id, r.status]), [[mine.op_id, 'conflict']]);
  assert.deepEqual(await pendingOps(userId), []);
  assert.equal((await getRecord('conversation', op.entity_id)).values.notes, 'Theirs, stamped later');
});

test("a delete from another phone removes the record here, unless an edit still waiting here is later", async () => {
  const gone = crypto.randomUUID();
  const kept = crypto.randomUUID();
  await change('relationship', gone, { voter_id: lena, source: 'search', notes: 'Lena from choir' });
  await change('relationship', kept, { voter_id: tomas, source: 'search', notes: 'Tomas from work' });
  await run();
  // stamped after every stamp this phone has made or seen (its clock may run ahead of Date.now)
  const wallMs = Math.max(realNow(), decode(await getMeta('clock')).wallMs) + 1_000;
  const results = await fromAnotherPhone([gone, kept].map((entityId) => ({ entity: 'relationship',
    entity_id: entityId, action: 'delete', wallMs })));
  assert.deepEqual(results.map((r) => r.status), ['applied', 'applied']);
  // edited here after that delete; the server refuses the value, so the edit waits here
  Date.now = () => wallMs + 1_000;
  const waiting = await change('relationship', kept, { closeness: 9 });
  Date.now = realNow;

  await run();
  const deleted = await getRecord('relationship', gone);
  assert.deepEqual([deleted.deleted, deleted.values, deleted.stamps], [true, {}, {}]);
  assert.ok(deleted.deleted_stamp);
  const record = await getRecord('relationship', kept);
  assert.equal(record.deleted, false);
  assert.deepEqual(record.values, { voter_id: tomas, source: 'search', notes: 'Tomas from work', closeness: 9 });
  assert.deepEqual((await pendingOps(userId)).map((o) => [o.op_id, Object.keys(o.rejected.codes)]),
    [[waiting.op_id, ['closeness']]]);
});

test('one run at a time: a request during a run is served by one more run after it', async () => {
  const from = browser.requests.length;
  const first = sync.request();
  const second = sync.request();
  const third = sync.request();
  assert.equal(second, first);
  assert.equal(third, first);
  await first;
  const calls = browser.since(from, `/api/campaigns/${campaignId}/sync/`);
  assert.equal(pulls(calls).length, 2); // the run in progress, then one more for both requests
  for (const [i, call] of calls.entries()) {
    if (i > 0) assert.ok(call.started >= calls[i - 1].ended, 'a request started before the one before it ended');
  }
});

test('a refused sign-in stops the loop without losing anything', async () => {
  const op = await talk({ notes: 'Waiting for a sign-in' });
  browser.clearCookies(); // the refresh cookie is gone (signed out elsewhere): refresh cannot help
  setAccessToken('expired');
  const calls = await run();
  assert.deepEqual(calls.map((call) => call.status), [401]);
  assert.equal(sync.status().problem, 'signedOut');
  assert.equal(planned.length, 0); // no retry: it waits for the volunteer to sign in again
  assert.deepEqual((await pendingOps(userId)).map((o) => o.op_id), [op.op_id]);

  await login(email, PASSWORD);
  await run();
  assert.deepEqual(await pendingOps(userId), []);
});

test("a campaign the volunteer was removed from fails on its own: the others still push and pull", async () => {
  const left = api.quota.id;
  await join({ code: api.quota.invite, email, password: PASSWORD, displayName: 'Sam Sync', language: 'en' });
  const stranded = await recordChange({ userId, campaignId: left, entity: 'conversation',
    entityId: crypto.randomUUID(), fields: { channel: 'door', happened_at: WHEN } });
  await leaveCampaign(left); // as an organizer removing them would: the server answers 404 for that campaign
  const op = await talk({ notes: 'Still in this campaign' });
  const synced = await getMeta(`synced/${userId}`);
  const both = createSync({ session: () => ({ userId, campaignIds: [left, campaignId] }) });

  const from = browser.requests.length;
  await both.request();
  assert.deepEqual(browser.since(from, `/api/campaigns/${left}/`).map((call) => [call.path, call.status]),
    [[`/api/campaigns/${left}/sync/push`, 404]]);
  const calls = browser.since(from, `/api/campaigns/${campaignId}/sync/`);
  assert.deepEqual(pushes(calls).map((call) => call.answer.results.map((r) => [r.op_id, r.status])),
    [[[op.op_id, 'applied']]]);
  assert.equal(pulls(calls).at(-1).answer.more, false);
  assert.equal(await cursor(), pulls(calls).at(-1).answer.cursor);
  assert.deepEqual((await pendingOps(userId)).map((o) => o.op_id), [stranded.op_id]); // kept: nothing is lost
  assert.equal(both.status().problem, 'server'); // the volunteer still hears of it
  assert.equal(await getMeta(`synced/${userId}`), synced); // not every campaign synced
  assert.equal(planned.length, 1);
  assert.ok(planned[0].ms <= 2_000, `retry in ${planned[0].ms} ms`); // tried again soon, as any failed run
});

test('stop() ends the loop: the planned run is cancelled and nothing is sent until start()', async () => {
  const loop = createSync({ session: () => ({ userId, campaignIds: [campaignId] }) });
  await loop.start();
  assert.deepEqual(planned.map((p) => [p.ms, p.cleared]), [[2 * 60_000, false]]);
  await loop.stop(); // signing out
  assert.deepEqual(planned.map((p) => p.cleared), [true]);

  const from = browser.requests.length;
  const op = await talk({ notes: 'Written while stopped' });
  await loop.request();
  dispatchEvent(new Event('online'));
  document.dispatchEvent(new Event('visibilitychange'));
  await loop.idle();
  assert.deepEqual(browser.since(from), []);
  assert.deepEqual(planned.filter((p) => !p.cleared), []);

  const running = loop.start(); // signed in again
  await running;
  assert.deepEqual(pushes(browser.since(from, `/api/campaigns/${campaignId}/sync/`))
    .map((call) => call.body.ops.map((o) => o.op_id)), [[op.op_id]]);

  const later = await talk({ notes: 'Written as it stops' });
  const since = browser.requests.length;
  const again = loop.request();
  await loop.stop(); // in the middle of a run: it sends nothing more and plans nothing
  await again;
  assert.deepEqual(browser.since(since), []);
  assert.deepEqual(planned.filter((p) => !p.cleared), []);
  assert.deepEqual((await pendingOps(userId)).map((o) => o.op_id), [later.op_id]);
});
