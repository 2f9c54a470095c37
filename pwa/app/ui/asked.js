// What a person asked: not to be contacted at all, or not by text, call, e-mail or at the door. One synced record
// per voter for the whole campaign (contact_preference, its id the voter's), so what one volunteer records at a door
// reaches every phone that shows that person, and an organizer can change it. Recorded here offline like any
// change (pwa/lib/outbox.js); never why they asked.
import { getRecord } from '../../lib/db.js';
import { t } from '../../lib/i18n.js';
import { recordChange } from '../../lib/outbox.js';
import { html, nothing } from '../../ui/screen.js';
import { withOffset } from './entity-form.js';

export const CHANNELS = ['text', 'call', 'email', 'door'];

/** The channels a voter refused, as this phone knows it: every one when they asked not to be contacted at all. */
export async function refusedBy(voterId) {
  const record = voterId ? await getRecord('contact_preference', voterId) : null;
  return refused(record?.values);
}

/** The channels refused by a preference's values (none without one). */
export function refused(values) {
  if (!values) return [];
  return CHANNELS.filter((channel) => values.no_contact || values[`no_${channel}`]);
}

/**
 * Keep what the person asked, with its op: `flags` is {no_contact, no_text, no_call, no_email, no_door}; from is
 * where ('door' or 'person').
 * @param {{userId: number, campaignId: number, voterId: string, flags: object, from: string}} asked
 */
export function keepAsked({ userId, campaignId, voterId, flags, from }) {
  return recordChange({ userId, campaignId, entity: 'contact_preference', entityId: voterId,
    fields: { voter_id: voterId, ...flags, recorded_from: from, recorded_at: withOffset(new Date()) } });
}

/** "Asked not to be contacted", or by which channels; nothing when they asked nothing. */
export function askedLine(channels, id) {
  if (!channels.length) return nothing;
  const all = channels.length === CHANNELS.length;
  return html`<p class="asked" id=${id}>${all ? t('asked.all')
    : t('asked.some', { channels: channels.map((channel) => t(`asked.channel.${channel}`)).join(', ') })}</p>`;
}

/**
 * The form: "at all", then each channel; save keeps them (clearing every box clears it). A form, not taps: what a
 * person asked deserves a second look before it changes what every volunteer sees.
 */
export function askedForm({ id, channels, onSave, onCancel = null }) {
  const all = channels.length === CHANNELS.length;
  const submit = (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const checked = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).checked;
    onSave({ no_contact: checked('no_contact'), ...Object.fromEntries(CHANNELS.map((c) => [`no_${c}`, checked(`no_${c}`)])) });
  };
  return html`<form class="asked-form" id=${id} novalidate @submit=${submit}>
    <fieldset>
      <legend>${t('asked.legend')}</legend>
      <label class="check"><input type="checkbox" name="no_contact" .checked=${all}>${t('asked.at_all')}</label>
      ${CHANNELS.map((channel) => html`<label class="check"><input type="checkbox" name=${`no_${channel}`}
        .checked=${channels.includes(channel)}>${t(`asked.no.${channel}`)}</label>`)}
    </fieldset>
    <p class="hint">${t('asked.hint')}</p>
    <div class="row-buttons">
      ${onCancel ? html`<button type="button" class="button secondary" @click=${onCancel}>${t('door.cancel')}</button>`
        : nothing}
      <button type="submit" class="button">${t('asked.save')}</button>
    </div>
  </form>`;
}
