// The one error the contacts-file reader throws. Its code names a message, `contacts.error.<code>` in
// pwa/lib/messages/en.js and es.js, that tells the volunteer what is wrong and what to export instead; its values
// are the ones that message reads.

/** Every code the reader can give, with the names of its values. */
export const CODES = Object.freeze({
  notContacts: ['kind'], // a picture, PDF, archive, spreadsheet or other binary file; kind is one of KINDS
  empty: [], // no bytes, or only blank ones
  csvLayout: ['columns'], // a CSV that is neither a Google nor an Outlook export; columns: its first header cells
  csvQuote: ['row'], // a quote opened on this row (1 is the header) is never closed
  noCards: [], // a .vcf without a single BEGIN:VCARD
});

/** What a file that is not a contacts file is, for notContacts. */
export const KINDS = Object.freeze(['image', 'pdf', 'archive', 'spreadsheet', 'other']);

export class ContactsFileError extends Error {
  constructor(code, values = {}) {
    if (!Object.hasOwn(CODES, code)) throw new TypeError(`no message for the contacts file error ${code}`);
    super(`${code} ${JSON.stringify(values)}`);
    this.name = 'ContactsFileError';
    this.code = code;
    this.values = values;
  }
}
