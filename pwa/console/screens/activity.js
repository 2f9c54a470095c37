// /console/<id>/activity: the campaign's audit trail, newest first: who did what, when. Filtered by who, what kind
// and which days (the server filters and pages: a campaign's trail grows for years).
import { formatDateTime, hasMessage, t } from '../../lib/i18n.js';
import { selectField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { auditEvents, listMembers } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { roleName } from '../members.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.activity.title';
const PAGE_SIZE = 25;
/**
 * The kinds of action the filter offers (an audit action's part before the dot), in groups: every kind the server
 * records (server/audit/models.py ACTIONS; tests/server/audit/test_activity_kinds.py compares them).
 * @type {Array<[string, string[]]>}
 */
export const KIND_GROUPS = [
  ['team', ['membership', 'invite', 'password_reset']],
  ['work', ['conversation', 'turf', 'survey_question']],
  ['privacy', ['contact_preference', 'voter', 'retention', 'account']],
  ['campaign', ['campaign', 'voter_file', 'basemap', 'export']],
];

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function activityScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const filters = { actor_id: '', action: '', since: '', until: '' };
  let page = 1;
  let events = null; // {items, pagination}
  let members = null; // everyone who could have acted or been acted on, by user id and membership id
  let error = null;
  let reading = 0; // only the latest read paints

  async function load() {
    const mine = ++reading;
    error = null;
    try {
      const [found, everyone] = await Promise.all([auditEvents(run.campaign.id, filters, { page,
        pageSize: PAGE_SIZE }), members ? null : listMembers(run.campaign.id)]);
      if (mine !== reading) return;
      events = found;
      if (everyone) {
        members = { byUser: new Map(everyone.map((m) => [m.user_id, m])), byMembership: new Map(everyone.map((m) => [
          String(m.id), m])), list: everyone };
      }
    } catch (problem) {
      if (mine !== reading) return;
      error = problem;
    }
    ctx.update();
  }
  if (run) load();

  function filter(/** @type {Event} */ event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    filters[input.name] = input.value;
    page = 1;
    events = null;
    ctx.update();
    load();
  }

  function turn(to) {
    page = to;
    events = null;
    ctx.update();
    load().then(() => /** @type {HTMLElement} */ (document.getElementById('activity-list'))?.focus());
  }

  return () => html`<section class="screen wide" id="activity">
    <h1 tabindex="-1">${t('console.activity.title')}</h1>
    ${!run ? notYours() : html`
      <p class="lead">${t('console.activity.intro')}</p>
      <form id="activity-filters" class="filters-bar" @change=${filter} @submit=${(/** @type {Event} */ e) => e.preventDefault()}
        aria-label=${t('console.activity.filters')}>
        ${selectField({ id: 'activity-actor', name: 'actor_id', label: 'console.activity.who', value: filters.actor_id,
          options: [['', t('console.activity.anyone')], ...(members?.list ?? []).map((m) => [String(m.user_id),
            m.display_name])] })}
        ${selectField({ id: 'activity-kind', name: 'action', label: 'console.activity.kind', value: filters.action,
          options: [['', t('console.activity.everything')]], groups: KIND_GROUPS.map(([group, kinds]) => [
            t(`console.kindGroup.${group}`), kinds.map((kind) => [kind, t(`console.kind.${kind}`)])]) })}
        <div class="field"><label for="activity-since">${t('console.activity.since')}</label>
          <input id="activity-since" name="since" type="date" .value=${filters.since}></div>
        <div class="field"><label for="activity-until">${t('console.activity.until')}</label>
          <input id="activity-until" name="until" type="date" .value=${filters.until}></div>
      </form>
      ${events ? list(events) : error ? failed(error, load) : loading()}`}
  </section>`;

  function list({ items, pagination }) {
    if (!items.length) return html`<p id="activity-empty">${t(filtered() ? 'console.activity.noneFound'
      : 'console.activity.none')}</p>`;
    return html`<ol class="events" id="activity-list" tabindex="-1" aria-label=${t('console.activity.title')}>${
      items.map((event) => html`<li class="event" data-action=${event.action}>
        <p class="event-what"><strong>${actorName(event.actor_id)}</strong> ${describe(event)}</p>
        <p class="event-when note"><time datetime=${event.at}>${formatDateTime(event.at)}</time></p>
      </li>`)}</ol>
      ${pagination.total_pages > 1 ? html`<nav class="pager" aria-label=${t('console.activity.pages')}>
        <button type="button" class="button secondary inline" ?disabled=${page <= 1} @click=${() => turn(page - 1)}>${
          t('console.activity.newer')}</button>
        <p id="activity-page">${t('console.activity.page', { page, pages: pagination.total_pages })}</p>
        <button type="button" class="button secondary inline" ?disabled=${page >= pagination.total_pages}
          @click=${() => turn(page + 1)}>${t('console.activity.older')}</button>
      </nav>` : nothing}`;
  }

  function filtered() {
    return Object.values(filters).some(Boolean);
  }

  function actorName(userId) {
    if (userId == null) return t('console.activity.operator');
    return members?.byUser.get(userId)?.display_name ?? t('console.activity.someone');
  }

  /** What happened, in words; an action this console does not know yet is shown by its name. */
  function describe({ action, target_type: type, target_id: target, details }) {
    const member = type === 'membership' ? members?.byMembership.get(target)
      : details.user_id != null ? members?.byUser.get(details.user_id) : null;
    const values = { name: member?.display_name ?? t('console.activity.someone'), role: roleName(details.role ?? ''),
      old: roleName(details.old ?? ''), new: roleName(details.new ?? ''), uses: details.max_uses ?? 0,
      fields: (details.fields ?? []).map((name) => t(`console.setting.${name}`)), added: details.added ?? 0,
      updated: details.updated ?? 0, reviewed: details.reviewed, rows: details.rows ?? 0, reason: details.reason,
      file: details.kind ? t(`console.exports.${details.kind}.title`) : '', doors: details.doors ?? 0,
      holder: details.holder != null ? members?.byUser.get(details.holder)?.display_name
        ?? t('console.activity.someone') : null, deleted: details.deleted ?? 0,
      // retention: records redacted by entity, and earlier values from history (not records)
      redacted: Object.entries(details).reduce((n, [name, count]) => n + (name !== 'history' && typeof count === 'number'
        ? count : 0), 0),
      asked: (details.refused ?? []).map((flag) => (flag === 'no_contact' ? t('console.event.atAll')
        : t(`asked.channel.${flag.slice('no_'.length)}`))) };
    const key = `console.event.${action}`;
    return hasMessage(key) ? t(key, values) : action;
  }
}
