// Just enough of a browser around pwa/lib for its node unit tests (they run in node, not in a page, for fast unit
// coverage; tests/pwa/test_*.py drive the real app in Chromium). Nothing here answers for the server: requests go
// to the real Kin API (pwa/lib/testing/live-api.mjs) through node's own fetch. What this adds is what a page would
// do around that fetch:
// - resolve the app's same-origin paths ('/api/...') against `origin`;
// - keep cookies as a browser does for that origin (Path, Max-Age/Expires, HttpOnly; 127.0.0.1 counts as a secure
//   context, as it does in Chromium, so Secure cookies are kept), send them with each request, and show the
//   non-HttpOnly ones of path '/' in document.cookie;
// - navigator.onLine (sync.js) and navigator.hardwareConcurrency (matching/crypto-pool.js), and the page's events
//   that sync.js's start() listens to ('online' and 'offline' on the page, 'visibilitychange' on the document:
//   dispatch them with dispatchEvent); nothing else of the page's globals, which the modules under test do not use;
// - a log of every request (method, path, headers, JSON body, status, JSON answer, start and end) for the tests;
// - two ways for the network to fail: unreachable() points the origin at a closed port (a real refused connection:
//   fetch throws before anything reaches the server), and loseNextAnswer() lets the next request reach the server
//   and then throws as fetch does when a connection drops before the answer arrives.
import { createServer } from 'node:net';

const realFetch = globalThis.fetch;

function define(name, value) {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
}

function parseSetCookie(header, now) {
  const [pair, ...attributes] = header.split(';');
  const at = pair.indexOf('=');
  const cookie = { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), path: '/', httpOnly: false,
    expires: Infinity };
  for (const attribute of attributes) {
    const [key, ...rest] = attribute.split('=');
    const value = rest.join('=').trim();
    switch (key.trim().toLowerCase()) {
      case 'path': cookie.path = value || '/'; break;
      case 'httponly': cookie.httpOnly = true; break;
      case 'max-age': cookie.maxAge = Number(value); break;
      case 'expires': cookie.expires = Date.parse(value); break;
      default: break;
    }
  }
  if (cookie.maxAge !== undefined) cookie.expires = cookie.maxAge <= 0 ? -Infinity : now + cookie.maxAge * 1000;
  return cookie;
}

function pathMatches(cookiePath, requestPath) {
  return requestPath === cookiePath || (requestPath.startsWith(cookiePath)
    && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Install the browser globals for a page at `origin`; returns the browser: {origin, online, cookies ("name;path" ->
 * cookie), requests (the log), unreachable(), reachable(), loseNextAnswer(), clearCookies()}.
 */
export function installBrowser(origin) {
  // cookie expiry follows the real clock even when a test moves Date.now (a phone with a wrong date)
  const wallClock = () => performance.timeOrigin + performance.now();
  const browser = {
    origin,
    online: true,
    cookies: new Map(),
    requests: [],
    losing: 0,
    async unreachable() {
      this.origin = `http://127.0.0.1:${await closedPort()}`;
    },
    reachable() {
      this.origin = origin;
    },
    loseNextAnswer() {
      this.losing += 1;
    },
    clearCookies() {
      this.cookies.clear();
    },
    /** The requests logged since index `from` whose path starts with `prefix`. */
    since(from, prefix = '/') {
      return this.requests.slice(from).filter((request) => request.path.startsWith(prefix));
    },
  };

  define('fetch', async (input, init = {}) => {
    const url = new URL(input, browser.origin);
    const headers = new Headers(init.headers);
    const now = wallClock();
    const cookies = [...browser.cookies.values()].filter((c) => c.expires > now && pathMatches(c.path, url.pathname));
    if (cookies.length) headers.set('Cookie', cookies.map((c) => `${c.name}=${c.value}`).join('; '));
    const entry = { method: init.method ?? 'GET', path: url.pathname + url.search, url: url.href,
      headers: Object.fromEntries(headers), body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      status: null, answer: undefined, started: performance.now(), ended: null };
    browser.requests.push(entry);
    let response;
    try {
      response = await realFetch(url, { ...init, headers });
    } finally {
      entry.ended = performance.now();
    }
    entry.status = response.status;
    if (response.headers.get('Content-Type')?.includes('json')) {
      entry.answer = await response.clone().json().catch(() => undefined);
      entry.ended = performance.now();
    }
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header, wallClock());
      // a cookie is its name and path, as in a browser: the refresh cookie is set for /api/auth and for /console
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.expires <= wallClock()) browser.cookies.delete(key);
      else browser.cookies.set(key, cookie);
    }
    if (browser.losing > 0) {
      browser.losing -= 1;
      await response.arrayBuffer(); // the server has answered in full; the phone never sees it
      entry.lost = true;
      throw new TypeError('fetch failed');
    }
    return response;
  });

  const page = new EventTarget();
  for (const name of ['addEventListener', 'removeEventListener', 'dispatchEvent']) define(name, page[name].bind(page));
  const documentEvents = new EventTarget();
  define('document', {
    visibilityState: 'visible',
    addEventListener: documentEvents.addEventListener.bind(documentEvents),
    removeEventListener: documentEvents.removeEventListener.bind(documentEvents),
    dispatchEvent: documentEvents.dispatchEvent.bind(documentEvents),
    get cookie() {
      const now = wallClock();
      return [...browser.cookies.values()].filter((c) => !c.httpOnly && c.expires > now && pathMatches(c.path, '/'))
        .map((c) => `${c.name}=${c.value}`).join('; ');
    },
  });
  define('navigator', {
    get onLine() {
      return browser.online;
    },
    hardwareConcurrency: 2,
  });
  return browser;
}

/**
 * Watch setTimeout for callbacks named `name` (the sync loop plans its next run with setTimeout(request, ms)):
 * returns the list of {ms, timer, cleared} planned so far (cleared: clearTimeout was called on it), with cancel() to
 * clear them all, so that no planned run fires during a later test or keeps the test process alive.
 */
export function watchTimers(name) {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const planned = [];
  globalThis.setTimeout = (fn, ms, ...args) => {
    const timer = realSetTimeout(fn, ms, ...args);
    if (fn.name === name) planned.push({ ms, timer, cleared: false });
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    for (const entry of planned) if (entry.timer === timer) entry.cleared = true;
    realClearTimeout(timer);
  };
  planned.cancel = () => {
    for (const { timer } of planned) realClearTimeout(timer);
    planned.length = 0;
  };
  return planned;
}
