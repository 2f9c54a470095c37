// Single-key shortcuts for going through a queue (the Review screen's j/k/e/r/f/?), on the whole page. They never
// fire while someone types: in a text field, a text area, a list box or anything editable, a letter is a letter.
// A key with Ctrl, Alt or Meta is the browser's or the screen reader's.

const TYPING = 'textarea, select, [contenteditable]:not([contenteditable="false"]), input:not([type="checkbox"])'
  + ':not([type="radio"]):not([type="button"]):not([type="submit"]):not([type="reset"])';

/** True when a key pressed in target is someone typing, not a shortcut. */
export function isTyping(target) {
  return target instanceof Element && target.closest(TYPING) !== null;
}

/**
 * Call keys[event.key] for each shortcut pressed (and keep the key from doing anything else); returns the function
 * that stops listening (hand it to ctx.watch).
 * @param {Record<string, () => void>} keys
 */
export function listenForShortcuts(keys) {
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
