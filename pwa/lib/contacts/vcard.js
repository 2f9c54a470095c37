// Read the names, phone numbers and e-mail addresses out of a .vcf file, whatever wrote it: vCard 2.1, 3.0 and 4.0
// as exported by iPhone, Android, Google, Outlook, Thunderbird, Nokia and others. Pure: bytes in, contacts out; the
// same in the browser and in Node.
//
// parseVCards(bytes) -> [{name, phones: [{value, type}], emails: [{value, type}]}], one entry per card, in file order.
//
// - name: FN; else N as "Given Additional Family" (no prefix or suffix); else the first ORG component; else the first
//   e-mail address; else ''. A card with no name, phone or e-mail at all is left out.
// - value: as written, trimmed, with 3.0/4.0 escapes (\, \; \n \\) undone; phone numbers are not normalised here (a
//   tel: URI only loses its `tel:`). Empty values are skipped, and so is a TEL that holds no number at all (a label or
//   placeholder such as "BusinessPhone" or "mobile": see isPhoneNumber in normalize.js). A (value, type) pair
//   repeated within one card is kept once; the same number under two types (a cell that is also the fax) stays twice,
//   once per type.
// - type: one short lowercase word. An Apple/Google group label (item1.X-ABLabel) wins: Apple's built-in ones map to
//   the words below (`_$!<AssistantPhone>!$_` is 'assistant'), any other label is kept, lowercased. Else the
//   best-ranked TYPE word (see RANKED: TYPE=HOME,FAX is 'fax', WORK,CELL is 'cell'; mobile and iphone are 'cell'),
//   else a custom `x-` type without its prefix (Android writes custom labels so: x-mobil is 'mobil'), else 'other'
//   (PREF, VOICE and INTERNET say nothing about the kind).
//
// The work happens on bytes until a value is known to be wanted: lines are unfolded at the byte level (so a fold
// that splits a UTF-8 character rejoins it; the fold's one space or tab is dropped, in 2.1 too), quoted-printable soft
// line breaks are followed, and base64 blobs (PHOTO, LOGO, KEY, SOUND, X-MS-CARDPICTURE, ...) are stepped over
// without being copied or decoded, up to a blank line or the next line with a colon. A value is decoded with its
// CHARSET when it has one, else as UTF-8, else (not valid UTF-8) in the file's Windows code page, guessed once from
// all of its text that has no CHARSET and is not UTF-8 (encoding.js: windows-1250 for Polish or Czech, else
// windows-1252). A vCard 2.1 AGENT card nested in a card is skipped; a card missing END:VCARD ends at the next
// BEGIN:VCARD or at the end of the file, and one whose END:VCARD runs into the next BEGIN:VCARD (two exports joined,
// the first without a last line break) ends there. A file without a single BEGIN:VCARD throws a ContactsFileError
// (noCards).
import {
  decodeLegacy, decodeWindows1252, guessLegacyEncoding, hasHighByte, isLegacyText,
} from './encoding.js';
import { ContactsFileError } from './errors.js';
import { isPhoneNumber } from './normalize.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const SEMI = 0x3b;
const QUOTE = 0x22;
const EQUALS = 0x3d;

/** The properties a card is read for; every other line is stepped over. */
const WANTED = new Set(['BEGIN', 'END', 'FN', 'N', 'ORG', 'TEL', 'EMAIL', 'X-ABLABEL', 'AGENT']);

/** TYPE words in the order they win when a number has several (TYPE=HOME,FAX is a fax). */
const RANKED = ['fax', 'pager', 'cell', 'main', 'home', 'work', 'other', 'car', 'video', 'isdn', 'modem', 'bbs',
  'textphone', 'text'];
const SYNONYMS = new Map([['mobile', 'cell'], ['iphone', 'cell']]);
/** Parameters that say how a value is stored or preferred, not what kind of number or address it is. */
const NOT_A_TYPE = new Set(['pref', 'voice', 'internet', 'x400', 'msg', 'quoted-printable', 'base64', 'b', '8bit',
  '7bit']);

/** Apple's built-in labels (`_$!<AssistantPhone>!$_`, or bare `AssistantPhone`) and Google's GRAND_CENTRAL. */
const LABELS = new Map(Object.entries({
  mobile: 'cell', iphone: 'cell', main: 'main', companymain: 'main', home: 'home', work: 'work', other: 'other',
  homefax: 'fax', workfax: 'fax', otherfax: 'fax', pager: 'pager', assistantphone: 'assistant', car: 'car',
  radio: 'radio', school: 'school', grand_central: 'google voice',
}));

