// The sync loop (SYNC_PROTOCOL.md): upload blobs, push the outbox, pull until hasMore is false. It runs on app
// start, when the network comes back, when the app becomes visible, ~300 ms after a local write and every 30 s,
// and never relies on Background Sync (Safari has none). One tab at a time per user database: a Web Lock.
// Failures never touch the outbox: 401 asks to sign in again, 426 to update the app, 503 and network errors back
// off and retry.

import { getBytes, OfflineError, putBytes, request } from './api.js';
import { sha256Hex } from './canonical.js';
import {
  applyPullPage, applyPushResults, blobsToUpload, getBlob, getMeta, getSession, openUserDb, pendingCount, readOutbox,
  readRecords, renumberOutbox, saveBlob, syncIdentity, updateBlob, updateSession, userDbName,
} from './db.js';
import { countProblems } from './problems.js';
import { setStatus } from './status.js';

const SCHEMA_VERSION = 1;
const PUSH_BATCH = 500;
const PAGE_SIZE = 500;
const DEBOUNCE_MS = 300;
const PERIOD_MS = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256 = /^[0-9a-f]{64}$/;
const BLOB_FETCHES = 4;

/** Blobs made elsewhere that the tablet must hold to work offline: entity → the SHA-256 references of one pulled
 *  value. They are downloaded after each pull (only those not on the tablet yet) into the blobs store. */
export const PULLED_BLOBS = {
  presentation: (value) => (value.positions || [])
    .flatMap((position) => [position.picture, ...(position.points || []).map((point) => point.picture)]),
};

/** A stop in this cycle: `kind` is 'revoked', 'update', 'refused' or 'retry'. */
class SyncStop extends Error {
  constructor(kind, message, retryAfter = null) {
    super(message || kind);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }
}

let started = false;
let chain = Promise.resolve();
let queued = null;
let debounceTimer = null;
let retryTimer = null;
let failures = 0;
let lastRun = null;
const listeners = new Set();

function check(answer) {
  if (answer.ok) {
    return answer.data;
  }
  const message = answer.data && answer.data.message;
  if (answer.status === 401) {
    throw new SyncStop('revoked', message);
  }
  if (answer.status === 426) {
    throw new SyncStop('update', message);
  }
  if (answer.status === 503 || answer.status >= 500 || answer.status === 429) {
    throw new SyncStop('retry', message, answer.retryAfter);
  }
  throw new SyncStop('refused', message); // 400, 403: a person has to look; the outbox is kept
}

async function uploadBlobs(db, token) {
  for (const blob of await blobsToUpload(db)) {
    const answer = await putBytes(`/api/sync/v1/blobs/${blob.sha256}`, { token, blob: blob.blob, type: blob.type });
    if (answer.ok) {
      await updateBlob(db, blob.sha256, { uploaded: true, error: null });
    } else if ([401, 426].includes(answer.status) || answer.status >= 500) {
      check(answer);
    } else {
      await updateBlob(db, blob.sha256, { error: answer.status }); // 413/415/422: kept, shown, not retried blindly
    }
  }
}

/** Download the blobs pulled records reference and the tablet lacks; each is checked against its hash. A blob
 *  the server does not give (404, wrong bytes) is skipped and tried again next cycle; no network stops here. */
export async function fetchPulledBlobs(db, token) {
  const wanted = new Set();
  for (const [entity, references] of Object.entries(PULLED_BLOBS)) {
    for (const value of await readRecords(db, `${entity}/`)) {
      if (!value.deleted) {
        references(value).filter((sha) => typeof sha === 'string' && SHA256.test(sha)).forEach((sha) => wanted.add(sha));
      }
    }
  }
  const missing = [];
  for (const sha256 of wanted) {
    if (!(await getBlob(db, sha256))) {
      missing.push(sha256);
    }
  }
  let fetched = 0;
  const fetchOne = async (sha256) => {
    const answer = await getBytes(`/api/sync/v1/blobs/${sha256}`, { token });
    if (answer.status === 401) {
      check(answer);
    }
    if (answer.ok && (await sha256Hex(answer.blob)) === sha256) {
      await saveBlob(db, { sha256, type: answer.blob.type, blob: answer.blob, uploaded: true });
      fetched += 1;
    } else {
      console.warn(`sync: blob ${sha256} not fetched (${answer.status})`);
    }
  };
  // A few downloads at a time: the first sync of a store's content is dozens of small pictures.
  const workers = Array.from({ length: Math.min(BLOB_FETCHES, missing.length) }, async () => {
    while (missing.length) {
      await fetchOne(missing.shift());
    }
  });
  await Promise.all(workers);
  return fetched;
}

async function pushAll(db, token, clientGroupID) {
  let sent = 0;
  let size = PUSH_BATCH; // halved while the server answers 413 (a body over its limit), down to one mutation
  for (let round = 0; round < 1000; round += 1) {
    const entries = await readOutbox(db, size);
    // An entry the server could only refuse as a whole batch (400) stays in the outbox, pending and exportable.
    const batch = entries.filter((m) => UUID.test(m.clientID) && Number.isInteger(m.id) && m.id > 0);
    if (!batch.length) {
      return sent;
    }
    const body = {
      clientGroupID,
      schemaVersion: SCHEMA_VERSION,
      mutations: batch.map(({ clientID, id, name, args, deviceTime }) => ({ clientID, id, name, args, deviceTime })),
    };
    const answer = await request('POST', '/api/sync/v1/push', { token, body });
    if (answer.status === 413 && batch.length > 1) {
      size = Math.ceil(batch.length / 2);
      continue;
    }
    const data = check(answer);
    await applyPushResults(db, data);
    sent += data.results.length;
    const outOfOrder = Object.entries(data.outOfOrder || {});
    for (const [clientID, { expected }] of outOfOrder) {
      console.warn(`sync: server expects mutation ${expected} of client ${clientID}; resending from there`);
      await renumberOutbox(db, clientID, expected);
    }
    if (!data.results.length && !outOfOrder.length) {
      return sent; // no progress: never spin
    }
    if (batch.length < size && !outOfOrder.length) {
      return sent;
    }
  }
  return sent;
}

