// The one way to build a screen (docs/architecture.md, "Screens"). A screen is a module under screens/ whose
// default export takes a ScreenContext and returns its view: a function from nothing to a lit-html template,
// called again on every ctx.update(). lit-html patches only the parts whose values changed, so a redraw never
// loses what someone is typing, and text follows a language change by redrawing, not by hand.
//
//   export const title = 'people.title';           // the catalog key of document.title (null: just "Kin")
//   export default function peopleScreen(ctx) {
//     let people = null;                            // state lives in the closure
//     ctx.watch(onRecordsChange(load));              // undone when the person leaves the screen
//     async function load() { people = await ...; ctx.update(); }
//     load();
//     return () => html`<h1 ...>${t('people.title')}</h1>...`;
//   }
import { html, nothing, render } from 'lit-html';
import { Directive, PartType, directive } from 'lit-html/directive.js';
import { noChange } from 'lit-html';

export { html, nothing, render };

/**
 * What a screen gets: its path parameters and query, what the app shares (toasts, sync, navigate, the session
 * callbacks), update() to redraw, and watch()/signal for what must stop when the screen is left.
 */
export class ScreenContext {
  // what main.js hands every screen; the constructor's Object.assign fills them in
  /** @type {import('./toasts.js').Toasts} */ toasts;
  /** @type {import('../lib/sync.js').Sync} */ sync;
  /** @type {(path: string, options?: {replace?: boolean, focus?: boolean}) => Promise<void>} */ navigate;
  /** @type {(session: object) => void} */ onSignedIn;
  /** @type {(session: object, language: string) => void} */ onJoined;
  /** @type {() => void} */ onSignedOut;

  /** @param {{params: string[], query: URLSearchParams, app: object, draw: () => void}} options */
  constructor({ params, query, app, draw }) {
    this.params = params;
    this.query = query;
    Object.assign(this, app);
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.stops = [];
    this.draw = draw;
  }

  /** Redraw the screen from its state; does nothing once the screen was left (a late IndexedDB read, say). */
  update() {
    if (!this.signal.aborted) this.draw();
  }

  /** Keep an unsubscribe function (as onStatus and onRecordsChange return) to call when the screen is left. */
  watch(stop) {
    if (this.signal.aborted) stop();
    else this.stops.push(stop);
    return stop;
  }

  /** The screen is gone: stop listening, and let pending work see signal.aborted. */
  leave() {
    this.controller.abort();
    for (const stop of this.stops.splice(0)) stop();
  }
}

/**
 * `<input ${attrs({type: 'email', required: true})}>`: attributes from an object, for helpers that pass them
 * through (lit-html binds attributes one by one). true sets an empty attribute; false, null and undefined
 * remove it.
 */
export const attrs = directive(class extends Directive {
  constructor(part) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('attrs() belongs inside a tag');
    this.previous = new Set();
  }

  /** @param {Record<string, unknown>} _values */
  render(_values) {
    return noChange;
  }

  update(part, [values]) {
    const element = part.element;
    for (const name of this.previous) if (!(name in values)) element.removeAttribute(name);
    this.previous = new Set(Object.keys(values));
    for (const [name, value] of Object.entries(values)) {
      if (value === false || value == null) element.removeAttribute(name);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    return noChange;
  }
});
