// The only module that touches IndexedDB (STYLE.md, PWA side). Two kinds of database:
//
// - `showroom` (SESSION_DB): one per device. Store `session` (keyPath 'key') holds the record 'current' (who is
//   signed in: token, user, store, language, expires_at, lastSync, flags) and 'device' (the language chosen
//   before anyone signed in).
// - `showroom-<storeCode>-<userId>` (userDbName): one per user and store, so two consultants sharing a tablet
//   never see each other's records. Stores:
//     records  keyPath 'key'             pulled and local records, key as in the pull patch ("customer/<uuid>")
//     outbox   keyPath ['clientID','id'] mutations not yet acknowledged; the key is the sync protocol's identity
//                                        of a mutation (SYNC_PROTOCOL.md), so a retried push can never duplicate
//                                        one, and key order is send order for a client
//     blobs    keyPath 'sha256'          photos and signature images, content-addressed
//     meta     keyPath 'key'             clientID, clientGroupID, nextMutationID, pull cookie
//   version 2:
//     acked    keyPath ['clientID','id'] mutations the server processed whose effect no pull has brought yet:
//                                        never resent, not pending, still applied to the view (no flicker
//                                        back to the old value between a push and the next pull)
//     rejections keyPath ['clientID','id'] mutations the server refused, with its error, for a person to read
//   version 3:
//     drafts   keyPath 'key'             local-only working state that must survive a reload but is not (yet) a
//                                        valid record: the step of a handover, a ✗ waiting for its photo,
//                                        signature strokes, what was sealed ("delivery/<uuid>")
//
// The view a screen shows = server truth (`records`, exactly as pulled) + acked + outbox replayed on top
// (rebase.js), so a pull never overwrites what is still pending.
//
// Upgrades are additive steps keyed on oldVersion: a later version adds stores or indexes and never deletes a
// store that may hold user data (an unsent mutation is a customer's signature or a test-drive record).
// No function here awaits the network inside a transaction: IndexedDB commits a transaction as soon as it has no
// pending request, so an awaited fetch would make the next request throw TransactionInactiveError.

import { openDB } from '../../vendor/idb-8.0.4.js';

const SESSION_DB = 'showroom';
const SESSION_DB_VERSION = 1;
const USER_DB_VERSION = 3;

let sessionDbPromise = null;
const userDbs = new Map();

/** Close our connection when another tab opens a newer version, so its upgrade is never blocked by us. */
function closeOnVersionChange(name, forget) {
  return {
    blocking(_currentVersion, _blockedVersion, event) {
      event.target.close();
      forget(name);
    },
    terminated() {
      forget(name);
    },
  };
}

function sessionDb() {
  if (!sessionDbPromise) {
    sessionDbPromise = openDB(SESSION_DB, SESSION_DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('session', { keyPath: 'key' });
        }
      },
      ...closeOnVersionChange(SESSION_DB, () => { sessionDbPromise = null; }),
    });
  }
  return sessionDbPromise;
}

/** The name of the database of one user in one store. */
export function userDbName(storeCode, userId) {
  return `showroom-${storeCode}-${userId}`;
}

/** Open (creating or upgrading) the database of one user in one store; connections are reused. */
export function openUserDb(storeCode, userId) {
  const name = userDbName(storeCode, userId);
  if (!userDbs.has(name)) {
    userDbs.set(name, openDB(name, USER_DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('records', { keyPath: 'key' });
          db.createObjectStore('outbox', { keyPath: ['clientID', 'id'] });
          db.createObjectStore('blobs', { keyPath: 'sha256' });
          db.createObjectStore('meta', { keyPath: 'key' });
        }
        if (oldVersion < 2) {
          db.createObjectStore('acked', { keyPath: ['clientID', 'id'] });
          db.createObjectStore('rejections', { keyPath: ['clientID', 'id'] });
        }
        if (oldVersion < 3) {
          db.createObjectStore('drafts', { keyPath: 'key' });
        }
        // Version 4 and later: add `if (oldVersion < 4) { ... }` here; never delete a store with user data.
      },
      ...closeOnVersionChange(name, (gone) => userDbs.delete(gone)),
    }));
  }
  return userDbs.get(name);
}

/** The signed-in session of this device, or undefined when nobody is signed in. */
export async function getSession() {
  return (await sessionDb()).get('session', 'current');
}

/** Store the signed-in session (token, user, store, language, expires_at, lastSync, flags). */
export async function saveSession(session) {
  const record = { ...session, key: 'current' };
  await (await sessionDb()).put('session', record);
  return record;
}

