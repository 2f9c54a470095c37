// The matching crypto, off the main thread: blind a slice of inputs and keep the blinds here (they never leave
// this worker), then finalize the server's answers into tags. Loaded only when matching runs.
import { blind, finalize, ready, tagOf } from './oprf.js';

const encoder = new TextEncoder();
const pending = new Map(); // id of the blind message -> {inputs, blinds}
const sodiumReady = ready(); // start compiling libsodium now; a message that arrives first waits for it

self.onmessage = async ({ data }) => {
  const { id, step } = data;
  try {
    await sodiumReady; // if WebAssembly is refused (the CSP), every message gets that error back
    if (step === 'blind') {
      const inputs = data.inputs.map((text) => encoder.encode(text));
      const { blinds, blinded } = blind(inputs);
      pending.set(id, { inputs, blinds });
      self.postMessage({ id, blinded });
    } else if (step === 'finalize') {
      const job = pending.get(data.job);
      pending.delete(data.job);
      const outputs = finalize(job.inputs, job.blinds, data.evaluated);
      self.postMessage({ id, tags: outputs.map(tagOf) });
    }
  } catch (error) {
    pending.delete(id);
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
