// What the status badge shows, in one place: connection, pending changes, last sync, sync progress and errors,
// and how many problems need a person. The network layer, the session code and the sync loop write it; the header
// re-renders on every change.

const state = {
  online: navigator.onLine,
  pending: 0,
  lastSync: null,
  revoked: false,
  syncing: false,
  progress: null, // first sync: {received, hasMore}
  syncError: null, // 'retry' (server busy, backing off), 'update' (426), 'refused' (400/403), or null
  syncMessage: null, // the server's message for syncError, in the person's language
  problems: 0, // rejections and open conflicts that need a person
};
const listeners = new Set();

/** A copy of the current status. */
export function getStatus() {
  return { ...state };
}

/** Merge `changes` into the status and tell every listener when something actually changed. */
export function setStatus(changes) {
  let changed = false;
  for (const [name, value] of Object.entries(changes)) {
    if (state[name] !== value) {
      state[name] = value;
      changed = true;
    }
  }
  if (changed) {
    for (const listener of listeners) {
      listener(getStatus());
    }
  }
}

/** Call `listener(status)` after every change; returns a function that stops it. */
export function onStatus(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Follow the browser's online/offline events; a failed request also marks the tablet offline (api.js). */
export function watchConnection(onBackOnline) {
  window.addEventListener('offline', () => setStatus({ online: false }));
  window.addEventListener('online', () => {
    setStatus({ online: true });
    onBackOnline();
  });
}