/** Merge changes (an object, or a function of the current session) into the session in one transaction. */
export async function updateSession(changes) {
  const db = await sessionDb();
  const tx = db.transaction('session', 'readwrite');
  const current = await tx.store.get('current');
  const patch = current && typeof changes === 'function' ? changes(current) : changes;
  const next = current ? { ...current, ...patch, key: 'current' } : undefined;
  if (next) {
    await tx.store.put(next);
  }
  await tx.done;
  return next;
}

/** Forget who is signed in on this device; the user's own database (records, outbox) is kept. */
export async function clearSession() {
  await (await sessionDb()).delete('session', 'current');
}

/** Device-wide preferences that outlive a session (the language of the sign-in screen). */
export async function getDevicePrefs() {
  return (await (await sessionDb()).get('session', 'device')) || { key: 'device' };
}

/** Merge `changes` into the device-wide preferences. */
export async function setDevicePrefs(changes) {
  const db = await sessionDb();
  const tx = db.transaction('session', 'readwrite');
  const current = (await tx.store.get('device')) || { key: 'device' };
  const next = { ...current, ...changes, key: 'device' };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** How many mutations of this user wait in the outbox (0 when nobody is signed in). */
export async function pendingCount(session) {
  if (!session || !session.user || !session.store) {
    return 0;
  }
  const db = await openUserDb(session.store.code, session.user.id);
  return db.count('outbox');
}

/** Read one bookkeeping value of a user database. */
export async function getMeta(db, key) {
  const entry = await db.get('meta', key);
  return entry ? entry.value : undefined;
}

/** Write one bookkeeping value of a user database. */
export async function setMeta(db, key, value) {
  await db.put('meta', { key, value });
}

// ---- The sync engine's storage (SYNC_PROTOCOL.md). Every function below runs whole transactions and awaits
// nothing but IndexedDB inside them; sync.js does the network between them.

const SYNC_STORES = ['records', 'outbox', 'acked', 'rejections', 'meta'];

/** This install's sync identity: {clientGroupID, clientID}, made once (in one transaction) and kept in meta. */
export async function syncIdentity(db) {
  const tx = db.transaction('meta', 'readwrite');
  const read = async (key) => (await tx.store.get(key) || {}).value;
  let clientGroupID = await read('clientGroupID');
  let clientID = await read('clientID');
  if (!clientGroupID) {
    clientGroupID = crypto.randomUUID();
    await tx.store.put({ key: 'clientGroupID', value: clientGroupID });
  }
  if (!clientID) {
    clientID = crypto.randomUUID();
    await tx.store.put({ key: 'clientID', value: clientID });
  }
  await tx.done;
  return { clientGroupID, clientID };
}

/** Queue a mutation with this client's next id (1, 2, 3… with no gaps: read and written in one transaction). */
export async function enqueueMutation(db, name, args) {
  return (await enqueueMutations(db, [[name, args]]))[0];
}

/**
 * Queue `mutations` ([name, args] pairs, in order, with this client's next ids), keep `blobs` ({sha256, type, blob},
 * as saveBlob) and merge `draft` ({key, changes}, as updateDraft) in ONE transaction: a seal (the record's put, its
 * signature images, the sign, what the draft remembers) is kept whole or not at all. Every read is issued at once,
 * then every write: IndexedDB keeps their order, and a busy page waits for two round trips, not one per request.
 */
export async function enqueueMutations(db, mutations, { blobs = [], draft = null } = {}) {
  const { clientID } = await syncIdentity(db);
  const names = ['outbox', 'meta', ...(blobs.length ? ['blobs'] : []), ...(draft ? ['drafts'] : [])];
  const tx = db.transaction(names, 'readwrite');
  const outbox = tx.objectStore('outbox');
  const meta = tx.objectStore('meta');
  const [stored, last, kept, current] = await Promise.all([
    meta.get('nextMutationID'),
    // The outbox itself is the floor too: ids are never reused, even if the counter were lost.
    outbox.openKeyCursor(IDBKeyRange.bound([clientID, 0], [clientID, Infinity]), 'prev'),
    Promise.all(blobs.map((entry) => tx.objectStore('blobs').getKey(entry.sha256))),
    draft ? tx.objectStore('drafts').get(draft.key) : null,
  ]);
  const first = Math.max((stored || { value: 1 }).value, last ? last.key[1] + 1 : 1);
  const queued = mutations.map(([name, args], n) => ({ clientID, id: first + n, name, args,
    deviceTime: deviceTime() }));
  const writes = [];
  try {
    for (const mutation of queued) {
      writes.push(outbox.add(mutation));
    }
    writes.push(meta.put({ key: 'nextMutationID', value: first + queued.length }));
    const fresh = new Map(blobs.filter((_entry, n) => kept[n] === undefined).map((entry) => [entry.sha256, entry]));
    for (const { sha256, type, blob } of fresh.values()) {
      writes.push(tx.objectStore('blobs').put({ sha256, type, blob, size: blob.size, uploaded: false }));
    }
    if (draft) {
      writes.push(tx.objectStore('drafts').put(mergedDraft(current, draft.key, draft.changes)));
    }
  } catch (error) {
    tx.abort(); // a value IndexedDB cannot store (DataCloneError): keep none of the writes issued before it
    await Promise.allSettled([...writes, tx.done]);
    throw error;
  }
  await Promise.all([...writes, tx.done]);
  return queued;
}

/** The local time with its UTC offset ("2026-11-29T10:14:07.512+08:00"): shown to people, never trusted. */
export function deviceTime(date = new Date()) {
  const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, '0');
  const offset = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
    + `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Up to `limit` unsent mutations in send order (by client, then id). */
export async function readOutbox(db, limit) {
  return db.getAll('outbox', null, limit);
}

/** Everything a screen needs to compute the view of one entity: server truth and the mutations on top of it. */
export async function readEntity(db, entity) {
  const tx = db.transaction(['records', 'acked', 'outbox']);
  const prefix = `${entity}/`;
  const [records, acked, outbox] = await Promise.all([
    tx.objectStore('records').getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`)),
    tx.objectStore('acked').getAll(),
    tx.objectStore('outbox').getAll(),
  ]);
  await tx.done;
  const ours = (m) => m.args && m.args.entity === entity;
  return {
    records: records.map((r) => r.value),
    // Acknowledged ones first: they were sent before anything still in the outbox.
    mutations: [...acked.filter(ours), ...outbox.filter(ours).map((m) => ({ ...m, pending: true }))],
  };
}

