// parseVCards on every file of tests/fixtures/vcards/ (expectations written from reading each raw file), then small
// made-up cards for one quirk each. tests/pwa/test_js_units.py runs this with `node --test`.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { decodeWindows1252 } from './encoding.js';
import { labelType, parseVCards, typeOf } from './vcard.js';
import { loadDetector } from './encoding.js';

await loadDetector(); // the app loads it only for a file that needs it (readContactsFile)

const FIXTURES = new URL('../../../tests/fixtures/vcards/', import.meta.url);

function fixture(name, folder = FIXTURES) {
  return new Uint8Array(readFileSync(new URL(name, folder)));
}

/** A contact as parseVCards returns it, from [value, type] pairs. */
function contact(name, phones = [], emails = []) {
  const pairs = (list) => list.map(([value, type]) => ({ value, type }));
  return { name, phones: pairs(phones), emails: pairs(emails) };
}

function bytes(...parts) {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function card(...lines) {
  return `BEGIN:VCARD\r\n${lines.join('\r\n')}\r\nEND:VCARD\r\n`;
}

const N_ = 'Ñ';

// --- the corpus: one entry per file, every contact's name, phones and e-mails --------------------------------------

const CORPUS = {
  // 2.1; many TELs (VIDEO, bare VOICE); EMAIL;CELL; QP LABEL/NOTE whose soft break is followed by ' to the aid';
  // a PHOTO;ENCODING=BASE64 block that starts on the next line and ends at a blank line before more properties
  'android_v21_complicated_qp_label_photo.vcf': [
    contact('Joe Due',
      [['(111) 555-1212', 'work'], ['(404) 555-1212', 'home'], ['0311111111', 'cell'], ['0322222222', 'video'],
        ['0333333333', 'other']],
      [['forrestgump@walladalla.com', 'other'], ['cell@example.com', 'cell']]),
  ],
  // 2.1 Android: two cards with only an e-mail (the name falls back to it); QP UTF-8 names with soft breaks;
  // the same number as cell, work and fax (kept once per type); a QP ORG whose soft break meets a blank line
  'android_v21_qp_utf8_multi_contacts_crlf.vcf': [
    contact('john.doe@company.com', [], [['john.doe@company.com', 'other']]),
    contact('jane.doe@company.com', [], [['jane.doe@company.com', 'other']]),
    contact(Array(5).fill(N_).join(' '), [['123456789', 'cell']]),
    contact(Array(11).fill(N_).join(' '),
      [['123456', 'cell'], ['234567', 'home'], ['3456789', 'cell'], ['45678901', 'home']]),
    contact(Array(4).fill(N_).join(' '),
      [['123456', 'cell'], ['123456', 'work'], ['123456', 'fax']],
      [['bob@company.com', 'work'], [N_.repeat(14), 'other']]),
    contact(N_.repeat(4), [['55556666', 'cell']], [['henry@company.com', 'other']]),
  ],
  // Shift_JIS names in N only; NEC's custom X- types kept without their prefix; HOME;FAX is a fax; TEL:9 is too
  // short to be a number at all
  'android_v21_shift_jis_3_contacts_nonstandard_tel_types.vcf': [
    contact('安藤ロイド3', [['10', 'nec-hotel'], ['11', 'nec-school'], ['12', 'fax']]),
    contact('安藤ロイド4', [['13', 'modem'], ['14', 'pager'], ['15', 'nec-family'], ['16', 'nec-girl']]),
    contact('安藤ロイド5', [['17', 'nec-boy'], ['18', 'nec-friend'], ['19', 'nec-phs'], ['20', 'nec-restaurant']]),
  ],
  'android_v21_shift_jis_qp_address.vcf': [contact('安藤 ロイド 1')],
  // raw UTF-8; TYPE=x-mobil; a QP FN whose soft breaks split UTF-8 sequences and continue on ' xyz ='; a card
  // with N only ("Given Family"); cards with a name and nothing else are kept
  'android_v21_utf8_qp_x_android_custom_10_contacts.vcf': [
    contact('Mäx Mustermann', [['+49123456789', 'cell']], [['max@mustermann.de', 'other']]),
    contact('Test X-Mobil', [['+49123456789', 'mobil']], [['test-x@email.com', 'other']]),
    contact('John Doe\uC581', [['+49123456789', 'cell']]),
    contact('гор ЗаорсЁкі xyz і', [['+49123456789', 'cell']]),
    contact('XXXXXXXXXX', [['+31 00 0000000', 'other']]),
    contact('Max Mustermann'),
    contact('N Only', [], [['test-x@email.com', 'other']]),
    contact('Only FN', [], [['test-x@email.com', 'other']]),
    contact('The Dollar$'),
    contact('Hola Test'),
  ],
  // TYPE=CELL in 2.1; the PHOTO is one long line followed by a blank line; empty NOTE:
  'blackberry_v21_export_photo.vcf': [contact('John Doe', [['+96123456789', 'cell']])],
  'davx5_ez_vcard_prodid_bday.vcf': [contact('Test-FN')],
  // a group label beats the TYPE list (Useless, @work); TYPE=fax,x-aunt is a fax; vanity number kept as written
  'davx5_vcard4android_allfields_v3.vcf': [
    contact('Ämi Display', [['+49 1234 56788', 'useless'], ['+1-800-MYFAX', 'fax']],
      [['private@example.com', 'home'], ['work@example.com', '@work']]),
  ],
  // bare QUOTED-PRINTABLE parameter; TEL values that are CJK text, no digits: not phones
  'evolution_v21_cjk_qp_bare_qp_param.vcf': [contact('十城目管理大型知座', [], [['weird@weird.com', 'other']])],
  // placeholder TEL values ("business 1", "mobile", "custom") are not phones; item14's label comes 40 lines after
  // its TEL and labels the e-mail of its group too
  'google_carddav_export_photo_impp.vcf': [
    contact('Mr. John 1 Doe Sr.', [],
      [['john.doe@home.com', 'home'], ['doe@work.com', 'work'], ['john@custom.com', 'custom-label']]),
  ],
  'google_gmail_export_3_contacts.vcf': [
    contact('Arnold Smith', [], [['asmithk@gmail.com', 'other']]),
    contact('Chris Beatle', [], [['chrisy55d@yahoo.com', 'other']]),
    contact('Doug White', [], [['dwhite@gmail.com', 'other']]),
  ],
  // the same contact from the Gmail web UI, with the same placeholder TEL values
  'google_gmail_export_all_fields_itemgroups_crlf.vcf': [
    contact('Mr. John 1 Doe Sr.', [],
      [['john.doe@home.com', 'home'], ['doe@work.com', 'work'], ['john@custom.com', 'custom-label']]),
  ],
  // every line ends in CR CR LF; _$!<AssistantPhone>!$_; item1.EMAIL with no label
  'ios5_iphone_export_itemgroups_photo_crlf.vcf': [
    contact('Mr. John Richter James Doe Sr.',
      [['905-555-1234', 'cell'], ['905-666-1234', 'home'], ['905-777-1234', 'work'], ['905-888-1234', 'fax'],
        ['905-999-1234', 'fax'], ['905-111-1234', 'pager'], ['905-222-1234', 'assistant']],
      [['john.doe@ibm.com', 'other']]),
  ],
  'ios613_export_multiline_photo.vcf': [
    contact('Bob Smith', [['(650) 555-1212', 'cell']], [['bob@smithauto.com', 'other']]),
  ],
  'lotus_notes_v3_export_photo.vcf': [
    contact('Mr. Doe John I Johny', [['+1 (212) 204-34456', 'cell'], ['00-1-212-555-7777', 'fax']],
      [['john.doe@ibm.com', 'work'], ['billy_bob@gmail.com', 'work']]),
  ],
  // empty N, FN is the literal "{NAME}"; a custom label on the e-mail
  'macos15_contacts_export_company_photo.vcf': [contact('{NAME}', [], [['name@example.com', 'e-mail']])],
  // undeclared Latin-1 bytes decode as windows-1252 (ö, ß, ü; a TEL that is just '§' is not a phone)
  'macos_addressbook_30_contacts_non_utf8_bytes.vcf': [
    contact('Gwendolina Brown', [], [['Gwendolina.Brown@sap.com', 'work']]),
    contact('Peter Smalholtz', [], [['Peter.Smalholtz@sap.com', 'work']]),
    contact('Kristina Krull', [], [['Kristina.Krull@sap.com', 'work']]),
    contact('Rutger Dreger', [], [['Rutger.Dreger@sap.com', 'work']]),
    contact('Karlsruhe Travel', [], [['Frida.Tocken@karlsruhetravel.com', 'work']]),
    contact('Ulla Bernadotte', [], [['Ullis@yahoo.com', 'work']]),
    contact('Albert Aubrey', [], [['Albert.Aubrey@sap.com', 'work']]),
    contact('Helmut Meyer', [], [['Helmut.Meyer@sap.com', 'work']]),
    contact('Marco Andriotti', [['+44 28 90930084', 'work']], [['Marco.Andriotti@sap.com', 'work']]),
    contact('Ingrid Spaßlund', [], [['Ingrid.Spasslund@nikesport.com', 'work']]),
    contact('Adam Atkins', [], [['Adam.Atkins@sap.com', 'work']]),
    contact('Martin Williams', [['+61 7 3259 9599', 'work']], [['Martin.Williams@sap.com', 'work']]),
    contact('Margit Stern', [['+4978432748392', 'work']]),
    contact('Frederica Fuchs', [], [['Frederica_64@hotmail.com', 'work']]),
    contact('Günther Blümchen', [['+1.650.506.7000', 'work']], [['Guenther.Bluemchen@oracle.com', 'work']]),
    contact('Hans Kohler', [], [['Hans.Kohler@sap.com', 'work']]),
    contact('Fritz Lang', [], [['Fritz.Lang@sap.com', 'work']]),
    contact('Claudia Stern', [['+49(721)123456', 'work'], ['+49(175)1234567', 'cell']],
      [['claudi-1@csc.kth.se', 'work']]),
    contact('Harald Treutiger', [['+94 (0800) 2255337', 'work']], [['Harald.Treutiger@siemens.de', 'work']]),
    contact('Berit Müller', [], [['Berit.Mueller@sap.com', 'work']]),
    contact('Mathilde Wolf', [], [['Mathilde.Wolf@sap.com', 'work']]),
    contact('Dirk Hageman', [['+49(721)847932', 'work'], ['+49(175)9876543', 'cell']],
      [['dirk-1@csc.kth.se', 'work']]),
    contact('Daniel Wimmerman', [], [['Daniel.Wimmerman@sap.com', 'work']]),
    contact('Daniel Kurtz', [], [['Daniel.Kurtz@sap.com', 'work']]),
    contact('Caspar Schnurrbart', [], [['Caspar.Schnurrbart@sap.com', 'work']]),
    contact('Monika Setter', [], [['Monika.Setter@sap.com', 'work']]),
    contact('Heinrich Glans', [], [['Heinrich.Glans@sap.com', 'work']]),
    contact('Ambrosia Fischer', [['+49(721)894763', 'work'], ['+49(175)74632934', 'cell']],
      [['Ambrosia.Fischer@sap.com', 'work']]),
    contact('Markus Sprung', [], [['Markus.Sprung@sap.com', 'work']]),
    contact('Diana Smith', [], [['Diana.Smith@sap.com', 'work']]),
  ],
  // escaped comma in FN; bare AssistantPhone label; PHOTO;BASE64 indented by two spaces; CRLF and LF mixed
  'macos_addressbook_export_photo_mixed_line_endings.vcf': [
    contact('Mr. John Richter,James Doe Sr.',
      [['905-777-1234', 'work'], ['905-666-1234', 'home'], ['905-555-1234', 'cell'], ['905-888-1234', 'fax'],
        ['905-999-1234', 'fax'], ['905-111-1234', 'pager'], ['905-222-1234', 'assistant']],
      [['john.doe@ibm.com', 'work']]),
  ],
  'macosx_10_11_item_adr_without_label.vcf': [contact('Name of Broken Card', [['(111) 111-1111', 'work']])],
  // 4.0 tel: URIs lose the scheme; a folded quoted LABEL parameter before the ADR's colon
  'mixed_versions_v4_and_v21_in_one_file.vcf': [
    contact('Dr. Erika Mustermann', [['+49-221-9999123', 'work'], ['+49-221-1234567', 'home']],
      [['erika@mustermann.de', 'other']]),
    contact('Dr. Erika Mustermann', [['(0221) 9999123', 'work'], ['(0221) 1234567', 'home']],
      [['erika@mustermann.de', 'other']]),
    contact('Dr. Erika Mustermann', [['+49 221 9999123', 'work'], ['+49 221 1234567', 'home']],
      [['erika@mustermann.de', 'other']]),
  ],
  // quoted TYPE="WORK,FAX"; escapes in a TEL value are undone
  'nextcloud_sabre_vobject_escaped_semicolons.vcf': [
    contact('First Last NextCloud',
      [['11111111', 'home'], ['205333', 'cell'], ['205246;;,;', 'fax'], ['222222', 'work']],
      [['home@gmx.de', 'home'], ['work@gmx.de', 'work']]),
  ],
  // QP soft break right after the colon; CELL;WORK is a cell
  'nokia_v21_qp_soft_breaks_each_component.vcf': [
    contact('Michael Brüning', [['+491622433834', 'cell'], ['017623384942', 'cell'], ['+4973117546691', 'work']],
      [['ext-Michael.Bruning@nokia.com', 'work']]),
  ],
  // X-MS-TEL is not a TEL; KEY and PHOTO base64 blocks end at blank lines, EMAIL comes between them
  'outlook2007_v21_qp_note_label_key_base64.vcf': [
    contact('Mr. Michael Angstadt Jr.',
      [['(111) 555-1111', 'work'], ['(111) 555-2222', 'home'], ['(111) 555-4444', 'cell'],
        ['(111) 555-3333', 'fax']],
      [['mike.angstadt@gmail.com', 'other']]),
  ],
  // X-MS-CARDPICTURE blob; trailing whitespace-only line after the last END:VCARD
  'outlook_v21_x_ms_cardpicture_base64.vcf': [
    contact('Antoni Mylka', [['(043) 7245-7234', 'work'], ['0634 272 451', 'cell'], ['(012) 7234-8012', 'fax']],
      [['antoni@amservices.pl', 'other']]),
  ],
  // folds split two-byte Greek characters; VERSION last
  'owncloud_v3_fold_splits_utf8_multibyte_char.vcf': [contact('βγδεαβγδ1'.repeat(11))],
  // the first card has neither N nor FN: ORG is the name
  'phone_v21_qp_multiline_adr_5_contacts_crlf.vcf': [
    contact('Bike Shop'),
    contact('Field after Address broken'),
    contact('Field after Address not broken'),
    contact('Dr. med. Surname Name'),
    contact('Second Doctor'),
  ],
  'sogo_connector_2_contacts_missing_n_and_fn.vcf': [
    contact('test-misses-N-or-FN@example.com', [], [['test-misses-N-or-FN@example.com', 'work']]),
    contact('test-misses-N-or-FN@example1.com', [], [['test-misses-N-or-FN@example1.com', 'work']]),
  ],
  'thunderbird_cardbook_bday_without_year.vcf': [contact('Test bday without year Thunderbird CardBook')],
  // lowercase names, empty fn: (so N gives "Given Additional Family"), empty tel;work: etc. skipped
  'thunderbird_legacy_lowercase_v21_version_last.vcf': [
    contact('Franz M. Branntwein', [['0221 12345678', 'home']], [['franz.m.branntwein@example.com', 'other']]),
  ],
  'thunderbird_mfffab_extension_v3_photo_mixed_endings.vcf': [
    contact('John Doe',
      [['555-555-1111', 'work'], ['555-555-2222', 'home'], ['555-555-5555', 'cell'], ['555-555-3333', 'fax'],
        ['555-555-4444', 'pager']],
      [['doe.john@hotmail.com', 'other'], ['additional-email@company.com', 'other'],
        ['additional-email1@company.com', 'other'], ['additional-email2@company.com', 'other'],
        ['additional-email3@company.com', 'other']]),
  ],
  'v4_sort_as_japanese.vcf': [contact('安藤 ロイド')],
  // AGENT with a plain text value is just a property
  'windows_mobile65_v21_agent_empty_x_props.vcf': [contact('Example')],
  'xing_v21_iso8859_1_charset_params.vcf': [contact('Hans-Peter Mustermann')],
  // a 3.0 value ending in '=' is not quoted-printable; EMAIL: empty is skipped; the TELs are placeholders
  'yahoo_syncevolution_testcases_8_contacts.vcf': [
    contact('parserbug='),
    contact('incomplete'),
    contact('long line'),
    contact('colon'),
    contact('quotation marks'),
    contact('spouse name'),
    contact('charset'),
    contact('John Doe', [],
      [['john.doe@work.com', 'other'], ['john.doe@home.priv', 'other'], ['john.doe@other.world', 'other'],
        ['john.doe@yet.another.world', 'other']]),
  ],
};

test('every file in tests/fixtures/vcards has expectations', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.vcf')).sort();
  assert.equal(files.length, 34);
  assert.deepEqual(files, Object.keys(CORPUS).sort());
});

