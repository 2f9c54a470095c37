// /take/<campaign>/<token>: a turf's take link (or its QR code, which a phone's camera opens as this link). Taking
// it needs the server; then the volunteer lands on Doors, where the turf is, to take it offline.
import { ApiError, takeTurf } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';

export const title = 'take.title';

const PROBLEMS = { 0: 'take.offline', 404: 'take.notFound', 409: 'take.held', 410: 'take.expired' };

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function takeScreen(ctx) {
  const [campaignId, token] = ctx.params;
  let problem = null;

  async function take() {
    problem = null;
    ctx.update();
    try {
      const turf = await takeTurf(Number(campaignId), token);
      ctx.toasts.show('take.taken', { values: { name: turf.name }, duration: 5000 });
      ctx.navigate('/doors', { replace: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problem = PROBLEMS[error.status] ?? 'error.server';
      ctx.update();
    }
  }
  take();

  return () => html`<section class="screen" id="take">
    <h1 id="take-title" tabindex="-1">${t('take.title')}</h1>
    ${problem ? html`<p class="notice-error" id="take-problem" role="alert">${t(problem)}</p>
      ${problem === 'take.offline' ? html`<button type="button" class="button" @click=${take}>${t('take.again')}</button>`
        : nothing}
      <a class="button secondary" href="/doors">${t('take.toDoors')}</a>`
      : html`<p class="loading" role="status">${t('take.taking')}</p>`}
  </section>`;
}
