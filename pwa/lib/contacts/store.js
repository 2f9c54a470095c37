// The volunteer's contacts, on this phone only (IndexedDB, through db.js). Importing the same address book
// again merges into what is here: a contact is the same one when it has the same name and shares a phone number
// (its digits) or an e-mail, or has the same name and neither. (Two people who share a home phone stay two.)
// Nothing here talks to the network.
import { forgetContacts, mergeContacts } from '../db.js';

/** What makes two entries the same person's: the name with each phone (its last 10 digits) or e-mail. */
export function contactKeys(contact) {
  const name = contact.name.trim().toLowerCase();
  const keys = [];
  for (const { value } of contact.phones) {
    const digits = value.replace(/\D/g, '');
    if (digits) keys.push(`${name}\ntel:${digits.slice(-10)}`);
  }
  for (const { value } of contact.emails) keys.push(`${name}\nmailto:${value.trim().toLowerCase()}`);
  if (!keys.length) keys.push(`${name}\n`);
  return keys;
}

function union(list, more, keyOf) {
  const seen = new Set(list.map((item) => keyOf(item.value)));
  const added = more.filter((item) => {
    const key = keyOf(item.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return added.length ? [...list, ...added] : list;
}

const phoneKey = (value) => value.replace(/\D/g, '') || value;
const emailKey = (value) => value.trim().toLowerCase();

/**
 * Add parsed contacts ({name, phones, emails}) for userId, merging into those already here; one transaction.
 * Returns {added, merged, unchanged, total}.
 */
export async function importContacts(userId, parsed, source) {
  return mergeContacts(userId, (existing) => {
    const byKey = new Map();
    for (const contact of existing) for (const key of contactKeys(contact)) byKey.set(key, contact);
    const changed = new Map();
    let added = 0;
    let merged = 0;
    let unchanged = 0;
    const now = Date.now();
    for (const entry of parsed) {
      if (!entry.name && !entry.phones.length && !entry.emails.length) continue;
      const keys = contactKeys(entry);
      const found = keys.map((key) => byKey.get(key)).find(Boolean);
      let contact;
      if (!found) {
        contact = { id: crypto.randomUUID(), user_id: userId, name: entry.name, phones: entry.phones,
          emails: entry.emails, source, updated_at: now };
        added += 1;
      } else {
        const phones = union(found.phones, entry.phones, phoneKey);
        const emails = union(found.emails, entry.emails, emailKey);
        const name = found.name || entry.name;
        if (phones === found.phones && emails === found.emails && name === found.name) {
          unchanged += 1;
          continue;
        }
        contact = { ...found, name, phones, emails, updated_at: now };
        if (!changed.has(found.id)) merged += 1;
      }
      changed.set(contact.id, contact);
      for (const key of contactKeys(contact)) byKey.set(key, contact);
    }
    return { changed: changed.values(), result: { added, merged, unchanged, total: existing.length + added } };
  });
}

export { contactsOf, getContact } from '../db.js';

/** "Delete all my contacts from this phone": the contacts and everything matching derived from them. */
export function deleteAllContacts(userId) {
  return forgetContacts(userId);
}

/** What the Contact Picker API (Chrome on Android) returns, in the parsers' shape. */
export function fromPicker(picked) {
  return picked.map((entry) => ({
    name: (entry.name ?? []).find((name) => name?.trim())?.trim() ?? '',
    phones: (entry.tel ?? []).filter((value) => value?.trim()).map((value) => ({ value: value.trim(), type: '' })),
    emails: (entry.email ?? []).filter((value) => value?.trim()).map((value) => ({ value: value.trim(), type: '' })),
  }));
}

/**
 * The Contact Picker API, which TypeScript's DOM types do not have.
 * @typedef {{select(properties: string[], options?: {multiple?: boolean}): Promise<object[]>}} ContactsManager
 */
const contactsApi = () => /** @type {Navigator & {contacts?: ContactsManager}} */ (navigator).contacts;

/** True where the browser can open the phone's own contact list (not iPhone Safari, not desktop). */
export function hasContactPicker() {
  return typeof contactsApi()?.select === 'function' && 'ContactsManager' in window;
}

/** Open the phone's contact list; resolves to the chosen contacts in the parsers' shape. */
export async function pickContacts() {
  const picked = await contactsApi().select(['name', 'tel', 'email'], { multiple: true });
  return fromPicker(picked);
}
