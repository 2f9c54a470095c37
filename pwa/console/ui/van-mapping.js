// How the VAN export names things: the survey question support levels answer, its response for each level, the
// activist code for each issue, VAN's contact type for each channel, VAN's result code for each door result, and
// the survey question and responses for each of the campaign's own questions. The campaign answers the mapping in force
// (van_columns: the owner's mapping over the defaults); owners change it, organizers read it. A blank name is a
// column the export leaves out, and the screen says so rather than letting the file drop it in silence.
import { t } from '../../lib/i18n.js';
import { Form, field, formAlert, submitButton } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { updateCampaign } from '../api.js';
import { answerName } from './survey-questions.js';

const LEVELS = ['1', '2', '3', '4', '5'];
const CHANNELS = ['in_person', 'door', 'call', 'text', 'other'];
const DOOR_RESULTS = ['talked', 'not_home', 'refused', 'come_back', 'moved', 'inaccessible', 'wrong_address',
  'deceased'];

export class VanMapping {
  /**
   * @param {import('../../ui/screen.js').ScreenContext} ctx
   * @param {number} campaignId
   * @param {boolean} editable owners change the mapping
   */
  constructor(ctx, campaignId, editable) {
    this.ctx = ctx;
    this.campaignId = campaignId;
    this.editable = editable;
    this.form = new Form(ctx, 'van-mapping-form');
    this.campaign = null;
    this.questions = [];
  }

  /** @param {object} campaign @param {object[]} [questions] the campaign's own, retired ones too */
  show(campaign, questions = []) {
    this.campaign = campaign;
    this.questions = questions;
  }

  /** Each question's VAN survey question and its responses; a question without one is left out. */
  readSurvey(value) {
    return Object.fromEntries(this.questions.map((q) => [String(q.id), value(`survey.${q.id}`), q])
      .filter(([, name]) => name)
      .map(([id, name, q]) => [id, { question: name, responses: Object.fromEntries(answersOf(q)
        .map((answer) => [answer, value(`survey.${q.id}.${answer}`)]).filter(([, response]) => response)) }]));
  }

  /** The form's mapping as the API takes it: blanks left out (the export then has no such column). */
  read() {
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (this.form.element.elements);
    const value = (name) => /** @type {HTMLInputElement} */ (controls.namedItem(name)).value.trim();
    const named = (keys, prefix) => Object.fromEntries(keys.map((key) => [key, value(`${prefix}.${key}`)])
      .filter(([, name]) => name));
    return {
      support_question: value('van_mapping.support_question') || null,
      support_responses: named(LEVELS, 'response'),
      issue_activist_codes: named(this.campaign.issue_tags, 'code'),
      contact_types: named(CHANNELS, 'contact'),
      // over the defaults on the server: a blank is sent as null, which leaves such visits out
      door_results: Object.fromEntries(DOOR_RESULTS.map((result) => [result, value(`door.${result}`) || null])),
      survey_questions: this.readSurvey(value),
    };
  }

  save(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    this.send(this.read());
  }

  /** @param {object | null} mapping null: back to the defaults */
  send(mapping) {
    this.form.submit(async () => {
      this.campaign = await updateCampaign(this.campaignId, { van_mapping: mapping });
      this.form.clear();
      this.ctx.update();
      this.form.element.reset(); // inputs show the names now in force (their value attributes), not what was typed
      this.ctx.toasts.show('console.van.saved', { duration: 4000 });
    });
  }

  /** What the export leaves out under the mapping in force, in words. */
  omitted(columns) {
    const out = [];
    if (!columns.support_question) out.push(t('console.van.omitted.support'));
    else {
      const missing = LEVELS.filter((level) => !columns.support_responses[level]);
      if (missing.length) out.push(t('console.van.omitted.levels', { levels: missing.map(supportName) }));
    }
    const issues = this.campaign.issue_tags.filter((tag) => !columns.issue_activist_codes[tag]);
    if (issues.length) out.push(t('console.van.omitted.issues', { issues }));
    const results = DOOR_RESULTS.filter((result) => !columns.door_results[result]);
    if (results.length) out.push(t('console.van.omitted.doorResults', { results: results.map(doorResultName) }));
    const survey = columns.survey_questions ?? {};
    const unmapped = this.questions.filter((q) => !survey[q.id]);
    if (unmapped.length) out.push(t('console.van.omitted.questions', { questions: unmapped.map((q) => q.label) }));
    for (const q of this.questions.filter((question) => survey[question.id])) {
      const answers = answersOf(q).filter((answer) => !survey[q.id].responses?.[answer]);
      if (answers.length) {
        out.push(t('console.van.omitted.answers', { question: q.label, answers: answers.map((a) => answerName(q, a)) }));
      }
    }
    return out;
  }

  view() {
    if (!this.campaign) return nothing;
    const columns = this.campaign.van_columns;
    const left = this.omitted(columns);
    return html`<section class="card van-mapping" aria-labelledby="van-mapping-title">
      <h2 id="van-mapping-title">${t('console.van.title')}</h2>
      <p>${t(this.editable ? 'console.van.intro' : 'console.van.readOnly')}</p>
      <p id="van-omitted" class=${left.length ? 'notice' : 'hint'}>${left.length
        ? t('console.van.omitted', { what: left }) : t('console.van.nothingOmitted')}</p>
      ${this.editable ? this.editor(columns) : this.facts(columns)}
    </section>`;
  }

