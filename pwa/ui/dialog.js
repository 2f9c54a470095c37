// A modal question; the answer comes back as a promise. A native <dialog> traps focus, closes on Escape (as
// "cancel") and gives focus back where it was.
import { t } from '../lib/i18n.js';
import { html, render } from './screen.js';

/**
 * Ask, with title and body (catalog keys, body with values) and the keys of the two buttons; cancel is the
 * default. Resolves true when the person confirmed.
 * @param {{title: string, body: string, values?: object, confirm: string, cancel?: string}} question
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, body, values, confirm, cancel = 'dialog.cancel' }) {
  const holder = document.createElement('div');
  document.body.append(holder);
  render(html`<dialog class="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-body">
    <h2 id="dialog-title">${t(title, values)}</h2>
    <p id="dialog-body">${t(body, values)}</p>
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
      resolve(dialog.returnValue === 'confirm');
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