export function parseVCards(bytes) {
  const data = toUtf8Bytes(bytes);
  const lines = splitLines(data);
  const cards = []; // each card's wanted properties, their values still bytes: [{name, group, named, types, raw}]
  const undeclared = []; // each value with no (fitting) CHARSET that is not UTF-8: the code page is guessed from these
  let card = null;
  let begun = false; // a BEGIN:VCARD was seen
  let nested = 0; // depth of vCard 2.1 AGENT cards inside the current card: their lines are not this card's
  let agent = false; // the last property read was an empty AGENT:, so a BEGIN:VCARD now opens a nested card
  let i = 0;
  while (i < lines.length) {
    const start = lines[i];
    const end = lines[i + 1];
    i += 2;
    if (start === end || isFold(data, start)) continue; // blank line, or a stray continuation with nothing before it
    let line = null;
    let colon = findColon(data, start, end);
    if (colon < 0) {
      // the name and parameters themselves are folded (a long quoted LABEL="..." parameter): unfold, then look
      [line, i] = unfold(data, lines, start, end, i, false);
      colon = findColon(line, 0, line.length);
      if (colon < 0) continue; // not a property: junk between cards
    } else colon -= start;
    const head = parseHead(line ?? data.subarray(start, end), colon);
    if (head.base64) {
      i = skipBlob(data, lines, i);
      continue;
    }
    const inCard = card !== null && nested === 0;
    const wanted = WANTED.has(head.name) && (card !== null || head.name === 'BEGIN');
    // the card's other 8-bit text (an address, a note) is read only to guess the code page: it says more than a name
    // (only text that may be in a code page: UTF-8 text, as a modern export's addresses are, is not read at all)
    const sample = !wanted && inCard && (head.qp || isLegacyText(data.subarray(start, end)));
    if (!line) [line, i] = unfold(data, lines, start, end, i, head.qp, !wanted && !sample);
    if (!wanted && !sample) continue;
    const { named, types } = readParams(head);
    const raw = head.qp ? decodeQuotedPrintable(line.subarray(colon + 1)) : line.subarray(colon + 1);
    if (inCard && isUndeclared(raw, named.charset)) undeclared.push(raw);
    if (!wanted) continue;

    if (head.name === 'BEGIN' && isVCard(raw)) {
      begun = true;
      if (card && agent) nested += 1;
      else {
        if (card) cards.push(card); // the card before had no END:VCARD
        card = [];
      }
    } else if (head.name === 'END' && isVCard(raw)) {
      if (nested > 0) nested -= 1;
      else if (card) {
        cards.push(card);
        card = null;
      }
    } else if (inCard) {
      card.push({ name: head.name, group: head.group, named, types, raw });
    }
    agent = head.name === 'AGENT' && raw.every((b) => b === SP || b === TAB);
  }
  if (card) cards.push(card); // a last card without END:VCARD still counts
  if (!begun) throw new ContactsFileError('noCards');
  const legacy = undeclared.length ? guessLegacyEncoding(concat(undeclared)) : 'windows-1252';
  const contacts = [];
  for (const properties of cards) {
    const read = newCard();
    for (const property of properties) take(read, property, decodeText(property.raw, property.named.charset, legacy));
    finish(read, contacts);
  }
  return contacts;
}

function isVCard(raw) {
  return raw.length < 64 && String.fromCharCode(...raw).trim().toUpperCase() === 'VCARD';
}

