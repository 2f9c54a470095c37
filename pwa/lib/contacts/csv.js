// Read the names, phone numbers and e-mail addresses out of a contacts CSV export from Google Contacts or Outlook.
// Pure: bytes in, contacts out, in the same shape as parseVCards:
//
// parseContactsCsv(bytes) -> [{name, phones: [{value, type}], emails: [{value, type}]}], one entry per row.
//
// Layouts (told apart by the header row; names are matched trimmed and case-insensitively):
// - Google: `E-mail N - Value` / `Phone N - Value` columns, each with a `- Label` (current export) or `- Type` (the
//   older one) column. One cell can hold several values joined by " ::: "; each becomes its own entry with the
//   cell's type. The name is `Name` (older export) or "First Middle Last" (`First Name`, `Middle Name`, `Last Name`;
//   older: `Given Name`, `Additional Name`, `Family Name`), else `File As`, else the organization.
// - Outlook: `E-mail Address`, `E-mail 2 Address`, `E-mail 3 Address` and one column per kind of phone (`Mobile Phone`,
//   `Home Phone`, `Business Phone`, ... see PHONE_COLUMNS). The name is "First Middle Last", else `Company`. An
//   address whose `E-mail Type` is EX is an Exchange directory path, not an e-mail address, and is skipped.
// The name falls back to the first e-mail address. Rows without any name, phone or e-mail are skipped; values are
// trimmed and otherwise kept as written, and a (value, type) pair repeated within one row is kept once; a phone cell
// that holds no number at all ("n/a", "mobile") is not a phone. A file with no rows, another layout, and a quote left
// open (which would swallow the rest of the file) throw a ContactsFileError: empty, csvLayout (with the first header
// cells) and csvQuote (with the row).
//
// Bytes are read as UTF-8 (a BOM is dropped), as UTF-16 when they start with its BOM (the older Google export), and
// in the Windows code page guessed from the whole file when they are not valid UTF-8 (Outlook writes the Windows
// "ANSI" code page: windows-1252, or windows-1250 on a Polish or Czech Windows; see encoding.js).
import Papa from 'papaparse';
import { decodeUtf8OrLegacy } from './encoding.js';
import { ContactsFileError } from './errors.js';
import { isPhoneNumber } from './normalize.js';

/** Outlook's phone columns and the type word each gives, the same words as parseVCards uses. */
const PHONE_COLUMNS = new Map(Object.entries({
  'mobile phone': 'cell',
  'primary phone': 'main',
  'home phone': 'home',
  'home phone 2': 'home',
  'business phone': 'work',
  'business phone 2': 'work',
  'company main phone': 'main',
  'other phone': 'other',
  pager: 'pager',
  'home fax': 'fax',
  'business fax': 'fax',
  'other fax': 'fax',
  "assistant's phone": 'assistant',
  callback: 'callback',
  'car phone': 'car',
  isdn: 'isdn',
  'radio phone': 'radio',
  'tty/tdd phone': 'textphone',
  telex: 'telex',
}));
const OUTLOOK_EMAILS = ['e-mail address', 'e-mail 2 address', 'e-mail 3 address'];

/** Google's labels, after dropping the "* " that marks the primary one; anything else is kept, lowercased. */
const GOOGLE_LABELS = new Map(Object.entries({
  mobile: 'cell', 'home fax': 'fax', 'work fax': 'fax', 'other fax': 'fax', grand_central: 'google voice',
}));

const GOOGLE_VALUE = /^(e-mail|phone) (\d+) - value$/;

/** How many header cells an unknown layout's error shows. */
const SHOWN_COLUMNS = 6;

