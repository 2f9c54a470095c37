// A tiny element builder, so screens are plain functions with no HTML strings (nothing to escape, nothing inline).
import { text } from '../lib/i18n.js';

/**
 * h('button', {type: 'submit', i18n: 'signin.submit', onclick}, ...children).
 * i18n (with values) sets translated text that follows language changes; on* attributes add listeners;
 * true sets an empty attribute, false and null leave it out. An element with i18n owns its whole text: give it no
 * children, and change it later with text() rather than replaceChildren().
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  const { i18n, values, ...rest } = attrs;
  for (const [name, value] of Object.entries(rest)) {
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value != null) el.setAttribute(name, value);
  }
  if (i18n) text(el, i18n, values);
  el.append(...children.flat().filter((child) => child != null && child !== false));
  return el;
}
