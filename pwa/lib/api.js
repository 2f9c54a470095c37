// The one place that talks to the API: same origin, JSON, the bearer token from session.js, one error type.
import { csrfToken, endSession, getAccessToken, setAccessToken, setProfile, startSession } from './session.js';

/** Every failed call, whatever went wrong; status 0 means the server could not be reached. */
export class ApiError extends Error {
  /**
   * @param {{status: number, code?: number | string, message?: string, errors?: Record<string, any>,
   *   retryAfter?: number | null}} details
   */
  constructor({ status, code = status, message = '', errors = {}, retryAfter = null }) {
    super(message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message; // the server's words, in English; may be empty
    this.errors = errors;
    this.retryAfter = retryAfter; // seconds, from Retry-After on a 429
  }

  /** Field name → messages, from a 422's {"errors": {"json": {...}}}. */
  get fieldErrors() {
    return this.errors?.json ?? {};
  }

  get offline() {
    return this.status === 0;
  }
}

/**
 * fetch that turns "no network" into an ApiError too, so callers handle one kind of failure. A FormData body
 * goes as multipart (a file upload); anything else as JSON.
 * @param {string} path
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>}} [options]
 */
async function send(path, { method = 'GET', body, headers = {} } = {}) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin', cache: 'no-store' };
  if (body instanceof FormData) {
    init.body = body; // fetch sets the multipart Content-Type with its boundary
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(`/api${path}`, init);
  } catch {
    throw new ApiError({ status: 0, message: 'offline' });
  }
}

/** The JSON body of a success, or an ApiError built from the one error shape. */
async function read(response) {
  if (response.ok) return response.status === 204 ? null : response.json();
  const body = await response.json().catch(() => ({}));
  throw new ApiError({
    status: response.status,
    code: body.code ?? response.status,
    message: body.message ?? '',
    errors: body.errors ?? {},
    retryAfter: retryAfterSeconds(response.headers.get('Retry-After')),
  });
}

/** Retry-After is seconds or an HTTP date; either way, whole seconds from now (at least 1). */
function retryAfterSeconds(header) {
  if (!header) return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : null;
}

let refreshing = null;

/**
 * A new access token from the refresh cookie. Concurrent callers share one request, because the server may
 * rotate the refresh token and a second request racing the first would be refused.
 * Resolves true when signed in, false when not (and ends the session); rejects with an ApiError when offline.
 */