/** Every pulled record whose key starts with `prefix` (e.g. 'conflict/'), as the server sent it. */
export async function readRecords(db, prefix) {
  const rows = await db.getAll('records', IDBKeyRange.bound(prefix, `${prefix}\uffff`));
  return rows.map((r) => r.value);
}

/** Record a push response in one transaction: sent mutations leave the outbox, rejected ones are kept apart. */
export async function applyPushResults(db, { results = [], lastMutationIDs = {} }) {
  const tx = db.transaction(['outbox', 'acked', 'rejections'], 'readwrite');
  const outbox = tx.objectStore('outbox');
  const acked = tx.objectStore('acked');
  const rejections = tx.objectStore('rejections');
  const at = new Date().toISOString();
  for (const result of results) {
    const key = [result.clientID, result.id];
    const entry = await outbox.get(key);
    if (!entry) {
      continue;
    }
    const outcome = result.outcome === 'duplicate' && result.original ? result.original : result;
    if (outcome.outcome === 'rejected') {
      await rejections.put({ ...entry, error: outcome.error || {}, at, dismissed: false });
    } else {
      // Kept (not pending, never resent) and still applied to the view until a pull shows its effect.
      await acked.put({ ...entry, outcome: outcome.outcome, version: outcome.version });
    }
    await outbox.delete(key);
  }
  for (const [clientID, last] of Object.entries(lastMutationIDs)) {
    const range = IDBKeyRange.bound([clientID, 0], [clientID, last]);
    for (const entry of await outbox.getAll(range)) {
      await acked.put(entry); // processed, but its result was not in this response
    }
    await outbox.delete(range);
  }
  await tx.done;
}

/** After outOfOrder: renumber this client's outbox from `expected` (the server never saw those ids). */
export async function renumberOutbox(db, clientID, expected) {
  const tx = db.transaction(['outbox', 'meta'], 'readwrite');
  const outbox = tx.objectStore('outbox');
  const range = IDBKeyRange.bound([clientID, 0], [clientID, Infinity]);
  const entries = await outbox.getAll(range);
  if (entries.length && entries[0].id !== expected) {
    await outbox.delete(range);
    let id = expected;
    for (const entry of entries) {
      await outbox.add({ ...entry, id, renumberedFrom: entry.id });
      id += 1;
    }
    await tx.objectStore('meta').put({ key: 'nextMutationID', value: id });
  }
  await tx.done;
}