async function pullAll(db, token, clientGroupID, { pageSize = PAGE_SIZE, restart = false } = {}) {
  let cookie = restart ? null : ((await getMeta(db, 'cookie')) ?? null);
  const first = cookie === null;
  let received = 0;
  let pages = 0;
  let hasMore = true;
  if (first) {
    setStatus({ progress: { received, hasMore } });
  }
  try {
    while (hasMore) {
      const body = { clientGroupID, schemaVersion: SCHEMA_VERSION, cookie, limit: pageSize };
      const page = check(await request('POST', '/api/sync/v1/pull', { token, body }));
      await applyPullPage(db, page, { reset: restart && pages === 0 });
      const reset = page.patch.some((op) => op.op === 'clear');
      received += page.patch.filter((op) => op.op !== 'clear').length;
      pages += 1;
      ({ cookie, hasMore } = page);
      if (first || reset) {
        setStatus({ progress: { received, hasMore } }); // a reset downloads everything too: show it
      }
    }
  } finally {
    setStatus({ progress: null });
  }
  return { pages, received, first };
}

async function syncOnce(db, session, options) {
  const { clientGroupID } = await syncIdentity(db);
  const run = { startedAt: new Date().toISOString(), ok: false };
  setStatus({ syncing: true });
  try {
    await uploadBlobs(db, session.token);
    let pushError = null;
    try {
      run.pushed = await pushAll(db, session.token, clientGroupID);
    } catch (error) {
      if (!(error instanceof SyncStop) || error.kind !== 'refused') {
        throw error;
      }
      pushError = error; // the push was refused as a whole; still pull, so the tablet stays up to date
    }
    Object.assign(run, await pullAll(db, session.token, clientGroupID, options));
    run.blobsFetched = await fetchPulledBlobs(db, session.token);
    run.ok = !pushError;
    const now = new Date().toISOString();
    failures = 0;
    setStatus({ lastSync: now, syncError: pushError ? 'refused' : null, syncMessage: pushError && pushError.message });
    await updateSession({ lastSync: now });
  } catch (error) {
    run.error = error instanceof SyncStop ? error.kind : 'offline';
    if (error instanceof SyncStop && error.kind === 'revoked') {
      setStatus({ revoked: true });
      await updateSession({ revoked: true }); // the outbox stays: it is sent after signing in again
    } else if (error instanceof SyncStop && error.kind !== 'retry') {
      setStatus({ syncError: error.kind, syncMessage: error.message });
    } else if (error instanceof SyncStop || error instanceof OfflineError) {
      setStatus({ syncError: error instanceof SyncStop ? 'retry' : null, syncMessage: error.message });
      retryLater(error.retryAfter);
    } else {
      throw error;
    }
  } finally {
    setStatus({ syncing: false, pending: await pendingCount(session), problems: await countProblems(session) });
  }
  return run;
}

function retryLater(retryAfter) {
  failures += 1;
  const backoff = Math.min(60_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(background, retryAfter ? retryAfter * 1000 : backoff);
}

async function cycle(options) {
  const session = await getSession();
  if (!session || session.revoked) {
    return { skipped: 'signed-out' };
  }
  if (!navigator.onLine) {
    setStatus({ online: false, pending: await pendingCount(session) });
    return { skipped: 'offline' };
  }
  const db = await openUserDb(session.store.code, session.user.id);
  const work = () => syncOnce(db, session, options);
  // One pusher per user database across tabs; another tab's run finishes before ours starts.
  const name = `showroom-sync-${userDbName(session.store.code, session.user.id)}`;
  const run = navigator.locks ? await navigator.locks.request(name, work) : await work();
  lastRun = run;
  for (const listener of listeners) {
    listener(run);
  }
  return run;
}

/** Run a sync cycle now (after the one running, if any); resolves with its summary when it is done. */
export function syncNow(options = {}) {
  const plain = !options.pageSize && !options.restart;
  if (plain && queued) {
    return queued; // a cycle that has not started yet will send everything written until it starts
  }
  const run = chain.then(() => {
    if (queued === run) {
      queued = null;
    }
    return cycle(options);
  });
  if (plain) {
    queued = run;
  }
  chain = run.catch(() => {});
  return run;
}

/** Sync ~300 ms after a local write (several quick writes go in one push). */
export function syncSoon() {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(background, DEBOUNCE_MS);
}

/** A cycle nobody waits for: a bug in it is logged, never an unhandled rejection. */
function background() {
  syncNow().catch((error) => console.error('sync failed', error));
}

/** Call `listener(summary)` after every sync cycle (screens redraw from IndexedDB). */
export function onSynced(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Start the loop's triggers (once per page) and sync at once in the background. */
export function startSync() {
  if (!started) {
    started = true;
    window.addEventListener('online', background);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        background();
      }
    });
    setInterval(() => {
      if (document.visibilityState === 'visible') {
        background();
      }
    }, PERIOD_MS);
    // Test and support hook: force a cycle and wait for it; harmless in production.
    window.showroomSync = { now: (options) => syncNow(options), lastRun: () => lastRun };
  }
  background();
}

/** Stop the timers after sign-out (the triggers find no session and do nothing). */
export function stopSync() {
  clearTimeout(debounceTimer);
  clearTimeout(retryTimer);
  failures = 0;
  setStatus({ syncError: null, syncMessage: null, problems: 0, progress: null });
}
