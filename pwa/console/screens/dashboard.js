// /console/<id>/dashboard: whether relational organizing is working. One request answers the whole page
// (GET /api/campaigns/<id>/dashboard; docs/dashboard.md defines each number); the filters live in the address, so a
// reload or a shared link shows the same numbers.
import { formatDay, formatDateTime, formatNumber, formatPercent, t } from '../../lib/i18n.js';
import { selectField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { ref } from 'lit-html/directives/ref.js';
import { getDashboard, listMembers } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { DailyChart } from '../ui/daily-chart.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.dashboard.title';
const TILES = ['volunteers_joined', 'volunteers_active', 'relationships', 'contacted', 'supporters', 'vote_plans',
  'follow_ups_overdue'];
/** [column, catalog key, first click sorts descending] */
const COLUMNS = [['name', 'console.dashboard.col.name', false], ['relationships', 'console.dashboard.col.relationships',
  true], ['conversations', 'console.dashboard.col.conversations', true], ['contact_rate',
  'console.dashboard.col.contactRate', true], ['last_active_at', 'console.dashboard.col.lastActive', true],
['follow_ups_overdue', 'console.dashboard.col.overdue', true]];
/** Door numbers (docs/dashboard.md "Doors"): a section of their own under the key numbers. */
const DOOR_TILES = ['doors_knocked', 'door_contacts'];
const PAGE = 100;
const FILTERS = ['from', 'to', 'volunteer', 'priority', 'sort', 'desc', 'offset'];

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function dashboardScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  /** @type {Record<string, string>} */
  const filters = Object.fromEntries(FILTERS.map((name) => [name, ctx.query.get(name) ?? '']));
  const chart = new DailyChart();
  ctx.watch(() => chart.destroy());
  let data = null;
  let members = [];
  let error = null;
  let reading = 0; // only the latest read paints

  async function load() {
    const mine = ++reading;
    error = null;
    try {
      const found = await getDashboard(run.campaign.id, { ...filters, limit: PAGE });
      if (mine !== reading) return;
      data = found;
    } catch (problem) {
      if (mine !== reading) return;
      error = problem;
    }
    ctx.update();
  }
  if (run) {
    load();
    listMembers(run.campaign.id).then((found) => {
      members = found.filter((m) => m.active);
      ctx.update();
    }, () => {}); // without the list the volunteer filter offers "everyone" only; the dashboard still shows
  }

  /** Keep the filters in the address (replacing, so Back leaves the dashboard) and read again. */
  function apply(changes) {
    Object.assign(filters, changes);
    const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
    history.replaceState(history.state, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
    data = null;
    ctx.update();
    load();
  }

  function filter(/** @type {Event} */ event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    apply({ [input.name]: input.type === 'checkbox' ? (input.checked ? 'true' : '') : input.value, offset: '' });
  }

  function sortBy(column, firstDescending) {
    const current = filters.sort || 'conversations';
    const descending = current === column ? (filters.desc || 'true') !== 'true' : firstDescending;
    apply({ sort: column, desc: String(descending), offset: '' });
  }

  const filtered = () => ['from', 'to', 'volunteer', 'priority'].some((name) => filters[name]);

  return () => html`<section class="screen wide" id="dashboard">
    <h1 tabindex="-1">${t('console.dashboard.title')}</h1>
    ${!run ? notYours() : html`
      <form id="dashboard-filters" class="filters-bar" @change=${filter}
        @submit=${(/** @type {Event} */ e) => e.preventDefault()} aria-label=${t('console.dashboard.filters')}>
        <div class="field"><label for="dashboard-from">${t('console.dashboard.from')}</label>
          <input id="dashboard-from" name="from" type="date" .value=${filters.from}></div>
        <div class="field"><label for="dashboard-to">${t('console.dashboard.to')}</label>
          <input id="dashboard-to" name="to" type="date" .value=${filters.to}></div>
        ${selectField({ id: 'dashboard-volunteer', name: 'volunteer', label: 'console.dashboard.volunteer',
          value: filters.volunteer, options: [['', t('console.dashboard.everyone')], ...members.map((m) => [
            String(m.user_id), m.display_name])] })}
        <div class="field check-field"><input id="dashboard-priority" name="priority" type="checkbox"
          .checked=${filters.priority === 'true'}><label for="dashboard-priority">${
          t('console.dashboard.priority')}</label></div>
      </form>
      ${data ? view(data) : error ? failed(error, load) : loading()}`}
  </section>`;

  function view(d) {
    const empty = !filtered() && !d.tiles.relationships.value && !d.series.days.some((_, n) => Object.values(
      d.series.conversations).some((counts) => counts[n]) || d.series.door_visits[n]);
    return html`
      <p class="lead" id="dashboard-range">${d.from ? t('console.dashboard.range', { from: formatDay(d.from),
        to: formatDay(d.to) }) : t('console.dashboard.toDate', { to: formatDay(d.to) })}</p>
      ${empty ? html`<div class="notice dashboard-empty" id="dashboard-empty"><p>${t('console.dashboard.empty')}</p>
        <p><a class="link" href=${`/console/${run.campaign.id}/volunteers`}>${
          t('console.dashboard.invite')}</a></p></div>` : nothing}
      <ul class="tiles" id="dashboard-tiles" aria-label=${t('console.dashboard.tiles')}>${TILES.map((key) => tile(key,
        d.tiles[key]))}</ul>
      ${doors(d)}
      <section aria-labelledby="funnel-title">
        <h2 id="funnel-title">${t('console.dashboard.funnel')}</h2>
        ${bars('funnel', d.funnel.map((step) => [t(`console.dashboard.step.${step.key}`), step.value]))}
      </section>
      ${empty ? nothing : html`
      <section aria-labelledby="daily-title">
        <h2 id="daily-title">${t('console.dashboard.daily')}</h2>
        <div class="daily-chart" id="daily-chart" ${ref((el) => chart.show(el, d.series))}></div>
        <details class="fold" id="daily-table"><summary>${t('console.dashboard.dailyTable')}</summary>
          ${dailyTable(d.series)}</details>
      </section>
      <section aria-labelledby="volunteers-title">
        <h2 id="volunteers-title">${t('console.dashboard.volunteers')}</h2>
        ${volunteerTable(d.volunteers)}
      </section>
      <div class="breakdowns">
        <section aria-labelledby="support-title">
          <h2 id="support-title">${t('console.dashboard.support')}</h2>
          ${bars('support', d.support.map((s) => [t(`console.dashboard.level.${s.level}`), s.voters]))}
        </section>
        <section aria-labelledby="issues-title">
          <h2 id="issues-title">${t('console.dashboard.issues')}</h2>
          ${d.issues.length ? bars('issues', d.issues.map((i) => [i.issue, i.conversations]))
            : html`<p>${t('console.dashboard.noIssues')}</p>`}
        </section>
        <section aria-labelledby="door-results-title">
          <h2 id="door-results-title">${t('console.dashboardDoors.results')}</h2>
          ${d.door_results.some((row) => row.visits) ? bars('door-results', d.door_results.map((row) => [
            t(`console.dashboardDoors.result.${row.result}`), row.visits]))
            : html`<p id="door-results-none">${t('console.dashboardDoors.none')}</p>`}
        </section>
      </div>`}`;
  }

  /** Doors knocked, contacts there and the rate, beside the key numbers; the results are a breakdown below. */
  function doors(d) {
    const rate = d.tiles.door_contact_rate;
    return html`<section aria-labelledby="doors-title" id="dashboard-doors">
      <h2 id="doors-title">${t('console.dashboardDoors.title')}</h2>
      <ul class="tiles" id="door-tiles" aria-label=${t('console.dashboardDoors.tiles')}>${DOOR_TILES.map((key) =>
        tile(key, d.tiles[key], `console.dashboardDoors.tile.${key}`))}
        <li class="tile" data-tile="door_contact_rate">
          <p class="tile-label">${t('console.dashboardDoors.tile.door_contact_rate')}</p>
          <p class="tile-value">${rate.value == null ? '—' : formatPercent(rate.value)}</p>
          <p class="tile-change">${rate.change == null ? t('console.dashboardDoors.noRateWeek')
            : t('console.dashboardDoors.rateWeek', { rate: formatPercent(rate.change) })}</p>
        </li></ul>
    </section>`;
  }

  function tile(key, { value, change }, label = `console.dashboard.tile.${key}`) {
    const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'same';
    const mark = { up: '▲', down: '▼', same: '' }[direction];
    return html`<li class="tile" data-tile=${key}>
      <p class="tile-label">${t(label)}</p>
      <p class="tile-value">${formatNumber(value)}</p>
      <p class="tile-change" data-direction=${direction}><span aria-hidden="true">${mark} </span>${
        t(`console.dashboard.change.${direction}`, { n: formatNumber(Math.abs(change)) })}</p>
    </li>`;
  }

  /** Labelled counts with a bar each, as long as its share of the largest (SVG: the CSP allows no inline style). */
  function bars(id, rows) {
    const largest = Math.max(1, ...rows.map(([, n]) => n));
    return html`<ol class="bars" id=${`${id}-bars`}>${rows.map(([label, n]) => html`<li>
      <span class="bar-label">${label}</span><span class="bar-value">${formatNumber(n)}</span>
      <svg class="meter-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect width=${(100 * n) / largest} height="8" rx="1"></rect></svg>
    </li>`)}</ol>`;
  }

  function dailyTable(series) {
    const channels = Object.keys(series.conversations);
    return html`<div class="table-scroll" role="region" aria-labelledby="daily-caption" tabindex="0">
      <table class="table">
        <caption id="daily-caption" class="visually-hidden">${t('console.dashboard.dailyTable')}</caption>
        <thead><tr><th scope="col" class="plain">${t('console.dashboard.day')}</th>${channels.map((c) => html`
          <th scope="col" class="plain">${t(`console.dashboard.channel.${c}`)}</th>`)}
          <th scope="col" class="plain">${t('console.dashboard.newRelationships')}</th>
          <th scope="col" class="plain">${t('console.dashboardDoors.visits')}</th></tr></thead>
        <tbody>${series.days.map((day, n) => html`<tr><th scope="row">${formatDay(day)}</th>${channels.map((c) => html`
          <td>${formatNumber(series.conversations[c][n])}</td>`)}<td>${formatNumber(series.relationships[n])}</td>
          <td>${formatNumber(series.door_visits[n])}</td></tr>`)}</tbody>
      </table></div>`;
  }

  function volunteerTable({ total, offset, rows }) {
    const sort = filters.sort || 'conversations';
    const descending = (filters.desc || 'true') === 'true';
    const sortState = (column) => (sort !== column ? nothing : descending ? 'descending' : 'ascending');
    const review = (id) => `/console/${run.campaign.id}/review?volunteer=${id}`;
    return html`<div class="table-scroll" role="region" aria-labelledby="volunteers-caption" tabindex="0">
      <table class="table" id="dashboard-volunteers">
        <caption id="volunteers-caption" class="visually-hidden">${t('console.dashboard.volunteersCaption')}</caption>
        <thead><tr>${COLUMNS.map(([column, key, first]) => html`<th scope="col" aria-sort=${sortState(column)}>
          <button type="button" class="sort" data-sort=${column} @click=${() => sortBy(column, first)}>${t(key)}<span
            aria-hidden="true" class="sort-mark">${sort === column ? (descending ? ' ▼' : ' ▲') : ''}</span></button>
        </th>`)}</tr></thead>
        <tbody>${rows.map((row) => html`<tr data-volunteer=${row.id}>
          <th scope="row"><a class="link" href=${review(row.id)}>${row.display_name}</a></th>
          <td>${formatNumber(row.relationships)}</td>
          <td>${formatNumber(row.conversations)}</td>
          <td>${row.contact_rate == null ? '—' : formatPercent(row.contact_rate)}</td>
          <td>${row.last_active_at ? formatDateTime(row.last_active_at) : t('console.dashboard.never')}</td>
          <td>${formatNumber(row.follow_ups_overdue)}</td>
        </tr>`)}</tbody>
      </table></div>
      ${total > rows.length ? html`<nav class="pager" aria-label=${t('console.dashboard.pages')}>
        <button type="button" class="button secondary inline" ?disabled=${offset <= 0}
          @click=${() => apply({ offset: String(Math.max(0, offset - PAGE)) })}>${t('console.dashboard.previous')}</button>
        <p id="volunteers-page">${t('console.dashboard.showing', { first: formatNumber(offset + 1),
          last: formatNumber(offset + rows.length), total: formatNumber(total) })}</p>
        <button type="button" class="button secondary inline" ?disabled=${offset + rows.length >= total}
          @click=${() => apply({ offset: String(offset + PAGE) })}>${t('console.dashboard.next')}</button>
      </nav>` : nothing}`;
  }
}