for (const [file, expected] of Object.entries(CORPUS)) {
  test(`reads ${file}`, () => assert.deepEqual(parseVCards(fixture(file)), expected));
}

// --- one quirk at a time --------------------------------------------------------------------------------------------

test('a UTF-8 byte order mark is dropped, also in front of a second concatenated file', () => {
  const one = card('VERSION:3.0', 'FN:Ana', 'TEL:555 0101');
  const two = card('VERSION:3.0', 'FN:Bo', 'TEL:555 0102');
  assert.deepEqual(parseVCards(bytes([0xef, 0xbb, 0xbf], one, [0xef, 0xbb, 0xbf], two)),
    [contact('Ana', [['555 0101', 'other']]), contact('Bo', [['555 0102', 'other']])]);
});

test('UTF-16 with a byte order mark is read', () => {
  const text = `\uFEFF${card('VERSION:3.0', 'FN:Zoë', 'EMAIL:zoe@example.org')}`;
  const le = new Uint8Array(text.length * 2);
  for (let j = 0; j < text.length; j++) le[2 * j] = text.charCodeAt(j) & 0xff, le[2 * j + 1] = text.charCodeAt(j) >> 8;
  assert.deepEqual(parseVCards(le), [contact('Zoë', [], [['zoe@example.org', 'other']])]);
});

