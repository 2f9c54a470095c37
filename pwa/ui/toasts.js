// Short messages at the bottom of the screen, in the #toasts live region. After svgomg's ui/toasts.js: the
// person's choice comes back as a promise (toast.answer); the list is drawn with lit-html, so a language change
// redraws their words.
import { onLanguageChange, t } from '../lib/i18n.js';
import { html, render } from './screen.js';

export class Toasts {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    this.shown = new Map(); // key → toast: the same message again replaces it rather than piling up
    onLanguageChange(() => this.draw());
  }

  /**
   * Show a translated message. buttons are names with a 'toast.<name>' label; answer resolves with the one
   * pressed, or 'timeout' after duration ms (0 keeps it until a button is pressed).
   * @param {string} key
   * @param {{values?: object, buttons?: string[], duration?: number}} [options]
   */
  show(key, { values, buttons = [], duration = 0 } = {}) {
    this.shown.get(key)?.resolve('replaced');
    /** @type {(answer: string) => void} */
    let resolve = () => {};
    const answer = new Promise((r) => {
      resolve = r;
    });
    const toast = { key, values, buttons, answer, resolve, hide: () => resolve('hidden') };
    this.shown.set(key, toast);
    this.draw();
    answer.then(() => {
      if (this.shown.get(key) === toast) this.shown.delete(key);
      this.draw();
    });
    if (duration) setTimeout(() => resolve('timeout'), duration);
    return toast;
  }

  draw() {
    render(html`${[...this.shown.values()].map((toast) => html`<div class="toast">
      <p>${t(toast.key, toast.values)}</p>
      ${toast.buttons.length ? html`<div class="toast-buttons">${toast.buttons.map((name) => html`
        <button type="button" class="button secondary" data-answer=${name}
          @click=${() => toast.resolve(name)}>${t(`toast.${name}`)}</button>`)}</div>` : ''}
    </div>`)}`, this.container);
  }
}
