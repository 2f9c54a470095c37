// The console's calls: the organizer routes of the API, through pwa/lib/api.js (the bearer token, refresh, and the
// one error type). Each refuses a volunteer on the server (tests/server/test_access_matrix.py).
import { authed, authedFile, authedPage } from '../lib/api.js';

const at = (campaignId) => `/campaigns/${campaignId}`;
/** A query string from values; a list repeats its name (support=1&support=2), empty values are left out. */
const query = (values) => new URLSearchParams(Object.entries(values)
  .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => [k, item]) : [[k, v]]))
  .filter(([, v]) => v !== '' && v != null).map(([k, v]) => [k, String(v)]));

/** The campaign's settings. */
export const getCampaign = (campaignId) => authed(at(campaignId));

/** Change settings (owners); answers the campaign as it now is. */
export const updateCampaign = (campaignId, changes) => authed(at(campaignId), { method: 'PATCH', body: changes });

/** Everyone in the campaign, active or not. */
export const listMembers = (campaignId) => authed(`${at(campaignId)}/members`);

export const getMember = (campaignId, memberId) => authed(`${at(campaignId)}/members/${memberId}`);

/** Change a member's role or active flag: {role?, active?}. */
export const changeMember = (campaignId, memberId, changes) => authed(`${at(campaignId)}/members/${memberId}`,
  { method: 'PATCH', body: changes });

/** A one-time password-reset link for a member: {url, token, expires_at}. */
export const makeResetLink = (campaignId, memberId) => authed(`${at(campaignId)}/members/${memberId}/reset-link`,
  { method: 'POST' });

/** A page of the people a member confirmed, as voter cards. */
export const relationshipsOf = (campaignId, memberId, { page = 1, pageSize = 50 } = {}) => authedPage(
  `${at(campaignId)}/members/${memberId}/relationships?${query({ page, page_size: pageSize })}`);

/** A page of logged conversations, newest first, filtered ({volunteer, from, to, support, issue, reviewed,
 * flagged}); answers {conversations, cursor, more}: send the cursor back for the next page. */
export const listConversations = (campaignId, filters, { cursor = null, limit = 50 } = {}) => authed(
  `${at(campaignId)}/conversations?${query({ ...filters, cursor, limit })}`);

/** Review one conversation: {reviewed?, review_reply?, flagged_for_follow_up?}; answers it as it now is. The
 * change reaches the volunteer's phone on its next sync. */
export const reviewConversation = (campaignId, conversationId, review) => authed(
  `${at(campaignId)}/conversations/${conversationId}`, { method: 'PATCH', body: review });

/** Mark many conversations reviewed (or not) at once; answers {conversations} as they now are. */
export const reviewConversations = (campaignId, ids, reviewed) => authed(`${at(campaignId)}/conversations/review`,
  { method: 'POST', body: { ids, reviewed } });

/** Record what a voter asked ({no_contact, no_text, no_call, no_email, no_door}; every one false clears it);
 * answers the preference as it now is ({refused, ...}). Every phone of the campaign learns it on its next sync. */
export const setContactPreference = (campaignId, voterId, flags) => authed(
  `${at(campaignId)}/voters/${voterId}/contact-preference`, { method: 'PUT', body: flags });

/** Forget a voter ({reason}: why, from the server's short list): everything about them goes, here and, at their
 * next sync, on volunteers' phones; answers counts only. */
export const forgetVoter = (campaignId, voterId, reason) => authed(`${at(campaignId)}/voters/${voterId}/forget`,
  { method: 'POST', body: { reason } });

/** The dashboard in one answer ({tiles, funnel, series, volunteers, support, issues}), filtered ({from, to,
 * volunteer, priority}) with the volunteers table's order and page ({sort, desc, offset, limit}). */
export const getDashboard = (campaignId, filters) => authed(`${at(campaignId)}/dashboard?${query(filters)}`);

/** The campaign's invites, newest first. */
export const listInvites = (campaignId) => authed(`${at(campaignId)}/invites`);

/** A new invite link: {role, max_uses, days}. */
export const createInvite = (campaignId, invite) => authed(`${at(campaignId)}/invites`,
  { method: 'POST', body: invite });

export const withdrawInvite = (campaignId, inviteId) => authed(`${at(campaignId)}/invites/${inviteId}`,
  { method: 'DELETE' });

/** Who recruited whom: {members: [{id, display_name, role, active, joined_at, recruited_by_id, recruits}]}. */
export const recruitTree = (campaignId) => authed(`${at(campaignId)}/recruits`);

/** A page of the audit trail, filtered: {actor_id?, action?, since?, until?}. */
export const auditEvents = (campaignId, filters, { page = 1, pageSize = 25 } = {}) => authedPage(
  `${at(campaignId)}/audit-events?${query({ ...filters, page, page_size: pageSize })}`);

/** The latest exports made, newest first (their ids are what ?since= continues from). */
export const listExports = (campaignId) => authed(`${at(campaignId)}/exports`);

/**
 * A single-use URL, good for a minute, that downloads an export by a plain GET, so the browser saves it as it
 * streams: 'conversations.csv' or 'van-canvass-results.csv', {since?, notes?}. Answers {url, expires_at}.
 */
export const exportTicket = (campaignId, file, { since = null, notes = false } = {}) => authed(
  `${at(campaignId)}/exports/tickets`, { method: 'POST', body: { file, ...(since == null ? {} : { since: String(since) }), notes } });

