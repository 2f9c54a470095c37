// The sync loop (docs/sync.md, "What the phone must do"): for each of the person's campaigns, push the outbox in
// order, then pull until there is no more. One run at a time; runs at start, when the connection returns, after
// each change and every few minutes, backing off exponentially while it fails. Ops leave the outbox only when
// the server settled them (applied, duplicate or conflict); a rejected op stays, with the server's errors, until
// the volunteer fixes or discards it. Each campaign fails on its own (a 404: the volunteer left it or was removed),
// and the others still sync; being offline, signed out or outdated ends the run. A 426 stops syncing until the app
// is updated; the outbox is kept. stop() ends the loop (signing out) until start().
import { ApiError, syncPull, syncPush } from './api.js';
import { maxBatchBytes, maxOps, protocol, settled } from './constants.gen.js';
import {
  deviceId, lastSynced, markSynced, outboxPage, pendingOps, pullCursor, savePulledPage, settleOps,
} from './db.js';
import { ClockDriftError, decode, receive } from './hlc.js';
import { mergePulled } from './merge.js';
import { onRecordsChange, recordsChanged } from './outbox.js';

const SETTLED = new Set(settled);
const PERIOD_MS = 2 * 60_000;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 5 * 60_000;
const PULL_LIMIT = 200;