/** Apply one pulled page and save its cookie in ONE transaction, so a crash can never separate the two. */
export async function applyPullPage(db, page, { reset = false } = {}) {
  const tx = db.transaction(SYNC_STORES, 'readwrite');
  const records = tx.objectStore('records');
  const rejections = tx.objectStore('rejections');
  const writes = [];
  if (reset) {
    writes.push(records.clear());
  }
  for (const op of page.patch || []) {
    if (op.op === 'clear') {
      writes.push(records.clear()); // server truth only: the outbox is replayed on top of the new state
    } else if (op.op === 'put') {
      writes.push(records.put({ key: op.key, value: op.value }));
    } else if (op.op === 'del') {
      writes.push(records.delete(op.key));
    }
  }
  await Promise.all(writes); // issued in patch order; IndexedDB runs them in that order
  for (const op of page.patch || []) {
    if (op.op === 'put' && op.key.startsWith('rejection/')) {
      // A rejection whose push response was lost reaches the tablet this way; keep one entry per mutation.
      const { clientID, mutationID: id, name, args, error } = op.value;
      if (!(await rejections.get([clientID, id]))) {
        await rejections.put({ clientID, id, name, args, error, at: op.value.created_at, dismissed: false });
      }
    }
  }
  for (const [clientID, last] of Object.entries(page.lastMutationIDChanges || {})) {
    const range = IDBKeyRange.bound([clientID, 0], [clientID, last]);
    await tx.objectStore('outbox').delete(range);
    await tx.objectStore('acked').delete(range);
  }
  await tx.objectStore('meta').put({ key: 'cookie', value: page.cookie });
  await tx.done;
}

/** Rejected mutations kept for a person to read (newest first); dismissed ones only when asked. */
export async function readRejections(db, { includeDismissed = false } = {}) {
  const all = await db.getAll('rejections');
  return all.filter((r) => includeDismissed || !r.dismissed).sort((a, b) => String(b.at).localeCompare(a.at));
}

/** Mark a rejection as read by a person (it stays in the database). */
export async function dismissRejection(db, clientID, id) {
  const tx = db.transaction('rejections', 'readwrite');
  const entry = await tx.store.get([clientID, id]);
  if (entry) {
    await tx.store.put({ ...entry, dismissed: true });
  }
  await tx.done;
}

/** Keep a blob (photo, signature) until it is uploaded: {sha256, type, blob}; `uploaded: true` for one that came
 *  from the server (a picture of the presentation content), which is never sent back. */
export async function saveBlob(db, { sha256, type, blob, uploaded = false }) {
  const tx = db.transaction('blobs', 'readwrite');
  if (!(await tx.store.get(sha256))) {
    await tx.store.put({ sha256, type, blob, size: blob.size, uploaded });
  }
  await tx.done;
}

/** Blobs not yet uploaded. */
export async function blobsToUpload(db) {
  return (await db.getAll('blobs')).filter((b) => !b.uploaded);
}

/** Merge `changes` into a blob's entry (uploaded: true, or the last upload error). */
export async function updateBlob(db, sha256, changes) {
  const tx = db.transaction('blobs', 'readwrite');
  const entry = await tx.store.get(sha256);
  if (entry) {
    await tx.store.put({ ...entry, ...changes });
  }
  await tx.done;
}

/** One blob's entry, or undefined. */
export async function getBlob(db, sha256) {
  return db.get('blobs', sha256);
}

/** Forget an uploaded blob that must not stay on the tablet (a licence photo, PIPL); never one still to send. */
export async function forgetUploadedBlob(db, sha256) {
  const tx = db.transaction('blobs', 'readwrite');
  const entry = await tx.store.get(sha256);
  if (entry && entry.uploaded) {
    await tx.store.delete(sha256);
  }
  await tx.done;
  return Boolean(entry && entry.uploaded);
}

/** One local draft ({key, ...}) or an empty one. */
export async function getDraft(db, key) {
  return (await db.get('drafts', key)) || { key };
}

/** Merge `changes` (an object, or a function of the current draft) into a draft in one transaction. */
export async function updateDraft(db, key, changes) {
  const tx = db.transaction('drafts', 'readwrite');
  const next = mergedDraft(await tx.store.get(key), key, changes);
  await tx.store.put(next);
  await tx.done;
  return next;
}

/** Draft `key` (`stored`, or a new one) with `changes` (an object, or a function of the current draft) merged in. */
function mergedDraft(stored, key, changes) {
  const current = stored || { key };
  return { ...current, ...(typeof changes === 'function' ? changes(current) : changes), key };
}
