// The campaign's own questions for the door (yes/no, or a choice of 2 to 8 options), on the Settings screen beside
// the issues and talking points, the other things a volunteer is offered after a talk. Organizers and owners add,
// reword, order and retire them (each change audited on the server); a retired question leaves new walk lists and
// keeps its answers, and one that has answers can neither change its options nor be deleted. Each shows how
// visits answered it.
import { t } from '../../lib/i18n.js';
import { confirmDialog } from '../../ui/dialog.js';
import { Form, explain, field, formAlert, selectField, submitButton, textareaField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { addQuestion, changeQuestion, deleteQuestion, listQuestions } from '../api.js';
import { failed, loading } from './states.js';

const MAX_OPTIONS = 8;
const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** A question's answers in the person's words (yes and no are the catalog's; a choice's options are its own). */
export const answerName = (question, answer) => (question.kind === 'yes_no' ? t(`console.questions.${answer}`)
  : answer);

export class SurveyQuestions {
  /**
   * @param {import('../../ui/screen.js').ScreenContext} ctx
   * @param {number} campaignId
   */
  constructor(ctx, campaignId) {
    this.ctx = ctx;
    this.campaignId = campaignId;
    this.form = new Form(ctx, 'question-form');
    this.editForm = new Form(ctx, 'question-edit-form');
    /** @type {number | null} the question whose words are being changed */
    this.editing = null;
    /** @type {object[] | null} */
    this.questions = null;
    this.error = null;
    this.kind = 'yes_no';
    /** @type {[string, object?] | null} what went wrong with a list action (move, retire, delete) */
    this.problem = null;
  }

  async load() {
    this.error = null;
    try {
      this.questions = await listQuestions(this.campaignId);
    } catch (problem) {
      this.error = problem;
    }
    this.ctx.update();
  }

  /** The question a form holds ({label, kind, options}), or null when its options are not 2 to 8 (said there). */
  read(form, kind) {
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    const value = (name) => /** @type {HTMLInputElement} */ (controls.namedItem(name))?.value ?? '';
    const question = { label: value('label').trim(), kind };
    if (kind === 'choice' && controls.namedItem('options')) {
      const options = lines(value('options'));
      if (options.length < 2 || options.length > MAX_OPTIONS) {
        form.show(new Map([['options', ['console.questions.error.options', { max: MAX_OPTIONS }]]]));
        return null;
      }
      question.options = options;
    }
    return question;
  }

  add(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!this.form.check()) return;
    const question = this.read(this.form, this.kind);
    if (!question) return;
    this.form.submit(async () => {
      await addQuestion(this.campaignId, question);
      this.form.clear();
      this.form.element.reset();
      this.kind = 'yes_no';
      this.ctx.toasts.show('console.questions.added', { duration: 4000 });
      await this.load();
    }, { 409: 'console.questions.error.tooMany' });
  }

  /** New words, or new options while no visit has answered: only what changed is sent. */
  save(/** @type {SubmitEvent} */ event, question) {
    event.preventDefault();
    if (!this.editForm.check()) return;
    const edited = this.read(this.editForm, question.kind);
    if (!edited) return;
    const changes = {};
    if (edited.label !== question.label) changes.label = edited.label;
    if (edited.options && edited.options.join('\n') !== question.options.join('\n')) changes.options = edited.options;
    this.editForm.submit(async () => {
      if (Object.keys(changes).length) {
        await changeQuestion(this.campaignId, question.id, changes);
        this.ctx.toasts.show('console.questions.changed', { values: { label: edited.label }, duration: 4000 });
      }
      this.editing = null;
      await this.load();
    }, { 409: 'console.questions.error.answered' });
  }

  edit(question) {
    this.editing = question?.id ?? null;
    this.editForm.clear();
    this.ctx.update();
    if (question) document.getElementById('question-edit-label')?.focus();
  }

  /** A change from the list (move, retire, bring back); a refusal is said above the list. */
  async change(question, changes, toast) {
    this.problem = null;
    try {
      await changeQuestion(this.campaignId, question.id, changes);
      if (toast) this.ctx.toasts.show(toast, { values: { label: question.label }, duration: 4000 });
    } catch (problem) {
      this.problem = explain(problem);
    }
    await this.load();
  }

  async remove(question) {
    if (!(await confirmDialog({ title: 'console.questions.delete.title', body: 'console.questions.delete.body',
      values: { label: question.label }, confirm: 'console.questions.delete' }))) return;
    this.problem = null;
    try {
      await deleteQuestion(this.campaignId, question.id);
      this.ctx.toasts.show('console.questions.deleted', { values: { label: question.label }, duration: 4000 });
    } catch (problem) {
      this.problem = explain(problem);
    }
    await this.load();
  }

  view() {
    return html`<section class="card survey-questions" id="questions" aria-labelledby="questions-title">
      <h2 id="questions-title">${t('console.questions.title')}</h2>
      <p class="hint">${t('console.questions.intro')}</p>
      ${this.error ? failed(this.error, () => this.load()) : this.questions ? this.lists(this.questions) : loading()}
      ${this.addForm()}
    </section>`;
  }

  lists(questions) {
    const active = questions.filter((q) => !q.retired);
    const retired = questions.filter((q) => q.retired);
    return html`<p id="questions-problem" class="form-alert" role="alert">${this.problem ? t(...this.problem)
      : ''}</p>
      ${active.length ? html`<ol class="question-list" id="question-list">${active.map((q, i) => html`
        <li class="question" data-question=${q.id}>
          <h3 id=${`question-${q.id}`}>${q.label}</h3>
          ${this.facts(q)}
          ${this.editing === q.id ? this.changeForm(q) : html`<div class="actions-row" role="group"
            aria-labelledby=${`question-${q.id}`}>
            <button type="button" class="button secondary inline edit" @click=${() => this.edit(q)}>${
              t('console.questions.edit')}</button>
            ${i > 0 ? html`<button type="button" class="button secondary inline move-up"
              @click=${() => this.change(q, { position: i - 1 })}>${t('console.questions.up')}</button>` : nothing}
            ${i < active.length - 1 ? html`<button type="button" class="button secondary inline move-down"
              @click=${() => this.change(q, { position: i + 1 })}>${t('console.questions.down')}</button>` : nothing}
            <button type="button" class="button secondary inline retire" @click=${() => this.change(q,
              { retired: true }, 'console.questions.retired.toast')}>${t('console.questions.retire')}</button>
            ${this.answeredCount(q) ? nothing : html`<button type="button" class="button secondary inline delete"
              @click=${() => this.remove(q)}>${t('console.questions.delete')}</button>`}
          </div>`}
        </li>`)}</ol>` : html`<p id="questions-none">${t('console.questions.none')}</p>`}
      ${retired.length ? html`<details class="fold" id="questions-retired">
        <summary>${t('console.questions.retired', { n: retired.length })}</summary>
        <ul class="question-list">${retired.map((q) => html`<li class="question" data-question=${q.id}>
          <h3 id=${`question-${q.id}`}>${q.label}</h3>
          ${this.facts(q)}
          <button type="button" class="button secondary inline bring-back" aria-describedby=${`question-${q.id}`}
            @click=${() => this.change(q, { retired: false }, 'console.questions.back.toast')}>${
            t('console.questions.bringBack')}</button>
        </li>`)}</ul>
      </details>` : nothing}`;
  }

  answeredCount(question) {
    return Object.values(question.answered ?? {}).reduce((sum, n) => sum + n, 0);
  }

  /** Its kind and options, and how many visits gave each answer. */
  facts(question) {
    const answers = question.kind === 'yes_no' ? ['yes', 'no'] : question.options;
    return html`<p class="hint">${t(`console.questions.kind.${question.kind}`)}</p>
      <ul class="question-answers">${answers.map((answer) => html`<li>${answerName(question, answer)}: ${
        t('console.questions.count', { n: question.answered?.[answer] ?? 0 })}</li>`)}</ul>`;
  }

  /** The words: the same field to add a question and to change one. */
  labelField(form, prefix, question = null) {
    return field(form, { id: `${prefix}-label`, name: 'label', label: 'console.questions.label',
      hint: 'console.questions.label.hint', required: true, maxlength: '120', value: question?.label ?? '' });
  }

  /** A choice's options, or why they cannot change once visits have answered. */
  optionsField(form, prefix, kind, question = null) {
    if (kind !== 'choice') return nothing;
    if (question && this.answeredCount(question)) {
      return html`<p class="hint" id=${`${prefix}-locked`}>${t('console.questions.optionsLocked')}</p>`;
    }
    return textareaField(form, { id: `${prefix}-options`, name: 'options', label: 'console.questions.options',
      hint: 'console.questions.options.hint', rows: '4', value: question?.options.join('\n') ?? '' });
  }

  changeForm(question) {
    const form = this.editForm;
    return html`<form id="question-edit-form" novalidate aria-labelledby="question-edit-title"
      @submit=${(e) => this.save(e, question)}>
      <h4 id="question-edit-title">${t('console.questions.edit.title')}</h4>
      ${this.labelField(form, 'question-edit', question)}
      ${this.optionsField(form, 'question-edit', question.kind, question)}
      ${formAlert(form)}
      <div class="actions-row">
        ${submitButton(form, 'console.questions.save', 'console.saving', 'button inline')}
        <button type="button" class="button secondary inline cancel" @click=${() => this.edit(null)}>${
          t('console.questions.cancel')}</button>
      </div>
    </form>`;
  }

  addForm() {
    const { form } = this;
    return html`<form id="question-form" novalidate aria-labelledby="question-form-title" @submit=${(e) => this.add(e)}
      @change=${(/** @type {Event} */ event) => {
        const target = /** @type {HTMLSelectElement} */ (event.target);
        if (target.name === 'kind') {
          this.kind = target.value;
          this.ctx.update();
        }
      }}>
      <h3 id="question-form-title">${t('console.questions.add.title')}</h3>
      ${this.labelField(form, 'question')}
      ${selectField({ id: 'question-kind', name: 'kind', label: 'console.questions.kind', form, value: this.kind,
        options: [['yes_no', t('console.questions.kind.yes_no')], ['choice', t('console.questions.kind.choice')]] })}
      ${this.optionsField(form, 'question', this.kind)}
      ${formAlert(form)}
      ${submitButton(form, 'console.questions.add', 'console.saving', 'button inline')}
    </form>`;
  }
}
