// A Web Worker for node tests: node has worker_threads but no global Worker. This runs the real worker script
// (e.g. pwa/lib/matching/worker.js) in a worker thread, with the two things it uses of a worker's global scope,
// self.onmessage and self.postMessage (see worker-bootstrap.mjs), and gives the page side the methods
// pwa/lib/matching/crypto-pool.js uses: postMessage, add/removeEventListener('message'), terminate. As in a page,
// an error in the worker is an 'error' event (kept in `errors`), not the end of the test process.
import { Worker as Thread } from 'node:worker_threads';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

export class Worker {
  static started = [];

  constructor(url) {
    this.url = String(url);
    this.thread = new Thread(BOOTSTRAP, { workerData: { url: this.url }, execArgv: [] });
    this.listeners = new Map();
    this.terminated = false;
    this.errors = [];
    // as in a page, a script that fails is an 'error' event, not the end of the process
    this.thread.on('error', (error) => this.errors.push(error));
    Worker.started.push(this);
  }

  postMessage(data) {
    this.thread.postMessage(data);
  }

  addEventListener(type, listener) {
    if (type !== 'message' && type !== 'error') return;
    const wrapped = type === 'message' ? (data) => listener({ data }) : (error) => listener(error);
    this.listeners.set(listener, wrapped);
    this.thread.on(type, wrapped);
  }

  removeEventListener(type, listener) {
    const wrapped = this.listeners.get(listener);
    if (wrapped) this.thread.off(type, wrapped);
    this.listeners.delete(listener);
  }

  terminate() {
    this.terminated = true;
    this.thread.terminate();
  }
}

/** Make Worker a global, as in a page. */
export function installWorker() {
  Object.defineProperty(globalThis, 'Worker', { value: Worker, configurable: true, writable: true });
  return Worker;
}
