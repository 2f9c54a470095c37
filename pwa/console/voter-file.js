// What the Voter file screen needs to know about the server's voter-file layouts and imports, kept apart from the
// screen so the words and the numbers are computed one way.

import { formatChoices, hasMessage, t } from '../lib/i18n.js';

/** The layouts the server reads (server/voters/presets.py), besides auto. */
export const PRESETS = ['nc', 'oh', 'fl', 'mi', 'wa', 'ny', 'pa', 'van', 'generic'];

/** The fields a column can be read as (server/voters/schemas.py MAPPABLE). */
export const MAPPABLE = ['external_id', 'first_name', 'middle_name', 'last_name', 'name_suffix', 'address',
  'house_number', 'street', 'unit', 'city', 'state', 'zip', 'county', 'precinct', 'congressional_district',
  'state_senate_district', 'state_house_district', 'birth_year', 'party', 'registration_status', 'priority',
  'latitude', 'longitude', 'phones', 'emails'];

/**
 * A problem's reason in the reader's language, from its code and values (server/voters/reasons.py); the server's
 * English for a problem stored before codes were, or a code this catalog does not know yet.
 * @param {{ reason: string, code?: string | null, params?: Record<string, any> | null }} problem
 */
export function problemReason(problem) {
  const key = `console.voterFile.problem.${problem.code}`;
  if (!problem.code || !hasMessage(key)) return problem.reason;
  const values = { ...problem.params };
  if (values.field) values.field = t(`console.voterFile.problem.field.${values.field}`);
  if (Array.isArray(values.expected)) {
    values.expected = formatChoices(values.expected.map((kind) => (kind === 'year' || kind === 'age'
      ? t(`console.voterFile.problem.expect.${kind}`) : t('console.voterFile.problem.expect.date', { example: kind }))));
  }
  return t(key, values);
}

/** The picker's choices as the API's map entries: 'column=field'. @param {Map<string, string>} map */
export const mapPairs = (map) => [...map].map(([column, field]) => `${column}=${field}`);

/**
 * A running import's progress as the screen words it: the share of the file read, rows a second, the time left
 * (from the server, which knows when the import started), and whether reading is done and the file is being
 * checked and applied (read_at: the bytes alone cannot say, the reader takes them a megabyte at a time).
 */
export function importProgress(job) {
  const total = job.bytes_total || 0;
  // 100% only once the server says the file is read: the reader runs up to a megabyte ahead of the rows saved
  const percent = total ? Math.min(job.read_at ? 100 : 99, Math.floor((100 * job.bytes_read) / total)) : 0;
  const secondsLeft = job.seconds_left ?? null;
  return {
    percent,
    rate: job.rows_per_second != null ? Math.round(job.rows_per_second) : null,
    secondsLeft,
    left: secondsLeft == null ? null : { minutes: Math.floor(secondsLeft / 60), seconds: secondsLeft % 60 },
    applying: job.status === 'running' && job.read_at != null,
  };
}
