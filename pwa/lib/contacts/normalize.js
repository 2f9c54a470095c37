// The OPRF input for a contact's phone or e-mail: 'tel:+12025550143' or 'mailto:ana@example.org'.
//
// server/matching/inputs.py does the same for the voter file, and both must give the same bytes for the same number
// or address, or a friend is never found; tests/fixtures/matching/normalization.json holds the cases both sides run,
// and the docstring there gives the reason for each rule. A phone is read like this on both sides:
// - NFKC, invisible format characters out, every decimal digit (Devanagari, Arabic-Indic ...) made ASCII;
// - a leading 'tel:' dropped; a number with a phone-context rejected (a local number we cannot place);
// - the extension or dialling tail cut off at the first 'ext', 'x', '#', ',' (pause) or ';' (wait, URI parameter);
// - what is left may hold only digits, spaces, number punctuation and one '+' before the digits, not followed by 0.
//   So letters are rejected: vanity numbers ("1-800-FLOWERS", which only Python's phonenumbers converts: a business,
//   never a voter's own number) and labels typed into the number ("202 456 1111 (home)", which only
//   libphonenumber-js skips over: rare, as address books keep labels apart);
// - in a region of country code 1, three leading 1s and no '+' ("111 202 456 1111", a typo) are rejected:
//   phonenumbers drops all three, libphonenumber-js two and finds the rest invalid;
// - then libphonenumber-js reads it, in the campaign's region unless it starts with '+', and it must be valid. Its
//   max metadata agrees with phonenumbers.is_valid_number (on all 8,000,000 NANP prefixes, for one); min and mobile
//   metadata do not.
// Whitespace is Python's (str.strip, re's \s), not JS's \s; and characters that Unicode 15.0-17.0 added (Python 3.11
// does not know them) are rejected, so the two runtimes' Unicode tables cannot disagree.
import { SPACE, looksLikeEmail } from '../email.js';
import {
  getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, parsePhoneNumberWithError,
} from 'libphonenumber-js/max';

