// The Review screen's filters as a query string, so a link opens the list filtered (the dashboard links to
// /console/<id>/review?volunteer=12&reviewed=false) and back/forward step through the filters chosen. With no
// `reviewed` in the address the list is the queue: what is not reviewed yet. What the address holds that the API
// would refuse is dropped here, so a mangled link still opens a list.

export const SUPPORT_LEVELS = ['1', '2', '3', '4', '5'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * @typedef {object} ReviewFilters
 * @property {string} volunteer a user id, or '' for everyone
 * @property {string} from a day (YYYY-MM-DD) or ''
 * @property {string} to
 * @property {string[]} support levels '1'…'5'; none: any
 * @property {string} issue one of the campaign's issue tags, or ''
 * @property {'false' | 'true' | 'all'} reviewed
 * @property {'' | 'true' | 'false'} flagged '' for either
 */

/** @param {URLSearchParams} query @returns {ReviewFilters} */
export function filtersFrom(query) {
  const one = (name, valid) => {
    const value = query.get(name) ?? '';
    return valid(value) ? value : '';
  };
  const reviewed = query.get('reviewed');
  return {
    volunteer: one('volunteer', (v) => /^[1-9]\d{0,17}$/.test(v)),
    from: one('from', (v) => DAY.test(v)),
    to: one('to', (v) => DAY.test(v)),
    support: SUPPORT_LEVELS.filter((level) => query.getAll('support').includes(level)),
    issue: one('issue', (v) => v.length <= 40),
    reviewed: reviewed === 'true' || reviewed === 'all' ? reviewed : 'false',
    flagged: /** @type {'' | 'true' | 'false'} */ (one('flagged', (v) => v === 'true' || v === 'false')),
  };
}

/** The query string for filters, in a fixed order (the default queue leaves `reviewed` out). */
export function queryOf(/** @type {ReviewFilters} */ filters) {
  const query = new URLSearchParams();
  for (const name of ['volunteer', 'from', 'to']) if (filters[name]) query.set(name, filters[name]);
  for (const level of filters.support) query.append('support', level);
  if (filters.issue) query.set('issue', filters.issue);
  if (filters.reviewed !== 'false') query.set('reviewed', filters.reviewed);
  if (filters.flagged) query.set('flagged', filters.flagged);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** What the API's list is asked for (pwa/console/api.js listConversations). */
export function apiFilters(/** @type {ReviewFilters} */ filters) {
  return {
    volunteer: filters.volunteer, from: filters.from, to: filters.to, support: filters.support, issue: filters.issue,
    reviewed: filters.reviewed === 'all' ? '' : filters.reviewed, flagged: filters.flagged,
  };
}

/** How many filters differ from the queue's (none, not reviewed): shown on the phone's folded filters. */
export function filtersSet(/** @type {ReviewFilters} */ filters) {
  return ['volunteer', 'from', 'to', 'issue', 'flagged'].filter((name) => filters[name]).length
    + (filters.support.length ? 1 : 0) + (filters.reviewed !== 'false' ? 1 : 0);
}
