// Address corrections on the Turfs screen: the doors volunteers found wrong ("wrong address", or the number, street
// or unit as they found it), newest first, beside the voter file's address, for organizers to fix the file. Kin
// never changes a voter's address by itself (docs/canvassing.md says why).
import { formatDateTime, t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';

const line = (address) => [address.house_number, address.street, address.unit].filter(Boolean).join(' ');

/** @param {Array<{id: string, happened_at: string, result: string, volunteer: string, voter: string|null,
 *   turf: string|null, in_file: {house_number: string, street: string, unit: string, zip: string},
 *   found: {house_number: string, street: string, unit: string}}>} rows */
export function correctionsSection(rows) {
  return html`<section aria-labelledby="corrections-title" id="corrections">
    <h2 id="corrections-title">${t('console.corrections.title')}</h2>
    <p class="hint">${t('console.corrections.about')}</p>
    ${rows.length ? html`<div class="table-scroll" role="region" aria-labelledby="corrections-caption" tabindex="0">
      <table class="table" id="corrections-table">
        <caption id="corrections-caption" class="visually-hidden">${t('console.corrections.caption')}</caption>
        <thead><tr>
          <th scope="col" class="plain">${t('console.corrections.inFile')}</th>
          <th scope="col" class="plain">${t('console.corrections.found')}</th>
          <th scope="col" class="plain">${t('console.corrections.who')}</th>
          <th scope="col" class="plain">${t('console.corrections.turf')}</th>
          <th scope="col" class="plain">${t('console.corrections.when')}</th>
        </tr></thead>
        <tbody>${rows.map((row) => html`<tr data-visit=${row.id}>
          <th scope="row">${line(row.in_file)} ${row.in_file.zip}</th>
          <td>${line(row.found) || t('console.corrections.unknown')}</td>
          <td>${row.voter ? t('console.corrections.by', { voter: row.voter, volunteer: row.volunteer })
            : row.volunteer}</td>
          <td>${row.turf ?? '—'}</td>
          <td>${formatDateTime(row.happened_at)}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p id="corrections-empty">${t('console.corrections.none')}</p>`}
  </section>`;
}
