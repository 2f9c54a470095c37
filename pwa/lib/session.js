// Who is signed in, held in memory only. The access token lives 15 minutes and is never written to storage:
// a page reload gets a new one from the HttpOnly refresh cookie (see refresh() in api.js).

let accessToken = null;
let profile = null; // {user, memberships} from the last Session or GET /api/me
let offline = false; // started with no connection, as the person last signed in here (see resumeOffline)
const endListeners = new Set();
const profileListeners = new Set();

export function getAccessToken() {
  return accessToken;
}

export function setAccessToken(token) {
  accessToken = token;
  offline = false;
}

/** Signed in: with an access token, or offline as the person whose refresh cookie this browser still holds. */
export function isSignedIn() {
  return accessToken !== null || offline;
}

/**
 * The app started with no connection: carry on as the person last signed in here (saved is their profile from
 * IndexedDB), with no access token until the connection returns and refresh() gets one (or ends the session).
 */
export function resumeOffline(saved) {
  profile = saved;
  offline = true;
}

/** After refresh() at start: the profile saved on this phone stands in until GET /api/me answers. */
export function restoreProfile(saved) {
  profile ??= saved;
}

/** The signed-in person and their memberships, or null. */
export function getProfile() {
  return profile;
}

export function setProfile({ user, memberships }) {
  profile = { user, memberships };
  for (const listener of profileListeners) listener(profile);
}

/** Run fn each time GET or PATCH /api/me brings fresh account data. */
export function onProfile(fn) {
  profileListeners.add(fn);
  return () => profileListeners.delete(fn);
}

/** Take in a Session answer from login or join (quietly: onProfile is for GET and PATCH /api/me). */
export function startSession(session) {
  accessToken = session.access_token;
  profile = { user: session.user, memberships: session.memberships };
}

/** Forget the session; reason is 'signout' (the person asked) or 'expired' (refresh was refused). */
export function endSession(reason) {
  const wasSignedIn = isSignedIn();
  accessToken = null;
  offline = false;
  profile = null;
  for (const listener of endListeners) listener(reason, wasSignedIn);
}

export function onSessionEnd(fn) {
  endListeners.add(fn);
  return () => endListeners.delete(fn);
}

/** The double-submit CSRF value the server set beside the refresh cookie; the refresh cookie itself is unreadable. */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrf_refresh_token=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}
