// A few matching workers (one per core, at most 4) that blind and finalize slices of a batch in parallel.
const MAX_WORKERS = 4;
let nextId = 0;

/** One request to a worker; rejects, instead of waiting forever, when the worker cannot load or run. */
function call(worker, message) {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    const done = () => {
      worker.removeEventListener('message', listen);
      worker.removeEventListener('error', failed);
    };
    const listen = ({ data }) => {
      if (data.id !== id) return;
      done();
      if (data.error) reject(new Error(data.error));
      else resolve(data);
    };
    const failed = (event) => {
      done();
      reject(new Error(`The matching worker failed: ${event.message || 'it could not load'}`));
    };
    worker.addEventListener('message', listen);
    worker.addEventListener('error', failed);
    worker.postMessage({ ...message, id });
  });
}

/** Start the workers; call close() when matching is done. */
export function cryptoPool(url = '/matching-worker.js') {
  const size = Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 2));
  const workers = Array.from({ length: size }, () => new Worker(url));
  return {
    /**
     * Blind inputs (strings) across the workers. Returns {blinded, finalize(evaluated) -> tags}: the blinds stay
     * in the workers until finalize (or close) uses them.
     */
    async blind(inputs) {
      const per = Math.ceil(inputs.length / workers.length);
      const slices = workers.map((worker, i) => ({ worker, inputs: inputs.slice(i * per, (i + 1) * per) }))
        .filter((slice) => slice.inputs.length);
      const jobs = await Promise.all(slices.map(async ({ worker, inputs: slice }) => {
        const { blinded, id } = await call(worker, { step: 'blind', inputs: slice });
        return { worker, id, blinded };
      }));
      return {
        blinded: jobs.flatMap((job) => job.blinded),
        async finalize(evaluated) {
          let at = 0;
          const parts = await Promise.all(jobs.map((job) => {
            const mine = evaluated.slice(at, at + job.blinded.length);
            at += job.blinded.length;
            return call(job.worker, { step: 'finalize', evaluated: mine, job: job.id });
          }));
          return parts.flatMap((part) => part.tags);
        },
      };
    },
    close() {
      for (const worker of workers) worker.terminate();
    },
  };
}
