// Canvass quality on the Turfs screen: each canvasser's doors, contacts and pace over the last two weeks, and the
// signals worth a word with them (server/canvass/quality.py says how each is worked out).
import { formatNumber, formatPercent, t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';

export const DAYS = 14;

/** @param {Array<{volunteer_id: number, name: string, doors: number, contacts: number, contact_rate: number,
 *   doors_per_hour: number|null, signals: string[]}>} rows */
export function canvassersSection(rows) {
  return html`<section aria-labelledby="canvassers-title" id="canvassers">
    <h2 id="canvassers-title">${t('console.canvassers.title', { days: DAYS })}</h2>
    ${rows.length ? html`<p class="hint">${t('console.canvassers.about')}</p>
      <div class="table-scroll" role="region" aria-labelledby="canvassers-caption" tabindex="0">
      <table class="table" id="canvassers-table">
        <caption id="canvassers-caption" class="visually-hidden">${t('console.canvassers.caption')}</caption>
        <thead><tr>
          <th scope="col" class="plain">${t('console.canvassers.volunteer')}</th>
          <th scope="col" class="plain">${t('console.canvassers.doors')}</th>
          <th scope="col" class="plain">${t('console.canvassers.contacts')}</th>
          <th scope="col" class="plain">${t('console.canvassers.pace')}</th>
          <th scope="col" class="plain">${t('console.canvassers.signals')}</th>
        </tr></thead>
        <tbody>${rows.map((row) => html`<tr data-volunteer=${row.volunteer_id}>
          <th scope="row">${row.name}</th>
          <td>${formatNumber(row.doors)}</td>
          <td>${t('console.canvassers.contactRate', { contacts: formatNumber(row.contacts),
            rate: formatPercent(row.contact_rate) })}</td>
          <td>${row.doors_per_hour == null ? '—' : formatNumber(row.doors_per_hour)}</td>
          <td>${row.signals.length ? html`<ul class="signals">${row.signals.map((signal) => html`<li
            class="badge">${t(`console.canvassers.signal.${signal}`)}</li>`)}</ul>` : nothing}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p id="canvassers-empty">${t('console.canvassers.none', { days: DAYS })}</p>`}
  </section>`;
}
