// A modal question, after svgomg's toasts: the class owns its container, and the answer comes back as a promise.
// A native <dialog> traps focus, closes on Escape (as "cancel") and gives focus back where it was.
import { h } from './dom.js';

export class Confirm {
  /** title, body (keys, with values for body), and the keys of the two buttons; cancel is the default. */
  constructor({ title, body, values, confirm, cancel = 'dialog.cancel' }) {
    this.container = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-body' },
      h('h2', { id: 'dialog-title', i18n: title, values }),
      h('p', { id: 'dialog-body', i18n: body, values }),
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'button secondary', 'data-answer': 'cancel', i18n: cancel,
          onclick: () => this.container.close('cancel') }),
        h('button', { type: 'button', class: 'button danger', 'data-answer': 'confirm', i18n: confirm,
          onclick: () => this.container.close('confirm') })));
    /** Resolves true when the person confirmed. */
    this.answer = new Promise((resolve) => {
      this.container.addEventListener('close', () => {
        resolve(this.container.returnValue === 'confirm');
        this.container.remove();
      }, { once: true });
    });
  }

  show() {
    document.body.append(this.container);
    this.container.showModal();
    this.container.querySelector('[data-answer="cancel"]').focus();
    return this.answer;
  }
}

/** Ask; resolves true when the person confirmed. */
export function confirmDialog(options) {
  return new Confirm(options).show();
}
