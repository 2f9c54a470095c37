// Forms: fields with a label, a hint and an error slot, and the one way errors reach them: our own checks first
// (in the person's language), then whatever the server says, mapped to words in the catalogs. A Form keeps its
// errors as catalog keys, so they are drawn (and redrawn in another language) with the rest of the screen.
import { ApiError } from '../lib/api.js';
import { looksLikeEmail } from '../lib/email.js';
import { t } from '../lib/i18n.js';
import { attrs, html, nothing } from './screen.js';

/** @typedef {[string, object?]} Message a catalog key and its values */
/** @typedef {HTMLFormControlsCollection & Record<string, HTMLInputElement>} Controls a form's controls by name */

export class Form {
  /**
   * @param {{update(): void}} ctx the screen's context (redraws after a change)
   * @param {string} id the form element's id; fields' error slots hang off their own ids
   */
  constructor(ctx, id) {
    this.ctx = ctx;
    this.id = id;
    /** @type {Map<string, Message>} errors by field name */
    this.errors = new Map();
    /** @type {Message | null} */
    this.alert = null;
    this.busy = false;
  }

  /** @returns {HTMLFormElement} */
  get element() {
    return /** @type {HTMLFormElement} */ (document.getElementById(this.id));
  }

  /** The words of a field's error, or '' */
  errorText(name) {
    const error = this.errors.get(name);
    return error ? t(...error) : '';
  }

  alertText() {
    return this.alert ? t(...this.alert) : '';
  }

  /** Show errors (by field name) and an alert; focus the first field with an error. */
  show(errors, alert = null) {
    this.errors = errors;
    this.alert = alert ?? (errors.size ? ['error.fields'] : null);
    this.ctx.update();
    const [first] = errors.keys();
    if (first) /** @type {HTMLElement | undefined} */ (this.element.querySelector(`[name="${first}"]`))?.focus();
  }

  clear() {
    this.errors = new Map();
    this.alert = null;
  }

  /** Check required, e-mail and minimum-length rules on the form's inputs and text areas; show what is wrong. */
  check() {
    const errors = new Map();
    for (const input of this.element.querySelectorAll('input, textarea')) {
      if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) continue;
      const value = input.type === 'password' ? input.value : input.value.trim();
      if (input.required && !value) errors.set(input.name, ['error.required']);
      else if (input.type === 'email' && !looksLikeEmail(value)) errors.set(input.name, ['error.email']);
      else if (input.minLength > 0 && value.length < input.minLength) {
        errors.set(input.name, ['error.tooShort', { min: input.minLength }]);
      }
    }
    this.show(errors);
    return errors.size === 0;
  }

  /**
   * Run action (the API call) once at a time, the button saying it is busy, and show an ApiError it throws.
   * statusKeys maps an HTTP status to the catalog key that explains it on this form.
   * @param {() => Promise<unknown>} action
   * @param {Record<number, string>} [statusKeys]
   */
  async submit(action, statusKeys = {}) {
    if (this.busy) return;
    this.busy = true;
    this.ctx.update();
    try {
      await action();
      this.element?.removeAttribute('data-dirty');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.showApiError(error, statusKeys);
    } finally {
      this.busy = false;
      this.ctx.update();
    }
  }

  /**
   * Put an ApiError on the form: field errors under their fields, the rest in the alert. A nested error (a list's
   * item, a language's value: {"talking_points": {"es": ...}}) goes to the field named for its first key
   * ("talking_points.es") when the form has one, else to the field itself.
   */
  showApiError(error, statusKeys = {}) {
    const errors = new Map();
    let alert = null;
    const has = (name) => this.element.elements.namedItem(name) instanceof HTMLElement;
    for (const [name, messages] of Object.entries(error.fieldErrors)) {
      const [path, message] = firstMessage(messages);
      const target = [path.length ? `${name}.${path[0]}` : null, name].find((candidate) => candidate && has(candidate));
      if (target) errors.set(target, ['server.text', { message }]);
      else alert = ['server.text', { message }]; // e.g. the invite code, which has no field of its own
    }
    this.show(errors, alert ?? (errors.size ? null : explain(error, statusKeys)));
  }
}

/**
 * The first message in a field's errors, and the keys that lead to it: ["x"] is [[], "x"], {"es": {"0": ["x"]}} is
 * [["es", "0"], "x"].
 * @returns {[string[], string]}
 */
