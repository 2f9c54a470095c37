// The phone turns a contact's numbers and addresses into the same OPRF inputs as the server: every case of the
// shared fixture, which tests/server/matching/test_inputs.py runs through server/matching/inputs.py.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { contactInputs, emailInput, isPhoneNumber, phoneInput } from './normalize.js';

const CASES = JSON.parse(readFileSync(new URL('../../../tests/fixtures/matching/normalization.json', import.meta.url)));

test('gives the input the shared fixture expects, for every case', () => {
  const wrong = CASES.flatMap((c, i) => {
    const got = c.kind === 'phone' ? phoneInput(c.raw, c.region) : emailInput(c.raw);
    return got === c.expected ? [] : [{ i, raw: c.raw, region: c.region, expected: c.expected, got, note: c.note }];
  });
  assert.deepEqual(wrong, []);
  assert.ok(CASES.length > 300);
});

test('an unknown region is the caller\'s mistake, not an invalid number', () => {
  for (const region of ['XX', 'us', '', undefined]) {
    assert.throws(() => phoneInput('+1 202 456 1111', region), RangeError);
  }
});

test('a contact gives each valid input once, phones first, and skips the rest', () => {
  const contact = {
    name: 'Ana Li',
    phones: [
      { value: '(202) 456-1111', type: 'cell' },
      { value: '+1 202 456 1111', type: 'home' },
      { value: '1-800-FLOWERS', type: 'work' },
      { value: '020 7946 0958', type: 'other' },
    ],
    emails: [{ value: 'Ana@Example.ORG', type: 'home' }, { value: 'ana@example.org ', type: 'work' },
      { value: 'ana@', type: 'other' }],
  };
  assert.deepEqual(contactInputs(contact, 'US'), ['tel:+12024561111', 'mailto:ana@example.org']);
  assert.deepEqual(contactInputs(contact, 'GB'), ['tel:+12024561111', 'tel:+442079460958', 'mailto:ana@example.org']);
});

test('a contact without phones or e-mails gives nothing', () => {
  assert.deepEqual(contactInputs({ name: 'Bo' }, 'US'), []);
  assert.deepEqual(contactInputs({ name: 'Bo', phones: [], emails: [] }, 'US'), []);
});

test('a value holds a phone number when it has digits libphonenumber-js can read, whatever the region', () => {
  const fullWidth = '\uff12\uff10\uff12\uff14\uff15\uff16\uff11\uff11\uff11\uff11';
  const devanagari = '\u0968\u0966\u0968 \u096a\u096b\u096c \u0967\u0967\u0967\u0967';
  for (const raw of ['555 0100', '(202) 456-1111', '+44 20 7946 0958', '0221 12345678', '+1-800-MYFAX', '10', fullWidth,
    devanagari]) {
    assert.equal(isPhoneNumber(raw), true, raw);
  }
  for (const raw of ['BusinessPhone', 'mobile', 'home', '§', '十城目管理大型知座', 'business 1', '9', '+', '', '#31#',
    '1'.repeat(300)]) {
    assert.equal(isPhoneNumber(raw), false, raw);
  }
});
