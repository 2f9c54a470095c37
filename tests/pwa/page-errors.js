// Tests only (tests/pwa/webkit.py): the live server puts this before /app.js for the WebKit session, which has no
// page-error API. It keeps every uncaught error and unhandled rejection of the page in sessionStorage, across reloads.
(() => {
  const key = 'kin-test-page-errors';
  const keep = (what) => {
    const kept = JSON.parse(sessionStorage.getItem(key) || '[]');
    sessionStorage.setItem(key, JSON.stringify([...kept, `${location.pathname}: ${what}`]));
  };
  addEventListener('error', (event) => keep(`${event.message} (${event.filename}:${event.lineno}:${event.colno})`
    + (event.error?.stack ? `\n${event.error.stack}` : '')));
  addEventListener('unhandledrejection', (event) => keep(`unhandled rejection: ${event.reason}`
    + (event.reason?.stack ? `\n${event.reason.stack}` : '')));
  window.kinTestCatchesErrors = true;
})();
