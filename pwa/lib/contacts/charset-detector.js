// jschardet, on its own: about 1.1 MB that most imports never need (UTF-8 files, files that name their CHARSET),
// so it is its own chunk, loaded by encoding.js only for a file that has text in an unnamed Windows code page,
// and kept out of the service worker's precache (pwa/build.mjs).
export { detectAll } from 'jschardet';