  editor(columns) {
    const { form } = this;
    const text = (id, name, label, value, hint = '') => field(form, { id, name, label, hint, value: value ?? '',
      maxlength: '100' });
    return html`<form id="van-mapping-form" novalidate @submit=${(e) => this.save(e)}>
      ${text('van-question', 'van_mapping.support_question', 'console.van.question', columns.support_question,
        'console.van.question.hint')}
      <fieldset class="language-set"><legend>${t('console.van.responses')}</legend>
        <div class="form-row">${LEVELS.map((level) => field(form, { id: `van-response-${level}`,
          name: `response.${level}`, label: `fields.conversation.support.${level}`, maxlength: '100',
          value: columns.support_responses[level] ?? '' }))}</div>
      </fieldset>
      ${this.campaign.issue_tags.length ? html`<fieldset class="language-set"><legend>${t('console.van.codes')}</legend>
        <p class="hint">${t('console.van.codes.hint')}</p>
        <div class="form-row">${this.campaign.issue_tags.map((tag, i) => html`<div class="field">
          <label for=${`van-code-${i}`}>${tag}</label>
          <input id=${`van-code-${i}`} name=${`code.${tag}`} maxlength="100" .value=${
            columns.issue_activist_codes[tag] ?? ''}></div>`)}</div>
      </fieldset>` : nothing}
      <fieldset class="language-set"><legend>${t('console.van.contactTypes')}</legend>
        <div class="form-row">${CHANNELS.map((channel) => field(form, { id: `van-contact-${channel}`,
          name: `contact.${channel}`, label: `fields.conversation.channel.${channel}`, maxlength: '50',
          value: columns.contact_types[channel] ?? '' }))}</div>
      </fieldset>
      <fieldset class="language-set"><legend>${t('console.van.doorResults')}</legend>
        <p class="hint">${t('console.van.doorResults.hint')}</p>
        <div class="form-row">${DOOR_RESULTS.map((result) => field(form, { id: `van-door-${result}`,
          name: `door.${result}`, label: `fields.door_visit.result.${result}`, maxlength: '100',
          value: columns.door_results[result] ?? '' }))}</div>
      </fieldset>
      ${this.questions.length ? this.surveyEditor(columns.survey_questions ?? {}) : nothing}
      ${formAlert(form)}
      <div class="actions-row">
        ${submitButton(form, 'console.van.save', 'console.saving', 'button inline')}
        ${this.campaign.van_mapping ? html`<button type="button" class="button secondary inline" id="van-defaults"
          @click=${() => this.send(null)}>${t('console.van.defaults')}</button>` : nothing}
      </div>
    </form>`;
  }

  surveyEditor(survey) {
    return html`<fieldset class="language-set" id="van-survey"><legend>${t('console.van.survey')}</legend>
      <p class="hint">${t('console.van.survey.hint')}</p>
      ${this.questions.map((q) => html`<div class="van-survey-question" role="group"
        aria-labelledby=${`van-survey-${q.id}-title`}>
        <p class="van-survey-title" id=${`van-survey-${q.id}-title`}>${q.label}</p>
        <div class="form-row">
          <div class="field">
            <label for=${`van-survey-${q.id}`}>${t('console.van.survey.question')}</label>
            <input id=${`van-survey-${q.id}`} name=${`survey.${q.id}`} maxlength="100" .value=${
              survey[q.id]?.question ?? ''}></div>
          ${answersOf(q).map((answer, i) => html`<div class="field">
            <label for=${`van-survey-${q.id}-${i}`}>${t('console.van.survey.response', { answer: answerName(q, answer) })}</label>
            <input id=${`van-survey-${q.id}-${i}`} name=${`survey.${q.id}.${answer}`} maxlength="100" .value=${
              survey[q.id]?.responses?.[answer] ?? ''}></div>`)}
        </div>
      </div>`)}
    </fieldset>`;
  }

  facts(columns) {
    const none = t('console.van.none');
    return html`<dl class="facts" id="van-mapping-facts">
      <div><dt>${t('console.van.question')}</dt><dd>${columns.support_question ?? none}</dd></div>
      ${LEVELS.map((level) => html`<div><dt>${supportName(level)}</dt><dd>${
        columns.support_responses[level] ?? none}</dd></div>`)}
      ${this.campaign.issue_tags.map((tag) => html`<div><dt>${tag}</dt><dd>${
        columns.issue_activist_codes[tag] ?? none}</dd></div>`)}
      ${CHANNELS.map((channel) => html`<div><dt>${t(`fields.conversation.channel.${channel}`)}</dt><dd>${
        columns.contact_types[channel]}</dd></div>`)}
      ${DOOR_RESULTS.map((result) => html`<div><dt>${doorResultName(result)}</dt><dd>${
        columns.door_results[result] ?? none}</dd></div>`)}
      ${this.questions.map((q) => html`<div><dt>${q.label}</dt><dd>${
        columns.survey_questions?.[q.id]?.question ?? none}</dd></div>`)}
    </dl>`;
  }
}

const answersOf = (question) => (question.kind === 'yes_no' ? ['yes', 'no'] : question.options);
const supportName = (level) => t(`fields.conversation.support.${level}`);
const doorResultName = (result) => t(`fields.door_visit.result.${result}`);
