// Forms for synced records, drawn, read and checked from the entity declarations (sync/entities.py, exported to
// constants.gen.js): a field's widget, its choices, its limits and whether it is required all come from there, so
// a new entity needs its declaration and its words in the catalogs, nothing else. The words follow one pattern:
//   fields.<entity>.<field>           the label            fields.<entity>.<field>.hint   a hint under it
//   fields.<entity>.<field>.<value>   a choice's words     fields.<entity>.<field>.none   "not set" (nullable)
import { entities } from '../../lib/constants.gen.js';
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';

const CHIPS_UP_TO = 6; // a choice with more values than this is a <select>
const SEARCH_SHOWS = 8; // a search shows this many answers at most; typing finds the others

/** @param {string} entity @param {string} name */
export function spec(entity, name) {
  const found = entities[entity]?.fields[name];
  if (!found) throw new Error(`${entity} has no field ${name}`);
  return found;
}

/** The words for a field, or for one of its values (value '' or null: "not set"). */
export function fieldText(entity, name, value = undefined) {
  if (value === undefined) return t(`fields.${entity}.${name}`);
  return t(`fields.${entity}.${name}.${value === '' || value === null ? 'none' : value}`);
}

/** The form's value strings of a field's type: what a radio, an option or a checkbox holds. */
function choicesOf(type, options) {
  if (type.kind === 'Choice') return type.values;
  if (type.kind === 'IntRange') return Array.from({ length: type.hi - type.lo + 1 }, (_, i) => String(type.lo + i));
  if (type.kind === 'Bool') return ['true', 'false'];
  return options ?? [];
}

