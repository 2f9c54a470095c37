// What the server refused in an op, in the volunteer's language: Home's list of refused changes and a door's visits
// say it the same way.
import { t } from '../../lib/i18n.js';

/** What the server refused, in the volunteer's language: by its stable code when the catalog knows it. */
export function problemText(message, problem) {
  const key = problem && `problem.${problem.code}`;
  if (key && t(key) !== key) return t(key, problem.params ?? {});
  return t('server.text', { message });
}

/** The words for a field the server named (as a noun: "Person: ..."); its own name if the catalog has none. */
export function fieldLabel(name) {
  const label = t(`syncField.${name}`);
  return label === `syncField.${name}` ? name : label;
}

/** Each field the server refused in a rejected op, as a sentence: ["Support: Not a whole number from 1 to 5."]. */
export function rejectionLines(rejected) {
  return Object.entries(rejected.errors).map(([name, messages]) => t('sync.error', {
    field: fieldLabel(name), message: problemText([].concat(messages)[0], rejected.codes?.[name]?.[0]) }));
}
