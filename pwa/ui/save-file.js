// Saving a file the way the browser saves a link's download: one the API answered (pwa/lib/api.js authedFile),
// held in memory, or one at a URL the browser fetches and writes to disk as it streams (an export's ticket).

/** @param {Blob} blob @param {string} name */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Let the browser download a URL itself (the server says attachment): nothing of the file passes through the page. */
export function saveFromUrl(url) {
  const link = Object.assign(document.createElement('a'), { href: url, download: '' });
  document.body.append(link);
  link.click();
  link.remove();
}