/** The campaign's voter-file imports, newest first. */
export const listVoterFiles = (campaignId) => authed(`${at(campaignId)}/voter-files`);

/** One import: progress, counts and its first 100 problems. */
export const getVoterFile = (campaignId, importId) => authed(`${at(campaignId)}/voter-files/${importId}`);

/** How the voter file is to be read: {format, map: ['column=field', ...], no_header, allow_shrink}. */
function voterFileForm(file, { format = 'auto', map = [], noHeader = false, allowShrink = false } = {}) {
  const form = new FormData();
  form.append('file', file);
  form.append('format', format);
  for (const pair of map) form.append('map', pair);
  form.append('no_header', String(noHeader));
  form.append('allow_shrink', String(allowShrink));
  return form;
}

/** What the first rows of a file would import as: only its first 256 KB are sent, and nothing is stored. */
export function previewVoterFile(campaignId, file, options) {
  const form = voterFileForm(file.slice(0, 256 * 1024), options);
  form.append('file_size', String(file.size));
  return authed(`${at(campaignId)}/voter-files/preview`, { method: 'POST', body: form });
}

/** Upload the whole file; the import runs on the server (answers it queued: poll getVoterFile). */
export const uploadVoterFile = (campaignId, file, options) => authed(`${at(campaignId)}/voter-files`,
  { method: 'POST', body: voterFileForm(file, options) });

/** Stop an import that has not finished; the voter file stays as it was. */
export const cancelVoterFile = (campaignId, importId) => authed(`${at(campaignId)}/voter-files/${importId}`,
  { method: 'DELETE' });

/** Every problem of an import, as the CSV file the server writes. */
export const voterFileProblems = (campaignId, importId) => authedFile(
  `${at(campaignId)}/voter-files/${importId}/problems.csv`);

/** The campaign's turfs with progress, newest first ({expired: true} includes expired ones). */
export const listTurfs = (campaignId, { expired = false } = {}) => authed(
  `${at(campaignId)}/turfs?${query({ expired })}`);

/** The campaign's streets (a street within a ZIP), each with its doors and voters. */
export const listStreets = (campaignId) => authed(`${at(campaignId)}/turfs/streets`);

/** Each canvasser's doors, contacts, pace and signals over the last ``days``. */
export const listCanvassers = (campaignId, days) => authed(`${at(campaignId)}/turfs/canvassers?${query({ days })}`);

/** Addresses volunteers found wrong at the door, newest first. */
export const listCorrections = (campaignId) => authed(`${at(campaignId)}/turfs/corrections`);

/** The voter file's precincts, each with its doors and voters. */
export const listPrecincts = (campaignId) => authed(`${at(campaignId)}/turfs/precincts`);

/** Cut one turf: {name, days?, precinct | streets: [{street, zip}] | polygon}; answers {turfs, left_out}. */
export const cutTurf = (campaignId, turf) => authed(`${at(campaignId)}/turfs`, { method: 'POST', body: turf });

/** Cut `count` balanced turfs from a universe: {name, count, days?, universe: {priority, not_contacted, precinct}};
 * answers {turfs, left_out, balance}. */
export const cutTurfs = (campaignId, cut) => authed(`${at(campaignId)}/turfs/auto`, { method: 'POST', body: cut });

/** Rename, assign ({holder_id}: a membership id, or null to free it) or set the days left ({days}). */
export const changeTurf = (campaignId, turfId, changes) => authed(`${at(campaignId)}/turfs/${turfId}`,
  { method: 'PATCH', body: changes });

export const deleteTurf = (campaignId, turfId) => authed(`${at(campaignId)}/turfs/${turfId}`, { method: 'DELETE' });

/** The campaign's survey questions for the door: active ones in order, then retired ones, each with its answers. */
export const listQuestions = (campaignId) => authed(`${at(campaignId)}/questions`);

/** Add a question ({label, kind: 'yes_no' | 'choice', options}), last in the order. */
export const addQuestion = (campaignId, question) => authed(`${at(campaignId)}/questions`,
  { method: 'POST', body: question });

/** Change a question's label, options (while unanswered), place or retirement. */
export const changeQuestion = (campaignId, questionId, changes) => authed(`${at(campaignId)}/questions/${questionId}`,
  { method: 'PATCH', body: changes });

/** Delete a question no visit has answered (the server refuses one that has: retire it). */
export const deleteQuestion = (campaignId, questionId) => authed(`${at(campaignId)}/questions/${questionId}`,
  { method: 'DELETE' });

/** What the turf map draws: {buildings: [{latitude, longitude, street, doors, free}], unplaced, turfs: [{id,
 * outline}]}: the doors by building (free: in no live turf) and each live turf's outline (GeoJSON, or null). */
export const getTurfMap = async (campaignId) => {
  const { buildings: columns, streets, ...map } = await authed(`${at(campaignId)}/turfs/map`);
  // the server sends buildings as columns (lean for 40,000 of them): the map draws them as objects
  const buildings = columns.longitude.map((longitude, i) => ({ longitude, latitude: columns.latitude[i],
    street: streets[columns.street[i]], doors: columns.doors[i], free: columns.free[i] }));
  return { ...map, buildings };
};

/** Doors and voters inside a GeoJSON polygon, for the live count while one is drawn: {doors, voters}. */
export const countInPolygon = (campaignId, polygon) => authed(`${at(campaignId)}/turfs/count`,
  { method: 'POST', body: { polygon } });
