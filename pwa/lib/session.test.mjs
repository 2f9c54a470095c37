// pwa/lib/session.js (who is signed in), with api.js against the real Kin API on a local port
// (pwa/lib/testing/live-api.mjs) and IndexedDB from fake-indexeddb, an in-memory implementation of the IndexedDB
// spec (it passes the W3C tests). This runs in node for fast unit coverage of the module's logic;
// tests/pwa/test_join_and_sign_in.py and test_offline_shell.py sign in and out in Chromium. session.js reads
// document.cookie, which pwa/lib/testing/browser.mjs provides from its cookie jar.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installBrowser, watchTimers } from './testing/browser.mjs';
import { liveApi, newEmail, PASSWORD } from './testing/live-api.mjs';
import { getMe, join, login, logout, refresh } from './api.js';
import { contactsOf, importContacts } from './contacts/store.js';
import { candidatesOf } from './matching/candidates.js';
import { db, forgetUser, getMeta, pendingOps, recordsOf, setMeta, write } from './db.js';
import { recordChange } from './outbox.js';
import {
  csrfToken, endSession, getAccessToken, getProfile, isSignedIn, onProfile, onSessionEnd, restoreProfile,
  resumeOffline,
} from './session.js';
import { createSync } from './sync.js';

const api = await liveApi();
const browser = installBrowser(api.url);
const email = newEmail('session');
const campaignId = api.sync.id;

/** Every value in every store of the phone's database, as text. */
async function everythingStored() {
  const database = await db();
  const stores = [...database.objectStoreNames];
  const all = await Promise.all(stores.map(async (store) => [store, await database.getAll(store)]));
  return JSON.stringify(all);
}

test('signing in holds the token in memory and the profile the phone needs offline', async () => {
  assert.equal(isSignedIn(), false);
  assert.equal(getProfile(), null);
  const heard = [];
  const stop = onProfile((profile) => heard.push(profile));
  const session = await join({ code: api.sync.invite, email, password: PASSWORD, displayName: 'Sol Session',
    language: 'es' });
  assert.ok(isSignedIn());
  assert.equal(getAccessToken(), session.access_token);
  const profile = getProfile();
  assert.deepEqual(Object.keys(profile).sort(), ['memberships', 'user']); // the token is not part of it
  assert.deepEqual([profile.user.email, profile.user.display_name, profile.user.language],
    [email, 'Sol Session', 'es']);
  const [membership] = profile.memberships;
  assert.deepEqual([membership.campaign.id, membership.role, membership.active], [campaignId, 'volunteer', true]);
  for (const field of ['name', 'time_zone', 'phone_region', 'issue_tags', 'talking_points', 'election_day']) {
    assert.ok(field in membership.campaign, `the campaign's ${field} is there for offline use`);
  }
  assert.deepEqual(heard, []); // join and sign-in are quiet: onProfile is for fresh account data
  const me = await getMe();
  stop();
  assert.deepEqual(heard, [{ user: me.user, memberships: me.memberships }]);
  assert.deepEqual(getProfile(), heard[0]);

  // the access token is never written down: not in the database after a sync, not in a readable cookie
  await setMeta('profile', getProfile()); // as the app keeps it (pwa/app/main.js)
  await recordChange({ userId: profile.user.id, campaignId, entity: 'conversation', entityId: crypto.randomUUID(),
    fields: { voter_id: api.sync.voters[0], channel: 'call', happened_at: '2026-10-02T10:00:00Z' } });
  const planned = watchTimers('request');
  await createSync({ session: () => ({ userId: profile.user.id, campaignIds: [campaignId] }) }).request();
  planned.cancel();
  assert.deepEqual(await pendingOps(profile.user.id), []);
  const stored = await everythingStored();
  assert.ok(stored.includes(email));
  assert.ok(!stored.includes(getAccessToken()));
  assert.ok(!document.cookie.includes(getAccessToken()));
});

