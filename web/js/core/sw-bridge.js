// Talks to the service worker. Updates are the person's choice: a waiting worker only announces itself, and the
// page reloads only after "Reload" was pressed — never under someone filling a checklist.

let reloadRequested = false;

/** Register /sw.js; calls onUpdate(worker) when a new version waits, onReady() after the very first install. */
export async function registerServiceWorker({ onUpdate, onReady }) {
  if (!('serviceWorker' in navigator)) {
    return null;
  }
  const container = navigator.serviceWorker;
  const firstInstall = !container.controller;

  container.addEventListener('controllerchange', () => {
    if (reloadRequested) {
      window.location.reload();
    } else if (firstInstall) {
      onReady(); // clients.claim() of the first worker: the shell now opens without a network
    }
  });

  const registration = await container.register('/sw.js', { scope: '/' });

  const watch = (worker) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && container.controller) {
        onUpdate(worker);
      }
    });
  };
  if (registration.waiting && container.controller) {
    onUpdate(registration.waiting);
  }
  if (registration.installing) {
    watch(registration.installing);
  }
  registration.addEventListener('updatefound', () => watch(registration.installing));

  // Tablets stay open for days: look for a new version whenever the network comes back.
  window.addEventListener('online', () => registration.update().catch(() => {}));
  return registration;
}

/** Activate the waiting worker; the page reloads once it has taken control. */
export function applyUpdate(worker) {
  reloadRequested = true;
  worker.postMessage({ type: 'SKIP_WAITING' });
}
