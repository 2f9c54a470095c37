// The service worker's lifecycle, told to the person (after squoosh's sw-bridge): "Ready to work offline" on
// first install; "Update available" with Reload / Dismiss when a new version waits. Never reloads on its own
// while a form holds unsent typing. workbox-window is loaded after the first screen, which does not need it.

/** Register /sw.js and show its lifecycle as toasts. */
export async function startServiceWorker({ toasts, hasUnsavedInput }) {
  if (!('serviceWorker' in navigator)) return null;
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox('/sw.js');
  // workbox-window calls a worker found later in this page's life "external", and isUpdate only means a worker
  // controlled the page when it loaded; so watch for the first controller ourselves
  let controlled = Boolean(navigator.serviceWorker.controller);
  let offer = null; // the "Update available" toast, withdrawn once the update has taken over anyway
  let reloadAsked = false;

  wb.addEventListener('installed', (event) => {
    if (!controlled && !event.isExternal) toasts.show('sw.ready', { duration: 5000 });
  });

  wb.addEventListener('waiting', async () => {
    offer = toasts.show('sw.update', { buttons: ['reload', 'dismiss'] });
    if ((await offer.answer) !== 'reload') return;
    reloadAsked = true;
    wb.messageSkipWaiting(); // the worker calls skipWaiting(); 'controlling' follows
  });

  // a new version took over: the person pressed Reload here, or in another tab
  wb.addEventListener('controlling', async () => {
    if (!controlled) {
      controlled = true; // the first install taking control (clients.claim) changes nothing on screen
      return;
    }
    offer?.hide();
    if (reloadAsked || !hasUnsavedInput()) {
      location.reload();
      return;
    }
    const answer = await toasts.show('sw.updated', { buttons: ['reload', 'dismiss'] }).answer;
    if (answer === 'reload') location.reload();
  });

  wb.register();
  return wb;
}

/** Get the newest app now (the server said this one is too old): let a waiting worker take over, else reload. */
export async function updateNow() {
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.update().catch(() => {});
  if (registration?.waiting) registration.waiting.postMessage({ type: 'SKIP_WAITING' }); // 'controlling' reloads
  else location.reload();
}
