// The shape of an e-mail address, as the server checks it (server/identifiers.py): something, one @, a domain
// with a dot inside it, no whitespace or control characters. One pass, no backtracking. Light enough for the
// first screen (contacts/normalize.js, which matching uses, loads the phone metadata).
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_IN_EMAIL = /[\s\x00-\x1f\x7f-\x9f]/u;

/** @param {string} value an address as typed, trimmed */
export function looksLikeEmail(value) {
  const at = value.indexOf('@');
  const domain = value.slice(at + 1);
  return at > 0 && !domain.includes('@') && domain.slice(1, -1).includes('.') && !NOT_IN_EMAIL.test(value);
}
