// Form fields with a label, a hint and an error slot, and the one way errors reach them: our own checks first
// (in the person's language), then whatever the server says, mapped to words in the catalogs.
import { ApiError } from '../lib/api.js';
import { text } from '../lib/i18n.js';
import { h } from './dom.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/; // the server's own rule (server/identifiers.py)

/** A labelled input; its hint and error are tied to it with aria-describedby so screen readers read them. */
export function field({ id, label, hint, ...input }) {
  const describedBy = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  return h('div', { class: 'field' },
    h('label', { for: id, i18n: label }),
    h('input', { id, 'aria-describedby': describedBy, ...input }),
    hint ? h('p', { id: `${id}-hint`, class: 'hint', i18n: hint }) : null,
    h('p', { id: `${id}-error`, class: 'field-error' }));
}

/** A labelled <select>; options are [value, label, lang] with labels in their own language. */
export function selectField({ id, label, options, value, ...select }) {
  return h('div', { class: 'field' },
    h('label', { for: id, i18n: label }),
    h('select', { id, ...select },
      options.map(([optionValue, optionLabel, lang]) => h('option',
        { value: optionValue, lang, selected: optionValue === value }, optionLabel))));
}

/** The form's own message slot, announced when it fills. */
export function formAlert(form) {
  return h('p', { id: `${form}-alert`, class: 'form-alert', role: 'alert' });
}

/** Check required, e-mail and minimum-length rules; show what is wrong and focus the first problem. */
export function checkFields(form) {
  clearErrors(form);
  let first = null;
  for (const input of form.querySelectorAll('input')) {
    const value = input.type === 'password' ? input.value : input.value.trim();
    let problem = null;
    if (input.required && !value) problem = ['error.required'];
    else if (input.type === 'email' && !EMAIL.test(value)) problem = ['error.email'];
    else if (input.minLength > 0 && value.length < input.minLength) problem = ['error.tooShort', { min: input.minLength }];
    if (problem) {
      fieldError(input, ...problem);
      first ??= input;
    }
  }
  if (first) {
    text(alertOf(form), 'error.fields');
    first.focus();
  }
  return first === null;
}

/**
 * Run action (the API call) once at a time for this form, with the button saying it is busy, and show an
 * ApiError it throws. statusKeys maps an HTTP status to the catalog key that explains it on this form.
 */
export async function submit(form, busyKey, action, statusKeys = {}) {
  if (form.dataset.busy) return;
  const button = form.querySelector('[type="submit"]');
  const idleKey = button.dataset.i18n;
  form.dataset.busy = 'true';
  button.setAttribute('aria-disabled', 'true');
  text(button, busyKey);
  try {
    await action();
    delete form.dataset.dirty;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    showApiError(form, error, statusKeys);
  } finally {
    delete form.dataset.busy;
    button.removeAttribute('aria-disabled');
    text(button, idleKey);
  }
}

/** Put an ApiError on the form: field errors under their fields, the rest in the alert. */
export function showApiError(form, error, statusKeys = {}) {
  clearErrors(form);
  const alert = alertOf(form);
  let first = null;
  for (const [name, messages] of Object.entries(error.fieldErrors)) {
    const input = form.elements.namedItem(name);
    const message = [].concat(messages)[0];
    if (input instanceof HTMLElement) {
      fieldError(input, 'server.text', { message });
      first ??= input;
    } else {
      text(alert, 'server.text', { message }); // e.g. the invite code, which has no field of its own
    }
  }
  if (first) {
    if (!alert.textContent) text(alert, 'error.fields');
    first.focus();
  } else if (!alert.textContent) {
    const [key, values] = explain(error, statusKeys);
    text(alert, key, values);
  }
}

/** The catalog key (and values) for an error that is not about one field. */
export function explain(error, statusKeys = {}) {
  if (error.offline) return ['error.offline'];
  if (statusKeys[error.status]) return [statusKeys[error.status]];
  if (error.status === 429 && error.retryAfter) return ['error.429', { seconds: error.retryAfter }];
  if (error.status >= 500 || !error.serverMessage) return ['error.server'];
  return ['server.text', { message: error.serverMessage }];
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error, .form-alert')) {
    delete el.dataset.i18n;
    el.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** Remember that the person typed something, so an update never reloads the page under them. */
export function trackInput(form) {
  form.addEventListener('input', () => {
    form.dataset.dirty = 'true';
  });
  return form;
}

/** True while a form on screen holds typing that has not been sent. */
export function hasUnsavedInput() {
  return [...document.querySelectorAll('form[data-dirty]')].some((form) =>
    [...form.querySelectorAll('input, textarea')].some((input) => (input.type === 'radio'
      ? input.checked !== input.defaultChecked : input.value !== input.defaultValue))
    || [...form.querySelectorAll('select option')].some((option) => option.selected !== option.defaultSelected));
}

function fieldError(input, key, values) {
  input.setAttribute('aria-invalid', 'true');
  text(document.getElementById(`${input.id}-error`), key, values);
}

function alertOf(form) {
  return document.getElementById(`${form.id}-alert`);
}
