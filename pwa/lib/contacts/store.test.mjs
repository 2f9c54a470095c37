// pwa/lib/contacts/store.js on fake-indexeddb, an in-memory implementation of the IndexedDB spec (it passes the W3C
// tests): node has no IndexedDB, and this gives fast unit coverage of the import's merging rules. The browser tests
// (tests/pwa/test_volunteer_app.py, test_privacy.py) import contacts in Chromium.
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contactsOf, deleteAllContacts, importContacts } from './store.js';

const card = (name, phones = [], emails = []) => ({ name, phones: phones.map((value) => ({ value, type: 'cell' })),
  emails: emails.map((value) => ({ value, type: 'home' })) });
const names = async (userId) => (await contactsOf(userId)).map((c) => [c.name, c.phones.map((p) => p.value),
  c.emails.map((e) => e.value)]).sort();

test('importing again merges into the contacts here: same name and a shared phone or e-mail is the same person',
  async () => {
    assert.deepEqual(await importContacts(1, [card('Ana Lopez', ['(919) 555-0101']), card('Dev Rao', ['919 555 0104']),
      card('Dana Rao', ['919.555.0104']), card('', [], [])], 'file'), { added: 3, merged: 0, unchanged: 0, total: 3 });
    assert.deepEqual(await importContacts(1, [card('ana lopez', ['919-555-0101'], ['ana@example.org']),
      card('Dev Rao', ['919 555 0104'])], 'file'), { added: 0, merged: 1, unchanged: 1, total: 3 });
    assert.deepEqual(await names(1), [['Ana Lopez', ['(919) 555-0101'], ['ana@example.org']],
      ['Dana Rao', ['919.555.0104'], []], ['Dev Rao', ['919 555 0104'], []]]); // two people, one home phone
    assert.deepEqual(await names(2), []); // another person's phone book is their own
  });

test('an import is one transaction: one contact that cannot be stored keeps none of them', async () => {
  const broken = { name: 'Broken', phones: [{ value: '919 555 0112', type: () => 'not data' }], emails: [] };
  const book = [card('Kept?', ['919 555 0111']), broken];
  await assert.rejects(importContacts(3, book, 'file'), { name: 'DataCloneError' });
  assert.deepEqual(await contactsOf(3), []);
});

test('5,000 contacts import in one go, and "delete all my contacts" removes them', async () => {
  const book = Array.from({ length: 5_000 }, (_, i) => card(`Person ${i}`,
    [`+1 919 555 ${String(i).padStart(4, '0')}`]));
  assert.deepEqual(await importContacts(4, book, 'file'), { added: 5_000, merged: 0, unchanged: 0, total: 5_000 });
  assert.equal((await contactsOf(4)).length, 5_000);
  await deleteAllContacts(4);
  assert.deepEqual(await contactsOf(4), []);
});
