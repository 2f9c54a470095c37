// The console's calls: the organizer routes of the API, through pwa/lib/api.js (the bearer token, refresh, and the
// one error type). Each refuses a volunteer on the server (tests/server/test_access_matrix.py).
import { authed, authedPage } from '../lib/api.js';

const at = (campaignId) => `/campaigns/${campaignId}`;
const query = (values) => new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '' && v != null)
  .map(([k, v]) => [k, String(v)]));

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

/** A page of the audit trail, filtered: {actor_id?, action?, since?, until?}. */
export const auditEvents = (campaignId, filters, { page = 1, pageSize = 25 } = {}) => authedPage(
  `${at(campaignId)}/audit-events?${query({ ...filters, page, page_size: pageSize })}`);
