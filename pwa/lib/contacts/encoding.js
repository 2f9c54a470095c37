// What a contacts file's text is in when nothing says so. Text with a CHARSET is read in it; valid UTF-8 is UTF-8;
// what is left is in the Windows "ANSI" code page of the computer that wrote it (Outlook writes no CHARSET), and that
// differs by country: windows-1252 in Western Europe and the Americas, windows-1250 in Poland, Czechia, Slovakia,
// Hungary, Slovenia and Croatia. Byte F1 is "ñ" in windows-1252 and "ń" in windows-1250; B3 is "³" and "ł".
//
// guessLegacyEncoding() decides once per file, from all of that file's undeclared non-UTF-8 text:
// - jschardet (a port of Python's chardet 7) scores the text as windows-1250 and as windows-1252. chardet 2 was
//   measured too, and read only 11 of 24 Polish and 8 of 22 Czech names right (it said ISO-8859-1, Shift_JIS, Big5);
//   jschardet costs about 1.1 MB of the parser's chunk, for a model that knows these code pages.
// - a reading that glues a symbol to a letter ("D¹browska", "£ukasz", "¯ak": Polish read as windows-1252) or holds
//   a C1 control is not a name, so it is dropped when the other reading is clean;
// - windows-1252 stays, as it was before this guess existed, unless windows-1250 scores MARGIN times higher: Spanish
//   shares á é í ó ú with Czech and Hungarian, so on a few names windows-1250 can score a little higher ("Peña"
//   would become "Peńa").
// Measured on made-up names, each as an Outlook card of N and FN only: a file of one card is read right for 62 of
// 70 Polish and Czech names and 59 of 61 Spanish, French, German, Nordic and Portuguese ones; files of three cards,
// 65 of 66 and 55 of 55 (the one: "Piotr Kamiński" beside two names without a letter that differs, as "Kamiñski").
// pwa/lib/contacts/vcard.test.mjs keeps a sample of that measure.
//
// The detector is loaded only for a file that needs it (loadDetectorFor, before parsing): every phone would
// otherwise download it with the app. Where it cannot be loaded (offline, before it was ever fetched), the guess
// is windows-1252, as before it existed.

const WESTERN = 'windows-1252';
const CANDIDATES = ['windows-1250', WESTERN];
const MARGIN = 1.5;
// a C1 control, or a non-ASCII symbol, superscript digit or inverted mark next to a letter
const GARBLED = /[\u0080-\u009f]|\p{L}(?=[^\0-\x7f])[¡¿\p{No}\p{S}]|(?=[^\0-\x7f])[¡¿\p{No}\p{S}]\p{L}/u;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const codes = (chars) => new Set([...chars].map((c) => c.charCodeAt(0)));
const HIGH_NIBBLE = codes('89abcdefABCDEF');
const HEX = codes('0123456789abcdefABCDEF');

/** @type {null | ((bytes: Uint8Array, options: object) => {encoding: string, confidence: number}[])} */
let detectAll = null;

/**
 * Load the detector if these bytes may hold text in an unnamed code page: bytes past ASCII that are not UTF-8,
 * or quoted-printable escapes of such bytes (vCard 2.1). Never rejects: without it, the guess is windows-1252.
 * @param {Uint8Array} bytes
 */
export async function loadDetectorFor(bytes) {
  if (detectAll || !(isLegacyText(bytes) || hasQpHighByte(bytes))) return;
  try {
    await loadDetector();
  } catch {
    // offline before it was ever fetched: windows-1252, as before the detector
  }
}

/** Load the detector whatever the file (tests, which parse synchronously). */
export async function loadDetector() {
  ({ detectAll } = await import('./charset-detector.js'));
}

/** A quoted-printable escape of a byte past ASCII ("=C3", "=f1"), looked for in the bytes without making a string. */
function hasQpHighByte(bytes) {
  for (let j = bytes.indexOf(0x3d); j !== -1 && j + 2 < bytes.length; j = bytes.indexOf(0x3d, j + 1)) {
    if (HIGH_NIBBLE.has(bytes[j + 1]) && HEX.has(bytes[j + 2])) return true;
  }
  return false;
}

/** Bytes past ASCII that are not UTF-8: text that may be in a Windows code page. */
export function isLegacyText(bytes) {
  return hasHighByte(bytes) && !isUtf8(bytes);
}

export function hasHighByte(bytes) {
  for (let j = 0; j < bytes.length; j++) if (bytes[j] > 0x7f) return true;
  return false;
}

export function isUtf8(bytes) {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The code page that all of a file's undeclared, non-UTF-8 text (`sample`, bytes) is in, as a TextDecoder label. */
export function guessLegacyEncoding(sample) {
  if (!hasHighByte(sample) || !detectAll) return WESTERN;
  const scores = detectAll(sample, { detectEncodings: CANDIDATES, minimumThreshold: 0 });
  const readings = CANDIDATES.map((encoding) => ({
    encoding,
    confidence: scores.find((s) => s.encoding.toLowerCase() === encoding)?.confidence ?? 0,
  }));
  const clean = readings.filter(({ encoding }) => !GARBLED.test(decodeLegacy(sample, encoding)));
  const pool = clean.length ? clean : readings;
  const best = pool.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  const western = pool.find(({ encoding }) => encoding === WESTERN);
  return western && best.confidence <= MARGIN * western.confidence ? WESTERN : best.encoding;
}

/** Bytes in a code page guessLegacyEncoding() can give; it never fails. */
export function decodeLegacy(bytes, encoding) {
  return encoding === WESTERN ? decodeWindows1252(bytes) : new TextDecoder(encoding).decode(bytes);
}

/** A whole file's bytes as UTF-8 when they are valid UTF-8, else in the code page guessed from all of them. */
export function decodeUtf8OrLegacy(bytes) {
  return isUtf8(bytes) ? utf8.decode(bytes) : decodeLegacy(bytes, guessLegacyEncoding(bytes));
}

// windows-1252's characters for 0x80..0x9F; every other byte is the code point of the same number
const CP1252 = [0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d,
  0x17e, 0x178];

/**
 * windows-1252 as the WHATWG Encoding Standard defines it (ASCII is a subset); it never fails. Node 20 decodes
 * windows-1252 (and so latin1, us-ascii) as ISO-8859-1: nodejs/node#56542.
 */
export function decodeWindows1252(bytes) {
  let text = '';
  const chunk = new Uint16Array(Math.min(bytes.length, 8192));
  for (let j = 0; j < bytes.length; j += chunk.length) {
    const n = Math.min(chunk.length, bytes.length - j);
    for (let k = 0; k < n; k++) {
      const b = bytes[j + k];
      chunk[k] = b >= 0x80 && b <= 0x9f ? CP1252[b - 0x80] : b;
    }
    text += String.fromCharCode.apply(null, n === chunk.length ? chunk : chunk.subarray(0, n));
  }
  return text;
}
