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
//     meta     keyPath 'key'             clientID, pull cookie and other bookkeeping
//
// Upgrades are additive steps keyed on oldVersion: a later version adds stores or indexes and never deletes a
// store that may hold user data (an unsent mutation is a customer's signature or a test-drive record).
// No function here awaits the network inside a transaction: IndexedDB commits a transaction as soon as it has no
// pending request, so an awaited fetch would make the next request throw TransactionInactiveError.

import { openDB } from '../vendor/idb-8.0.4.js';

const SESSION_DB = 'showroom';
const SESSION_DB_VERSION = 1;
const USER_DB_VERSION = 1;

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
        // Version 2 and later: add `if (oldVersion < 2) { ... }` here; never delete a store with user data.
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
