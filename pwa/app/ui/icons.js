// The volunteer app's icons (drawn by pwa/ui/icons.js).
/*! lucide-static icons, ISC License, Copyright (c) 2026 Lucide Icons and Contributors: https://lucide.dev */
import bookUser from 'lucide-static/icons/book-user.svg';
import doorOpen from 'lucide-static/icons/door-open.svg';
import fileUp from 'lucide-static/icons/file-up.svg';
import house from 'lucide-static/icons/house.svg';
import layoutDashboard from 'lucide-static/icons/layout-dashboard.svg';
import mail from 'lucide-static/icons/mail.svg';
import messageCircle from 'lucide-static/icons/message-circle.svg';
import notebookPen from 'lucide-static/icons/notebook-pen.svg';
import phone from 'lucide-static/icons/phone.svg';
import shieldCheck from 'lucide-static/icons/shield-check.svg';
import users from 'lucide-static/icons/users.svg';
import { svgIcon } from '../../ui/icons.js';

const ICONS = { home: house, people: users, doors: doorOpen, contacts: bookUser, privacy: shieldCheck,
  text: messageCircle, file: fileUp, call: phone, email: mail, log: notebookPen, console: layoutDashboard };

/** @param {keyof typeof ICONS} name */
export function icon(name) {
  return svgIcon(ICONS[name]);
}