test('CR-only line endings, with a fold and a blank line', () => {
  const text = 'BEGIN:VCARD\rVERSION:3.0\rFN:Ana\r  Lima\r\rTEL;TYPE=CELL:555 0101\rEND:VCARD\r';
  assert.deepEqual(parseVCards(bytes(text)), [contact('Ana Lima', [['555 0101', 'cell']])]);
});

test('a fold that splits a UTF-8 character rejoins its bytes', () => {
  // é is C3 A9: the fold comes between the two bytes
  const data = bytes('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos', [0xc3], '\r\n ', [0xa9], ' Ruiz\r\nEND:VCARD\r\n');
  assert.deepEqual(parseVCards(data), [contact('José Ruiz')]);
});

test('a quoted-printable soft line break that splits a UTF-8 character', () => {
  const text = card('VERSION:2.1', 'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=', '=A9 Ruiz=', ' Jr.');
  assert.deepEqual(parseVCards(bytes(text)), [contact('José Ruiz Jr.')]);
});

test('quoted-printable Shift_JIS, and 7-bit ISO-2022-JP', () => {
  const text = card('VERSION:2.1', 'FN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=88=C0=93=A1');
  const jis = card('VERSION:2.1', 'FN;CHARSET=ISO-2022-JP:\u001b$B0BF#\u001b(B');
  assert.deepEqual(parseVCards(bytes(text, jis)), [contact('安藤'), contact('安藤')]);
});

