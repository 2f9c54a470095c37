// One entry point for a file the volunteer picked: a vCard (.vcf) or a Google Contacts / Outlook CSV export.
import { parseContactsCsv } from './csv.js';
import { parseVCards } from './vcard.js';

/**
 * The contacts in a picked file, as [{name, phones: [{value, type}], emails: [{value, type}]}]. A file that starts
 * with BEGIN:VCARD is a vCard whatever its name; otherwise .vcf/.vcard means vCard and anything else is read as CSV,
 * which throws an Error that names the expected columns when the layout is not one it knows.
 */
export function parseContactsFile(name, bytes) {
  if (looksLikeVCard(bytes) || /\.(vcf|vcard)$/i.test(name ?? '')) return parseVCards(bytes);
  return parseContactsCsv(bytes);
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
