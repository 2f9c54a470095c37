// What a person asked about being contacted, as words and a form: the volunteer app (pwa/app/ui/asked.js, which
// keeps it on the phone) and the organizer console (its review cards) show and ask it alike. Never why they asked.
import { t } from '../lib/i18n.js';
import { html, nothing } from './screen.js';

export const CHANNELS = ['text', 'call', 'email', 'door'];

/** The channels refused by a preference's values (none without one). */
export function refused(values) {
  if (!values) return [];
  return CHANNELS.filter((channel) => values.no_contact || values[`no_${channel}`]);
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
