// parseContactsCsv on the Google and Outlook fixtures (written for this project, see tests/fixtures/SOURCES.md), the
// older Google layout, encodings and a layout it does not know; parseContactsFile's choice between vCard and CSV.
// tests/pwa/test_js_units.py runs this with `node --test`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { googleType, parseContactsCsv } from './csv.js';
import { ContactsFileError, parseContactsFile } from './files.js';
import { loadDetector } from './encoding.js';

await loadDetector(); // the app loads it only for a file that needs it (readContactsFile)

const FIXTURES = new URL('../../../tests/fixtures/', import.meta.url);

function fixture(path) {
  return new Uint8Array(readFileSync(new URL(path, FIXTURES)));
}

function contact(name, phones = [], emails = []) {
  const pairs = (list) => list.map(([value, type]) => ({ value, type }));
  return { name, phones: pairs(phones), emails: pairs(emails) };
}

const utf8 = (text) => new TextEncoder().encode(text);

const GOOGLE = [
  // a ' ::: ' cell gives two numbers of one type; quoted commas and newlines in Notes and the address
  contact('María José García López',
    [['+1 415-555-0132', 'cell'], ['+1 415-555-0199', 'cell'], ['(415) 555-0100', 'home']],
    [['maria.garcia@example.org', 'home']]),
  contact('Darnell Washington',
    [['202-555-0147', 'work'], ['202-555-0148', 'fax'], ['(202) 555-0177', 'google voice']],
    [['darnell.w@example.com', 'work'], ['d.washington@example.com', 'work'], ['dwash@example.net', 'other']]),
  contact('Thị Lan Nguyễn', [['+84 90 555 0123', 'cell']]),
  contact('Riverside Tenants Union', [['(510) 555-0110', 'main']], [['info@riverside-tenants.example.org', 'work']]),
  contact('anon.supporter@example.com', [], [['anon.supporter@example.com', 'other']]),
  // (the row with only Labels and Notes is skipped)
  contact('Ama Owusu', [['+233 30 555 0144', "grandma's landline"], ['+233 20 555 0145', 'cell']],
    [['ama.owusu@example.com', 'other']]),
  contact('Coach Pat', [['(608) 555-0166', 'cell']]),
];

const OUTLOOK = [
  // phones come in the file's column order: Home Phone is before Mobile Phone
  contact('Zoë Ménard', [['617-555-0102', 'home'], ['+1 (617) 555-0175', 'cell']],
    [['zoe.menard@example.org', 'other']]),
  contact('Kwame A. Mensah', [['(617) 555-0199', 'fax'], ['(617) 555-0190', 'work'], ['(617) 555-0191', 'work']],
    [['kwame.mensah@example.com', 'other'], ['kmensah@example.net', 'other']]),
  contact('Dorchester Food Co-op', [['617-555-0120', 'main']]),
  // the EX (Exchange directory) address is not an e-mail address
  contact("Siobhán O'Brien", [['617-555-0133', 'home'], ['+353 1 555 0123', 'other']],
    [['siobhan.obrien@example.ie', 'other']]),
  // (the row with only Outlook's defaults is skipped)
  contact('j.doe.volunteer@example.com', [], [['j.doe.volunteer@example.com', 'other']]),
  contact('Renée M. Côté', [['617-555-0189', 'assistant'], ['617-555-0188', 'pager']]),
];

test('reads a Google Contacts export (First Name / E-mail 1 - Label layout, UTF-8)', () => {
  assert.deepEqual(parseContactsCsv(fixture('contacts/google_contacts_export.csv')), GOOGLE);
});

test('reads an Outlook export in windows-1252, with curly quotes in its notes', () => {
  const bytes = fixture('contacts/outlook_contacts_export.csv');
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)); // it really is not UTF-8
  assert.deepEqual(parseContactsCsv(bytes), OUTLOOK);
});

test('reads the older Google layout (Name / Given Name / E-mail 1 - Type), also as UTF-16 with a BOM', () => {
  const text = 'Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,'
    + 'Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,'
    + 'Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,'
    + 'Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,'
    + 'Phone 2 - Value,Organization 1 - Type,Organization 1 - Name\r\n'
    + 'Lena Fischer,Lena,,Fischer,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,* Home,lena@example.de ::: lena.f@example.de,'
    + 'Mobile,+49 151 5550 1234,Work,+49 30 5550 9876,,\r\n'
    + ',Jo,,Park,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,,,Home Fax,555-0142,,,,\r\n'
    + ',,,,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,,,,,,,Work,Eastside Food Bank\r\n';
  const expected = [
    contact('Lena Fischer', [['+49 151 5550 1234', 'cell'], ['+49 30 5550 9876', 'work']],
      [['lena@example.de', 'home'], ['lena.f@example.de', 'home']]),
    contact('Jo Park', [['555-0142', 'fax']]),
    // a row whose only content is an organization has a name, so it is kept
    contact('Eastside Food Bank'),
  ];
  assert.deepEqual(parseContactsCsv(utf8(text)), expected);
  const utf16 = new Uint8Array(2 + text.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let j = 0; j < text.length; j++) utf16[2 + 2 * j] = text.charCodeAt(j); // all ASCII here
  assert.deepEqual(parseContactsCsv(utf16), expected);
});

