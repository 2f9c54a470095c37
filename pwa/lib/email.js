// The shape of an e-mail address, as the server checks it (server/identifiers.py `_is_address`): something, one @,
// a domain with a dot inside it, and none of what an address cannot hold. One pass, no backtracking. The forms use
// it as typed; contacts/normalize.js on the normalised input (it loads the phone metadata, too heavy for forms).

// Python's whitespace (str.isspace): JS's \s lacks U+001C-U+001F and U+0085, and has U+FEFF (a format character)
export const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
// whitespace, control characters, lone surrogates, and what only a quoted local part or a bracketed domain may hold
const NOT_IN_EMAIL = new RegExp(`[${SPACE}\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff()<>[\\]:;,\\\\"]`, 'u');

/** @param {string} value an address, trimmed */
export function looksLikeEmail(value) {
  const at = value.indexOf('@');
  const domain = value.slice(at + 1);
  return at > 0 && !domain.includes('@') && domain.slice(1, -1).includes('.') && !NOT_IN_EMAIL.test(value);
}
