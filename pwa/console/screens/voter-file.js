// /console/<id>/voter-file: import the campaign's voter file. A file is previewed first (its first rows as they
// would be imported, under the detected or chosen layout, with a field picked for each column), then uploaded;
// the import runs on the server, so its progress is read from there and survives a reload or another tab. Then
// its problems, the imports before it, and a warning before a file that would deactivate most voters.
import { formatDateTime, t } from '../../lib/i18n.js';
import { confirmDialog } from '../../ui/dialog.js';
import { explain } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import {
  cancelVoterFile, getVoterFile, listVoterFiles, previewVoterFile, uploadVoterFile, voterFileProblems,
} from '../api.js';
import { saveFile } from '../../ui/save-file.js';
import { campaignRun } from '../campaigns.js';
import { icon } from '../icons.js';
import { failed, loading, notYours } from '../ui/states.js';
import { MAPPABLE, PRESETS, importProgress, mapPairs, problemReason } from '../voter-file.js';

export const title = 'console.voterFile.title';
const POLL_MS = 1000;
const HISTORY = ['when', 'who', 'file', 'added', 'updated', 'deactivated', 'rejectedRows', 'state']; // its columns

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function voterFileScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  let imports = null; // newest first; null while loading
  let listError = null;
  let latest = null; // the newest import in detail (its problems), once it has finished
  let file = null; // the File chosen in this tab, until it is sent
  let sent = null; // the File sent last: asked about again if it would deactivate most voters
  const options = { format: 'auto', noHeader: false, map: new Map() }; // column key -> field ('ignore': none)
  let preview = null;
  let previewError = null;
  let previewing = 0; // only the latest preview paints
  let uploading = false;
  let polling = null;
  ctx.watch(() => clearTimeout(polling));

  const campaignId = run?.campaign.id;
  const running = () => imports?.find((job) => job.status === 'queued' || job.status === 'running') ?? null;

  async function load() {
    listError = null;
    try {
      imports = await listVoterFiles(campaignId);
      const newest = imports[0];
      latest = newest && !running() ? await getVoterFile(campaignId, newest.id) : null;
    } catch (problem) {
      listError = problem;
    }
    ctx.update();
    if (running()) poll();
    else if (preparing()) pollMatching();
  }

  /** The latest import succeeded and its phones and e-mails are still being prepared for matching. */
  const preparing = () => latest?.status === 'succeeded' && latest.matching_ready < 100;

  /** Read the latest import again in a second, until its matching tags are all built. */
  function pollMatching() {
    clearTimeout(polling);
    polling = setTimeout(async () => {
      if (!preparing() || ctx.signal.aborted) return;
      try {
        latest = await getVoterFile(campaignId, latest.id);
        ctx.update();
      } catch {
        // a passing failure: the build goes on on the server; try again
      }
      pollMatching();
    }, POLL_MS);
  }

  /** Read the running import again in a second; when it ends, the list and its problems are read anew. */
  function poll() {
    clearTimeout(polling);
    polling = setTimeout(async () => {
      const job = running();
      if (!job || ctx.signal.aborted) return;
      try {
        const now = await getVoterFile(campaignId, job.id);
        imports = imports.map((each) => (each.id === now.id ? now : each));
        ctx.update();
        if (now.status === 'queued' || now.status === 'running') poll();
        else finished(now);
      } catch {
        poll(); // a passing failure: the import goes on on the server; try again
      }
    }, POLL_MS);
  }

  async function finished(job) {
    latest = job;
    ctx.update();
    if (preparing()) pollMatching();
    if (job.would_deactivate != null && sent && sent.name === job.filename) await askToShrink(job);
  }

  /** The file would deactivate most voters: ask, and send it again with the organizer's word, or leave it. */
  async function askToShrink(job) {
    const values = { leaving: job.would_deactivate, total: job.active_before };
    const yes = await confirmDialog({ title: 'console.voterFile.shrink.title', body: 'console.voterFile.shrink.body',
      values, confirm: 'console.voterFile.shrink.confirm', cancel: 'console.voterFile.shrink.cancel' });
    if (yes) await upload(true);
    else ctx.toasts.show('console.voterFile.shrink.kept', { duration: 6000 });
  }

  async function choose(/** @type {Event} */ event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (!input.files?.length) return;
    file = input.files[0];
    input.value = ''; // the same file chosen again (a new version, say) is a change too
    options.map = new Map();
    preview = null;
    await readPreview();
    /** @type {HTMLElement | null} */ (document.getElementById('preview-title'))?.focus();
  }

  async function readPreview() {
    const mine = ++previewing; // the preview shown stays until the new one comes: no flicker while picking
    previewError = null;
    ctx.update();
    try {
      const found = await previewVoterFile(campaignId, file, { ...options, map: mapPairs(options.map) });
      if (mine === previewing) preview = found;
    } catch (problem) {
      if (mine === previewing) previewError = problem;
    }
    if (mine === previewing) ctx.update();
  }

  function setOption(/** @type {Event} */ event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.name === 'format') options.format = input.value;
    if (input.name === 'no_header') {
      options.noHeader = input.checked;
      options.map = new Map(); // columns are named anew: names or numbers
    }
    readPreview();
  }

  /** A field picked for a column; "not used" for a column the layout reads tells the server to ignore it. */
  function pick(column, /** @type {Event} */ event) {
    const field = /** @type {HTMLSelectElement} */ (event.target).value;
    const key = preview.no_header ? String(column.position) : column.name;
    if (field) options.map.set(key, field);
    else if (column.fields.length && !options.map.has(key)) options.map.set(key, 'ignore');
    else options.map.delete(key);
    readPreview();
  }

  async function upload(allowShrink = false) {
    const chosen = allowShrink ? sent : file;
    if (uploading || !chosen) return;
    uploading = true;
    ctx.update();
    try {
      const job = await uploadVoterFile(campaignId, chosen, { ...options, map: mapPairs(options.map), allowShrink });
      imports = [job, ...(imports ?? [])];
      latest = null;
      preview = null;
      sent = chosen;
      file = null;
      poll();
    } catch (problem) {
      ctx.toasts.show(problem.status === 409 ? 'console.voterFile.busy' : 'console.voterFile.uploadFailed',
        { duration: 8000 });
    }
    uploading = false;
    ctx.update();
    /** @type {HTMLElement | null} */ (document.getElementById('import-now-title'))?.focus();
  }

  async function cancel(job) {
    if (!(await confirmDialog({ title: 'console.voterFile.cancel.title', body: 'console.voterFile.cancel.body',
      confirm: 'console.voterFile.cancel', cancel: 'console.voterFile.keepGoing' }))) return;
    try {
      await cancelVoterFile(campaignId, job.id);
    } catch {
      // it may have finished meanwhile: the next read says how it ended
    }
    poll();
  }

  async function download(job) {
    try {
      const { blob, name } = await voterFileProblems(campaignId, job.id);
      saveFile(blob, name);
    } catch {
      ctx.toasts.show('console.voterFile.downloadFailed', { duration: 6000 });
    }
  }

  if (run) load();

  return () => html`<section class="screen wide" id="voter-file">
    <h1 tabindex="-1">${t('console.voterFile.title')}</h1>
    ${!run ? notYours() : imports === null ? (listError ? failed(listError, load) : loading()) : html`
      ${running() ? progressView(running()) : latest ? resultView(latest) : nothing}
      ${imports.length === 0 && !file ? html`<div class="empty" id="voter-file-empty">
        <p><strong>${t('console.voterFile.empty')}</strong></p><p>${t('console.voterFile.formats')}</p></div>` : nothing}
      ${running() ? nothing : chooseView()}
      ${file ? previewView() : nothing}
      ${imports.length ? historyView() : nothing}`}
  </section>`;

  function progressView(job) {
    const shown = importProgress(job);
    return html`<section class="card import-now" aria-labelledby="import-now-title" id="import-now">
      <h2 id="import-now-title" tabindex="-1">${t('console.voterFile.importing', { name: job.filename })}</h2>
      <progress id="import-progress" max=${job.bytes_total || 1} value=${job.bytes_read}
        aria-labelledby="import-now-title"></progress>
      <p id="import-rows" role="status">${shown.applying ? t('console.voterFile.applying', { rows: job.rows_read })
        : job.status === 'queued' ? t('console.voterFile.queued')
          : t('console.voterFile.progress', { rows: job.rows_read, percent: shown.percent })}
        ${shown.rate != null ? html`<span class="note"> · ${t('console.voterFile.rate', { rate: shown.rate })}</span>`
          : nothing}
        ${shown.secondsLeft != null ? html`<span class="note"> · ${t('console.voterFile.left', shown.left)}</span>`
          : nothing}</p>
      <button type="button" class="button secondary inline" id="cancel-import" @click=${() => cancel(job)}>${
        t('console.voterFile.cancel')}</button>
    </section>`;
  }

  function resultView(job) {
    const ok = job.status === 'succeeded';
    return html`<section class="card import-result" aria-labelledby="import-now-title" id="import-result"
      data-status=${job.status}>
      <h2 id="import-now-title" tabindex="-1">${t(`console.voterFile.result.${job.status}`, { name: job.filename })}</h2>
      ${ok ? html`<p id="import-counts">${t('console.voterFile.counts', { added: job.voters_added,
        updated: job.voters_updated, deactivated: job.voters_deactivated, rejected: job.rows_rejected })}</p>`
        : job.would_deactivate != null ? html`<p class="notice-error" id="import-message">${t(
          'console.voterFile.shrink.stopped', { leaving: job.would_deactivate, total: job.active_before })}</p>`
          : html`<p class="notice-error" id="import-message">${job.message}</p>`}
      ${ok && job.matching_ready < 100 ? html`<p class="note" id="import-matching" role="status">${t(
        'console.voterFile.matching', { percent: job.matching_ready })}</p>` : nothing}
      ${ok && job.voters_skipped ? html`<p class="note" id="import-skipped">${t('console.voterFile.skipped', {
        count: job.voters_skipped })}</p>` : nothing}
      ${job.priority_column ? html`<p class="note" id="import-priority">${t('console.voterFile.priorityRead', {
        column: job.priority_column })}</p>` : nothing}
      ${job.unused_columns?.length ? html`<p class="note" id="import-unused">${t('console.voterFile.unused', {
        columns: job.unused_columns })}</p>` : nothing}
      ${job.problems?.length ? problemsView(job) : nothing}
    </section>`;
  }

  function problemsView(job) {
    const more = job.rows_rejected + job.rows_with_warnings > job.problems.length;
    return html`<h3 id="problems-title">${t('console.voterFile.problems')}</h3>
      <p>${t(more ? 'console.voterFile.problems.first' : 'console.voterFile.problems.all', {
        count: job.problems.length })}</p>
      <div class="table-scroll" role="region" aria-labelledby="problems-title" tabindex="0">
        <table class="table voter-file-table problems stacks" id="problems">
          <thead><tr><th scope="col">${t('console.voterFile.row')}</th><th scope="col">${
            t('console.voterFile.field')}</th><th scope="col">${t('console.voterFile.problem')}</th></tr></thead>
          <tbody>${job.problems.map((problem) => html`<tr class=${problem.rejected ? 'rejected' : ''}>
            <td data-label=${t('console.voterFile.row')}>${problem.line}</td>
            <td data-label=${t('console.voterFile.field')}>${problem.column ?? '—'}</td>
            <td class="wrap" data-label=${t('console.voterFile.problem')}>${problemReason(problem)}${
              problem.rejected ? html` <strong>${
              t('console.voterFile.rejected')}</strong>` : nothing}</td></tr>`)}</tbody>
        </table>
      </div>
      <button type="button" class="button secondary inline" id="download-problems" @click=${() => download(job)}>${
        t('console.voterFile.download')}</button>`;
  }

  function chooseView() {
    return html`<section aria-labelledby="choose-title" class="choose-file">
      <h2 id="choose-title">${t(imports.length ? 'console.voterFile.again' : 'console.voterFile.choose')}</h2>
      <div class="field file-field">
        <input id="voter-file-input" type="file" class="visually-hidden" accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
          aria-describedby="voter-file-hint" @change=${choose}>
        <label for="voter-file-input" class="button inline">${icon('upload')}${t('console.voterFile.pick')}</label>
        <p id="voter-file-hint" class="hint">${t('console.voterFile.pick.hint')}</p>
      </div>
    </section>`;
  }

  function previewView() {
    return html`<section aria-labelledby="preview-title" class="preview" id="preview">
      <h2 id="preview-title" tabindex="-1">${t('console.voterFile.preview', { name: file.name })}</h2>
      <form class="voter-file-options" id="preview-options" @change=${setOption}
        @submit=${(/** @type {Event} */ e) => e.preventDefault()}>
        <div class="field"><label for="preview-format">${t('console.voterFile.format')}</label>
          <select id="preview-format" name="format" .value=${options.format}>
            ${['auto', ...PRESETS].map((name) => html`<option value=${name} ?selected=${options.format === name}>${
              t(`console.voterFile.format.${name}`)}</option>`)}
          </select></div>
        <div class="check-field"><input type="checkbox" id="preview-no-header" name="no_header"
          .checked=${options.noHeader}><label for="preview-no-header">${t('console.voterFile.noHeader')}</label></div>
      </form>
      ${previewError ? html`<p class="notice-error" role="alert" id="preview-error">${
        previewError.status === 422 ? previewError.serverMessage : t(...explain(previewError))}</p>`
        : !preview ? loading() : html`
        <p id="preview-layout" role="status">${!preview.format ? nothing : preview.no_header
          && preview.format === 'generic' ? t('console.voterFile.readByNumber') : t('console.voterFile.readAs', {
          label: t(`console.voterFile.format.${preview.format}`) })}</p>
        ${preview.priority_column ? html`<p class="note" id="preview-priority">${t('console.voterFile.priorityColumn',
          { column: preview.priority_column })}</p>` : nothing}
        ${preview.warnings?.length ? html`<ul class="notice preview-warnings" id="preview-warnings">${preview.warnings.map(
          (warning) => html`<li>${problemReason(warning)}</li>`)}</ul>` : nothing}
        ${preview.problem ? html`<p class="notice-error" id="preview-problem">${preview.problem}</p>
          <p class="hint">${t(preview.no_header ? 'console.voterFile.pickById' : 'console.voterFile.pickOrFormat')}</p>`
          : nothing}
        ${columnsView()}
        ${preview.unused.length ? html`<p class="note" id="preview-unused">${t('console.voterFile.unused', {
          columns: preview.unused })}</p>` : nothing}
        ${preview.rows.length && preview.format ? rowsView() : nothing}
        <div class="button-row">
          <button type="button" class="button inline" id="start-import" ?disabled=${!preview.format || uploading}
            @click=${() => upload(false)}>${t(uploading ? 'console.voterFile.uploading' : 'console.voterFile.import')}</button>
          <button type="button" class="button secondary inline" id="discard-preview" @click=${() => {
            file = null;
            preview = null;
            previewError = null;
            ctx.update();
          }}>${t('console.voterFile.discard')}</button>
        </div>`}
    </section>`;
  }

  function columnsView() {
    return html`<h3 id="columns-title">${t('console.voterFile.columns')}</h3>
      <div class="table-scroll" role="region" aria-labelledby="columns-title" tabindex="0">
        <table class="table voter-file-table columns" id="preview-columns">
          <thead><tr><th scope="col">${t('console.voterFile.column')}</th><th scope="col">${
            t('console.voterFile.examples')}</th><th scope="col">${t('console.voterFile.readAsField')}</th></tr></thead>
          <tbody>${preview.columns.map((column) => {
            const key = preview.no_header ? String(column.position) : column.name;
            const chosen = options.map.get(key);
            const value = chosen === 'ignore' ? '' : chosen ?? column.fields[0] ?? '';
            const id = `column-${column.position}`;
            return html`<tr>
              <th scope="row"><label for=${id}>${column.name}</label></th>
              <td class="samples">${column.samples.filter(Boolean).join(' · ')}</td>
              <td><select id=${id} class="field-pick" .value=${value} @change=${(/** @type {Event} */ e) => pick(column, e)}>
                <option value="" ?selected=${value === ''}>${t('console.voterFile.notUsed')}</option>
                ${MAPPABLE.map((name) => html`<option value=${name} ?selected=${value === name}>${
                  t(`console.voterFile.field.${name}`)}</option>`)}
              </select></td></tr>`;
          })}</tbody>
        </table>
      </div>`;
  }

  function rowsView() {
    const cell = (row, ...names) => names.map((name) => row.values[name]).filter((v) => v != null && v !== '').join(' ');
    return html`<h3 id="rows-title">${t('console.voterFile.firstRows', { count: preview.rows.length })}</h3>
      <div class="table-scroll" role="region" aria-labelledby="rows-title" tabindex="0">
        <table class="table voter-file-table preview-rows" id="preview-rows">
          <thead><tr>${['row', 'problem', 'voterId', 'name', 'address', 'city', 'zip', 'birthYear', 'contact'].map(
            (key) => html`<th scope="col">${t(`console.voterFile.${key}`)}</th>`)}</tr></thead>
          <tbody>${preview.rows.map((row) => html`<tr class=${row.rejected ? 'rejected' : ''}>
            <td>${row.line}</td>
            <td class="wrap">${row.rejected ? html`<strong>${t('console.voterFile.rejected')}</strong> ` : nothing}${
              row.problems.map(problemReason).join(' ')}</td>
            ${row.rejected ? html`<td colspan="7" class="wrap raw">${row.cells.join(' · ')}</td>` : html`
              <td>${cell(row, 'external_id')}</td>
              <td>${cell(row, 'first_name', 'middle_name', 'last_name', 'name_suffix')}</td>
              <td>${cell(row, 'house_number', 'street', 'unit')}</td><td>${cell(row, 'city')}</td>
              <td>${cell(row, 'zip')}</td><td>${cell(row, 'birth_year')}</td>
              <td>${[...row.phones, ...row.emails].join(', ')}</td>`}</tr>`)}</tbody>
        </table>
      </div>`;
  }

  function historyView() {
    // a plain block: the table's scroll region already is the landmark this heading names
    return html`<div class="history">
      <h2 id="history-title">${t('console.voterFile.history')}</h2>
      <div class="table-scroll" role="region" aria-labelledby="history-title" tabindex="0">
        <table class="table voter-file-table history stacks" id="import-history">
          <thead><tr>${HISTORY.map((key) => html`<th scope="col">${t(`console.voterFile.${key}`)}</th>`)}</tr></thead>
          <tbody>${imports.map((job) => html`<tr data-status=${job.status}>${[
            html`<time datetime=${job.created_at}>${formatDateTime(job.created_at)}</time>`,
            job.created_by ?? t('console.voterFile.operator'), job.filename, job.voters_added, job.voters_updated,
            job.voters_deactivated, job.rows_rejected, t(`console.voterFile.state.${job.status}`),
          ].map((cell, n) => html`<td class=${typeof cell === 'number' ? 'number' : ''}
            data-label=${t(`console.voterFile.${HISTORY[n]}`)}>${cell}</td>`)}</tr>`)}</tbody>
        </table>
      </div>
    </div>`;
  }
}
