// A modal question; the answer comes back as a promise. A native <dialog> traps focus, closes on Escape (as
// "cancel") and gives focus back where it was.
import { t } from '../lib/i18n.js';
import { html, nothing, render } from './screen.js';

/**
 * @typedef {object} Choice one answer to pick before confirming, as radio buttons: legend and labels are catalog
 * keys; value is picked first
 * @property {string} legend
 * @property {Array<[string, string]>} options [value, label key] in the order shown
 * @property {string} value
 */

/**
 * Ask, with title and body (catalog keys, body with values) and the keys of the two buttons; cancel is the
 * default. Resolves true when the person confirmed.
 * @param {{title: string, body: string, values?: object, confirm: string, cancel?: string}} question
 * @returns {Promise<boolean>}
 */
export async function confirmDialog(question) {
  return (await choiceDialog(question)) !== null;
}

/**
 * confirmDialog with a choice to make first (why, for a step that keeps the reason): resolves to the value
 * picked ('' without a choice), or null when the person cancelled.
 * @param {{title: string, body: string, values?: object, confirm: string, cancel?: string, choice?: Choice}} question
 * @returns {Promise<string | null>}
 */
export function choiceDialog({ title, body, values, confirm, cancel = 'dialog.cancel', choice }) {
  const holder = document.createElement('div');
  document.body.append(holder);
  render(html`<dialog class="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-body">
    <h2 id="dialog-title">${t(title, values)}</h2>
    <p id="dialog-body">${t(body, values)}</p>
    ${choice ? html`<fieldset class="choices dialog-choice">
      <legend>${t(choice.legend)}</legend>
      ${choice.options.map(([value, label]) => html`<label class="choice"><input type="radio" name="dialog-choice"
        value=${value} .checked=${value === choice.value}>${t(label)}</label>`)}
    </fieldset>` : nothing}
    <div class="dialog-buttons">
      <button type="button" class="button secondary" data-answer="cancel"
        @click=${(/** @type {Event} */ event) => closest(event).close('cancel')}>${t(cancel)}</button>
      <button type="button" class="button danger" data-answer="confirm"
        @click=${(/** @type {Event} */ event) => closest(event).close('confirm')}>${t(confirm)}</button>
    </div>
  </dialog>`, holder);
  const dialog = /** @type {HTMLDialogElement} */ (holder.querySelector('dialog'));
  const answer = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const picked = /** @type {HTMLInputElement | null} */ (dialog.querySelector('[name="dialog-choice"]:checked'));
      resolve(dialog.returnValue === 'confirm' ? picked?.value ?? '' : null);
      holder.remove();
    }, { once: true });
  });
  dialog.showModal();
  /** @type {HTMLElement} */ (dialog.querySelector('[data-answer="cancel"]')).focus();
  return answer;
}

/** @param {Event} event */
function closest(event) {
  return /** @type {HTMLDialogElement} */ (/** @type {Element} */ (event.currentTarget).closest('dialog'));
}