test('bytes that are not UTF-8 and have no CHARSET are read as windows-1252', () => {
  // E9 is é in Latin-1 and windows-1252, 80 is € only in windows-1252
  const data = bytes('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren', [0xe9], ' ', [0x80], '\r\nEND:VCARD\r\n');
  assert.deepEqual(parseVCards(data), [contact('René €')]);
});

test('a declared CHARSET is used, and falls back when the bytes do not fit it', () => {
  const data = bytes('BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:G', [0xfc], 'nther\r\n',
    'N;CHARSET=UTF-8:M', [0xfc], 'ller;Ute\r\nEND:VCARD\r\n', card('VERSION:2.1', 'N;CHARSET=UTF-8:M\u00fcller;Ute'));
  assert.deepEqual(parseVCards(data), [contact('Günther'), contact('Ute Müller')]);
});

test('a vCard 2.1 base64 photo ends at a blank line and the properties after it are read', () => {
  const text = card('VERSION:2.1', 'N:Okafor;Chidi', 'PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD',
    '    /2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcU', 'FhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj=', '',
    'TEL;CELL:+234 803 000 0000', 'EMAIL;INTERNET:chidi@example.com');
  assert.deepEqual(parseVCards(bytes(text)),
    [contact('Chidi Okafor', [['+234 803 000 0000', 'cell']], [['chidi@example.com', 'other']])]);
});

