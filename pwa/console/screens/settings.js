// /console/<id>/settings: the campaign's name, phone region, time zone, election day, issues, talking points and the
// message volunteers start from (each in both languages), matching's daily quotas and the voter file's priority
// column, how long notes are kept and what a departing volunteer's records become. Owners change them (each
// change is audited on the server); organizers read them. Below them, the campaign's questions for the door, which
// organizers change too (pwa/console/ui/survey-questions.js).
import { LANGUAGES, formatDay, t } from '../../lib/i18n.js';
import { Form, field, formAlert, selectField, submitButton, textareaField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { getCampaign, updateCampaign } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { failed, loading, notYours } from '../ui/states.js';
import { SurveyQuestions } from '../ui/survey-questions.js';

export const title = 'console.settings.title';
/** The server's limits (server/campaigns/schemas.py), checked here first so the words are the person's. */
const LIMITS = { issue_tags: { items: 50, length: 40 }, talking_points: { items: 20, length: 500 } };

const DEPARTED = ['anonymise', 'delete'];

const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function settingsScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const form = new Form(ctx, 'settings-form');
  let campaign = null;
  let error = null;

  async function load() {
    error = null;
    try {
      campaign = await getCampaign(run.campaign.id);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
  }
  const questions = run && new SurveyQuestions(ctx, run.campaign.id);
  if (run) {
    load();
    questions.load();
  }

  /** The form's values as the API takes them. */
  function read() {
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    const value = (name) => /** @type {HTMLInputElement} */ (controls.namedItem(name)).value;
    return {
      name: value('name').trim(),
      phone_region: value('phone_region').trim().toUpperCase(),
      time_zone: value('time_zone'),
      election_day: value('election_day') || null,
      issue_tags: lines(value('issue_tags')),
      talking_points: Object.fromEntries(LANGUAGES.map((lang) => [lang, lines(value(`talking_points.${lang}`))])),
      message_template: Object.fromEntries(LANGUAGES.map((lang) => [lang, value(`message_template.${lang}`).trim()])),
      match_daily_quota: Number(value('match_daily_quota')),
      match_daily_card_quota: Number(value('match_daily_card_quota')),
      priority_column: value('priority_column').trim() || null,
      volunteer_recruiting: /** @type {HTMLInputElement} */ (controls.namedItem('volunteer_recruiting')).checked,
      note_retention_days: value('note_retention_days') === '' ? null : Number(value('note_retention_days')),
      departed_records: value('departed_records'),
    };
  }

  /** The limits on lists, in the person's words; named by field, as the server would. */
  function checkLists(changes) {
    const errors = new Map();
    const checkList = (name, list, { items, length }) => {
      if (list.length > items) errors.set(name, ['console.settings.error.tooMany', { max: items }]);
      const long = list.findIndex((item) => item.length > length);
      if (long >= 0) errors.set(name, ['console.settings.error.lineTooLong', { line: long + 1, max: length }]);
    };
    checkList('issue_tags', changes.issue_tags, LIMITS.issue_tags);
    for (const lang of LANGUAGES) checkList(`talking_points.${lang}`, changes.talking_points[lang], LIMITS.talking_points);
    return errors;
  }

  function save(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const changes = read();
    const errors = checkLists(changes);
    if (errors.size) {
      form.show(errors);
      return;
    }
    form.submit(async () => {
      campaign = await updateCampaign(run.campaign.id, changes);
      form.clear();
      ctx.toasts.show('console.settings.saved', { duration: 4000 });
    });
  }

  return () => html`<section class="screen wide" id="settings">
    <h1 tabindex="-1">${t('console.settings.title')}</h1>
    ${!run ? notYours() : campaign ? (run.role === 'owner' ? editable(campaign) : readOnly(campaign))
      : error ? failed(error, load) : loading()}
    ${questions ? questions.view() : nothing}
  </section>`;

  function editable(c) {
    const zones = Intl.supportedValuesOf('timeZone');
    if (!zones.includes(c.time_zone)) zones.unshift(c.time_zone);
    return html`<p class="lead">${t('console.settings.intro')}</p>
    <form id="settings-form" novalidate aria-labelledby="settings-about" @submit=${save}>
      <h2 id="settings-about">${t('console.settings.about')}</h2>
      ${field(form, { id: 'settings-name', name: 'name', label: 'console.settings.name', required: true,
        maxlength: '200', value: c.name })}
      <div class="form-row">
        ${field(form, { id: 'settings-region', name: 'phone_region', label: 'console.settings.region',
          hint: 'console.settings.region.hint', required: true, maxlength: '2', minlength: '2', value: c.phone_region,
          autocapitalize: 'characters' })}
        ${selectField({ id: 'settings-zone', name: 'time_zone', label: 'console.settings.zone', form,
          options: zones.map((zone) => [zone, zone.replaceAll('_', ' ')]), value: c.time_zone })}
        ${field(form, { id: 'settings-election', name: 'election_day', type: 'date', label: 'console.settings.election',
          value: c.election_day ?? '' })}
      </div>
      ${textareaField(form, { id: 'settings-issues', name: 'issue_tags', label: 'console.settings.issues',
        hint: 'console.settings.issues.hint', rows: '5', value: c.issue_tags.join('\n') })}
      <h2 id="settings-words">${t('console.settings.words')}</h2>
      <p class="hint">${t('console.settings.words.hint')}</p>
      ${LANGUAGES.map((lang) => html`<fieldset class="language-set">
        <legend>${t(`console.settings.in.${lang}`)}</legend>
        ${textareaField(form, { id: `settings-points-${lang}`, name: `talking_points.${lang}`,
          label: 'console.settings.points', hint: 'console.settings.points.hint', rows: '5', lang,
          value: (c.talking_points[lang] ?? []).join('\n') })}
        ${textareaField(form, { id: `settings-template-${lang}`, name: `message_template.${lang}`,
          label: 'console.settings.template', hint: 'console.settings.template.hint', rows: '3', maxlength: '1000',
          lang, value: c.message_template[lang] ?? '' })}
      </fieldset>`)}
      <h2 id="settings-matching">${t('console.settings.matching')}</h2>
      <p class="hint">${t('console.settings.matching.hint')}</p>
      <div class="form-row">
        ${field(form, { id: 'settings-quota', name: 'match_daily_quota', type: 'number', label: 'console.settings.quota',
          required: true, min: '0', max: '100000', value: String(c.match_daily_quota), inputmode: 'numeric' })}
        ${field(form, { id: 'settings-card-quota', name: 'match_daily_card_quota', type: 'number',
          label: 'console.settings.cardQuota', required: true, min: '0', max: '10000',
          value: String(c.match_daily_card_quota), inputmode: 'numeric' })}
      </div>
      <h2 id="settings-voter-file">${t('console.settings.voterFile')}</h2>
      ${field(form, { id: 'settings-priority', name: 'priority_column', label: 'console.settings.priority',
        hint: 'console.settings.priority.hint', maxlength: '100', value: c.priority_column ?? '' })}
      <h2 id="settings-recruiting">${t('console.recruits.setting.title')}</h2>
      <div class="check-field"><input type="checkbox" id="settings-recruiting-on" name="volunteer_recruiting"
        aria-describedby="settings-recruiting-hint" .checked=${c.volunteer_recruiting}>
        <label for="settings-recruiting-on">${t('console.recruits.setting')}</label></div>
      <p class="hint" id="settings-recruiting-hint">${t('console.recruits.setting.hint')}</p>
      <h2 id="settings-privacy">${t('console.settings.privacy')}</h2>
      ${field(form, { id: 'settings-retention', name: 'note_retention_days', type: 'number',
        label: 'console.settings.retention', hint: 'console.settings.retention.hint', min: '0', max: '3650',
        value: c.note_retention_days == null ? '' : String(c.note_retention_days), inputmode: 'numeric' })}
      ${selectField({ id: 'settings-departed', name: 'departed_records', label: 'console.settings.departed', form,
        hint: 'console.settings.departed.hint', value: c.departed_records,
        options: DEPARTED.map((mode) => [mode, t(`console.settings.departed.${mode}`)]) })}
      ${formAlert(form)}
      ${submitButton(form, 'console.settings.save', 'console.saving', 'button inline')}
    </form>`;
  }

  function readOnly(c) {
    const list = (items) => (items?.length ? html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`
      : t('console.settings.none'));
    return html`<p class="lead">${t('console.settings.readOnly')}</p>
    <dl class="facts settings-facts" id="settings-read-only">
      <div><dt>${t('console.settings.name')}</dt><dd>${c.name}</dd></div>
      <div><dt>${t('console.settings.region')}</dt><dd>${c.phone_region}</dd></div>
      <div><dt>${t('console.settings.zone')}</dt><dd>${c.time_zone.replaceAll('_', ' ')}</dd></div>
      <div><dt>${t('console.settings.election')}</dt><dd>${c.election_day ? formatDay(c.election_day)
        : t('console.settings.none')}</dd></div>
      <div><dt>${t('console.settings.issues')}</dt><dd>${list(c.issue_tags)}</dd></div>
      ${LANGUAGES.map((lang) => html`
        <div><dt>${t('console.settings.points')} (${t(`console.settings.in.${lang}`)})</dt><dd lang=${lang}>${
          list(c.talking_points[lang])}</dd></div>
        <div><dt>${t('console.settings.template')} (${t(`console.settings.in.${lang}`)})</dt><dd lang=${lang}>${
          c.message_template[lang] || t('console.settings.none')}</dd></div>`)}
      <div><dt>${t('console.settings.quota')}</dt><dd>${c.match_daily_quota}</dd></div>
      <div><dt>${t('console.settings.cardQuota')}</dt><dd>${c.match_daily_card_quota}</dd></div>
      <div><dt>${t('console.settings.priority')}</dt><dd id="settings-priority-read">${c.priority_column
        ?? t('console.settings.priority.none')}</dd></div>
      <div><dt>${t('console.recruits.setting')}</dt><dd id="settings-recruiting-read">${
        t(c.volunteer_recruiting ? 'console.recruits.setting.on' : 'console.recruits.setting.off')}</dd></div>
      <div><dt>${t('console.settings.retention')}</dt><dd id="settings-retention-read">${
        c.note_retention_days == null ? t('console.settings.retention.keep') : c.note_retention_days}</dd></div>
      <div><dt>${t('console.settings.departed')}</dt><dd>${t(`console.settings.departed.${c.departed_records}`)}</dd></div>
    </dl>${nothing}`;
  }
}