const FORMAT_CHARS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g; // as server/identifiers.py
// decimal digits, letters with a lowercase and compatibility characters that Unicode 15.0-17.0 added; same in Python
const UNICODE_TOO_NEW = new RegExp(
  '[\\ua7cb\\ua7cc\\ua7ce\\ua7d2\\ua7d4\\ua7da\\ua7dc\\ua7f1\\u1c89'
  + '\\u{10d40}-\\u{10d49}\\u{10d50}-\\u{10d65}\\u{116d0}-\\u{116e3}\\u{11bf0}-\\u{11bf9}\\u{11de0}-\\u{11de9}'
  + '\\u{11f50}-\\u{11f59}\\u{16130}-\\u{16139}\\u{16d70}-\\u{16d79}\\u{16ea0}-\\u{16eb8}\\u{1ccd6}-\\u{1ccf9}'
  + '\\u{1e030}-\\u{1e06d}\\u{1e4f0}-\\u{1e4f9}\\u{1e5f1}-\\u{1e5fa}]', 'u',
);
// Python's whitespace (str.isspace): JS's \s lacks U+001C-U+001F and U+0085, and has U+FEFF (a format character)
const TRIM = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'gu');
const MAX_EMAIL_LENGTH = 320; // code points, as server/identifiers.py counts them
const NON_ASCII_DIGIT = /[^\P{Nd}0-9]/gu;
const IS_DIGIT = /^\p{Nd}$/u;
const TEL_URI = /^tel:/i;
const PHONE_CONTEXT = /;phone-context=/i;
const TAIL = /ext|[x#,;]/i; // "ext" first: "ext. 12" is cut before its "x"
// ASCII digits, spaces, the punctuation both libraries skip inside a number (- . ( ) / [ ] and dashes), and at most
// one +, before the digits and not followed by a 0 ("++1 ...", "+00 64 ..." and "~" they read differently)
const PUNCTUATION = ' \\-.()/[\\]\\u2010-\\u2015\\u2212\\u30fc';
const MAIN_NUMBER = new RegExp(`^[${PUNCTUATION}]*(?:\\+[${PUNCTUATION}]*[1-9])?[0-9${PUNCTUATION}]*$`);
const NANP_ONES = new RegExp(`^(?:[${PUNCTUATION}]*1){3}`); // "1 1 1 202 ...", no +
// what libphonenumber-js says of text that holds no number in any region (INVALID_COUNTRY only means "which region?")
const NO_NUMBER = new Set(['NOT_A_NUMBER', 'TOO_SHORT', 'TOO_LONG']);
const PLAIN_NUMBER = /^\+?[\d ().\-/]+$/; // a leading + and then digits, spaces, ( ) . - /

/** The E.164 input for a phone, read in `region` (e.g. 'US') unless it has a +; null when it is not a valid number. */
export function phoneInput(raw, region) {
  if (!isSupportedCountry(region)) throw new RangeError(`Unknown region ${region}`);
  const main = mainNumber(raw);
  if (main === null || (NANP_ONES.test(main) && getCountryCallingCode(region) === '1')) return null;
  const number = parsePhoneNumberFromString(main, { defaultCountry: region });
  return number?.isValid() ? `tel:${number.number}` : null;
}

/**
 * Whether a value written as a phone holds a number at all, in any region: digits (of any script), which
 * libphonenumber-js can read as a number. "BusinessPhone", "mobile", "business 1" and "§" (placeholders and labels
 * typed into the number field) are not; "555 0100" and "+1-800-MYFAX" are, and phoneInput() decides later, in the
 * campaign's region, whether they are a voter's.
 */
export function isPhoneNumber(raw) {
  const text = raw.normalize('NFKC').replace(FORMAT_CHARS, '').replace(NON_ASCII_DIGIT, digitValue);
  if (!/[0-9]/.test(text)) return false;
  // the common case without libphonenumber (an exception per national number tripled a 5,000-contact import's
  // parse time): digits and dial punctuation only, 7 to 17 digits, is what it would call a number, in every region
  if (PLAIN_NUMBER.test(text)) {
    const digits = text.replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 17) return true;
  }
  try {
    parsePhoneNumberWithError(text);
  } catch (error) {
    return !NO_NUMBER.has(error.message);
  }
  return true;
}

/** The input for an e-mail address (NFKC, no format characters, trimmed, lowercased); null when it is not one. */
export function emailInput(raw) {
  if (codePoints(raw) > 4 * MAX_EMAIL_LENGTH || UNICODE_TOO_NEW.test(raw)) return null;
  const value = raw.normalize('NFKC').replace(FORMAT_CHARS, '').replace(TRIM, '').toLowerCase();
  return codePoints(value) <= MAX_EMAIL_LENGTH && looksLikeEmail(value) ? `mailto:${value}` : null;
}

function codePoints(text) {
  return [...text].length;
}

/** Every input of a contact ({name, phones: [{value, type}], emails: [{value, type}]}), each once, phones first. */
export function contactInputs(contact, region) {
  const inputs = [
    ...(contact.phones ?? []).map(({ value }) => phoneInput(value, region)),
    ...(contact.emails ?? []).map(({ value }) => emailInput(value)),
  ];
  return [...new Set(inputs.filter((input) => input !== null))];
}

/** The number part of `raw` in ASCII digits, or null (see the comment at the top). */
function mainNumber(raw) {
  if (UNICODE_TOO_NEW.test(raw)) return null;
  let text = raw.normalize('NFKC').replace(FORMAT_CHARS, '').replace(NON_ASCII_DIGIT, digitValue).replace(TRIM, '');
  if (PHONE_CONTEXT.test(text)) return null;
  if (TEL_URI.test(text)) text = text.slice(4);
  const tail = text.search(TAIL);
  if (tail !== -1) text = text.slice(0, tail);
  text = text.replace(TRIM, '');
  return text && MAIN_NUMBER.test(text) ? text : null;
}

/** A decimal digit's value: Unicode encodes each script's digits as runs of ten, 0 to 9. */
function digitValue(digit) {
  const code = digit.codePointAt(0);
  let start = code;
  while (IS_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return String((code - start) % 10);
}
