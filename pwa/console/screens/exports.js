// /console/<id>/exports: what volunteers logged, as a file for NGP VAN and one for a spreadsheet; each can hold only
// what changed since the last export of its kind, so nothing reaches VAN twice. Below: how the VAN file names
// support and issues (owners change it) and the exports made so far (docs/exports.md says how to load each file).
import { formatDateTime, t } from '../../lib/i18n.js';
import { explain } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { exportTicket, getCampaign, listExports, listMembers, listQuestions } from '../api.js';
import { saveFromUrl } from '../../ui/save-file.js';
import { campaignRun } from '../campaigns.js';
import { icon } from '../icons.js';
import { failed, loading, notYours } from '../ui/states.js';
import { VanMapping } from '../ui/van-mapping.js';

export const title = 'console.exports.title';
/** The two files: their kind in the export records, their name in the API, whether notes can be asked for. */
const FILES = [
  { kind: 'van', file: 'van-canvass-results.csv', notes: false },
  { kind: 'conversations', file: 'conversations.csv', notes: true },
];

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function exportsScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const mapping = run && new VanMapping(ctx, run.campaign.id, run.role === 'owner');
  let exports = null;
  let names = new Map(); // user id → display name
  let error = null;
  /** @type {Record<string, {busy?: boolean, problem?: [string, object?], done?: string}>} by kind */
  const state = { van: {}, conversations: {} };

  async function load() {
    error = null;
    try {
      const [made, members, campaign, questions] = await Promise.all([listExports(run.campaign.id),
        listMembers(run.campaign.id), getCampaign(run.campaign.id), listQuestions(run.campaign.id)]);
      exports = made;
      names = new Map(members.map((m) => [m.user_id, m.display_name]));
      mapping.show(campaign, questions);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
  }
  if (run) load();

  /** The last export of a kind that reached its end: where "only what changed since" starts. */
  const lastComplete = (kind) => exports?.find((e) => e.kind === kind && e.complete);

  async function download(/** @type {SubmitEvent} */ event, { kind, file }) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const since = /** @type {HTMLInputElement | null} */ (form.elements.namedItem('since'))?.checked;
    const notes = /** @type {HTMLInputElement | null} */ (form.elements.namedItem('notes'))?.checked;
    state[kind] = { busy: true };
    ctx.update();
    try {
      const newest = exports?.[0]?.id ?? 0;
      const { url } = await exportTicket(run.campaign.id, file, { since: since ? lastComplete(kind)?.id : null,
        notes: Boolean(notes) });
      saveFromUrl(url); // the browser streams it to disk
      state[kind] = { done: file };
      ctx.update();
      exports = await exportsAfter(newest);
    } catch (problem) {
      state[kind] = { problem: explain(problem) };
    }
    ctx.update();
  }

  /** The list once the export the browser is downloading has ended on the server (or after a few seconds). */
  async function exportsAfter(newest) {
    let list = exports;
    for (let tries = 0; tries < 20 && !ctx.signal.aborted; tries += 1) {
      await new Promise((resolve) => { setTimeout(resolve, 500); });
      list = await listExports(run.campaign.id);
      if (list[0]?.id > newest && list[0].finished_at) break;
    }
    return list;
  }

  return () => html`<section class="screen wide" id="exports">
    <h1 tabindex="-1">${t('console.exports.title')}</h1>
    ${!run ? notYours() : exports ? page() : error ? failed(error, load) : loading()}
  </section>`;

  function page() {
    return html`<p class="lead">${t('console.exports.intro')}</p>
      <div class="export-files">${FILES.map((what) => fileCard(what))}</div>
      ${mapping.view()}
      ${history()}`;
  }

  function fileCard(what) {
    const { kind } = what;
    const last = lastComplete(kind);
    const now = state[kind];
    return html`<form class="card export-file" id=${`export-${kind}`} aria-labelledby=${`export-${kind}-title`}
      @submit=${(/** @type {SubmitEvent} */ e) => download(e, what)}>
      <h2 id=${`export-${kind}-title`}>${t(`console.exports.${kind}.title`)}</h2>
      <p>${t(`console.exports.${kind}.about`)}</p>
      ${last ? html`<label class="check-field"><input type="checkbox" name="since" checked>
        <span>${t('console.exports.since', { when: formatDateTime(last.created_at), rows: last.row_count ?? 0 })}</span>
      </label>` : html`<p class="hint">${t('console.exports.first')}</p>`}
      ${what.notes ? html`<label class="check-field"><input type="checkbox" name="notes" aria-describedby="export-notes-hint">
        <span>${t('console.exports.notes')}</span></label>
        <p class="hint" id="export-notes-hint">${t('console.exports.notes.hint')}</p>` : nothing}
      <button type="submit" class="button inline" aria-disabled=${now.busy ? 'true' : nothing}>${icon('download')}
        <span>${t(now.busy ? 'console.exports.making' : `console.exports.${kind}.download`)}</span></button>
      <p role="status" class="export-outcome">${now.done ? t('console.exports.done', { name: now.done }) : nothing}</p>
      ${now.problem ? html`<p class="notice-error" role="alert">${t(...now.problem)}</p>` : nothing}
    </form>`;
  }

  function history() {
    return html`<section aria-labelledby="exports-history-title">
      <h2 id="exports-history-title">${t('console.exports.history')}</h2>
      ${exports.length ? html`<div class="table-scroll" role="region" aria-labelledby="exports-history-title" tabindex="0">
        <table class="table" id="exports-history">
          <thead><tr>${['what', 'when', 'who', 'rows', 'from', 'status'].map((column) => html`<th scope="col">${
            t(`console.exports.column.${column}`)}</th>`)}</tr></thead>
          <tbody>${exports.map((e) => html`<tr data-export=${e.id}>
            <th scope="row">${t(`console.exports.${e.kind}.title`)}${e.with_notes ? html` <span class="note">${
              t('console.exports.withNotes')}</span>` : nothing}</th>
            <td>${formatDateTime(e.created_at)}</td>
            <td>${names.get(e.created_by_id) ?? t('console.activity.someone')}</td>
            <td>${e.row_count ?? '…'}</td>
            <td>${e.since_export_id ? t('console.exports.fromExport', { when: formatDateTime(
              exports.find((x) => x.id === e.since_export_id)?.created_at ?? e.created_at) })
              : e.since_time ? formatDateTime(e.since_time) : t('console.exports.everything')}</td>
            <td>${t(e.complete ? 'console.exports.complete' : e.finished_at ? 'console.exports.stopped'
              : 'console.exports.running')}</td>
          </tr>`)}</tbody>
        </table></div>` : html`<p id="exports-none">${t('console.exports.none')}</p>`}
    </section>`;
  }
}
