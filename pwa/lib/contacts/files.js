// One entry point for a file the volunteer picked: a vCard (.vcf) or a Google Contacts / Outlook CSV export.
import { parseContactsCsv } from './csv.js';
import { loadDetectorFor } from './encoding.js';
import { ContactsFileError } from './errors.js';
import { parseVCards } from './vcard.js';

export { CODES, ContactsFileError } from './errors.js';

/**
 * The contacts in a picked file, as [{name, phones: [{value, type}], emails: [{value, type}]}]. A file that starts
 * with BEGIN:VCARD is a vCard whatever its name; otherwise .vcf/.vcard means vCard and anything else is read as CSV.
 * Whatever is wrong with the file is thrown as a ContactsFileError, whose code names the message that tells the
 * volunteer (contacts.error.<code>): a picture, PDF, archive or other binary file is notContacts, a file with
 * nothing in it is empty, and the vCard and CSV readers add their own.
 */
export function parseContactsFile(name, bytes) {
  if (isBlank(bytes)) throw new ContactsFileError('empty');
  const kind = binaryKind(name ?? '', bytes);
  if (kind) throw new ContactsFileError('notContacts', { kind });
  if (looksLikeVCard(bytes) || /\.(vcf|vcard)$/i.test(name ?? '')) return parseVCards(bytes);
  return parseContactsCsv(bytes);
}

/** parseContactsFile, with the encoding detector loaded first when the file may need it (encoding.js). */
export async function readContactsFile(name, bytes) {
  await loadDetectorFor(bytes);
  return parseContactsFile(name, bytes);
}

/** No bytes, or past a BOM only spaces, tabs, line breaks and (UTF-16's) zero bytes. */
function isBlank(bytes) {
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3
    : startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]) ? 2 : 0;
  return bytes.subarray(bom).every((b) => b === 0 || b === 0x20 || (b >= 0x09 && b <= 0x0d));
}

/** The first text, past a BOM, blank lines and UTF-16's zero bytes, is BEGIN:VCARD. */
function looksLikeVCard(bytes) {
  let text = '';
  for (let j = 0; j < bytes.length && text.length < 11; j++) {
    const b = bytes[j];
    if (b === 0 || b >= 0x80) continue; // UTF-16's high bytes, BOMs
    if (text || b > 0x20) text += String.fromCharCode(b);
  }
  return text.toUpperCase() === 'BEGIN:VCARD';
}

// how files that are not text start ("magic numbers"), and what the volunteer is told they are
const SIGNATURES = [
  ['image', [0x89, 0x50, 0x4e, 0x47]], // PNG
  ['image', [0xff, 0xd8, 0xff]], // JPEG
  ['image', 'GIF8'],
  ['image', [0x49, 0x49, 0x2a, 0x00]], // TIFF, little-endian
  ['image', [0x4d, 0x4d, 0x00, 0x2a]], // TIFF, big-endian
  ['pdf', '%PDF-'],
  ['archive', [0x50, 0x4b, 0x03, 0x04]], // zip, and so .xlsx, .ods, .numbers, .docx
  ['archive', [0x50, 0x4b, 0x05, 0x06]], // an empty zip
  ['archive', [0x1f, 0x8b]], // gzip
  ['archive', [0x37, 0x7a, 0xbc, 0xaf]], // 7z
  ['archive', 'Rar!'],
  ['other', [0xd0, 0xcf, 0x11, 0xe0]], // an old Office file: .xls, .doc, .msg
];
const SPREADSHEET = /\.(xlsx|xlsm|xls|ods|numbers)$/i;
// ISO-BMFF (HEIC, AVIF, MP4 ...) has its type at byte 4; these brands are pictures
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);
// in text, no control characters but tab, line breaks, form feed, Ctrl-Z (DOS end of file) and ESC (ISO-2022-JP)
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b]);
const SNIFFED = 4096;

/** What a file that cannot be a contacts export is (one of KINDS in errors.js), or null when it may be text. */
function binaryKind(name, bytes) {
  for (const [kind, signature] of SIGNATURES) {
    if (startsWith(bytes, signature)) return kind === 'archive' || kind === 'other' ? officeKind(name, kind) : kind;
  }
  if (startsWith(bytes, 'ftyp', 4)) return IMAGE_BRANDS.has(ascii(bytes.subarray(8, 12))) ? 'image' : 'other';
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return 'image';
  if (isUtf16(bytes)) return null;
  // control characters, more than one and more than one in a hundred: a stray one in a note is not a binary file
  const head = bytes.subarray(0, SNIFFED);
  const controls = head.reduce((n, b) => n + (b < 0x20 && !TEXT_CONTROLS.has(b)), 0);
  return controls > 1 && controls * 100 > head.length ? 'other' : null;
}

/** A zip or an old Office file named like a spreadsheet is a spreadsheet. */
function officeKind(name, kind) {
  return SPREADSHEET.test(name) ? 'spreadsheet' : kind;
}

/** UTF-16 as vcard.js reads it: a BOM, or ASCII with every other byte zero. */
function isUtf16(bytes) {
  const [a, b] = bytes;
  return (a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff) || (a === 0) !== (b === 0);
}

function startsWith(bytes, signature, at = 0) {
  const expected = typeof signature === 'string' ? [...signature].map((c) => c.charCodeAt(0)) : signature;
  return bytes.length >= at + expected.length && expected.every((b, k) => bytes[at + k] === b);
}

function ascii(bytes) {
  return String.fromCharCode(...bytes);
}
