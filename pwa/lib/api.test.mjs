// pwa/lib/api.js against the real Kin API on a local port (pwa/lib/testing/live-api.mjs), in node rather than
// Chromium for fast unit coverage of the module's logic; tests/pwa/test_*.py run the whole app in Chromium. node
// has fetch but no page around it: pwa/lib/testing/browser.mjs adds the origin, a cookie jar, document.cookie and a
// request log, and makes the network fail for real (a refused connection) where a test needs it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { installBrowser } from './testing/browser.mjs';
import { liveApi, newEmail, PASSWORD } from './testing/live-api.mjs';
import { ApiError, getMe, invite, join, login, logout, matchEvaluate, matchStatus, refresh, syncPull, updateMe }
  from './api.js';
import { getAccessToken, getProfile, isSignedIn, onSessionEnd, setAccessToken } from './session.js';

const api = await liveApi();
const browser = installBrowser(api.url);
const email = newEmail('api');
const ends = [];
onSessionEnd((reason, wasSignedIn) => ends.push([reason, wasSignedIn]));

before(async () => {
  await join({ code: api.sync.invite, email, password: PASSWORD, displayName: 'Ada Api', language: 'en' });
});

const csrfCookie = () => decodeURIComponent(browser.cookies.get('csrf_refresh_token;/').value);

test('joining holds the access token in memory and sends it as a bearer token', async () => {
  const token = getAccessToken();
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const from = browser.requests.length;
  const me = await getMe();
  assert.equal(me.user.email, email);
  assert.deepEqual(me.memberships.map((m) => [m.campaign.id, m.role]), [[api.sync.id, 'volunteer']]);
  const [call] = browser.since(from);
  assert.equal(call.path, '/api/me');
  assert.equal(call.headers.authorization, `Bearer ${token}`);
  assert.equal(getProfile().user.email, email);
});

test('a 401 refreshes once with the CSRF cookie in X-CSRF-TOKEN, then retries with the new token', async () => {
  setAccessToken('not-a-token');
  const from = browser.requests.length;
  const me = await getMe();
  assert.equal(me.user.email, email);
  const calls = browser.since(from);
  assert.deepEqual(calls.map((c) => [c.method, c.path, c.status]),
    [['GET', '/api/me', 401], ['POST', '/api/auth/refresh', 200], ['GET', '/api/me', 200]]);
  assert.equal(calls[1].headers['x-csrf-token'], csrfCookie());
  assert.match(calls[1].headers.cookie, /refresh_token_cookie=/); // the HttpOnly cookie goes along, unread
  assert.notEqual(getAccessToken(), 'not-a-token');
  assert.equal(calls[2].headers.authorization, `Bearer ${getAccessToken()}`);
});

test('calls that get a 401 at the same time share one refresh', async () => {
  setAccessToken('not-a-token-either');
  const from = browser.requests.length;
  const answers = await Promise.all([getMe(), matchStatus(api.sync.id), getMe()]);
  assert.equal(answers[0].user.email, email);
  assert.equal(typeof answers[1].key_version, 'number');
  assert.equal(browser.since(from, '/api/auth/refresh').length, 1);
});

test('the one error shape becomes an ApiError with the status, code, message and field errors', async () => {
  const error = await updateMe({ language: 'tlh' }).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 422);
  assert.equal(error.code, 422);
  assert.equal(error.offline, false);
  assert.ok(error.fieldErrors.language?.length, JSON.stringify(error.errors));
  assert.ok(error.fieldErrors.language.every((message) => typeof message === 'string' && message));

  const missing = await invite('no-such-invite').catch((e) => e);
  assert.ok(missing instanceof ApiError);
  assert.equal(missing.status, 404);
  assert.ok(missing.serverMessage);
  assert.equal(missing.message, missing.serverMessage);
  assert.deepEqual(missing.fieldErrors, {});
});

test("a 429 tells how many seconds to wait, from Retry-After", async () => {
  // the quota campaign allows 2 blinded elements a day: 3 are refused before any is evaluated
  await join({ code: api.quota.invite, email, password: PASSWORD, displayName: 'Ada Api', language: 'en' });
  const status = await matchStatus(api.quota.id);
  assert.equal(status.elements_left, 2);
  const elements = Buffer.alloc(3 * 32, 7).toString('base64'); // protocol 2: three 32-byte elements, joined
  const error = await matchEvaluate(api.quota.id, status.key_version, elements).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 429);
  const midnight = new Date();
  midnight.setUTCHours(24, 0, 0, 0);
  const expected = (midnight - Date.now()) / 1000;
  assert.ok(Number.isInteger(error.retryAfter) && Math.abs(error.retryAfter - expected) < 60,
    `${error.retryAfter} s, about ${expected} s expected`);
});

test('no network is an ApiError of its own (status 0, offline), and keeps the session', async () => {
  const token = getAccessToken();
  await browser.unreachable();
  try {
    const error = await getMe().catch((e) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 0);
    assert.equal(error.offline, true);
    const refusing = await refresh().catch((e) => e); // neither signed in nor out: it could not ask
    assert.ok(refusing instanceof ApiError && refusing.offline);
    assert.equal(getAccessToken(), token);
    assert.ok(isSignedIn());
  } finally {
    browser.reachable();
  }
  assert.equal((await getMe()).user.email, email);
});

test('a pull asks for the protocol, cursor and limit given', async () => {
  const from = browser.requests.length;
  const page = await syncPull(api.sync.id, { protocol: 1, cursor: '', limit: 7 });
  assert.deepEqual(page.changes, []);
  assert.equal(page.more, false);
  assert.equal(browser.since(from)[0].path, `/api/campaigns/${api.sync.id}/sync/pull?protocol=1&cursor=&limit=7`);
});

test('without the CSRF cookie a 401 ends the session instead of asking for a refresh', async () => {
  browser.cookies.delete('csrf_refresh_token;/');
  setAccessToken('expired-token');
  ends.length = 0;
  const from = browser.requests.length;
  const error = await getMe().catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 401);
  assert.deepEqual(ends, [['expired', true]]);
  assert.equal(isSignedIn(), false);
  assert.equal(getProfile(), null);
  assert.deepEqual(browser.since(from).map((c) => c.path), ['/api/me']);
});

test('signing out revokes both tokens on the server, clears the cookies and ends the session', async () => {
  await login(email, PASSWORD);
  const token = getAccessToken();
  const csrf = csrfCookie();
  const refreshCookie = browser.cookies.get('refresh_token_cookie;/api/auth').value;
  ends.length = 0;
  const from = browser.requests.length;
  await logout();
  const [call] = browser.since(from);
  assert.equal(call.path, '/api/auth/logout');
  assert.equal(call.headers['x-csrf-token'], csrf);
  assert.equal(call.headers.authorization, `Bearer ${token}`);
  assert.deepEqual(ends, [['signout', true]]);
  assert.equal(getAccessToken(), null);
  assert.equal(document.cookie, '');
  assert.equal(browser.cookies.size, 0);

  // the old tokens are refused from now on, even when a copy of them is sent
  const me = await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(me.status, 401);
  browser.cookies.set('refresh_token_cookie;/api/auth', { name: 'refresh_token_cookie', value: refreshCookie, path: '/api/auth',
    httpOnly: true, expires: Infinity });
  const again = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } });
  assert.equal(again.status, 401);
});
