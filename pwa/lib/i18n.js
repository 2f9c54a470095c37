// Words and dates in the person's language. Screens call t() as they draw; a language change tells the listeners
// (the router, the shell, the toasts), which draw again: lit-html patches only the text that changed, so nothing
// typed is lost.
// English is built in (it stands in for any missing word); another language's catalog is a chunk of its own,
// loaded when it is first chosen, so an English reader's first screen does not carry Spanish.
import en from './messages/en.js';

/** @type {Record<string, Record<string, any>>} */
const CATALOGS = { en };
/** @type {Record<string, (() => Promise<Record<string, any>>)[]>} each language's catalog, in parts */
const PARTS = { en: [async () => en], es: [async () => (await import('./messages/es.js')).default] };
const LOADERS = Object.fromEntries(Object.keys(PARTS).map((lang) => [lang, async () => Object.assign({},
  ...await Promise.all(PARTS[lang].map((load) => load())))]));
/** How dates and numbers are written: the US conventions readers here expect (es-US: "5:05 p.m.", "1,500"). */
const LOCALES = { en: 'en-US', es: 'es-US' };
export const LANGUAGES = Object.keys(LOADERS);
const STORAGE_KEY = 'kin.language';

let current = 'en';
let chosen = 0; // the latest setLanguage call: an earlier one whose catalog loads later must not win
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
  const message = CATALOGS[current]?.[key] ?? en[key];
  if (message === undefined) return key;
  if (typeof message !== 'function') return message;
  const resolved = {};
  for (const [name, value] of Object.entries(values)) resolved[name] = typeof value === 'function' ? value() : value;
  return message(resolved);
}

/** Whether the catalogs have words for key (without drawing them: a message may need its values). */
export function hasMessage(key) {
  return key in en;
}

/**
 * Switch language once its catalog is here: <html lang>, then every listener redraws; save it when it is the
 * person's own choice. Resolves when the switch is done.
 */
export async function setLanguage(lang, { save = true } = {}) {
  if (!LANGUAGES.includes(lang)) return;
  const mine = ++chosen;
  await catalogOf(lang);
  if (mine !== chosen) return;
  current = lang;
  document.documentElement.lang = lang;
  if (save) safeStorage(() => localStorage.setItem(STORAGE_KEY, lang));
  for (const listener of listeners) listener(lang);
}

/**
 * Add another page's words (the console's) to the catalogs: English at once, the other languages with their own
 * catalog when it is loaded. Call before the first setLanguage, so the app's own first screen never carries them.
 * @param {Record<string, any>} english
 * @param {Record<string, () => Promise<Record<string, any>>>} others
 */
export function addMessages(english, others) {
  Object.assign(en, english);
  for (const [lang, load] of Object.entries(others)) {
    PARTS[lang].push(load);
    delete CATALOGS[lang]; // loaded without these words: load it again, whole
  }
}

/** Fetch every catalog now (once the first screen is up), so a language change works with no connection. */
export function preloadLanguages() {
  for (const lang of LANGUAGES) catalogOf(lang).catch(() => {});
}

/** A language's words, loaded once. */
async function catalogOf(lang) {
  CATALOGS[lang] ??= await LOADERS[lang]();
  return CATALOGS[lang];
}

/** Run fn after each language change. */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Intl formatters are slow to make and fast to use: one per language and kind, made on first use (a table of a
 * hundred rows made a few hundred of them, 150 ms of a throttled phone's main thread). */
const formatters = new Map();
const FORMATS = {
  list: (locale) => new Intl.ListFormat(locale, { type: 'conjunction' }),
  choices: (locale) => new Intl.ListFormat(locale, { type: 'disjunction' }),
  day: (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
  number: (locale) => new Intl.NumberFormat(locale),
  percent: (locale) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
  dateTime: (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }),
};

/** @template {keyof typeof FORMATS} K @param {K} kind @returns {ReturnType<typeof FORMATS[K]>} */
function formatter(kind) {
  const key = `${current} ${kind}`;
  if (!formatters.has(key)) formatters.set(key, FORMATS[kind](LOCALES[current]));
  return formatters.get(key);
}

/** Names as a sentence lists them: "Ana, Ben and Cleo", "Ana, Ben y Cleo". */
export function formatList(items) {
  return formatter('list').format(items);
}

/** Alternatives as a sentence offers them: "a year, an age or a date", "un año, una edad o una fecha". */
export function formatChoices(items) {
  return formatter('choices').format(items);
}

/** A calendar date such as an election day ("2026-11-03"), which has no time zone to shift it. */
export function formatDay(isoDate) {
  return formatter('day').format(new Date(isoDate));
}

/** A count as readers here write it ("1,500"). */
export function formatNumber(n) {
  return formatter('number').format(n);
}

/** A share from 0 to 1 as a whole percentage ("67%", "67 %"). */
export function formatPercent(share) {
  return formatter('percent').format(share);
}

/** A moment in time, in the phone's own time zone. */
export function formatDateTime(iso) {
  return formatter('dateTime').format(new Date(iso));
}

/** localStorage throws in some private modes; the language choice is a nicety, so carry on without it. */
function safeStorage(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}