/** The string a form control holds for a stored value. */
function asText(value) {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * One field of entity, drawn from its declaration: chips (radio buttons) for a short choice, a range or a yes/no;
 * a <select> for a long choice or a reference (options: [[value, words]]); checkboxes for a list; a date or
 * date-time input; a text area with the declared length limit. form is a ui/forms.js Form (its errors show under
 * the field); id names the control; value is the stored value to start from; options are a list's values (the
 * campaign's issue tags) or a reference's [value, words]. A reference with search ({text, onInput}, the screen
 * keeps the text) is a search box over its options, each answer a large radio button.
 * @param {import('../../ui/forms.js').Form} form
 * @param {string} entity
 * @param {string} name
 * @param {{id?: string, value?: any, options?: any[], hint?: boolean, widget?: 'select' | 'chips',
 *   disabled?: boolean, search?: {text: string, onInput: (text: string) => void} | null}} [control]
 */
export function entityField(form, entity, name,
  { id, value, options, hint = false, widget, disabled = false, search = null } = {}) {
  const { type, null: nullable } = spec(entity, name);
  const error = form.errors.has(name);
  const describedBy = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ');
  const hintLine = hint ? html`<p id=${`${id}-hint`} class="hint">${t(`fields.${entity}.${name}.hint`)}</p>` : nothing;
  const errorLine = html`<p id=${`${id}-error`} class="field-error">${form.errorText(name)}</p>`;
  const label = fieldText(entity, name);
  const current = asText(value);

  if (type.kind === 'ListOf') {
    const chosen = new Set(value ?? []);
    return html`<fieldset class="field choices" id=${id} aria-describedby=${describedBy}>
      <legend>${label}</legend>${hintLine}
      ${(options ?? []).map((option) => html`<label class="choice"><input type="checkbox" name=${name}
        value=${option} ?checked=${chosen.has(option)}><span>${option}</span></label>`)}
      ${errorLine}
    </fieldset>`;
  }
  const values = choicesOf(type, options?.map(([optionValue]) => optionValue));
  const words = (optionValue) => {
    const given = options?.find(([v]) => v === optionValue);
    if (given) return given[1];
    const text = fieldText(entity, name, optionValue);
    return text.startsWith('fields.') ? optionValue : text; // a number in a range needs no words
  };
  if (type.kind === 'Ref' && search && !disabled) {
    const words = search.text.trim().toLocaleLowerCase();
    const found = options.filter(([, text]) => text.toLocaleLowerCase().includes(words));
    const shown = found.slice(0, SEARCH_SHOWS);
    const chosen = options.find(([optionValue]) => optionValue === current);
    if (chosen && !shown.includes(chosen)) shown.unshift(chosen); // what is chosen stays in sight
    return html`<fieldset class="field choices picker" id=${id} aria-describedby=${describedBy}>
      <legend>${label}</legend>
      <input type="search" id=${`${id}-search`} autocomplete="off" aria-label=${t('form.search', { field: label })}
        placeholder=${t('form.search.placeholder')} .value=${search.text}
        @input=${(/** @type {Event} */ event) => search.onInput(/** @type {HTMLInputElement} */ (event.target).value)}>
      ${shown.map(([optionValue, text]) => html`<label class="choice"><input type="radio" name=${name}
        value=${optionValue} ?checked=${optionValue === current} aria-invalid=${error ? 'true' : nothing}><span>${
        text}</span></label>`)}
      ${found.length > shown.length ? html`<p class="hint">${t('form.search.more', { count: found.length - shown.length })}</p>`
        : nothing}
      ${found.length ? nothing : html`<p class="hint">${t('form.search.none')}</p>`}
      ${hintLine}${errorLine}
    </fieldset>`;
  }
  if (type.kind === 'Ref' || (values.length && (widget ?? (values.length > CHIPS_UP_TO ? 'select' : 'chips')) === 'select')) {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} name=${name} aria-describedby=${describedBy} aria-invalid=${error ? 'true' : nothing}
        ?disabled=${disabled}>
        <option value="" ?selected=${current === ''}>${fieldText(entity, name, null)}</option>
        ${values.map((optionValue) => html`<option value=${optionValue} ?selected=${optionValue === current}>${
          words(optionValue)}</option>`)}
      </select>${hintLine}${errorLine}
    </div>`;
  }
  if (values.length) {
    const all = nullable ? [...values, ''] : values;
    return html`<fieldset class="field choices chips" id=${id} aria-describedby=${describedBy}>
      <legend>${label}</legend>${hintLine}
      ${all.map((optionValue) => html`<label class="choice"><input type="radio" name=${name} value=${optionValue}
        ?checked=${optionValue === current} aria-invalid=${error ? 'true' : nothing}><span>${
        words(optionValue)}</span></label>`)}
      ${errorLine}
    </fieldset>`;
  }
  if (type.kind === 'Text') {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <textarea id=${id} name=${name} rows=${type.max_len > 2000 ? 4 : 3} maxlength=${type.max_len}
        aria-describedby=${describedBy} aria-invalid=${error ? 'true' : nothing} .defaultValue=${current}></textarea>
      ${hintLine}${errorLine}
    </div>`;
  }
  const input = { Date: 'date', DateTime: 'datetime-local' }[type.kind];
  if (!input) throw new Error(`no widget for ${entity}.${name} (${type.kind})`);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} name=${name} type=${input} value=${type.kind === 'DateTime' ? localInput(value) : current}
      aria-describedby=${describedBy} aria-invalid=${error ? 'true' : nothing}>
    ${hintLine}${errorLine}
  </div>`;
}

/**
 * The values of entity's fields `names` as the form element holds them, typed as the declaration says: numbers
 * for ranges, booleans, lists, a date-time with the phone's offset, null for "not set" where null is allowed.
 */
export function readEntityForm(element, entity, names) {
  const values = {};
  for (const name of names) {
    const { type, null: nullable } = spec(entity, name);
    if (type.kind === 'ListOf') {
      values[name] = [...element.querySelectorAll(`[name="${name}"]:checked`)].map((box) => box.value);
      continue;
    }
    const control = element.elements.namedItem(name);
    const raw = control && 'value' in control ? control.value : '';
    const text = type.kind === 'Text' ? raw.trim() : raw;
    if (text === '') values[name] = nullable ? null : '';
    else if (type.kind === 'IntRange') values[name] = Number(text);
    else if (type.kind === 'Bool') values[name] = text === 'true';
    else if (type.kind === 'DateTime') values[name] = withOffset(new Date(text));
    else values[name] = text;
  }
  return values;
}

/**
 * What is wrong with values of entity's fields, as the server would say it but in the person's language: a
 * Map field name → [catalog key, values] (empty when all is well).
 */
export function checkEntity(entity, values) {
  const errors = new Map();
  for (const [name, value] of Object.entries(values)) {
    const { type, required, null: nullable } = spec(entity, name);
    const empty = value === null || value === '' || (Array.isArray(value) && !value.length);
    if (empty) {
      if (required || (value === null && !nullable)) errors.set(name, ['error.required']);
      continue;
    }
    if (type.kind === 'Text' && [...value].length > type.max_len) errors.set(name, ['error.tooLong', { max: type.max_len }]);
    else if (type.kind === 'ListOf' && value.length > type.max_items) {
      errors.set(name, ['error.tooMany', { max: type.max_items }]);
    } else if ((type.kind === 'Choice' && !type.values.includes(value))
      || (type.kind === 'IntRange' && !(value >= type.lo && value <= type.hi))
      || ((type.kind === 'Date' || type.kind === 'DateTime') && Number.isNaN(Date.parse(value)))) {
      errors.set(name, ['error.invalid']);
    }
  }
  return errors;
}

/** "2026-11-27T18:04:05-05:00": the moment `date` as the phone's clock and time zone read it. */
export function withOffset(date) {
  const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset < 0 ? '-' : '+'}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** The value of an <input type=datetime-local> for a moment (ISO text or ms), in the phone's time zone. */
export function localInput(moment) {
  return withOffset(new Date(moment ?? Date.now())).slice(0, 16);
}