function firstMessage(messages) {
  if (typeof messages === 'string') return [[], messages];
  if (Array.isArray(messages)) return messages.length ? firstMessage(messages[0]) : [[], ''];
  const [key, value] = Object.entries(messages ?? {})[0] ?? ['', ''];
  const [path, message] = firstMessage(value);
  return [[key, ...path], message];
}

/**
 * The catalog key (and values) for an error that is not about one field.
 * @returns {Message}
 */
export function explain(error, statusKeys = {}) {
  if (error.offline) return ['error.offline'];
  if (statusKeys[error.status]) return [statusKeys[error.status]];
  if (error.status === 429 && error.retryAfter) return ['error.429', { seconds: error.retryAfter }];
  if (error.status >= 500 || !error.serverMessage) return ['error.server'];
  return ['server.text', { message: error.serverMessage }];
}

/**
 * A labelled input; its hint and error are tied to it with aria-describedby so screen readers read them.
 * input holds the input's other attributes (type, required, autocomplete...).
 */
export function field(form, { id, name, label, hint = '', ...input }) {
  const describedBy = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for=${id}>${t(label)}</label>
    <input id=${id} name=${name} aria-describedby=${describedBy}
      aria-invalid=${form.errors.has(name) ? 'true' : nothing} ${attrs(input)}>
    ${hint ? html`<p id=${`${id}-hint`} class="hint">${t(hint)}</p>` : nothing}
    <p id=${`${id}-error`} class="field-error">${form.errorText(name)}</p>
  </div>`;
}

/**
 * A labelled text area, with a hint and an error slot like field()'s; textarea holds its other attributes (rows,
 * maxlength...) and value its text.
 */
export function textareaField(form, { id, name, label, hint = '', value = '', ...textarea }) {
  const describedBy = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  return html`<div class="field">
    <label for=${id}>${t(label)}</label>
    <textarea id=${id} name=${name} aria-describedby=${describedBy} .value=${value}
      aria-invalid=${form.errors.has(name) ? 'true' : nothing} ${attrs(textarea)}></textarea>
    ${hint ? html`<p id=${`${id}-hint`} class="hint">${t(hint)}</p>` : nothing}
    <p id=${`${id}-error`} class="field-error">${form.errorText(name)}</p>
  </div>`;
}

/**
 * A labelled <select>; options are [value, label, lang] with labels in their own language, then groups, [label,
 * options] (an <optgroup> each), when a long list reads better in parts. With a form, it has an error slot like
 * field()'s.
 */
export function selectField({ id, name, label, options, value, form = null, hint = '', groups = [] }) {
  const describedBy = [hint && `${id}-hint`, form && `${id}-error`].filter(Boolean).join(' ');
  const choices = (listed) => listed.map(([optionValue, optionLabel, lang]) => html`
      <option value=${optionValue} lang=${lang ?? nothing} ?selected=${optionValue === value}>${optionLabel}</option>`);
  return html`<div class="field">
    <label for=${id}>${t(label)}</label>
    <select id=${id} name=${name} aria-describedby=${describedBy || nothing}
      aria-invalid=${form?.errors.has(name) ? 'true' : nothing}>${choices(options)}${groups.map(([groupLabel, listed]) => html`
      <optgroup label=${groupLabel}>${choices(listed)}</optgroup>`)}
    </select>
    ${hint ? html`<p id=${`${id}-hint`} class="hint">${t(hint)}</p>` : nothing}
    ${form ? html`<p id=${`${id}-error`} class="field-error">${form.errorText(name)}</p>` : nothing}
  </div>`;
}

/** The form's own message slot, announced when it fills. */
export function formAlert(form) {
  return html`<p id=${`${form.id}-alert`} class="form-alert" role="alert">${form.alertText()}</p>`;
}

/** The submit button: its words while idle, others while the form is busy. */
export function submitButton(form, idle, busy, className = 'button') {
  return html`<button type="submit" class=${className} aria-disabled=${form.busy ? 'true' : nothing}>
    ${t(form.busy ? busy : idle)}</button>`;
}

/** True while a form on screen holds typing that has not been sent (main.js marks forms dirty on input). */
export function hasUnsavedInput() {
  return [...document.querySelectorAll('form[data-dirty]')].some((form) =>
    [...form.querySelectorAll('input, textarea')].some((/** @type {HTMLInputElement} */ input) => (
      input.type === 'radio' || input.type === 'checkbox'
        ? input.checked !== input.defaultChecked : input.value !== input.defaultValue))
    || [...form.querySelectorAll('select option')].some((/** @type {HTMLOptionElement} */ option) =>
      option.selected !== option.defaultSelected));
}