function concat(pieces) {
  const out = new Uint8Array(pieces.reduce((n, piece) => n + piece.length + 1, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    out[at + piece.length] = LF; // keep the values apart, as words
    at += piece.length + 1;
  }
  return out;
}

function newCard() {
  return { fn: '', n: null, org: '', tels: [], emails: [], labels: new Map() };
}

/** Keep what one wanted property says about the card. */
function take(card, { name, group, named, types }, value) {
  switch (name) {
    case 'FN':
      if (!card.fn) card.fn = unescapeText(value).trim();
      break;
    case 'N':
      if (!card.n) card.n = components(value);
      break;
    case 'ORG':
      if (!card.org) card.org = components(value).map((parts) => parts.join(',').trim()).find(Boolean) ?? '';
      break;
    case 'TEL': {
      let text = (named.value === 'uri' ? value : unescapeText(value)).trim();
      if (/^tel:/i.test(text)) text = text.slice(4).trim();
      if (text && isPhoneNumber(text)) card.tels.push({ value: text, group, types });
      break;
    }
    case 'EMAIL': {
      const text = (named.value === 'uri' ? value : unescapeText(value)).trim();
      if (text) card.emails.push({ value: text, group, types });
      break;
    }
    case 'X-ABLABEL': {
      const label = unescapeText(value).trim();
      if (group && label) card.labels.set(group, label);
      break;
    }
    default:
  }
}

/** Turn a finished card into a contact, or drop it when it has nothing to go on. */
function finish(card, out) {
  const phones = entries(card.tels, card.labels);
  const emails = entries(card.emails, card.labels);
  const n = card.n ?? [];
  const fromN = [n[1], n[2], n[0]].flatMap((parts) => parts ?? []).map((s) => s.trim()).filter(Boolean).join(' ');
  const name = card.fn || fromN || card.org || emails[0]?.value || '';
  if (name || phones.length || emails.length) out.push({ name, phones, emails });
}

function entries(found, labels) {
  const seen = new Set();
  const out = [];
  for (const { value, group, types } of found) {
    const label = group ? labels.get(group) : undefined;
    const type = label ? labelType(label) : typeOf(types);
    const key = `${type}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ value, type });
  }
  return out;
}

/** A group label: Apple's built-in names map to the usual words, anything the user typed is kept, lowercased. */
export function labelType(label) {
  const inner = /^_\$!<(.*)>!\$_$/.exec(label)?.[1] ?? label;
  const key = inner.trim().toLowerCase();
  return LABELS.get(key) ?? key;
}

/** The one word for a list of TYPE parameters: the best-ranked known word, else a custom x-word, else 'other'. */
export function typeOf(types) {
  let best = RANKED.length;
  let custom = '';
  for (const raw of types) {
    const word = SYNONYMS.get(raw) ?? raw;
    const rank = RANKED.indexOf(word);
    if (rank >= 0) best = Math.min(best, rank);
    else if (!custom && !NOT_A_TYPE.has(word)) custom = word.replace(/^x-/, '');
  }
  return best < RANKED.length ? RANKED[best] : custom || 'other';
}

// --- bytes and lines ------------------------------------------------------------------------------------------------

/** UTF-16 (with a BOM, or ASCII with every other byte zero) re-encoded as UTF-8; any other file as it is. */
function toUtf8Bytes(bytes) {
  const [a, b] = bytes;
  let utf16 = null;
  if ((a === 0xff && b === 0xfe) || (a !== 0 && b === 0)) utf16 = 'utf-16le';
  else if ((a === 0xfe && b === 0xff) || (a === 0 && b !== 0)) utf16 = 'utf-16be';
  if (bytes.length < 2 || !utf16) return bytes;
  return new TextEncoder().encode(new TextDecoder(utf16).decode(bytes)); // the decoder drops the BOM
}

function hasBom(data, at) {
  return data[at] === 0xef && data[at + 1] === 0xbb && data[at + 2] === 0xbf;
}

/**
 * Start and end offsets of each physical line, as a flat [start0, end0, start1, end1, ...] array. A line ends at LF,
 * CR LF, CR or CR CR LF (a CRLF file that went through a second LF-to-CRLF conversion); a BOM that starts a line (two
 * exports concatenated) is dropped. Two exports joined where the first has no last line break give a line
 * "END:VCARDBEGIN:VCARD" (a BOM or blanks may come between): it is two lines.
 */
function splitLines(data) {
  const out = [];
  const n = data.length;
  let start = 0;
  let cr = data.indexOf(CR);
  let lf = data.indexOf(LF);
  while (start < n) {
    if (cr >= 0 && cr < start) cr = data.indexOf(CR, start);
    if (lf >= 0 && lf < start) lf = data.indexOf(LF, start);
    let brk = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
    if (brk < 0) brk = n;
    const from = hasBom(data, start) ? start + 3 : start;
    const next = nextCardOnLine(data, from, brk);
    if (next > 0) {
      out.push(from, from + END_VCARD.length);
      start = next;
      continue;
    }
    out.push(from, brk);
    if (data[brk] === CR) {
      let k = brk + 1;
      while (data[k] === CR) k++;
      if (data[k] === LF) brk = k; // CR+ LF is one line break
    }
    start = brk + 1;
  }
  return out;
}

const END_VCARD = 'END:VCARD';
const BEGIN_VCARD = 'BEGIN:VCARD';

/** Where BEGIN:VCARD starts when the line start..end is END:VCARD followed by it, else -1. */
function nextCardOnLine(data, start, end) {
  if (end - start <= END_VCARD.length || !startsWith(data, start, end, END_VCARD)) return -1;
  let at = start + END_VCARD.length;
  if (hasBom(data, at)) at += 3;
  while (at < end && (data[at] === SP || data[at] === TAB)) at++;
  return startsWith(data, at, end, BEGIN_VCARD) ? at : -1;
}

/** The bytes at..end start with `word` (ASCII, any case). */
function startsWith(data, at, end, word) {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = data[at + k];
    const w = word.charCodeAt(k);
    if (c !== w && !(w >= 0x41 && w <= 0x5a && c === w + 0x20)) return false;
  }
  return true;
}

function isFold(data, at) {
  return data[at] === SP || data[at] === TAB;
}

/** The first ':' outside double quotes between start and end, or -1. */
function findColon(data, start, end) {
  let quoted = false;
  for (let j = start; j < end; j++) {
    const c = data[j];
    if (c === QUOTE) quoted = !quoted;
    else if (c === COLON && !quoted) return j;
  }
  return -1;
}

/**
 * One logical line from the physical line start..end and those after it (lines[next...]): a following line that
 * starts with a space or tab continues it (the space is dropped); in a quoted-printable value a line that ends in '='
 * continues on the next line as it is (unless that line is END:VCARD). Returns [bytes, index of the next line];
 * with `skip` only the index is worked out and nothing is copied.
 */
function unfold(data, lines, start, end, next, qp, skip = false) {
  const pieces = [[start, end]];
  let last = pieces[0];
  for (;;) {
    if (next >= lines.length) break;
    const s = lines[next];
    const e = lines[next + 1];
    if (qp && last[1] > last[0] && data[last[1] - 1] === EQUALS && !isEndVCard(data, s, e)) {
      last[1] -= 1; // the soft line break's '='
      last = [s, e];
    } else if (s < e && isFold(data, s)) {
      last = [s + 1, e];
    } else break;
    pieces.push(last);
    next += 2;
  }
  if (skip) return [null, next];
  if (pieces.length === 1) return [data.subarray(start, end), next];
  let size = 0;
  for (const [s, e] of pieces) size += e - s;
  const line = new Uint8Array(size);
  let at = 0;
  for (const [s, e] of pieces) {
    line.set(data.subarray(s, e), at);
    at += e - s;
  }
  return [line, next];
}

function isEndVCard(data, s, e) {
  return e - s === END_VCARD.length && startsWith(data, s, e, END_VCARD);
}

/**
 * Step over the rest of a base64 blob: its folded lines, then (vCard 2.1) unindented lines up to a blank line, which
 * ends it. A line with a ':' is a property again: base64 has no colon.
 */
function skipBlob(data, lines, next) {
  while (next < lines.length) {
    const s = lines[next];
    const e = lines[next + 1];
    if (s === e) return next + 2;
    if (!isFold(data, s) && findColon(data, s, e) >= 0) return next;
    next += 2;
  }
  return next;
}

// --- one property ---------------------------------------------------------------------------------------------------

/**
 * The group and name before the colon, and whether the value is quoted-printable or base64 (which every line needs
 * to know to find where it ends). The other parameters are read by readParams() for wanted lines only.
 */
function parseHead(line, colon) {
  let text = '';
  for (let j = 0; j < colon; j += 4096) {
    text += String.fromCharCode.apply(null, line.subarray(j, Math.min(colon, j + 4096)));
  }
  const semi = text.indexOf(';');
  let name = (semi < 0 ? text : text.slice(0, semi)).trim().toUpperCase();
  let group = '';
  const dot = name.lastIndexOf('.');
  if (dot >= 0) {
    group = name.slice(0, dot).toLowerCase();
    name = name.slice(dot + 1);
  }
  const params = semi < 0 ? '' : text.slice(semi).toLowerCase();
  return {
    name,
    group,
    params,
    qp: params.includes('quoted-printable'),
    base64: BASE64.test(params),
  };
}

const BASE64 = /;\s*(?:encoding\s*=\s*"?)?(?:b|base64)"?\s*(?=;|$)/;

/**
 * The parameters of a wanted line: `value` and `charset` by name, and in `types` every type, lowercased, from 2.1's
 * bare parameters (TEL;CELL;PREF) as from 3.0/4.0's TYPE=a,b and repeated type=.
 */
function readParams(head) {
  const named = {};
  const types = [];
  const parts = head.params.includes('"') ? splitOutsideQuotes(head.params) : head.params.split(';');
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    let val = (eq < 0 ? part : part.slice(eq + 1)).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1);
    if (!val || key === 'encoding') continue;
    if (key === 'type' || key === '') {
      for (const t of val.split(',')) if (t.trim()) types.push(t.trim());
    } else named[key] = val;
  }
  return { named, types };
}

function splitOutsideQuotes(text) {
  const parts = [];
  let quoted = false;
  let from = 0;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) quoted = !quoted;
    else if (c === SEMI && !quoted) {
      parts.push(text.slice(from, j));
      from = j + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

const decoders = new Map();

/** A function that decodes bytes in the named charset and throws on bytes it cannot, or null for an unknown name. */
function decoder(label) {
  if (!decoders.has(label)) {
    let decode = null;
    try {
      const d = new TextDecoder(label, { fatal: true });
      // Node 20 decodes windows-1252 (and so latin1, us-ascii) as ISO-8859-1: nodejs/node#56542
      decode = d.encoding === 'windows-1252' ? decodeWindows1252 : (b) => d.decode(b);
    } catch {
      // not a charset this runtime knows: read as if none were declared
    }
    decoders.set(label, decode);
  }
  return decoders.get(label);
}

/** 8-bit bytes that no CHARSET of theirs can decode and that are not UTF-8: in the file's legacy code page. */
function isUndeclared(bytes, charset) {
  if (!isLegacyText(bytes)) return false;
  const declared = charset && decoder(charset.toLowerCase());
  if (!declared) return true;
  try {
    declared(bytes);
    return false;
  } catch {
    return true;
  }
}

/** A value's text: decoded with its CHARSET, else as UTF-8, else in the file's `legacy` code page. */
function decodeText(bytes, charset, legacy) {
  // (ISO-2022-JP is 7-bit: its escape sequences need its own decoder)
  if (!hasHighByte(bytes) && !charset?.includes('2022')) {
    return bytes.length <= 8192 ? String.fromCharCode.apply(null, bytes) : decodeWindows1252(bytes);
  }
  const declared = charset && decoder(charset.toLowerCase());
  for (const decode of [declared, decoder('utf-8')]) {
    if (!decode) continue;
    try {
      return decode(bytes);
    } catch {
      // not valid in this charset: try the next
    }
  }
  return decodeLegacy(bytes, legacy);
}

function hex(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** =XX becomes a byte; an '=' not followed by two hex digits is kept as it is (a lone one at the end is dropped). */
function decodeQuotedPrintable(bytes) {
  const out = new Uint8Array(bytes.length);
  let at = 0;
  for (let j = 0; j < bytes.length; j++) {
    const c = bytes[j];
    if (c === EQUALS) {
      if (j === bytes.length - 1) break;
      const hi = hex(bytes[j + 1]);
      const lo = j + 2 < bytes.length ? hex(bytes[j + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out[at++] = hi * 16 + lo;
        j += 2;
        continue;
      }
    }
    out[at++] = c;
  }
  return out.subarray(0, at);
}

/** Undo \\, \, \; and \n (\N); any other backslash is kept. */
export function unescapeText(text) {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([\\,;nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** A structured value (N, ORG) as components split at unescaped ';', each a list split at unescaped ','. */
function components(text) {
  const out = [];
  let parts = [];
  let current = '';
  for (let j = 0; j < text.length; j++) {
    const c = text[j];
    if (c === '\\' && j + 1 < text.length) {
      const e = text[++j];
      current += e === 'n' || e === 'N' ? '\n' : '\\,;'.includes(e) ? e : `\\${e}`;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else if (c === ';') {
      parts.push(current);
      out.push(parts);
      parts = [];
      current = '';
    } else current += c;
  }
  parts.push(current);
  out.push(parts);
  return out;
}