test('a base64 blob without a blank line ends at the next property', () => {
  const text = card('VERSION:3.0', 'FN:Ana', 'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD', ' /2wBDAAYEB',
    'LOGO;ENCODING=b:iVBORw0KGgo', 'SOUND;ENCODING=b:UklGRg==', 'TEL:555 0101');
  assert.deepEqual(parseVCards(bytes(text)), [contact('Ana', [['555 0101', 'other']])]);
});

test('a card with no name falls back to N, then ORG, then the first e-mail, else ""', () => {
  const data = bytes(
    card('VERSION:3.0', 'FN:', 'N:Silva;Ana;Maria;Dr.;PhD'),
    card('VERSION:3.0', 'ORG:Acme\\, Inc.;Sales'),
    card('VERSION:3.0', 'EMAIL:first@example.com', 'EMAIL:second@example.com'),
    card('VERSION:3.0', 'TEL:555 0100'),
    card('VERSION:3.0', 'NOTE:nothing to go on', 'TEL:', 'EMAIL: '),
  );
  assert.deepEqual(parseVCards(data), [
    contact('Ana Maria Silva'),
    contact('Acme, Inc.'),
    contact('first@example.com', [], [['first@example.com', 'other'], ['second@example.com', 'other']]),
    contact('', [['555 0100', 'other']]),
  ]);
});