test('a UTF-8 BOM is dropped, and a semicolon-delimited Outlook export is read', () => {
  const text = '\uFEFF"First Name";"Last Name";"Mobile Phone";"E-mail Address"\r\n'
    + '"Jürgen";"Weiß";"0171 5550100";""\r\n';
  assert.deepEqual(parseContactsCsv(utf8(text)), [contact('Jürgen Weiß', [['0171 5550100', 'cell']])]);
});

test('a value repeated under the same type within one row is kept once', () => {
  const text = 'First Name,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n'
    + 'Ana,Mobile,555-0100 ::: 555-0100,Home,555-0100\n';
  assert.deepEqual(parseContactsCsv(utf8(text)), [contact('Ana', [['555-0100', 'cell'], ['555-0100', 'home']])]);
});

/** The ContactsFileError with this code and these values. */
function refused(code, values = {}) {
  return (error) => {
    assert.ok(error instanceof ContactsFileError, error);
    assert.deepEqual([error.code, error.values], [code, values]);
    return true;
  };
}

test('an unknown layout is refused with the first columns it has', () => {
  const text = 'Full name,Cell,Email\nAna Lima,555-0100,ana@example.org\n';
  assert.throws(() => parseContactsCsv(utf8(text)), refused('csvLayout', { columns: ['Full name', 'Cell', 'Email'] }));
  const wide = `${Array.from({ length: 9 }, (_, j) => ` Column ${j + 1}`).join(',')},${'x'.repeat(60)}\n`;
  assert.throws(() => parseContactsCsv(utf8(wide)), refused('csvLayout',
    { columns: ['Column 1', 'Column 2', 'Column 3', 'Column 4', 'Column 5', 'Column 6'] }));
  assert.throws(() => parseContactsCsv(new Uint8Array()), refused('empty'));
});

test('an unclosed quote is refused with its row, not a silently swallowed rest of the file', () => {
  const text = 'First Name,Mobile Phone\n"Ana,555-0100\nBo,555-0101\n';
  assert.throws(() => parseContactsCsv(utf8(text)), refused('csvQuote', { row: 2 }));
});

test('a phone cell that holds no number is not a phone', () => {
  const text = '"First Name","Business Phone","Home Phone","Mobile Phone","E-mail Address"\r\n'
    + '"Ana","n/a","home","555-0100",""\r\n"","BusinessPhone","","",""\r\n';
  assert.deepEqual(parseContactsCsv(utf8(text)), [contact('Ana', [['555-0100', 'cell']])]);
});

test('an Outlook export from a Polish or Czech Windows (windows-1250) keeps its names', () => {
  const text = '"First Name","Last Name","Company","Mobile Phone"\r\n"Łukasz","Żółkiewski","Fundacja Świętokrzyska",'
    + '"+48 502 555 789"\r\n"Šárka","Růžičková","Městská knihovna v Plzni","+420 377 555 010"\r\n';
  const windows1250 = new TextDecoder('windows-1250');
  const table = new Map([...Array(256).keys()].map((b) => [windows1250.decode(Uint8Array.of(b)), b]));
  const bytes = Uint8Array.from([...text], (c) => table.get(c));
  assert.deepEqual(parseContactsCsv(bytes), [contact('Łukasz Żółkiewski', [['+48 502 555 789', 'cell']]),
    contact('Šárka Růžičková', [['+420 377 555 010', 'cell']])]);
});

test("Google's labels: the primary marker is dropped and the usual words are used", () => {
  assert.equal(googleType('* Mobile'), 'cell');
  assert.equal(googleType('Work Fax'), 'fax');
  assert.equal(googleType('* Home'), 'home');
  assert.equal(googleType(''), 'other');
  assert.equal(googleType('Tía Rosa'), 'tía rosa');
});

test('parseContactsFile reads a vCard by its content or its name, and anything else as CSV', () => {
  const vcf = fixture('vcards/google_gmail_export_3_contacts.vcf');
  assert.equal(parseContactsFile('contacts.vcf', vcf).length, 3);
  assert.equal(parseContactsFile('export.txt', vcf).length, 3);
  const lowercase = utf8('\uFEFF\r\n\r\nbegin:vcard\r\nfn:Ana\r\nend:vcard\r\n');
  assert.equal(parseContactsFile(undefined, lowercase)[0].name, 'Ana');
  assert.throws(() => parseContactsFile('contacts.vcf', utf8('nothing here')), refused('noCards'));
  assert.deepEqual(parseContactsFile('Contacts.CSV', fixture('contacts/google_contacts_export.csv')), GOOGLE);
  assert.deepEqual(parseContactsFile('contacts', fixture('contacts/outlook_contacts_export.csv')), OUTLOOK);
  assert.throws(() => parseContactsFile('notes.txt', utf8('hello, world\n')),
    refused('csvLayout', { columns: ['hello', 'world'] }));
});
