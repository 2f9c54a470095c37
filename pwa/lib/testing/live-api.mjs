// The real Kin API for the node tests that talk to a server. tests/pwa/test_js_units.py starts one for the whole
// `node --test` run and passes what it made as the JSON of KIN_TEST_API (see tests/pwa/node_api.py); a bare
// `node --test` starts one of its own per test file the same way, so these tests never skip.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let started = null;

function startServer() {
  const venv = `${ROOT}.venv/bin/python`;
  const child = spawn(existsSync(venv) ? venv : 'python3', ['-m', 'tests.pwa.node_api'], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let log = '';
    child.on('error', reject);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
    });
    child.on('exit', (code) => reject(new Error(`tests/pwa/node_api.py exited with ${code} before serving:\n${log}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      child.removeAllListeners('exit');
      child.stdout.destroy();
      // it serves until its standard input closes, which happens when this test process exits
      child.unref();
      child.stdin.unref();
      child.stderr.removeAllListeners('data');
      child.stderr.resume(); // its request log, read and dropped
      child.stderr.unref();
      resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
  });
}

/** {url, sync, match, quota, max_per_call, buckets_per_call}: see tests/pwa/node_api.py. */
export function liveApi() {
  started ??= process.env.KIN_TEST_API ? Promise.resolve(JSON.parse(process.env.KIN_TEST_API)) : startServer();
  return started;
}

/** A new e-mail address, so that each test file (and test) has people of its own. */
export function newEmail(label) {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.org`;
}

export const PASSWORD = 'correct horse battery staple';