test('a vCard 2.1 AGENT card is not mixed into its card nor listed on its own', () => {
  const text = card('VERSION:2.1', 'FN:Boss', 'TEL;WORK:555 0101', 'AGENT:',
    'BEGIN:VCARD', 'VERSION:2.1', 'FN:Assistant', 'TEL;WORK:555 0102', 'END:VCARD', 'EMAIL:boss@example.com');
  assert.deepEqual(parseVCards(bytes(text)),
    [contact('Boss', [['555 0101', 'work']], [['boss@example.com', 'other']])]);
});

test('a vCard 3.0 AGENT card in an escaped value is just a value', () => {
  const text = card('VERSION:3.0', 'FN:Boss', 'AGENT:BEGIN:VCARD\\nFN:Assistant\\nTEL:555 0102\\nEND:VCARD',
    'TEL:555 0101');
  assert.deepEqual(parseVCards(bytes(text)), [contact('Boss', [['555 0101', 'other']])]);
});

test('escaped \\, \\; \\n and \\\\ in 3.0 and 4.0 values', () => {
  const text = card('VERSION:4.0', 'FN:Ana\\, Bo\\; Cy\\\\Di', 'TEL;TYPE=cell:555\\,0100');
  assert.deepEqual(parseVCards(bytes(text)), [contact('Ana, Bo; Cy\\Di', [['555,0100', 'cell']])]);
});

test('TEL;VALUE=uri keeps the number and drops the tel: scheme', () => {
  const text = card('VERSION:4.0', 'FN:Erika', 'TEL;VALUE=uri;TYPE="voice,home":tel:+49-221-1234567',
    'TEL;VALUE=uri;TYPE=cell:TEL:+1-555-555-5555;ext=5555');
  assert.deepEqual(parseVCards(bytes(text)),
    [contact('Erika', [['+49-221-1234567', 'home'], ['+1-555-555-5555;ext=5555', 'cell']])]);
});

test('a number repeated with the same type is kept once; under another type it is kept again', () => {
  const text = card('VERSION:3.0', 'FN:Ana', 'TEL;TYPE=CELL:555 0100', 'TEL;TYPE=cell,voice:555 0100',
    'TEL;TYPE=HOME:555 0100', 'TEL;TYPE=CELL:555-0100', 'EMAIL:a@example.com', 'EMAIL:a@example.com');
  assert.deepEqual(parseVCards(bytes(text)), [contact('Ana',
    [['555 0100', 'cell'], ['555 0100', 'home'], ['555-0100', 'cell']], [['a@example.com', 'other']])]);
});

test('group labels apply within their own card only', () => {
  const data = bytes(card('VERSION:3.0', 'FN:A', 'item1.TEL:555 0101', 'item1.X-ABLabel:_$!<Mobile>!$_'),
    card('VERSION:3.0', 'FN:B', 'item1.TEL;TYPE=HOME:555 0102'));
  assert.deepEqual(parseVCards(data), [contact('A', [['555 0101', 'cell']]), contact('B', [['555 0102', 'home']])]);
});

test('a card missing END:VCARD ends at the next BEGIN:VCARD or at the end of the file', () => {
  const text = 'BEGIN:VCARD\nFN:A\nTEL:555 0101\nBEGIN:VCARD\nFN:B\nTEL:555 0102\n';
  assert.deepEqual(parseVCards(bytes(text)),
    [contact('A', [['555 0101', 'other']]), contact('B', [['555 0102', 'other']])]);
});

test("a quoted-printable value's trailing '=' does not swallow END:VCARD", () => {
  const text = `${card('VERSION:2.1', 'FN:A', 'NOTE;ENCODING=QUOTED-PRINTABLE:broken=')}${card('VERSION:2.1', 'FN:B')}`;
  assert.deepEqual(parseVCards(bytes(text)), [contact('A'), contact('B')]);
});

test('a file without a single card is refused as noCards; cards with nothing to go on give no contacts', () => {
  const noCards = (error) => error.name === 'ContactsFileError' && error.code === 'noCards';
  assert.throws(() => parseVCards(new Uint8Array()), noCards);
  assert.throws(() => parseVCards(bytes('FN:Not in a card\r\nhello\r\n')), noCards);
  assert.deepEqual(parseVCards(bytes(card('VERSION:3.0', 'NOTE:hello'))), []);
});

