// Runs in a node worker thread (see worker.mjs): a worker's global scope as pwa/lib/matching/worker.js uses it
// (self, self.onmessage, self.postMessage), then the worker script itself. Messages wait in the port until the
// script has loaded and set onmessage.
import { parentPort, workerData } from 'node:worker_threads';

globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
await import(workerData.url);
parentPort.on('message', (data) => globalThis.onmessage({ data }));