/** Wait between failed runs: doubling from 2 s up to 5 min, with jitter so phones do not retry in step. */
export function backoff(failures) {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Why a run failed, as the status names it. */
function problemOf(error) {
  if (error instanceof ClockDriftError) return 'clock';
  if (!(error instanceof ApiError)) return 'server';
  if (error.offline) return 'offline';
  if (error.status === 426) return 'update';
  if (error.status === 401) return 'signedOut';
  return 'server';
}

/** Problems of the whole phone, not of one campaign: the run ends at the first. */
const PHONE_WIDE = new Set(['offline', 'update', 'signedOut']);

/** An error that is not the network's, the server's or the clock's: a bug, worth the console. */
function report(error) {
  if (!(error instanceof ApiError) && !(error instanceof ClockDriftError)) console.error(error);
}

/**
 * @typedef {{syncing: boolean, problem: string | null, pending: number, rejected: object[], lastSynced: number | null}}
 *   SyncStatus
 * @typedef {object} Sync what the screens get (ScreenContext.sync); a typedef, so a misspelt method is an error
 * @property {() => Promise<void>} request
 * @property {() => Promise<void>} refreshStatus
 * @property {() => SyncStatus} status
 * @property {(fn: (status: SyncStatus) => void) => () => void} onStatus
 * @property {() => Promise<void>} start
 * @property {() => Promise<void>} stop
 * @property {() => Promise<void>} idle
 */

/**
 * The sync loop for whoever session() names: {userId, campaignIds}, or null while nobody is signed in.
 * Status listeners get {syncing, problem, pending, rejected, lastSynced}: problem is null, 'offline', 'server',
 * 'clock', 'update' or 'signedOut' (when campaigns failed differently, the first one's); rejected lists the ops the
 * server refused, with their errors.
 * @returns {Sync}
 */
export function createSync({ session }) {
  let running = null;
  let again = false;
  let timer = null;
  let failures = 0;
  let stopped = false; // by stop(), until start()
  let outdated = false; // a 426: this app cannot sync any more
  let unlisten = null;
  let status = { syncing: false, problem: null, pending: 0, rejected: [], lastSynced: null };
  const listeners = new Set();

  function emit(changes) {
    status = { ...status, ...changes };
    for (const fn of listeners) fn(status);
  }

  /** Re-read what is waiting on this phone. */
  async function refreshStatus() {
    const who = session();
    if (!who) return emit({ pending: 0, rejected: [], lastSynced: null });
    const ops = await pendingOps(who.userId);
    emit({ pending: ops.length, rejected: ops.filter((op) => op.rejected),
      lastSynced: (await lastSynced(who.userId)) ?? null });
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = stopped || outdated ? null : setTimeout(request, ms);
  }

  async function runOnce() {
    const who = session();
    if (!who || stopped || outdated) return;
    if (!navigator.onLine) { // the 'online' event starts the next run
      emit({ problem: 'offline' });
      return;
    }
    emit({ syncing: true });
    try {
      await syncCampaigns(who);
      if (stopped) return; // stopped meanwhile (signing out): nothing more is written
      failures = 0;
      await markSynced(who.userId, Date.now());
      emit({ problem: null });
      schedule(PERIOD_MS);
    } catch (error) {
      const problem = problemOf(error);
      emit({ problem });
      if (problem === 'update') outdated = true; // keep everything, ask for an update
      if (problem === 'signedOut' || problem === 'update') clearTimeout(timer);
      else schedule(backoff(++failures));
      report(error);
    } finally {
      emit({ syncing: false });
      await refreshStatus();
    }
  }

  /**
   * Push then pull each campaign. One campaign's failure does not keep the others from syncing: it is thrown once
   * they all had their turn (the first such failure; later ones go to the console if they are bugs). A problem of
   * the whole phone is thrown at once.
   */
  async function syncCampaigns({ userId, campaignIds }) {
    let failed = null;
    for (const campaignId of campaignIds) {
      if (stopped) return;
      try {
        await push(userId, campaignId);
        await pull(userId, campaignId);
      } catch (error) {
        if (PHONE_WIDE.has(problemOf(error))) throw error;
        if (failed) report(error);
        else failed = error;
      }
    }
    if (failed) throw failed;
  }

  /** Sync now, or right after the run in progress; resolves when done. Never rejects. Does nothing once stopped. */
  function request() {
    if (stopped) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /** Push this campaign's ops, at most maxOps and maxBatchBytes a request, each op once a run (a rejected one is
   * retried next run). */
  async function push(userId, campaignId) {
    const device = await deviceId();
    let after = '';
    while (!stopped) {
      const ops = fitting(await outboxPage(userId, campaignId, after, maxOps));
      if (!ops.length) return;
      const { results } = await syncPush(campaignId, { protocol, device_id: device, ops: ops.map(wire) });
      await settle(ops, results);
      after = ops.at(-1).hlc;
    }
  }

  /** Apply the server's results, matched by position: settled ops leave, rejected ones stay with their errors. */
  async function settle(ops, results) {
    const verdicts = [];
    for (const [i, op] of ops.entries()) {
      const result = results[i];
      if (!result || (result.op_id && result.op_id !== op.op_id)) continue; // not a result for this op: keep it
      if (SETTLED.has(result.status)) verdicts.push({ op, version: result.version });
      else if (result.status === 'rejected') {
        verdicts.push({ op, rejected: { errors: result.errors ?? {}, codes: result.codes ?? {}, at: Date.now() } });
      }
    }
    await settleOps(verdicts);
    recordsChanged();
  }

  /** Pull this campaign's changes into the local records, page by page, each page in one transaction. */
  async function pull(userId, campaignId) {
    let cursor = (await pullCursor(userId, campaignId)) ?? '';
    while (!stopped) {
      const page = await syncPull(campaignId, { protocol, cursor, limit: PULL_LIMIT });
      if (stopped) return; // signing out: a page of theirs must not land after their data is deleted
      const now = Date.now();
      await savePulledPage(userId, campaignId, { changes: page.changes, voters: Object.values(page.voters ?? {}),
        cursor: page.cursor }, {
        observe(clock) { // throws ClockDriftError: nothing of this page is kept
          let seen = clock;
          for (const change of page.changes) {
            for (const s of [...Object.values(change.stamps), change.deleted_stamp]) {
              if (s) seen = receive(seen, decode(s), now);
            }
          }
          return seen;
        },
        merge: mergePulled,
      });
      cursor = page.cursor;
      if (page.changes.length) recordsChanged(); // what is on screen may have changed
      if (!page.more) return;
    }
  }

  const onOnline = () => {
    failures = 0;
    request();
  };
  const onOffline = () => emit({ problem: 'offline' });
  const onVisible = () => {
    if (document.visibilityState === 'visible') request();
  };

  return {
    request,
    refreshStatus,
    status: () => status,
    /** Run fn with each new status; returns a function that stops it. */
    onStatus(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Listen for the connection, the page coming back and local changes; then sync. */
    start() {
      stopped = false;
      addEventListener('online', onOnline);
      addEventListener('offline', onOffline);
      document.addEventListener('visibilitychange', onVisible);
      unlisten ??= onRecordsChange(refreshStatus);
      if (!navigator.onLine) emit({ problem: 'offline' });
      return request();
    },
    /**
     * Stop the loop: the planned run is cancelled, the listeners removed, and request() does nothing until start().
     * A run in progress ends after the request it is waiting for; resolves when it has.
     */
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = null;
      removeEventListener('online', onOnline);
      removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      unlisten?.();
      unlisten = null;
      return running ?? Promise.resolve();
    },
    /** Wait for the run in progress, if any. */
    idle: () => running ?? Promise.resolve(),
  };
}

/** The first ops, in order, whose request body stays within maxBatchBytes; always at least one, which always fits
 * (the longest op the entities allow is a few dozen kilobytes). */
export function fitting(ops) {
  const encoder = new TextEncoder();
  let bytes = 200; // the envelope: protocol, device id
  let count = 0;
  for (const op of ops) {
    bytes += encoder.encode(JSON.stringify(wire(op))).length + 1;
    if (count && bytes > maxBatchBytes) break;
    count += 1;
  }
  return ops.slice(0, count);
}

/** An outbox entry as the wire format has it (docs/sync.md, Push). */
function wire({ op_id, entity, entity_id, action, fields, hlc }) {
  return action === 'delete' ? { op_id, entity, entity_id, action, hlc }
    : { op_id, entity, entity_id, action, fields, hlc };
}