export function parseContactsCsv(bytes) {
  const { data, errors } = Papa.parse(decode(bytes), {
    skipEmptyLines: 'greedy',
    delimitersToGuess: [',', ';', '\t'], // Outlook in a locale with a decimal comma writes ';'
  });
  const unclosed = errors.find((e) => e.code === 'MissingQuotes');
  if (unclosed) throw new ContactsFileError('csvQuote', { row: unclosed.row + 1 });
  if (!data.length) throw new ContactsFileError('empty');
  const header = data[0].map((h) => h.trim().toLowerCase());
  const column = (name) => header.indexOf(name);
  const read = isGoogle(header) ? googleReader(header, column) : isOutlook(header) ? outlookReader(column) : null;
  if (!read) {
    const columns = data[0].map((h) => h.trim().slice(0, 40)).filter(Boolean).slice(0, SHOWN_COLUMNS);
    throw new ContactsFileError('csvLayout', { columns });
  }
  const contacts = [];
  for (const row of data.slice(1)) {
    const cell = (index) => (index >= 0 && index < row.length ? row[index].trim() : '');
    const { names, phones, emails } = read(cell);
    const name = names.find(Boolean) || emails[0]?.value || '';
    const numbers = phones.filter(({ value }) => isPhoneNumber(value));
    if (name || numbers.length || emails.length) {
      contacts.push({ name, phones: unique(numbers), emails: unique(emails) });
    }
  }
  return contacts;
}

function decode(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return decodeUtf8OrLegacy(bom ? bytes.subarray(3) : bytes);
}

function isGoogle(header) {
  return header.some((h) => GOOGLE_VALUE.test(h));
}

function isOutlook(header) {
  return header.some((h) => OUTLOOK_EMAILS.includes(h) || PHONE_COLUMNS.has(h));
}

function googleReader(header, column) {
  const fields = [];
  header.forEach((h, index) => {
    const match = GOOGLE_VALUE.exec(h);
    if (!match) return;
    const [, kind, n] = match;
    const label = Math.max(column(`${kind} ${n} - label`), column(`${kind} ${n} - type`));
    fields.push({ kind, value: index, label });
  });
  const given = ['first name', 'given name'].map(column);
  const middle = ['middle name', 'additional name'].map(column);
  const family = ['last name', 'family name'].map(column);
  const either = (cell, indexes) => indexes.map(cell).find(Boolean) ?? '';
  return (cell) => {
    const phones = [];
    const emails = [];
    for (const { kind, value, label } of fields) {
      const type = googleType(cell(label));
      for (const part of cell(value).split(' ::: ')) {
        if (part.trim()) (kind === 'phone' ? phones : emails).push({ value: part.trim(), type });
      }
    }
    const composed = [either(cell, given), either(cell, middle), either(cell, family)].filter(Boolean).join(' ');
    const names = [cell(column('name')), composed, cell(column('file as')), cell(column('organization name')),
      cell(column('organization 1 - name'))];
    return { names, phones, emails };
  };
}

/** A Google label as one lowercase word: "* Mobile" is 'cell', "Work Fax" is 'fax', a custom label is kept. */
export function googleType(label) {
  const word = label.replace(/^\*\s*/, '').trim().toLowerCase();
  return GOOGLE_LABELS.get(word) ?? (word || 'other');
}

function outlookReader(column) {
  const phoneColumns = [...PHONE_COLUMNS].map(([name, type]) => ({ index: column(name), type }))
    .filter(({ index }) => index >= 0)
    .sort((a, b) => a.index - b.index); // in the file's column order
  const emailColumns = OUTLOOK_EMAILS
    .map((name) => ({ index: column(name), kind: column(name.replace('address', 'type')) })) // E-mail 2 Type
    .filter(({ index }) => index >= 0);
  const nameColumns = ['first name', 'middle name', 'last name'].map(column);
  return (cell) => {
    const phones = phoneColumns.map(({ index, type }) => ({ value: cell(index), type })).filter((p) => p.value);
    const emails = emailColumns.filter(({ kind }) => cell(kind).toUpperCase() !== 'EX')
      .map(({ index }) => ({ value: cell(index), type: 'other' })).filter((e) => e.value);
    const names = [nameColumns.map(cell).filter(Boolean).join(' '), cell(column('company'))];
    return { names, phones, emails };
  };
}

function unique(entries) {
  const seen = new Set();
  return entries.filter(({ value, type }) => {
    const key = `${type}\u0000${value}`;
    return !seen.has(key) && seen.add(key);
  });
}
