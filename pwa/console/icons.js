// The console's icons (drawn by pwa/ui/icons.js).
/*! lucide-static icons, ISC License, Copyright (c) 2026 Lucide Icons and Contributors: https://lucide.dev */
import activity from 'lucide-static/icons/activity.svg';
import building from 'lucide-static/icons/building.svg';
import chartColumn from 'lucide-static/icons/chart-column.svg';
import copy from 'lucide-static/icons/copy.svg';
import download from 'lucide-static/icons/download.svg';
import fileDown from 'lucide-static/icons/file-down.svg';
import fileSpreadsheet from 'lucide-static/icons/file-spreadsheet.svg';
import flag from 'lucide-static/icons/flag.svg';
import inbox from 'lucide-static/icons/inbox.svg';
import map from 'lucide-static/icons/map.svg';
import qrCode from 'lucide-static/icons/qr-code.svg';
import settings from 'lucide-static/icons/settings.svg';
import smartphone from 'lucide-static/icons/smartphone.svg';
import star from 'lucide-static/icons/star.svg';
import upload from 'lucide-static/icons/upload.svg';
import users from 'lucide-static/icons/users.svg';
import { svgIcon } from '../ui/icons.js';

const ICONS = { dashboard: chartColumn, review: inbox, volunteers: users, voterFile: fileSpreadsheet, settings,
  activity, campaigns: building, app: smartphone, copy, qr: qrCode, exports: fileDown, download, flag,
  priority: star, upload, turfs: map };

/** @param {keyof typeof ICONS} name */
export function icon(name) {
  return svgIcon(ICONS[name]);
}
