// "Delete all my contacts from this phone", asked from the contacts and the privacy screens.
import { deleteAllContacts } from '../../lib/contacts/store.js';
import { confirmDialog } from '../../ui/dialog.js';

/** Delete once the volunteer confirms; resolves true when they did. */
export async function askAndDeleteContacts(userId, toasts) {
  if (!(await confirmDialog({ title: 'contacts.delete.title', body: 'contacts.delete.body',
    confirm: 'contacts.delete' }))) return false;
  await deleteAllContacts(userId);
  toasts.show('contacts.deleted', { duration: 4000 });
  return true;
}
