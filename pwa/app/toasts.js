// Short messages at the bottom of the screen, in the #toasts live region. After svgomg's ui/toasts.js:
// a toast owns its container, and the person's choice comes back as a promise (toast.answer).
import { h } from './dom.js';

export class Toasts {
  constructor(container) {
    this.container = container;
    this.shown = new Map(); // key → toast: the same message again replaces it rather than piling up
  }

  /**
   * Show a translated message. buttons are names with a 'toast.<name>' label; answer resolves with the one
   * pressed, or 'timeout' after duration ms (0 keeps it until a button is pressed).
   */
  show(key, { values, buttons = [], duration = 0 } = {}) {
    this.shown.get(key)?.hide();
    const toast = new Toast(key, values, buttons, duration);
    this.shown.set(key, toast);
    this.container.append(toast.container);
    toast.answer.then(() => {
      toast.hide();
      if (this.shown.get(key) === toast) this.shown.delete(key);
    });
    return toast;
  }
}

class Toast {
  constructor(key, values, buttons, duration) {
    let resolve;
    this.answer = new Promise((r) => {
      resolve = r;
    });
    this.container = h('div', { class: 'toast' },
      h('p', { i18n: key, values }),
      buttons.length ? h('div', { class: 'toast-buttons' },
        buttons.map((name) => h('button', { type: 'button', class: 'button secondary', 'data-answer': name,
          i18n: `toast.${name}`, onclick: () => resolve(name) }))) : null);
    if (duration) setTimeout(() => resolve('timeout'), duration);
  }

  hide() {
    this.container.remove();
  }
}