test('csrfToken reads the double-submit cookie, decoded, and only that one', () => {
  const jar = browser.cookies;
  const cookie = (name, value) => jar.set(`${name};/`, { name, value, path: '/', httpOnly: false, expires: Infinity });
  const saved = jar.get('csrf_refresh_token;/');
  assert.ok(saved);
  assert.equal(csrfToken(), decodeURIComponent(saved.value));
  try {
    jar.delete('csrf_refresh_token;/');
    cookie('a', '1');
    cookie('xcsrf_refresh_token', 'not-this-one');
    assert.equal(csrfToken(), null);
    cookie('csrf_refresh_token', 'abc%3D%3D');
    cookie('z', '2');
    assert.equal(csrfToken(), 'abc==');
  } finally {
    jar.delete('a;/');
    jar.delete('xcsrf_refresh_token;/');
    jar.delete('z;/');
    jar.set('csrf_refresh_token;/', saved);
  }
});

test('opened with no connection, the app carries on as the person last signed in here', async () => {
  const saved = getProfile();
  const ends = [];
  const stop = onSessionEnd((reason, wasSignedIn) => ends.push([reason, wasSignedIn]));
  endSession('expired'); // a reload: nothing in memory any more
  assert.deepEqual(ends, [['expired', true]]);
  assert.equal(isSignedIn(), false);

  await browser.unreachable();
  const error = await refresh().catch((e) => e);
  assert.equal(error.offline, true);
  resumeOffline(saved); // what pwa/app/main.js does then, with the profile it kept
  assert.ok(isSignedIn());
  assert.equal(getAccessToken(), null);
  assert.deepEqual(getProfile(), saved);

  browser.reachable(); // the connection is back: refresh gets a token, and the saved profile stays
  assert.equal(await refresh(), true);
  restoreProfile({ user: { id: -1 }, memberships: [] });
  assert.ok(getAccessToken());
  assert.deepEqual(getProfile(), saved);

  endSession('signout');
  endSession('signout');
  stop();
  endSession('signout');
  assert.deepEqual(ends, [['expired', true], ['signout', true], ['signout', false]]);
  assert.equal(isSignedIn(), false);
  await login(email, PASSWORD);
});

test("signing out revokes the session and leaves nothing of the person's on the phone", async () => {
  const me = getProfile().user.id;
  await importContacts(me, [{ name: 'Ana Lopez', phones: [{ value: '(919) 555-0101', type: 'cell' }], emails: [] },
    { name: 'Zoe', phones: [], emails: [{ value: 'zoe@example.com', type: '' }] }], 'file');
  const someoneElse = me + 1000;
  await importContacts(someoneElse, [{ name: 'Not Mine', phones: [], emails: [{ value: 'n@example.com', type: '' }] }],
    'file');
  await write(['tags', 'candidates'], (tx) => {
    for (const userId of [me, someoneElse]) {
      tx.objectStore('tags').put({ user_id: userId, campaign_id: campaignId, key_version: 1, input: 'tel:+19195550101',
        tag: '00', voters: ['v'] });
      tx.objectStore('candidates').put({ user_id: userId, campaign_id: campaignId, contact_id: 'c', voter_id: 'v',
        strength: 'phone', decision: null });
    }
  });
  await recordChange({ userId: me, campaignId, entity: 'relationship', entityId: crypto.randomUUID(),
    fields: { voter_id: api.sync.voters[1], source: 'search' } });
  await setMeta('profile', getProfile());
  const token = getAccessToken();

  await logout(); // then, as pwa/app/home.js does:
  await forgetUser(me);

  assert.equal(isSignedIn(), false);
  assert.deepEqual(await contactsOf(me), []);
  assert.deepEqual(await candidatesOf(me, campaignId), []);
  assert.deepEqual(await (await db()).getAllFromIndex('tags', 'campaign', [me, campaignId]), []);
  assert.deepEqual(await recordsOf(me, campaignId, 'conversation'), []);
  assert.deepEqual(await recordsOf(me, campaignId, 'relationship'), []);
  assert.deepEqual(await pendingOps(me), []);
  assert.equal(await getMeta('profile'), undefined);
  assert.equal(await getMeta(`cursor/${me}/${campaignId}`), undefined);
  assert.ok(!(await everythingStored()).includes(email));
  // someone else's contacts on this phone are theirs to delete
  assert.equal((await contactsOf(someoneElse)).length, 1);
  assert.equal((await candidatesOf(someoneElse, campaignId)).length, 1);
  // and the server no longer takes the old token
  const response = await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 401);
});