export function refresh() {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function doRefresh() {
  const csrf = csrfToken();
  if (!csrf) {
    endSession('expired'); // no cookie: never signed in here, or signed out; no need to ask
    return false;
  }
  const response = await send('/auth/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } });
  if (!response.ok) {
    if (response.status >= 500) await read(response); // a server failure is not a sign-out: throw it
    endSession('expired');
    return false;
  }
  setAccessToken((await response.json()).access_token);
  return true;
}

/**
 * The response to a call that needs the access token: on 401, refresh once and retry.
 * @param {string} path
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>}} [options]
 */
async function authedResponse(path, options = {}) {
  const used = getAccessToken();
  const withToken = (token) => send(path, { ...options,
    headers: { ...options.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  let response = await withToken(used);
  if (response.status === 401) {
    // another call may have refreshed while this one was in flight: use its token rather than refresh again
    const fresh = getAccessToken() !== used && getAccessToken() !== null;
    if (fresh || (await refresh())) response = await withToken(getAccessToken());
  }
  return response;
}

/**
 * A call that needs the access token; its JSON answer. Exported for the console's calls (pwa/console/api.js).
 * @param {string} path
 * @param {{method?: string, body?: unknown}} [options]
 */
export async function authed(path, options = {}) {
  return read(await authedResponse(path, options));
}

/**
 * A file the API answers (a CSV), whole: its bytes, the name the server gives it (else the path's last part) and
 * the response's headers. A plain link would not carry the bearer token; saveFile() saves it.
 * @param {string} path
 * @returns {Promise<{blob: Blob, name: string, headers: Headers}>}
 */
export async function authedFile(path) {
  const response = await authedResponse(path);
  if (!response.ok) await read(response); // throws the ApiError
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1]
    ?? path.split('?')[0].split('/').pop();
  return { blob: await response.blob(), name, headers: response.headers };
}

/**
 * @typedef {object} Pagination flask-smorest's X-Pagination header
 * @property {number} total
 * @property {number} total_pages
 * @property {number} page
 */

/**
 * One page of a paged list: its items, and the totals from the X-Pagination header.
 * @param {string} path
 * @returns {Promise<{items: any[], pagination: Pagination}>}
 */
export async function authedPage(path) {
  const response = await authedResponse(path);
  const items = await read(response);
  const header = response.headers.get('X-Pagination');
  return { items, pagination: header ? JSON.parse(header) : { total: items.length, total_pages: 1, page: 1 } };
}

/** Sign in; the answer also sets the refresh cookie. */
export async function login(email, password) {
  const session = await read(await send('/auth/login', { method: 'POST', body: { email, password } }));
  startSession(session);
  return session;
}

/** Join through an invite, creating the account or adding the membership to an existing one. */
export async function join({ code, email, password, displayName, language }) {
  const body = { code, email, password, display_name: displayName, language };
  const session = await read(await send('/auth/join', { method: 'POST', body }));
  startSession(session);
  return session;
}

/** Whether this server can e-mail a reset link: {by_email, expires_in_hours}. */
export async function resetOptions() {
  return read(await send('/auth/reset-request'));
}

/** Ask for a reset link by e-mail; the answer is the same whether or not the address has an account. */
export async function requestReset(email) {
  return read(await send('/auth/reset-request', { method: 'POST', body: { email } }));
}

/** A reset link's state: {state: 'valid' | 'used' | 'replaced' | 'expired', display_name, expires_at}. */
export async function resetState(token) {
  return read(await send(`/auth/reset/${encodeURIComponent(token)}`));
}

/** Choose a new password with a reset link; signs in, as login() does. */
export async function resetPassword(token, password) {
  const session = await read(await send('/auth/reset', { method: 'POST', body: { token, password } }));
  startSession(session);
  return session;
}

/** What an invite leads to, before joining: {campaign: {id, name}, role, expires_at}. */
export async function invite(code) {
  return read(await send(`/invites/${encodeURIComponent(code)}`));
}

/** The signed-in person and their campaigns, fresh from the server. */
export async function getMe() {
  const me = await authed('/me');
  setProfile(me);
  return me;
}

/** Change the account's language or display name. */
export async function updateMe(changes) {
  const me = await authed('/me', { method: 'PATCH', body: changes });
  setProfile(me);
  return me;
}

/** Sign out on the server (revoking both tokens), then forget the session here. */
export async function logout() {
  const headers = {};
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-TOKEN'] = csrf;
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await send('/auth/logout', { method: 'POST', headers });
  // a 401 here means the server already considers us signed out; anything else unexpected is reported
  if (!response.ok && response.status !== 401) await read(response);
  endSession('signout');
}

/** Push a batch of ops to a campaign: {results}, one per op, in order (docs/sync.md). */
export async function syncPush(campaignId, batch) {
  return authed(`/campaigns/${campaignId}/sync/push`, { method: 'POST', body: batch });
}

/** One page of the caller's changes in a campaign after cursor: {changes, cursor, more} (docs/sync.md). */
export async function syncPull(campaignId, { protocol, cursor, limit }) {
  const query = new URLSearchParams({ protocol, cursor, limit });
  return authed(`/campaigns/${campaignId}/sync/pull?${query}`);
}

/** Matching's key version, bucket size and what is left of today's quota (docs/privacy.md). */
export async function matchStatus(campaignId) {
  return authed(`/campaigns/${campaignId}/match`);
}

/**
 * BlindEvaluate blinded elements in protocol 2: `blinded` is one base64 string of the 32-byte elements joined, and
 * so is the answer's `evaluated`, in the same order: {key_version, evaluated}.
 */
export async function matchEvaluate(campaignId, keyVersion, blinded) {
  return authed(`/campaigns/${campaignId}/match/evaluate`,
    { method: 'POST', body: { protocol: 2, key_version: keyVersion, blinded } });
}

/** Every tag in each bucket asked for, in protocol 2: {buckets: {prefix: base64 of the bucket's tags, joined}}. */
export async function matchBuckets(campaignId, keyVersion, prefixes) {
  return authed(`/campaigns/${campaignId}/match/buckets`,
    { method: 'POST', body: { protocol: 2, key_version: keyVersion, prefixes } });
}

/** The voter cards behind tags the phone found: {cards: [{voter, tags, strength}]}. */
export async function matchCards(campaignId, keyVersion, tags) {
  return authed(`/campaigns/${campaignId}/match/cards`, { method: 'POST', body: { key_version: keyVersion, tags } });
}

/** Name search in the voter file, only when the volunteer asks: [voter card]. */
export async function searchVoters(campaignId, { name, city }) {
  const query = new URLSearchParams({ name });
  if (city) query.set('city', city);
  return authed(`/campaigns/${campaignId}/voters/search?${query}`);
}

/** Leave a campaign (the server keeps what was already sent, with the campaign). */
/** Everything the server holds that the signed-in person wrote or that is about them, as a zip. */
export function myData() {
  return authedFile('/me/data');
}

/** Delete the signed-in person's account, confirmed with their password. */
export async function deleteAccount(password) {
  return authed('/me/deletion', { method: 'POST', body: { password } });
}

export async function leaveCampaign(campaignId) {
  return authed(`/campaigns/${campaignId}/membership`, { method: 'DELETE' });
}

// --- the campaign's basemap (docs/maps.md) ---

/** What the campaign's basemap covers: {kind, tile_type, min_zoom, max_zoom, bounds, center, size, uploaded_at}. */
export async function basemapInfo(campaignId) {
  return authed(`/campaigns/${campaignId}/basemap`);
}

/**
 * Bytes of the campaign's whole basemap, read in place by a Range request (the console's map: pmtiles asks for
 * the parts it needs as it draws).
 * @returns {Promise<ArrayBuffer>}
 */
export async function basemapBytes(campaignId, offset, length) {
  const response = await authedResponse(`/campaigns/${campaignId}/basemap/file`,
    { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
  if (!response.ok) await read(response); // throws the ApiError
  return response.arrayBuffer();
}

/**
 * A PMTiles archive of the basemap's tiles covering a box, to keep offline.
 * @param {number} campaignId
 * @param {number[]} bbox west, south, east, north in degrees
 * @returns {Promise<Blob>}
 */
export async function basemapExtract(campaignId, bbox) {
  return (await authedFile(`/campaigns/${campaignId}/basemap/extract?bbox=${bbox.join(',')}`)).blob;
}

// --- door to door (docs/canvassing.md) ---

/** The turfs the volunteer holds in a campaign with their progress, expired ones too (to say so). */
export async function myTurfs(campaignId) {
  return authed(`/campaigns/${campaignId}/turfs?expired=true`);
}

/** Take the turf of a take link: it becomes the caller's (409: someone holds it; 410: it expired). */
export async function takeTurf(campaignId, token) {
  return authed(`/campaigns/${campaignId}/turfs/take`, { method: 'POST', body: { token } });
}

/** The volunteer's own recruit link, to keep and show at doors: {code, url, expires_at} (409: recruiting is off). */
export async function recruitLink(campaignId) {
  return authed(`/campaigns/${campaignId}/recruit-link`, { method: 'POST' });
}

/**
 * A turf's walk list, unless the phone keeps it as it is: {changed: false} on a 304, else {changed: true,
 * walkList, etag}. 410: the turf expired.
 * @param {number} campaignId
 * @param {number} turfId
 * @param {string | null} [etag] the ETag of the walk list kept
 * @returns {Promise<{changed: boolean, walkList?: any, etag?: string | null}>}
 */
export async function walkList(campaignId, turfId, etag = null) {
  const response = await authedResponse(`/campaigns/${campaignId}/turfs/${turfId}/walk-list`,
    { headers: etag ? { 'If-None-Match': etag } : {} });
  if (response.status === 304) return { changed: false };
  return { changed: true, walkList: await read(response), etag: response.headers.get('ETag') };
}
