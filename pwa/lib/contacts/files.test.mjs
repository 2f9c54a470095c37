// parseContactsFile on files that are not a contacts export, and the words each of its errors gives the volunteer:
// every code it can throw has a message in English and Spanish that reads the same values.
// tests/pwa/test_js_units.py runs this with `node --test`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import en from '../messages/en.js';
import es from '../messages/es.js';
import { KINDS } from './errors.js';
import { CODES, ContactsFileError, parseContactsFile } from './files.js';
import { loadDetector } from './encoding.js';

await loadDetector(); // the app loads it only for a file that needs it (readContactsFile)

const utf8 = (text) => new TextEncoder().encode(text);
const PNG = new Uint8Array(readFileSync(new URL('../../icons/icon-192.png', import.meta.url)));

/** The ContactsFileError parseContactsFile throws for this file, as [code, values]; null when it reads it. */
function refusal(name, bytes) {
  try {
    parseContactsFile(name, bytes);
    return null;
  } catch (error) {
    assert.ok(error instanceof ContactsFileError, error);
    return [error.code, error.values];
  }
}

test('a PNG is not a contacts file, whatever it is named: a picture', () => {
  for (const name of ['icon-192.png', 'contacts.csv', 'contacts.vcf', 'contacts']) {
    assert.deepEqual(refusal(name, PNG), ['notContacts', { kind: 'image' }], name);
  }
});

test('other pictures, PDFs, archives, spreadsheets and binaries are not contacts files, and say what they are', () => {
  const heic = Uint8Array.of(0, 0, 0, 0x18, ...utf8('ftypheic'), 0, 0, 0, 0, ...utf8('mif1heic'));
  const mp4 = Uint8Array.of(0, 0, 0, 0x18, ...utf8('ftypisom'), 0, 0, 2, 0);
  const zip = Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0);
  const ole = Uint8Array.of(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0);
  const elf = Uint8Array.of(0x7f, ...utf8('ELF'), 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0);
  const cases = [
    ['photo.jpg', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...utf8('JFIF')), 'image'],
    ['IMG_0001.HEIC', heic, 'image'],
    ['anim.gif', utf8('GIF89a\u0001\u0000'), 'image'],
    ['sticker.webp', Uint8Array.of(...utf8('RIFF'), 0x24, 0, 0, 0, ...utf8('WEBPVP8 ')), 'image'],
    ['contacts.pdf', utf8('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'), 'pdf'],
    ['contacts.zip', zip, 'archive'],
    ['contacts.vcf.gz', Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), 'archive'],
    ['contacts.xlsx', zip, 'spreadsheet'],
    ['contacts.xls', ole, 'spreadsheet'],
    ['contacts.doc', ole, 'other'],
    ['video.mp4', mp4, 'other'],
    ['a.out', elf, 'other'],
  ];
  for (const [name, bytes, kind] of cases) assert.deepEqual(refusal(name, bytes), ['notContacts', { kind }], name);
});

test('a file with nothing in it is empty', () => {
  for (const bytes of [new Uint8Array(), utf8('\r\n\r\n  \t'), Uint8Array.of(0xef, 0xbb, 0xbf, 0x0a),
    Uint8Array.of(0xff, 0xfe, 0x0a, 0x00)]) {
    for (const name of ['contacts.vcf', 'contacts.csv']) assert.deepEqual(refusal(name, bytes), ['empty', {}]);
  }
});

test('text files are read, not refused as binary: UTF-16, legacy code pages, a stray control character', () => {
  const csv = 'First Name,Mobile Phone,Notes\r\nAna,555-0100,"a stray \u0001 in a note"\r\n';
  const le = new Uint8Array(2 + csv.length * 2);
  le.set([0xff, 0xfe]);
  for (let j = 0; j < csv.length; j++) le[2 + 2 * j] = csv.charCodeAt(j);
  const ana = [{ name: 'Ana', phones: [{ value: '555-0100', type: 'cell' }], emails: [] }];
  assert.deepEqual(parseContactsFile('contacts.csv', le), ana);
  assert.deepEqual(parseContactsFile('contacts.csv', utf8(csv)), ana);
  const latin = Uint8Array.of(...utf8('First Name,Mobile Phone\r\nRen'), 0xe9, ...utf8(',555-0100\r\n'));
  assert.equal(parseContactsFile('contacts.csv', latin)[0].name, 'René');
  const jis = utf8('BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-2022-JP:\u001b$B0BF#\u001b(B\r\nEND:VCARD\r\n');
  assert.equal(parseContactsFile('contacts.vcf', jis)[0].name, '安藤');
});

test('each refusal the reader gives has its code', () => {
  const given = new Set([
    refusal('icon.png', PNG),
    refusal('contacts.csv', new Uint8Array()),
    refusal('contacts.csv', utf8('Full name,Cell\nAna,555-0100\n')),
    refusal('contacts.csv', utf8('First Name,Mobile Phone\n"Ana,555-0100\n')),
    refusal('contacts.vcf', utf8('FN:Ana\n')),
  ].map(([code]) => code));
  assert.deepEqual([...given].sort(), Object.keys(CODES).sort());
  assert.throws(() => new ContactsFileError('noSuchCode'), TypeError);
});

/** The names of the values a message reads (its placeholders), as tests/pwa/test_catalogs.py records them. */
function placeholders(message) {
  if (typeof message !== 'function') return [];
  const seen = new Set();
  try {
    message(new Proxy({}, { get: (_, name) => (seen.add(name), 1) }));
  } catch {
    // what it read before failing on a stand-in value is what we need
  }
  return [...seen].sort();
}

// values of the types the reader gives, one per value name in CODES
const SAMPLE = { kind: 'image', columns: ['Full name', 'Cell', 'Email'], row: 1234 };

test('every code the reader can throw has words in English and Spanish, with the values the reader gives', () => {
  for (const [language, catalog] of Object.entries({ en, es })) {
    for (const [code, names] of Object.entries(CODES)) {
      const key = `contacts.error.${code}`;
      assert.ok(key in catalog, `${language}.js lacks ${key}`);
      assert.deepEqual(placeholders(catalog[key]), [...names].sort(), `${language}.js ${key}`);
      const values = Object.fromEntries(names.map((name) => [name, SAMPLE[name]]));
      const words = typeof catalog[key] === 'function' ? catalog[key](values) : catalog[key];
      assert.doesNotMatch(words, /undefined|\[object|NaN/, `${language}.js ${key}`);
      assert.match(words, /CSV/, `${language}.js ${key} says what to export instead`);
    }
    const row = catalog['contacts.error.csvQuote']({ row: 1234 });
    assert.match(row, /1,234/, 'numbers as en and es-US write them');
    assert.match(catalog['contacts.error.csvLayout']({ columns: SAMPLE.columns }), /Full name.*Cell.*Email/);
    const kinds = KINDS.map((kind) => catalog['contacts.error.notContacts']({ kind }));
    assert.equal(new Set(kinds).size, KINDS.length, `${language}.js names each kind of file in its own words`);
  }
});