test('two exports joined without a line break between them stay two people', () => {
  const ana = card('VERSION:3.0', 'FN:Ana', 'TEL:+1 202 555 0101').trimEnd(); // ...END:VCARD, no line break
  const bo = card('VERSION:3.0', 'FN:Bo', 'TEL:+1 202 555 0102');
  const both = [contact('Ana', [['+1 202 555 0101', 'other']]), contact('Bo', [['+1 202 555 0102', 'other']])];
  assert.deepEqual(parseVCards(bytes(ana, bo)), both); // END:VCARDBEGIN:VCARD
  assert.deepEqual(parseVCards(bytes(ana, [0xef, 0xbb, 0xbf], bo)), both); // the second file starts with a BOM
  assert.deepEqual(parseVCards(bytes(ana, ' ', bo)), both);
  assert.deepEqual(parseVCards(bytes(ana.toLowerCase(), bo.toLowerCase())),
    [contact('ana', [['+1 202 555 0101', 'other']]), contact('bo', [['+1 202 555 0102', 'other']])]);
  assert.deepEqual(parseVCards(bytes(ana.replaceAll('\r\n', '\n'), bo.replaceAll('\r\n', '\n'))), both);
  // a quoted-printable value's soft line break does not swallow the joined line either
  const note = card('VERSION:2.1', 'FN:Ana', 'TEL:+1 202 555 0101', 'NOTE;ENCODING=QUOTED-PRINTABLE:hi=').trimEnd();
  assert.deepEqual(parseVCards(bytes(note, bo)), both);
  // END:VCARD followed by something else on its line is left as it was
  assert.deepEqual(parseVCards(bytes(ana, 'X-JUNK:1\r\n', bo)), both);
});

test('a TEL that holds no number is not a phone: a label or placeholder typed into the field', () => {
  const text = card('VERSION:3.0', 'FN:Ana', 'TEL;TYPE=WORK:BusinessPhone', 'TEL;TYPE=HOME:home', 'TEL:§',
    'TEL;TYPE=CELL:mobile 1', 'TEL;TYPE=CELL:555 0100', 'TEL;TYPE=WORK:+1-800-MYFAX',
    'TEL;TYPE=HOME:\u0968\u0966\u0968 \u096a\u096b\u096c \u0967\u0967\u0967\u0967');
  assert.deepEqual(parseVCards(bytes(text)), [contact('Ana', [['555 0100', 'cell'], ['+1-800-MYFAX', 'work'],
    ['\u0968\u0966\u0968 \u096a\u096b\u096c \u0967\u0967\u0967\u0967', 'home']])]);
  // a card whose only TEL is a word has nothing to go on
  assert.deepEqual(parseVCards(bytes(card('VERSION:3.0', 'TEL;TYPE=WORK:BusinessPhone'))), []);
});

// --- text with no CHARSET that is not UTF-8 -------------------------------------------------------------------------

const WINDOWS_1250 = new URL('../../../tests/fixtures/contacts/', import.meta.url);

test('Polish and Czech names from an Outlook in windows-1250, with no CHARSET, come out exact', () => {
  const file = fixture('outlook_v21_windows1250_polish_czech.vcf', WINDOWS_1250);
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(file)); // it really is not UTF-8
  assert.deepEqual(parseVCards(file), [
    contact('Małgorzata Wiśniewska', [['(22) 555 01 23', 'work'], ['+48 601 555 012', 'cell']],
      [['m.wisniewska@example.pl', 'other']]),
    contact('Grzegorz Brzęczyszczykiewicz', [['+48 12 555 04 56', 'home']]),
    contact('Łukasz Żółkiewski', [['+48 502 555 789', 'cell']], [['lukasz.z@example.pl', 'other']]),
    contact('Agnieszka Dąbrowska-Kamińska', [['+48 61 555 33 21', 'work']]),
    contact('Jiří Dvořák', [['+420 601 555 123', 'cell']], [['jiri.dvorak@example.cz', 'other']]),
    contact('Šárka Růžičková', [['+420 377 555 010', 'work']]),
    contact('Zdeněk Šťastný', [['+420 545 555 678', 'home']]),
    contact('Tomáš Černý', [['+420 731 555 246', 'cell']], [['tomas.cerny@example.cz', 'other']]),
  ]);
});

/** Text in a single-byte code page, from the runtime's decoder for it. */
function encoder(decode) {
  const table = new Map();
  for (let b = 255; b >= 0; b--) table.set(decode(Uint8Array.of(b)), b);
  return (text) => Uint8Array.from([...text], (c) => table.get(c));
}
const inWindows1250 = encoder((b) => new TextDecoder('windows-1250').decode(b));
const inWindows1252 = encoder(decodeWindows1252);

/** An Outlook card (N and FN, nothing else) for each name, in one file. */
function outlookCards(names) {
  return names.map((name) => {
    const [given, ...family] = name.split(' ');
    return card('VERSION:2.1', `N:${family.join(' ')};${given}`, `FN:${name}`);
  }).join('');
}

