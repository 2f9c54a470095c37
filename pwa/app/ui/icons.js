// Icons from lucide-static, inlined as SVG by the build (pwa/build.mjs): no request, no icon font, and they take
// the text colour. Each is decoration beside words, so hidden from screen readers.
/*! lucide-static icons, ISC License, Copyright (c) 2026 Lucide Icons and Contributors: https://lucide.dev */
import bookUser from 'lucide-static/icons/book-user.svg';
import fileUp from 'lucide-static/icons/file-up.svg';
import house from 'lucide-static/icons/house.svg';
import mail from 'lucide-static/icons/mail.svg';
import messageCircle from 'lucide-static/icons/message-circle.svg';
import notebookPen from 'lucide-static/icons/notebook-pen.svg';
import phone from 'lucide-static/icons/phone.svg';
import shieldCheck from 'lucide-static/icons/shield-check.svg';
import users from 'lucide-static/icons/users.svg';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';

const ICONS = { home: house, people: users, contacts: bookUser, privacy: shieldCheck,
  text: messageCircle, file: fileUp, call: phone, email: mail, log: notebookPen };

/** @param {keyof typeof ICONS} name */
export function icon(name) {
  const svg = ICONS[name].replace('<svg', '<svg aria-hidden="true" focusable="false"');
  return unsafeHTML(svg);
}
