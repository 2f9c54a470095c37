// Words and dates in the person's language. Text set through text() follows later language changes by itself,
// so switching language never re-renders a screen and never loses what someone has typed.
import en from './messages/en.js';
import es from './messages/es.js';

const CATALOGS = { en, es };
export const LANGUAGES = Object.keys(CATALOGS);
const STORAGE_KEY = 'kin.language';

let current = 'en';
/** Named values of each translated element, kept off the DOM so they can be any type (dates too). */
const bound = new WeakMap();
const listeners = new Set();

/** The language the person chose on this device, or null if they never chose. */
export function savedLanguage() {
  const saved = safeStorage(() => localStorage.getItem(STORAGE_KEY));
  return LANGUAGES.includes(saved) ? saved : null;
}

/** The language to start in: the saved choice, else the browser's if we have it, else English. */
export function initialLanguage() {
  return savedLanguage() ?? (navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en');
}

export function language() {
  return current;
}

/**
 * The text for key in the current language; English stands in for a missing translation.
 * A value may be a function, called each time, so dates and role names follow the language too.
 */
export function t(key, values = {}) {
  const message = CATALOGS[current][key] ?? en[key];
  if (message === undefined) return key;
  if (typeof message !== 'function') return message;
  const resolved = {};
  for (const [name, value] of Object.entries(values)) resolved[name] = typeof value === 'function' ? value() : value;
  return message(resolved);
}

/** Set el's text to a translation, and keep it translated when the language changes. */
export function text(el, key, values) {
  el.dataset.i18n = key;
  if (values) bound.set(el, values);
  else bound.delete(el);
  el.textContent = t(key, values);
  return el;
}

/** Switch language: <html lang> and every text() element; save it when it is the person's own choice. */
export function setLanguage(lang, { save = true } = {}) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  document.documentElement.lang = lang;
  if (save) safeStorage(() => localStorage.setItem(STORAGE_KEY, lang));
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-i18n]'))) {
    el.textContent = t(el.dataset.i18n, bound.get(el));
  }
  for (const listener of listeners) listener(lang);
}

/** Run fn after each language change (for what text() cannot reach, like the document title). */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A calendar date such as an election day ("2026-11-03"), which has no time zone to shift it. */
export function formatDay(isoDate) {
  return new Intl.DateTimeFormat(current, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(isoDate));
}

/** A moment in time, in the phone's own time zone. */
export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(current, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}

/** localStorage throws in some private modes; the language choice is a nicety, so carry on without it. */
function safeStorage(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}