// made-up people with the letters where windows-1250 and windows-1252 differ (ł ą ż ś ř ě č ť ñ è à ø ...)
const POLISH = ['Paweł Kamiński', 'Zofia Dąbrowska', 'Wojciech Woźniak', 'Jadwiga Żak', 'Agnieszka Szymańska',
  'Mirosław Wróbel', 'Elżbieta Kozłowska', 'Jędrzej Śliwa', 'Joanna Świątek'];
const CZECH = ['Jiří Dvořák', 'Tomáš Černý', 'Zdeněk Procházka', 'Věra Veselá', 'Markéta Němcová', 'Ondřej Pokorný',
  'Šárka Růžičková', 'Luboš Štěpánek', 'Přemysl Žižka'];
const SPANISH = ['José Núñez', 'María Peña', 'Begoña Muñoz', 'Iñaki Zubizarreta', 'Inés Castaño', 'Ángela Cañas',
  'Verónica Ordóñez', 'Fátima Acuña', 'Germán Avendaño'];
const WESTERN = ['Hélène Gagné', 'François Lefèvre', 'Jérôme Brûlé', 'Bjørn Sørensen', 'Åsa Öberg', 'João Gonçalves',
  'Pietà Nicolò', 'Jürgen Weiß', 'Geneviève Lapointe'];

test('a file of three Outlook cards is read in windows-1250 or windows-1252, whichever it is in', () => {
  const wrong = [];
  for (const [names, encode] of [[POLISH, inWindows1250], [CZECH, inWindows1250], [SPANISH, inWindows1252],
    [WESTERN, inWindows1252]]) {
    for (let j = 0; j < names.length; j += 3) {
      const three = names.slice(j, j + 3);
      const read = parseVCards(encode(outlookCards(three))).map((c) => c.name);
      if (read.join() !== three.join()) wrong.push(`${three} read as ${read}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the guess is made for the whole file: the other cards decide for a name too short to tell', () => {
  // on its own, a card of "Dušan Kříž" is too little to tell from windows-1252's "Dušan Køíž" (it is read so)
  assert.deepEqual(parseVCards(inWindows1250(outlookCards(['Dušan Kříž']))).map((c) => c.name), ['Dušan Køíž']);
  const names = ['Dušan Kříž', 'Łukasz Żółkiewski', 'Małgorzata Wiśniewska'];
  assert.deepEqual(parseVCards(inWindows1250(outlookCards(names))).map((c) => c.name), names);
});

test('in a windows-1250 file, valid UTF-8 stays UTF-8 and a CHARSET is used as it says', () => {
  const data = bytes(inWindows1250(outlookCards(['Łukasz Żółkiewski', 'Jiří Dvořák'])),
    card('VERSION:2.1', 'FN:Zoë Ménard'), // UTF-8, as bytes() writes it
    'BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=windows-1252:', inWindows1252('Bjørn Sørensen'), '\r\nEND:VCARD\r\n',
    'BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Pe=F1a\r\nEND:VCARD\r\n');
  assert.deepEqual(parseVCards(data).map((c) => c.name),
    ['Łukasz Żółkiewski', 'Jiří Dvořák', 'Zoë Ménard', 'Bjørn Sørensen', 'Peña']);
});

test('TYPE words: fax beats pager beats cell beats home and work; x- words are custom labels', () => {
  assert.equal(typeOf(['home', 'fax']), 'fax');
  assert.equal(typeOf(['work', 'cell', 'voice', 'pref']), 'cell');
  assert.equal(typeOf(['mobile']), 'cell');
  assert.equal(typeOf(['iphone']), 'cell');
  assert.equal(typeOf(['voice', 'pref']), 'other');
  assert.equal(typeOf(['internet']), 'other');
  assert.equal(typeOf([]), 'other');
  assert.equal(typeOf(['x-aunt', 'fax']), 'fax');
  assert.equal(typeOf(['x-aunt']), 'aunt');
  assert.equal(typeOf(['text', 'home']), 'home');
});

test("labels: Apple's built-in ones become the usual words, the user's own are lowercased", () => {
  assert.equal(labelType('_$!<AssistantPhone>!$_'), 'assistant');
  assert.equal(labelType('AssistantPhone'), 'assistant');
  assert.equal(labelType('_$!<Mobile>!$_'), 'cell');
  assert.equal(labelType('_$!<HomeFAX>!$_'), 'fax');
  assert.equal(labelType('GRAND_CENTRAL'), 'google voice');
  assert.equal(labelType('Tante Ilse'), 'tante ilse');
});
