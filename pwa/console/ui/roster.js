// The roster: every member as a table row, sorted by any column and searched by name or e-mail, here in the browser
// (GET .../members answers the whole list). Long lists show in steps, so a campaign of thousands stays quick.
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';
import { joinedDay, roleName } from '../members.js';

const STEP = 100;
/** @type {[string, string, (m: any) => string | number][]} [column, catalog key, sort value] */
const COLUMNS = [
  ['name', 'console.roster.name', (m) => m.display_name.toLocaleLowerCase()],
  ['email', 'console.roster.email', (m) => m.email],
  ['role', 'console.roster.role', (m) => ({ owner: 0, organizer: 1, volunteer: 2 })[m.role]],
  ['active', 'console.roster.status', (m) => (m.active ? 0 : 1)],
  ['joined', 'console.roster.joined', (m) => m.created_at],
];

export class Roster {
  /** @param {{update(): void}} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    this.search = '';
    this.sort = { column: 'joined', ascending: false };
    this.limit = STEP;
  }

  setSearch(value) {
    this.search = value;
    this.limit = STEP;
    this.ctx.update();
  }

  sortBy(column) {
    this.sort = { column, ascending: this.sort.column === column ? !this.sort.ascending : column !== 'joined' };
    this.ctx.update();
  }

  shown(members) {
    const words = this.search.trim().toLocaleLowerCase();
    const found = words ? members.filter((m) => `${m.display_name} ${m.email}`.toLocaleLowerCase().includes(words))
      : [...members];
    const value = COLUMNS.find(([column]) => column === this.sort.column)[2];
    const direction = this.sort.ascending ? 1 : -1;
    return found.sort((a, b) => (value(a) < value(b) ? -direction : value(a) > value(b) ? direction : 0));
  }

  /** @param {any[]} members @param {number} campaignId */
  view(members, campaignId) {
    const found = this.shown(members);
    const sortState = (column) => (this.sort.column !== column ? nothing
      : this.sort.ascending ? 'ascending' : 'descending');
    return html`<div class="field roster-search">
        <label for="roster-search">${t('console.roster.search')}</label>
        <input id="roster-search" type="search" autocomplete="off" .value=${this.search}
          @input=${(/** @type {Event} */ e) => this.setSearch(/** @type {HTMLInputElement} */ (e.target).value)}>
      </div>
      <p class="note" id="roster-count" role="status">${t('console.roster.count', { shown: found.length,
        total: members.length })}</p>
      ${found.length ? html`<div class="table-scroll" role="region" aria-labelledby="roster-caption" tabindex="0">
        <table class="table" id="roster">
          <caption class="visually-hidden" id="roster-caption">${t('console.roster.caption')}</caption>
          <thead><tr>${COLUMNS.map(([column, key]) => html`<th scope="col" aria-sort=${sortState(column)}>
            <button type="button" class="sort" @click=${() => this.sortBy(column)}>${t(key)}<span aria-hidden="true"
              class="sort-mark">${this.sort.column === column ? (this.sort.ascending ? ' ▲' : ' ▼') : ''}</span></button>
          </th>`)}</tr></thead>
          <tbody>${found.slice(0, this.limit).map((m) => html`<tr data-member=${m.id}>
            <th scope="row"><a class="link" href=${`/console/${campaignId}/volunteers/${m.id}`}>${m.display_name}</a></th>
            <td class="email">${m.email}</td>
            <td>${roleName(m.role)}</td>
            <td>${t(m.active ? 'console.member.active' : 'console.member.removed')}</td>
            <td>${joinedDay(m.created_at)}</td>
          </tr>`)}</tbody>
        </table>
      </div>
      ${found.length > this.limit ? html`<button type="button" class="button secondary" id="roster-more"
        @click=${() => { this.limit += STEP; this.ctx.update(); }}>${t('console.roster.more', {
        count: Math.min(STEP, found.length - this.limit) })}</button>` : nothing}`
      : html`<p id="roster-empty">${t(members.length ? 'console.roster.noneFound' : 'console.roster.none')}</p>`}`;
  }
}
